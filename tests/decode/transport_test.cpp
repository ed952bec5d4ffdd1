// Transport and other IP protocols: TCP, UDP (DHCP key modes), ICMP, SCTP, ESP/AH, IGMP and friends.
#include <gtest/gtest.h>

#include "decode/frame_builder.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace transport_test {

using namespace flowdex::testing;

Bytes over_ip4(uint8_t proto, const Bytes& payload) {
    return eth(0x0800, ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), proto, payload));
}

TEST(TcpDecode, ImpossibleDataOffsetKeepsPacketWithoutPayload) {
    Decoder d;
    Bytes seg = tcp(1, 2, 3, 4, tcpflag::kAck, text("data"));
    seg[12] = 0xf0;  // 60-byte header in a 24-byte segment
    Bytes f = over_ip4(6, seg);
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Tcp);
    EXPECT_EQ(p.payloadLen, 0u);
    EXPECT_EQ(p.payloadOffset, static_cast<int32_t>(f.size()));

    seg[12] = 0x40;  // 16 bytes: below the minimum
    Bytes g = over_ip4(6, seg);
    Packet q = packet_of(g);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    EXPECT_EQ(q.payloadLen, 0u);
}

TEST(TcpDecode, OptionsMoveThePayload) {
    Decoder d;
    Bytes seg = tcp(1, 2, 3, 4, tcpflag::kAck);
    seg[12] = 0x60;
    Bytes withOpts = cat({seg, Bytes{1, 1, 1, 0}, text("PAY")});
    Bytes f = over_ip4(6, withOpts);
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.payloadOffset, 34 + 24);
    EXPECT_EQ(p.payloadLen, 3u);
}

TEST(UdpDecode, DataLengthIsTheSmallerOfFieldAndCapture) {
    Decoder d;
    // UDP length says 4 data bytes but 10 follow inside the IP datagram.
    Bytes f = over_ip4(17, udp(7, 9, text("0123456789"), 12));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.payloadLen, 4u);
    EXPECT_EQ(p.srcPort, 7);
    EXPECT_EQ(p.dstPort, 9);
}

TEST(UdpDecode, DhcpKeyModeNeedsABootpHeader) {
    Decoder d;
    Bytes f = eth(0x0800, ipv4(ip4(0, 0, 0, 0), ip4(255, 255, 255, 255), 17, udp(68, 67, dhcp(1, mac(0x55)))));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.keyMode, KeyMode::Dhcp);

    Bytes reply = eth(0x0800, ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 50), 17, udp(67, 68, dhcp(2, mac(0x55)))));
    Packet q = packet_of(reply);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    EXPECT_EQ(q.keyMode, KeyMode::Dhcp);

    // Ports 67/68 with a short body: an ordinary UDP session.
    Bytes junk = eth(0x0800, ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 50), 17, udp(67, 68, zeros(20, 1))));
    Packet r = packet_of(junk);
    ASSERT_EQ(d.decode(r), PacketRC::DoProcess);
    EXPECT_EQ(r.keyMode, KeyMode::Normal);

    // Other ports: never DHCP.
    Bytes other = eth(0x0800, ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 50), 17, udp(67, 69, dhcp(1, mac(0x55)))));
    Packet s = packet_of(other);
    ASSERT_EQ(d.decode(s), PacketRC::DoProcess);
    EXPECT_EQ(s.keyMode, KeyMode::Normal);
}

TEST(UdpDecode, Dhcpv6KeyMode) {
    Decoder d;
    Bytes msg{1, 0xaa, 0xbb, 0xcc, 0, 1};
    Bytes f = eth(0x86dd, ipv6(ip6(1), ip6(2), 17, udp(546, 547, msg)));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.keyMode, KeyMode::Dhcpv6);
}

TEST(IcmpDecode, PayloadRunsToTheEndOfTheFrame) {
    Decoder d;
    Bytes f = over_ip4(1, icmp(8, 0));
    f.resize(60, 0);
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Icmp);
    EXPECT_EQ(p.l4Offset, 34);
    EXPECT_EQ(p.payloadOffset, 34);
    EXPECT_EQ(p.payloadLen, 60u - 34);  // padding included, as Arkime counts it
    EXPECT_EQ(p.srcPort, 0);

    Bytes g = over_ip4(58, icmp(128, 0));  // ICMPv6 inside IPv4
    Packet q = packet_of(g);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    EXPECT_STREQ(q.kindName, "corrupt-ip");
}

TEST(SctpDecode, PortsAndPayload) {
    Decoder d;
    Bytes common;
    put16(common, 2905);
    put16(common, 2944);
    put32(common, 0xdeadbeef);
    put32(common, 0);
    Bytes f = over_ip4(132, cat({common, zeros(16, 3)}));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Sctp);
    EXPECT_EQ(p.srcPort, 2905);
    EXPECT_EQ(p.dstPort, 2944);
    EXPECT_EQ(p.payloadOffset, 34 + 12);
    EXPECT_EQ(p.payloadLen, 16u);

    Bytes g = over_ip4(132, zeros(8));
    Packet q = packet_of(g);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    EXPECT_STREQ(q.kindName, "corrupt-ip");
}

TEST(EspDecode, EspAndAhBeforeEsp) {
    Decoder d;
    Bytes esp = zeros(40, 9);
    Bytes f = over_ip4(50, esp);
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Esp);
    EXPECT_EQ(p.payloadLen, 32u);

    Bytes ah{50, 4, 0, 0};  // next ESP, (4+2)*4 = 24 bytes
    ah.resize(24, 0);
    Bytes g = over_ip4(51, cat({ah, esp}));
    Packet q = packet_of(g);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    EXPECT_EQ(q.kind, SessionKind::Esp);
    EXPECT_EQ(q.ipProtocol, 51);

    Bytes ahTcp = ah;
    ahTcp[0] = 6;
    Bytes h = over_ip4(51, cat({ahTcp, tcp(1, 2, 3, 4, tcpflag::kAck)}));
    Packet r = packet_of(h);
    ASSERT_EQ(d.decode(r), PacketRC::DoProcess);
    EXPECT_EQ(r.kind, SessionKind::OtherIp);
    EXPECT_STREQ(r.kindName, "unknown-ip");
}

TEST(EspDecode, WithoutTrackEspIsUnknownIp) {
    DecoderOptions o;
    o.trackEsp = false;
    Decoder d(o);
    Bytes f = over_ip4(50, zeros(40, 9));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::OtherIp);
    EXPECT_STREQ(p.kindName, "unknown-ip");
}

TEST(OtherIpDecode, IgmpAndPimAreLumpedOspfIsNot) {
    Decoder d;
    Bytes f = over_ip4(2, Bytes{0x16, 0, 0, 0, 224, 0, 0, 22});
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::OtherIp);
    EXPECT_STREQ(p.kindName, "igmp");
    EXPECT_EQ(p.keyMode, KeyMode::Lumped);
    EXPECT_EQ(p.payloadLen, 8u);

    Bytes g = over_ip4(103, zeros(10));
    Packet q = packet_of(g);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    EXPECT_STREQ(q.kindName, "pim");
    EXPECT_EQ(q.keyMode, KeyMode::Lumped);

    Bytes h = over_ip4(89, zeros(10));
    Packet r = packet_of(h);
    ASSERT_EQ(d.decode(r), PacketRC::DoProcess);
    EXPECT_STREQ(r.kindName, "ospf");
    EXPECT_EQ(r.keyMode, KeyMode::Normal);
}

TEST(OtherIpDecode, UnknownProtocolIsUnknownIp) {
    Decoder d;
    Bytes f = over_ip4(253, zeros(10));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::OtherIp);
    EXPECT_STREQ(p.kindName, "unknown-ip");
    EXPECT_EQ(p.ipProtocol, 253);
    EXPECT_EQ(d.stats().get(Outcome::UnknownSession), 1u);
}

}  // namespace transport_test
}  // namespace flowdex::decode
