// IPv6: extension headers, fragments (unsupported), malformed headers.
#include <gtest/gtest.h>

#include "decode/frame_builder.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace ipv6_test {

using namespace flowdex::testing;

TEST(Ipv6Decode, PlainTcp) {
    Decoder d;
    Bytes f = eth(0x86dd, ipv6(ip6(1), ip6(2), 6, tcp(40000, 443, 1, 0, tcpflag::kSyn, text("xy")), 33));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Tcp);
    EXPECT_TRUE(p.v6);
    EXPECT_EQ(p.ipOffset, 14);
    EXPECT_EQ(p.l4Offset, 54);
    EXPECT_EQ(p.payloadOffset, 74);
    EXPECT_EQ(p.payloadLen, 2u);
    EXPECT_EQ(p.ttl, 33);
    EXPECT_EQ(p.ipProtocol, 6);
    EXPECT_EQ(p.firstEthertype, 0x86dd);
}

TEST(Ipv6Decode, ExtensionHeadersAreWalked) {
    Decoder d;
    Bytes l4 = udp(5000, 53, text("abcd"));
    // hop-by-hop (8) → destination options (16) → routing (24) → UDP
    Bytes chain = ipv6_ext(60, 8, ipv6_ext(43, 16, ipv6_ext(17, 24, l4)));
    Bytes f = eth(0x86dd, ipv6(ip6(1), ip6(2), 0, chain));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Udp);
    EXPECT_EQ(p.ipProtocol, 17);
    EXPECT_EQ(p.l4Offset, 14 + 40 + 8 + 16 + 24);
    EXPECT_EQ(p.payloadLen, 4u);
    EXPECT_EQ(p.dstPort, 53);
}

TEST(Ipv6Decode, ExtensionHeaderPastTheEndIsCorruptIp) {
    Decoder d;
    // A hop-by-hop header claiming 64 bytes inside an 8-byte payload.
    Bytes ext{17, 7, 0, 0, 0, 0, 0, 0};
    Bytes f = eth(0x86dd, ipv6(ip6(1), ip6(2), 0, ext));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::OtherIp);
    EXPECT_STREQ(p.kindName, "corrupt-ip");
    EXPECT_TRUE(p.v6);
}

TEST(Ipv6Decode, FragmentHeaderIsUnsupported) {
    Decoder d;
    Bytes fragHdr{17, 0, 0x00, 0x01, 0, 0, 0, 1};
    Bytes f = eth(0x86dd, ipv6(ip6(1), ip6(2), 44, cat({fragHdr, udp(1, 2, text("abc"))})));
    Packet p = packet_of(f);
    EXPECT_NE(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(d.last_outcome(), Outcome::Unsupported);
    EXPECT_EQ(p.kind, SessionKind::None);
}

TEST(Ipv6Decode, PayloadLengthBeyondCaptureIsDropped) {
    Decoder d;
    Bytes f = eth(0x86dd, ipv6(ip6(1), ip6(2), 17, udp(1, 2, text("abcdef"))));
    f.resize(f.size() - 3);
    Packet p = packet_of(f);
    EXPECT_EQ(d.decode(p), PacketRC::Corrupt);
    EXPECT_EQ(p.kind, SessionKind::None);
    EXPECT_EQ(p.ipOffset, -1);
}

TEST(Ipv6Decode, ShortHeaderAndWrongVersion) {
    Decoder d;
    Bytes f = eth(0x86dd, zeros(39, 0x60));
    Packet p = packet_of(f);
    EXPECT_EQ(d.decode(p), PacketRC::Corrupt);
    EXPECT_EQ(d.last_outcome(), Outcome::Truncated);

    Bytes g = eth(0x86dd, ipv6(ip6(1), ip6(2), 17, udp(1, 2, text("a"))));
    g[14] = 0x40;
    Packet q = packet_of(g);
    EXPECT_EQ(d.decode(q), PacketRC::Corrupt);
    EXPECT_EQ(d.last_outcome(), Outcome::BadHeader);
}

TEST(Ipv6Decode, Icmpv6AndIcmpOnWrongFamily) {
    Decoder d;
    Bytes f = eth(0x86dd, ipv6(ip6(1), ip6(2), 58, icmp(128, 0)));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Icmp);
    EXPECT_EQ(p.l4Offset, 54);
    EXPECT_EQ(p.payloadLen, 8u);

    // ICMPv4 carried over IPv6 is malformed: kept as corrupt-ip on the pair.
    Bytes g = eth(0x86dd, ipv6(ip6(1), ip6(2), 1, icmp(8, 0)));
    Packet q = packet_of(g);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    EXPECT_EQ(q.kind, SessionKind::OtherIp);
    EXPECT_STREQ(q.kindName, "corrupt-ip");
}

TEST(Ipv6Decode, Ipv4InIpv6) {
    Decoder d;
    Bytes inner = ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 6, tcp(1, 2, 3, 0, tcpflag::kSyn));
    Bytes f = eth(0x86dd, ipv6(ip6(1), ip6(2), 4, inner));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Tcp);
    EXPECT_FALSE(p.v6);
    EXPECT_TRUE(p.outerv6);
    EXPECT_EQ(p.outerIpOffset, 14);
    EXPECT_EQ(p.ipOffset, 54);
}

}  // namespace ipv6_test
}  // namespace flowdex::decode
