// GRE (flags, versions, ERSPAN II/III, PPP), MPLS and PPPoE.
#include <gtest/gtest.h>

#include "decode/frame_builder.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace tunnel_test {

using namespace flowdex::testing;

Bytes inner_udp() {
    return ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 17, udp(1000, 2000, text("payload")));
}
Bytes over_gre(const Bytes& g) {
    return eth(0x0800, ipv4(ip4(192, 0, 2, 1), ip4(192, 0, 2, 2), 47, g));
}

void expect_inner_udp(const Packet& p, int32_t ipOffset) {
    EXPECT_EQ(p.kind, SessionKind::Udp);
    EXPECT_EQ(p.ipOffset, ipOffset);
    EXPECT_EQ(p.l4Offset, ipOffset + 20);
    EXPECT_EQ(p.srcPort, 1000);
    EXPECT_EQ(p.dstPort, 2000);
    EXPECT_EQ(p.payloadLen, 7u);
}

TEST(GreDecode, PlainIpv4) {
    Decoder d;
    Bytes f = over_gre(gre(0, 0x0800, inner_udp()));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_inner_udp(p, 14 + 20 + 4);
    EXPECT_TRUE(has_tunnel(p.tunnel, Tunnel::Gre));
    EXPECT_EQ(p.outerIpOffset, 14);
    EXPECT_EQ(p.firstEthertype, 0x0800);
}

TEST(GreDecode, KeyAndSequenceFieldsAreSkipped) {
    Decoder d;
    Bytes f = over_gre(gre(0x3000, 0x0800, inner_udp()));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_inner_udp(p, 14 + 20 + 12);

    Bytes g = over_gre(gre(0xb000, 0x0800, inner_udp()));  // checksum too
    Packet q = packet_of(g);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    expect_inner_udp(q, 14 + 20 + 16);
}

TEST(GreDecode, Version1PptpWithSequenceAndAck) {
    Decoder d;
    // PPTP: 0x3081 = K, S, A, version 1; the 4-byte payload length + call id always present.
    Bytes hdr;
    put16(hdr, 0x3081);
    put16(hdr, 0x880b);
    put32(hdr, 0x00100000);  // payload length, call id
    put32(hdr, 1);           // sequence
    put32(hdr, 2);           // ack
    Bytes ppp{0xff, 0x03, 0x00, 0x21};
    Bytes f = over_gre(cat({hdr, ppp, inner_udp()}));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_inner_udp(p, 14 + 20 + 16 + 4);
    EXPECT_TRUE(has_tunnel(p.tunnel, Tunnel::Gre));
    EXPECT_TRUE(has_tunnel(p.tunnel, Tunnel::Ppp));
}

TEST(GreDecode, UnknownVersionIsUnknownOnOuterPair) {
    Decoder d;
    Bytes f = over_gre(gre(0x0002, 0x0800, inner_udp()));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::OtherIp);
    EXPECT_EQ(p.ipOffset, 14);
    EXPECT_EQ(p.ipProtocol, 47);
}

TEST(GreDecode, TruncatedOrBadInnerIsCorruptIpWithGre) {
    Decoder d;
    Bytes f = over_gre(Bytes{0x00, 0x00});
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_STREQ(p.kindName, "corrupt-ip");
    EXPECT_EQ(p.ipProtocol, 47);
    EXPECT_TRUE(has_tunnel(p.tunnel, Tunnel::Gre));

    Bytes g = over_gre(gre(0x2000, 0x0800, zeros(10, 0x45)));
    Packet q = packet_of(g);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    EXPECT_STREQ(q.kindName, "corrupt-ip");
    EXPECT_EQ(q.ipOffset, 14);
    EXPECT_EQ(q.ipProtocol, 47);

    // Key flag set but the key is missing.
    Bytes h = over_gre(Bytes{0x20, 0x00, 0x08, 0x00, 0x01});
    Packet r = packet_of(h);
    ASSERT_EQ(d.decode(r), PacketRC::DoProcess);
    EXPECT_STREQ(r.kindName, "corrupt-ip");
}

TEST(GreDecode, TransparentEthernetBridging) {
    Decoder d;
    Bytes innerEth = eth(0x0800, inner_udp(), mac(0x21), mac(0x22));
    Bytes f = over_gre(gre(0, 0x6558, innerEth));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.outerEtherOffset, 0);
    EXPECT_EQ(p.etherOffset, 14 + 20 + 4);
    expect_inner_udp(p, 14 + 20 + 4 + 14);
    EXPECT_EQ(p.firstEthertype, 0x0800);
}

TEST(GreDecode, ErspanTypeII) {
    Decoder d;
    Bytes erspan{0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00};  // version 1
    Bytes mirrored = eth(0x0800, inner_udp(), mac(0x31), mac(0x32));
    Bytes f = over_gre(gre(0x1000, 0x88be, cat({erspan, mirrored})));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    int32_t innerEth = 14 + 20 + 8 + 8;
    EXPECT_EQ(p.etherOffset, innerEth);
    EXPECT_EQ(p.outerEtherOffset, 0);
    EXPECT_EQ(p.outerIpOffset, 14);
    expect_inner_udp(p, innerEth + 14);
    EXPECT_TRUE(has_tunnel(p.tunnel, Tunnel::Gre));
    EXPECT_EQ(p.vlanCount, 0) << "VLAN 0 in the ERSPAN header is no tag";
}

TEST(GreDecode, ErspanVlanCountsAsATag) {
    Decoder d;
    Bytes erspan{0x10, 0x17, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00};  // version 1, VLAN 23
    Bytes f = over_gre(gre(0x1000, 0x88be, cat({erspan, eth(0x0800, inner_udp(), mac(0x31), mac(0x32))})));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    ASSERT_EQ(p.vlanCount, 1);
    EXPECT_EQ(p.vlans[0], 23);
}

TEST(GreDecode, ErspanTypeIWithoutSequence) {
    Decoder d;
    Bytes mirrored = eth(0x0800, inner_udp(), mac(0x31), mac(0x32));
    Bytes f = over_gre(gre(0, 0x88be, mirrored));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.etherOffset, 14 + 20 + 4);
    expect_inner_udp(p, 14 + 20 + 4 + 14);
}

TEST(GreDecode, ErspanTypeIIITruncatedHeaderIsCorrupt) {
    Decoder d;
    Bytes f = over_gre(gre(0x1000, 0x22eb, zeros(8)));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_STREQ(p.kindName, "corrupt-ip");
}

TEST(GreDecode, ErspanTypeIIIWithAndWithoutPlatformHeader) {
    Decoder d;
    Bytes mirrored = eth(0x0800, inner_udp(), mac(0x31), mac(0x32));
    Bytes hdr3 = zeros(12);
    hdr3[0] = 0x20;  // version 2
    Bytes f = over_gre(gre(0x1000, 0x22eb, cat({hdr3, mirrored})));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.etherOffset, 14 + 20 + 8 + 12);
    expect_inner_udp(p, 14 + 20 + 8 + 12 + 14);

    Bytes withO = hdr3;
    withO[11] = 0x01;  // O flag: an 8-byte platform sub-header follows
    Bytes g = over_gre(gre(0x1000, 0x22eb, cat({withO, zeros(8, 0x77), mirrored})));
    Packet q = packet_of(g);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    EXPECT_EQ(q.etherOffset, 14 + 20 + 8 + 20);
    expect_inner_udp(q, 14 + 20 + 8 + 20 + 14);
}

TEST(MplsDecode, LabelsPoppedToBottomOfStack) {
    Decoder d;
    Bytes f = eth(0x8847, cat({mpls_label(100, false), mpls_label(200, true), inner_udp()}));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_inner_udp(p, 22);
    EXPECT_TRUE(has_tunnel(p.tunnel, Tunnel::Mpls));
    EXPECT_EQ(p.firstEthertype, 0x8847);

    Bytes v6 = ipv6(ip6(1), ip6(2), 17, udp(1, 2, text("x")));
    Bytes g = eth(0x8848, cat({mpls_label(5, true), v6}));
    Packet q = packet_of(g);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    EXPECT_TRUE(q.v6);
    EXPECT_EQ(q.ipOffset, 18);
}

TEST(MplsDecode, NoBottomOfStackOrBadPayloadIsDropped) {
    Decoder d;
    Bytes f = eth(0x8847, cat({mpls_label(100, false), mpls_label(200, false)}));
    Packet p = packet_of(f);
    EXPECT_EQ(d.decode(p), PacketRC::Corrupt);
    EXPECT_EQ(p.kind, SessionKind::None);

    Bytes g = eth(0x8847, cat({mpls_label(100, true), zeros(30, 0x90)}));
    Packet q = packet_of(g);
    EXPECT_EQ(d.decode(q), PacketRC::Corrupt);
    EXPECT_EQ(d.last_outcome(), Outcome::BadHeader);
}

TEST(PppoeDecode, SessionCarryingIpv4AndIpv6) {
    Decoder d;
    Bytes f = eth(0x8864, pppoe_session(0x0021, inner_udp()));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    expect_inner_udp(p, 22);
    EXPECT_TRUE(has_tunnel(p.tunnel, Tunnel::Pppoe));
    EXPECT_EQ(p.firstEthertype, 0x8864);

    Bytes v6 = ipv6(ip6(1), ip6(2), 17, udp(1, 2, text("x")));
    Bytes g = eth(0x8864, pppoe_session(0x0057, v6));
    Packet q = packet_of(g);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    EXPECT_TRUE(q.v6);
}

TEST(PppoeDecode, OtherPppProtocolIsUnknownEther) {
    Decoder d;
    Bytes f = eth(0x8864, pppoe_session(0xc021, zeros(20)));  // LCP
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Ether);
    EXPECT_STREQ(p.kindName, "unknown-ether");

    Bytes cut = eth(0x8864, Bytes{0x11, 0x00, 0x00, 0x01});
    Packet q = packet_of(cut);
    EXPECT_EQ(d.decode(q), PacketRC::Corrupt);
    EXPECT_EQ(d.last_outcome(), Outcome::Truncated);
}

TEST(ArpDecode, RequestIsArpSession) {
    Decoder d;
    Bytes f = eth(0x0806, arp(1, kMacA, ip4(10, 0, 0, 2), Mac{}, ip4(10, 0, 0, 1)));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Arp);
    EXPECT_STREQ(p.kindName, "arp");
    EXPECT_EQ(p.payloadOffset, 14);
    EXPECT_EQ(p.payloadLen, 28u);
    EXPECT_EQ(p.ipOffset, -1);

    Bytes bad = eth(0x0806, arp(1, kMacA, ip4(10, 0, 0, 2), Mac{}, ip4(10, 0, 0, 1)));
    bad[14 + 1] = 6;  // hardware type 6
    Packet q = packet_of(bad);
    EXPECT_EQ(d.decode(q), PacketRC::Corrupt);
    EXPECT_EQ(q.kind, SessionKind::None);

    Bytes shortArp = eth(0x0806, zeros(20));
    Packet r = packet_of(shortArp);
    EXPECT_EQ(d.decode(r), PacketRC::Corrupt);
    EXPECT_EQ(d.last_outcome(), Outcome::Truncated);
}

}  // namespace tunnel_test
}  // namespace flowdex::decode
