// UDP-port tunnels: VXLAN, VXLAN-GPE, Geneve, GTP-U, and the fallback to plain UDP.
#include <gtest/gtest.h>

#include "decode/frame_builder.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace udp_tunnel_test {

using namespace flowdex::testing;

constexpr int32_t kOuterUdpPayload = 14 + 20 + 8;

Bytes inner_tcp() {
    return ipv4(ip4(10, 9, 0, 1), ip4(10, 9, 0, 2), 6, tcp(3333, 8080, 1, 0, tcpflag::kSyn));
}
Bytes over_udp(uint16_t dport, const Bytes& payload, uint16_t sport = 49152) {
    return eth(0x0800, ipv4(ip4(192, 0, 2, 1), ip4(192, 0, 2, 2), 17, udp(sport, dport, payload)));
}

void expect_inner_tcp(const Packet& p, int32_t ipOffset) {
    EXPECT_EQ(p.kind, SessionKind::Tcp);
    EXPECT_EQ(p.ipOffset, ipOffset);
    EXPECT_EQ(p.outerIpOffset, 14);
    EXPECT_EQ(p.l4Offset, ipOffset + 20);
    EXPECT_EQ(p.srcPort, 3333);
    EXPECT_EQ(p.dstPort, 8080);
}

void expect_plain_udp(const Packet& p, uint16_t dport, uint32_t len) {
    EXPECT_EQ(p.kind, SessionKind::Udp);
    EXPECT_EQ(p.ipOffset, 14);
    EXPECT_EQ(p.outerIpOffset, -1);
    EXPECT_EQ(p.dstPort, dport);
    EXPECT_EQ(p.payloadOffset, kOuterUdpPayload);
    EXPECT_EQ(p.payloadLen, len);
    EXPECT_EQ(p.tunnel, 0);
    EXPECT_FALSE(p.vniSet);
    EXPECT_EQ(p.vni, 0u);
    EXPECT_EQ(p.etherOffset, 0);
}

TEST(VxlanDecode, InnerEthernetFrame) {
    Decoder d;
    Bytes f = over_udp(4789, vxlan(0x123456, eth(0x0800, inner_tcp(), mac(0x41), mac(0x42))));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_TRUE(has_tunnel(p.tunnel, Tunnel::Vxlan));
    EXPECT_TRUE(p.vniSet);
    EXPECT_EQ(p.vni, 0x123456u);
    EXPECT_EQ(p.outerEtherOffset, 0);
    EXPECT_EQ(p.etherOffset, kOuterUdpPayload + 8);
    expect_inner_tcp(p, kOuterUdpPayload + 8 + 14);
    EXPECT_EQ(p.firstEthertype, 0x0800);
}

TEST(VxlanDecode, InvalidFlagsFallBackToUdp) {
    Decoder d;
    Bytes payload = vxlan(0x123456, eth(0x0800, inner_tcp()), 0x00);  // I flag clear
    Bytes f = over_udp(4789, payload);
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_plain_udp(p, 4789, static_cast<uint32_t>(payload.size()));
}

TEST(VxlanDecode, OnlyTheDestinationPortSelectsTheTunnel) {
    Decoder d;
    Bytes payload = vxlan(7, eth(0x0800, inner_tcp()));
    Bytes f = over_udp(5555, payload, 4789);
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_plain_udp(p, 5555, static_cast<uint32_t>(payload.size()));
}

TEST(VxlanDecode, EightBytesOfPayloadAreNotATunnel) {
    Decoder d;
    Bytes payload = vxlan(7, {});
    ASSERT_EQ(payload.size(), 8u);
    Bytes f = over_udp(4789, payload);
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_plain_udp(p, 4789, 8);
}

TEST(VxlanGpeDecode, NextProtocolIpv4) {
    Decoder d;
    Bytes f = over_udp(4790, vxlan_gpe(0xabcdef, 1, inner_tcp()));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_TRUE(has_tunnel(p.tunnel, Tunnel::VxlanGpe));
    EXPECT_EQ(p.vni, 0xabcdefu);
    EXPECT_TRUE(p.vniSet);
    EXPECT_EQ(p.etherOffset, 0);  // no inner Ethernet
    expect_inner_tcp(p, kOuterUdpPayload + 8);
}

TEST(VxlanGpeDecode, NextProtocolEthernetAndUnknown) {
    Decoder d;
    Bytes f = over_udp(4790, vxlan_gpe(9, 3, eth(0x0800, inner_tcp())));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.etherOffset, kOuterUdpPayload + 8);
    expect_inner_tcp(p, kOuterUdpPayload + 8 + 14);

    Bytes payload = vxlan_gpe(9, 0x77, inner_tcp());
    Bytes g = over_udp(4790, payload);
    Packet q = packet_of(g);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    expect_plain_udp(q, 4790, static_cast<uint32_t>(payload.size()));
}

TEST(GeneveDecode, InnerEthernetWithOptions) {
    Decoder d;
    Bytes f = over_udp(6081, geneve(0x010203, 0x6558, eth(0x0800, inner_tcp()), 2));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_TRUE(has_tunnel(p.tunnel, Tunnel::Geneve));
    EXPECT_EQ(p.vni, 0x010203u);
    EXPECT_EQ(p.etherOffset, kOuterUdpPayload + 8 + 8);
    expect_inner_tcp(p, kOuterUdpPayload + 16 + 14);
}

TEST(GeneveDecode, InnerIpv4WithoutOptions) {
    Decoder d;
    Bytes f = over_udp(6081, geneve(5, 0x0800, inner_tcp()));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_inner_tcp(p, kOuterUdpPayload + 8);
}

TEST(GeneveDecode, BadVersionOrOptionLengthFallsBackToUdp) {
    Decoder d;
    Bytes payload = geneve(5, 0x0800, inner_tcp(), 0, 1);
    Bytes f = over_udp(6081, payload);
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_plain_udp(p, 6081, static_cast<uint32_t>(payload.size()));

    // Options longer than the datagram.
    Bytes shortPayload = geneve(5, 0x0800, zeros(4), 0);
    shortPayload[0] = 0x3f;
    Bytes g = over_udp(6081, shortPayload);
    Packet q = packet_of(g);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    expect_plain_udp(q, 6081, static_cast<uint32_t>(shortPayload.size()));
}

TEST(GtpDecode, TpduInnerIpv4) {
    Decoder d;
    Bytes f = over_udp(2152, gtpu(inner_tcp()));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_TRUE(has_tunnel(p.tunnel, Tunnel::Gtp));
    EXPECT_FALSE(p.vniSet);
    expect_inner_tcp(p, kOuterUdpPayload + 8);
}

TEST(GtpDecode, ExtensionHeadersAreWalked) {
    Decoder d;
    // E flag: sequence(2) N-PDU(1) next type 0x85, then one 4-byte extension ending with next 0.
    Bytes opt{0x00, 0x01, 0x00, 0x85, 0x01, 0x10, 0x09, 0x00};
    Bytes f = over_udp(2152, gtpu(inner_tcp(), 0x34, 0xff, opt));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_inner_tcp(p, kOuterUdpPayload + 8 + 8);
}

TEST(GtpDecode, InnerIpv6) {
    Decoder d;
    Bytes inner = ipv6(ip6(1), ip6(2), 17, udp(1, 2, text("zz")));
    Bytes f = over_udp(2152, gtpu(inner));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_TRUE(p.v6);
    EXPECT_FALSE(p.outerv6);
    EXPECT_EQ(p.ipOffset, kOuterUdpPayload + 8);
}

TEST(GtpDecode, OtherMessagesStayPlainUdp) {
    Decoder d;
    Bytes echo = gtpu(zeros(12, 0x45), 0x32, 0x01);  // echo request
    Bytes f = over_udp(2152, echo);
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_plain_udp(p, 2152, static_cast<uint32_t>(echo.size()));

    Bytes v2 = gtpu(inner_tcp(), 0x48);  // version 2
    Bytes g = over_udp(2152, v2);
    Packet q = packet_of(g);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    expect_plain_udp(q, 2152, static_cast<uint32_t>(v2.size()));

    // Extension header with length 0.
    Bytes bad = gtpu(inner_tcp(), 0x34, 0xff, Bytes{0, 0, 0, 0x85, 0x00, 0, 0, 0});
    Bytes h = over_udp(2152, bad);
    Packet r = packet_of(h);
    ASSERT_EQ(d.decode(r), PacketRC::DoProcess);
    expect_plain_udp(r, 2152, static_cast<uint32_t>(bad.size()));
}

TEST(UdpDecode, TunnelWithCorruptInnerKeepsOuterPair) {
    Decoder d;
    // A valid VXLAN header whose inner frame is too short for Ethernet.
    Bytes f = over_udp(4789, vxlan(1, zeros(6, 0x01)));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::OtherIp);
    EXPECT_STREQ(p.kindName, "corrupt-ip");
    EXPECT_EQ(p.ipOffset, 14);
}

TEST(UdpDecode, LengthFieldBelowHeaderIsCorruptIp) {
    Decoder d;
    Bytes f = eth(0x0800, ipv4(ip4(1, 1, 1, 1), ip4(2, 2, 2, 2), 17, udp(1, 2, text("abc"), 4)));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_STREQ(p.kindName, "corrupt-ip");
    EXPECT_EQ(p.ipProtocol, 17);
}

}  // namespace udp_tunnel_test
}  // namespace flowdex::decode
