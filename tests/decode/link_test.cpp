// pcap link types other than Ethernet: NULL, raw, SLL, SLL2, NFLOG, frame relay, unknown.
#include <gtest/gtest.h>

#include "decode/frame_builder.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace link_test {

using namespace flowdex::testing;

Bytes tcp4() {
    return ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 6, tcp(40000, 80, 1, 0, tcpflag::kSyn));
}
Bytes udp6() {
    return ipv6(ip6(1), ip6(2), 17, udp(5000, 53, text("query!")));
}

void expect_tcp4_at(const Packet& p, int32_t ipOffset) {
    EXPECT_EQ(p.kind, SessionKind::Tcp);
    EXPECT_EQ(p.ipOffset, ipOffset);
    EXPECT_EQ(p.l4Offset, ipOffset + 20);
    EXPECT_EQ(p.etherOffset, -1);
    EXPECT_FALSE(p.v6);
    EXPECT_EQ(p.dstPort, 80);
}

TEST(LinkDecode, NullIpv4AndIpv6) {
    Decoder d;
    Bytes f4 = null_link(2, tcp4());
    Packet p = packet_of(f4, 0);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_tcp4_at(p, 4);
    EXPECT_FALSE(p.haveEthertype);

    Bytes f6 = null_link(30, udp6());
    Packet q = packet_of(f6, 0);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    EXPECT_EQ(q.kind, SessionKind::Udp);
    EXPECT_TRUE(q.v6);
    EXPECT_EQ(q.ipOffset, 4);
    EXPECT_EQ(q.l4Offset, 44);
    EXPECT_EQ(q.payloadLen, 6u);
}

TEST(LinkDecode, NullTooShortIsCorrupt) {
    Decoder d;
    Bytes f = null_link(2, {});
    Packet p = packet_of(f, 0);
    EXPECT_EQ(d.decode(p), PacketRC::Corrupt);
    EXPECT_EQ(d.last_outcome(), Outcome::Truncated);
}

TEST(LinkDecode, Raw228And229And101) {
    Decoder d;
    Bytes v4 = tcp4(), v6 = udp6();
    Packet a = packet_of(v4, 228);
    ASSERT_EQ(d.decode(a), PacketRC::DoProcess);
    expect_tcp4_at(a, 0);

    Packet b = packet_of(v6, 229);
    ASSERT_EQ(d.decode(b), PacketRC::DoProcess);
    EXPECT_TRUE(b.v6);
    EXPECT_EQ(b.kind, SessionKind::Udp);
    EXPECT_EQ(b.ipOffset, 0);

    // 101 chooses by the version nibble.
    Packet c = packet_of(v6, 101);
    ASSERT_EQ(d.decode(c), PacketRC::DoProcess);
    EXPECT_TRUE(c.v6);
    Packet e = packet_of(v4, 101);
    ASSERT_EQ(d.decode(e), PacketRC::DoProcess);
    expect_tcp4_at(e, 0);

    // 228 forces IPv4: IPv6 bytes there fail the version check.
    Packet wrong = packet_of(v6, 228);
    EXPECT_EQ(d.decode(wrong), PacketRC::Corrupt);
    EXPECT_EQ(wrong.kind, SessionKind::None);

    Bytes empty;
    Packet none = packet_of(empty, 101);
    EXPECT_EQ(d.decode(none), PacketRC::Corrupt);
}

TEST(LinkDecode, LinuxSll) {
    Decoder d;
    Bytes f = sll(0x0800, tcp4());
    Packet p = packet_of(f, 113);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_tcp4_at(p, 16);

    Bytes g = sll(0x86dd, udp6(), 4);  // outgoing
    Packet q = packet_of(g, 113);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    EXPECT_TRUE(q.v6);
    EXPECT_EQ(q.ipOffset, 16);
}

TEST(LinkDecode, LinuxSllWithVlanProtocol) {
    Decoder d;
    Bytes f = sll(0x8100, cat({Bytes{0x00, 0x64, 0x08, 0x00}, tcp4()}));
    Packet p = packet_of(f, 113);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_tcp4_at(p, 20);
}

TEST(LinkDecode, LinuxSllWithBadPacketTypeIsRawIpv4) {
    Decoder d;
    Bytes f = tcp4();  // starts 0x45: not an SLL packet type
    Packet p = packet_of(f, 113);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_tcp4_at(p, 0);
}

TEST(LinkDecode, LinuxSllTruncated) {
    Decoder d;
    Bytes f = sll(0x0800, {});
    f.resize(12);
    Packet p = packet_of(f, 113);
    EXPECT_EQ(d.decode(p), PacketRC::Corrupt);
    EXPECT_EQ(d.last_outcome(), Outcome::Truncated);
}

TEST(LinkDecode, LinuxSll2) {
    Decoder d;
    Bytes f = sll2(0x0800, tcp4());
    Packet p = packet_of(f, 276);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_tcp4_at(p, 20);

    Bytes g(f.begin(), f.begin() + 19);
    Packet q = packet_of(g, 276);
    EXPECT_EQ(d.decode(q), PacketRC::Corrupt);
}

TEST(LinkDecode, NflogPayloadTlv) {
    Decoder d;
    Bytes f = nflog(2, tcp4());
    Packet p = packet_of(f, 239);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_tcp4_at(p, 16);  // 4-byte header, an 8-byte TLV, the payload TLV header

    Bytes g = nflog(10, udp6());
    Packet q = packet_of(g, 239);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    EXPECT_TRUE(q.v6);
    EXPECT_EQ(q.ipOffset, 16);
    EXPECT_EQ(q.payloadLen, 6u);
}

TEST(LinkDecode, NflogBadFamilyOrTlvIsCorrupt) {
    Decoder d;
    Bytes f = nflog(7, tcp4());
    Packet p = packet_of(f, 239);
    EXPECT_EQ(d.decode(p), PacketRC::Corrupt);
    EXPECT_EQ(p.kind, SessionKind::None);

    // A TLV length under 4 stops the walk: no payload found.
    Bytes g = nflog(2, tcp4());
    g[4] = 2;
    g[5] = 0;
    Packet q = packet_of(g, 239);
    EXPECT_EQ(d.decode(q), PacketRC::Corrupt);

    // A payload TLV whose length runs past the end.
    Bytes h = nflog(2, tcp4());
    h[12] = 0xff;
    h[13] = 0x0f;
    Packet r = packet_of(h, 239);
    EXPECT_EQ(d.decode(r), PacketRC::Corrupt);
}

TEST(LinkDecode, FrameRelay) {
    Decoder d;
    Bytes f = frame_relay(0x03cc, tcp4());
    Packet p = packet_of(f, 107);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_tcp4_at(p, 4);

    Bytes g = frame_relay(0x0800, tcp4());
    Packet q = packet_of(g, 107);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    expect_tcp4_at(q, 4);

    Bytes h = frame_relay(0x86dd, udp6());
    Packet r = packet_of(h, 107);
    ASSERT_EQ(d.decode(r), PacketRC::DoProcess);
    EXPECT_TRUE(r.v6);

    Bytes cut{0x18, 0x41, 0x03};
    Packet s = packet_of(cut, 107);
    EXPECT_EQ(d.decode(s), PacketRC::Corrupt);
}

TEST(LinkDecode, RadiotapDataFrameWithSnap) {
    Decoder d;
    Bytes f = radiotap(0x0800, tcp4());
    Packet p = packet_of(f, 127);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_tcp4_at(p, 18 + 24 + 8);
    EXPECT_EQ(p.ethertype, 0x0800);

    Bytes f6 = radiotap(0x86dd, udp6(), 0x08, 36);
    Packet q = packet_of(f6, 127);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    EXPECT_TRUE(q.v6);
    EXPECT_EQ(q.ipOffset, 36 + 24 + 8);
}

TEST(LinkDecode, RadiotapOtherFramesAreNotSessions) {
    Decoder d;
    // QoS data (0x88), a management frame, a non-zero SNAP OUI, a non-zero radiotap version, too short.
    for (const Bytes& f : {radiotap(0x0800, tcp4(), 0x88), radiotap(0x0800, tcp4(), 0x80),
                           radiotap(0x0800, tcp4(), 0x08, 18, 0x00000c)}) {
        Packet p = packet_of(f, 127);
        EXPECT_NE(d.decode(p), PacketRC::DoProcess);
        EXPECT_EQ(p.kind, SessionKind::None);
    }
    Bytes bad = radiotap(0x0800, tcp4());
    bad[0] = 1;
    Packet p = packet_of(bad, 127);
    EXPECT_NE(d.decode(p), PacketRC::DoProcess);
    Bytes shortFrame = radiotap(0x0800, {});
    Packet s = packet_of(shortFrame, 127, 0, 35);
    EXPECT_NE(d.decode(s), PacketRC::DoProcess);
    EXPECT_EQ(d.stats().get(Outcome::Ok), 0u);
}

TEST(LinkDecode, UnknownLinkTypeIsCountedNotSession) {
    Decoder d;
    Bytes f = tcp4();
    Packet p = packet_of(f, 147);
    EXPECT_EQ(d.decode(p), PacketRC::Corrupt);
    EXPECT_EQ(d.last_outcome(), Outcome::UnknownLink);
    EXPECT_EQ(p.kind, SessionKind::None);
    EXPECT_EQ(d.stats().get(Outcome::UnknownLink), 1u);
}

}  // namespace link_test
}  // namespace flowdex::decode
