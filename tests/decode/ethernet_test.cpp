// Ethernet, VLAN tags, 802.3/LLC frames, unknown ethertypes and replaced ether handlers.
#include <gtest/gtest.h>

#include <cstring>

#include "decode/frame_builder.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace ethernet_test {

using namespace flowdex::testing;

TEST(EthernetDecode, TcpIpv4FieldsAndOffsets) {
    Decoder d;
    Bytes f = eth_tcp4(text("hello"));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(d.last_outcome(), Outcome::Ok);
    EXPECT_EQ(p.kind, SessionKind::Tcp);
    EXPECT_EQ(p.etherOffset, 0);
    EXPECT_EQ(p.outerEtherOffset, -1);
    EXPECT_EQ(p.ipOffset, 14);
    EXPECT_EQ(p.outerIpOffset, -1);
    EXPECT_EQ(p.l4Offset, 34);
    EXPECT_EQ(p.payloadOffset, 54);
    EXPECT_EQ(p.payloadLen, 5u);
    EXPECT_EQ(std::memcmp(p.data + p.payloadOffset, "hello", 5), 0);
    EXPECT_EQ(p.srcPort, 40000);
    EXPECT_EQ(p.dstPort, 80);
    EXPECT_EQ(p.ipProtocol, 6);
    EXPECT_EQ(p.tcpFlags, tcpflag::kAck | tcpflag::kPsh);
    EXPECT_EQ(p.ttl, 64);
    EXPECT_FALSE(p.v6);
    EXPECT_TRUE(p.haveEthertype);
    EXPECT_EQ(p.firstEthertype, 0x0800);
    EXPECT_EQ(p.ethertype, 0x0800);
    EXPECT_EQ(p.vlanCount, 0);
    EXPECT_EQ(p.tunnel, 0);
    EXPECT_EQ(p.keyMode, KeyMode::Normal);
    EXPECT_EQ(p.kindName, nullptr);
    EXPECT_EQ(d.stats().get(Outcome::Ok), 1u);
}

TEST(EthernetDecode, EveryTruncationIsDroppedWithoutCrash) {
    Decoder d;
    const Bytes full = eth_tcp4(text("hello"));
    for (size_t len = 0; len <= full.size(); ++len) {
        // An exact-size copy so that any read past `len` leaves the allocation.
        Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len));
        Packet p = packet_of(cut);
        PacketRC rc = d.decode(p);
        if (len == full.size()) {
            EXPECT_EQ(rc, PacketRC::DoProcess);
            EXPECT_EQ(p.kind, SessionKind::Tcp);
            continue;
        }
        // The IPv4 total length covers the whole datagram, so any cut makes the IP header unusable.
        EXPECT_EQ(rc, PacketRC::Corrupt) << "len " << len;
        EXPECT_EQ(p.kind, SessionKind::None) << "len " << len;
        Outcome o = d.last_outcome();
        EXPECT_TRUE(o == Outcome::Truncated || o == Outcome::BadHeader) << "len " << len << ": " << to_string(o);
        if (len < 14) {
            EXPECT_EQ(o, Outcome::Truncated) << "len " << len;
        }
    }
    EXPECT_EQ(d.stats().get(Outcome::Ok), 1u);
    EXPECT_EQ(d.stats().get(Outcome::Truncated) + d.stats().get(Outcome::BadHeader), full.size());
}

TEST(EthernetDecode, TruncatedTcpHeaderInsideCompleteIpBecomesCorruptIp) {
    Decoder d;
    Bytes tcpHalf = zeros(10, 0x11);
    Bytes f = eth(0x0800, ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 6, tcpHalf));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::OtherIp);
    ASSERT_NE(p.kindName, nullptr);
    EXPECT_STREQ(p.kindName, "corrupt-ip");
    EXPECT_EQ(p.ipProtocol, 6);
    EXPECT_EQ(p.srcPort, 0);
    EXPECT_EQ(p.payloadLen, 0u);
    EXPECT_EQ(d.stats().get(Outcome::CorruptSession), 1u);
}

TEST(EthernetDecode, EthernetPaddingIsNotPayload) {
    Decoder d;
    Bytes f = eth(0x0800, ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 17, udp(1000, 2000, text("1"))));
    f.resize(60, 0);  // minimum frame: padded
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Udp);
    EXPECT_EQ(p.payloadLen, 1u);
    EXPECT_EQ(p.payloadOffset, 42);
}

TEST(EthernetDecode, BadIpVersionIsDropped) {
    Decoder d;
    Bytes f = eth_tcp4();
    f[14] = 0x55;  // version 5
    Packet p = packet_of(f);
    EXPECT_EQ(d.decode(p), PacketRC::Corrupt);
    EXPECT_EQ(d.last_outcome(), Outcome::BadHeader);
    EXPECT_EQ(p.kind, SessionKind::None);
}

TEST(EthernetDecode, Ihl_TooSmallIsDropped) {
    Decoder d;
    Bytes f = eth_tcp4();
    f[14] = 0x44;  // IHL 16 bytes
    Packet p = packet_of(f);
    EXPECT_EQ(d.decode(p), PacketRC::Corrupt);
    EXPECT_EQ(p.kind, SessionKind::None);
}

TEST(EthernetDecode, Ipv4OptionsAreSkipped) {
    Decoder d;
    Ip4Opts o;
    o.options = {1, 1, 1, 0};  // NOP NOP NOP EOL
    Bytes f = eth(0x0800, ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 6, tcp(1, 2, 0, 0, tcpflag::kSyn), o));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.l4Offset, 38);
    EXPECT_EQ(p.payloadOffset, 58);
    EXPECT_EQ(p.payloadLen, 0u);
}

TEST(VlanDecode, SingleTagKeepsIdAndNoKeyVlan) {
    Decoder d;
    Bytes f = eth_tagged({{0x8100, 0x2000 | 100}},  // priority bits must be masked off
                         0x0800, ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 6, tcp(1, 2, 0, 0, tcpflag::kSyn)));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.ipOffset, 18);
    EXPECT_EQ(p.vlanCount, 1);
    EXPECT_EQ(p.vlans[0], 100);
    EXPECT_EQ(p.vlan, 0);  // only 802.1ad tags are the key's VLAN
    EXPECT_EQ(p.firstEthertype, 0x0800);
}

TEST(VlanDecode, QinQKeepsBothTagsOuterFirst) {
    Decoder d;
    Bytes f = eth_tagged({{0x88a8, 300}, {0x8100, 200}}, 0x0800,
                         ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 17, udp(53, 53, text("abcd"))));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Udp);
    EXPECT_EQ(p.ipOffset, 22);
    ASSERT_EQ(p.vlanCount, 2);
    EXPECT_EQ(p.vlans[0], 300 | kVlanIsQinQ);
    EXPECT_EQ(p.vlans[1], 200);
    EXPECT_EQ(p.vlan, 300);
    EXPECT_EQ(p.firstEthertype, 0x0800);  // the first type after the tags
}

TEST(VlanDecode, ManyTagsAreCappedAndStillDecode) {
    Decoder d;
    Bytes f = eth_tagged({{0x8100, 1}, {0x8100, 2}, {0x8100, 3}, {0x8100, 4}, {0x8100, 5}, {0x8100, 6}}, 0x0800,
                         ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 17, udp(53, 53, text("abcd"))));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.vlanCount, kMaxVlans);
    EXPECT_EQ(p.vlans[3], 4);
    EXPECT_EQ(p.ipOffset, 14 + 6 * 4);
}

TEST(VlanDecode, TruncatedTagIsDropped) {
    Decoder d;
    Bytes f = eth(0x8100, Bytes{0x00, 0x64});  // TCI only, no inner type
    Packet p = packet_of(f);
    EXPECT_EQ(d.decode(p), PacketRC::Corrupt);
    EXPECT_EQ(d.last_outcome(), Outcome::Truncated);
    EXPECT_EQ(p.kind, SessionKind::None);
}

TEST(Ieee8023Decode, XidFrameIsXidSession) {
    Decoder d;
    Bytes llc{0x00, 0x00, 0xaf, 0x81, 0x01, 0x00};
    Bytes f = eth(static_cast<uint16_t>(llc.size()), llc);
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Ether);
    ASSERT_NE(p.kindName, nullptr);
    EXPECT_STREQ(p.kindName, "xid");
    EXPECT_EQ(p.keyMode, KeyMode::MacPair);
    EXPECT_EQ(p.ethertype, 6);
    EXPECT_EQ(p.firstEthertype, 6);
}

TEST(Ieee8023Decode, OtherLlcIsCorruptEtherSession) {
    Decoder d;
    Bytes llc = zeros(24, 0x42);
    Bytes f = eth(24, llc);
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Ether);
    EXPECT_STREQ(p.kindName, "corrupt-ether");
    EXPECT_EQ(p.ethertype, 24);
}

// IS-IS (OSI LLC, NLPID 0x83): Arkime keeps every IS-IS frame in one session (its record's ethertype
// is the 802.3 length of the first frame: firstEthertype). Other NLPIDs stay corrupt-ether.
TEST(Ieee8023Decode, OsiIsisIsOneLumpedIsisSession) {
    Decoder d;
    Bytes llc{0xfe, 0xfe, 0x03, 0x83, 0x1b, 0x01, 0x00, 0x10, 0x01, 0x00, 0x00, 0x02};
    Bytes f = eth(static_cast<uint16_t>(llc.size()), llc, kMacB, kMacA);
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Ether);
    ASSERT_NE(p.kindName, nullptr);
    EXPECT_STREQ(p.kindName, "isis");
    EXPECT_EQ(p.keyMode, KeyMode::Lumped);
    EXPECT_EQ(p.firstEthertype, llc.size());
    EXPECT_EQ(p.ethertype, 0x83);  // the lumped session's key; the record wants firstEthertype
    EXPECT_EQ(p.payloadOffset, 14 + 4);
    EXPECT_EQ(p.payloadLen, static_cast<uint32_t>(llc.size() - 4));

    Bytes esis{0xfe, 0xfe, 0x03, 0x82, 0x09, 0x01, 0x00, 0x04};
    Bytes g = eth(static_cast<uint16_t>(esis.size()), esis);
    Packet q = packet_of(g);
    ASSERT_EQ(d.decode(q), PacketRC::DoProcess);
    EXPECT_STREQ(q.kindName, "corrupt-ether");
    EXPECT_EQ(q.keyMode, KeyMode::MacPair);
}

TEST(EthernetDecode, UnknownEthertypeIsUnknownEtherSession) {
    Decoder d;
    Bytes f = eth(0x88b5, zeros(30, 1));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Ether);
    EXPECT_STREQ(p.kindName, "unknown-ether");
    EXPECT_EQ(p.keyMode, KeyMode::MacPairType);
    EXPECT_EQ(p.ethertype, 0x88b5);
    EXPECT_EQ(d.stats().get(Outcome::UnknownSession), 1u);
}

TEST(EthernetDecode, LldpIsLumpedEtherSession) {
    Decoder d;
    Bytes f = eth(0x88cc, zeros(30, 2));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Ether);
    EXPECT_STREQ(p.kindName, "lldp");
    EXPECT_EQ(p.keyMode, KeyMode::Lumped);
    EXPECT_EQ(p.payloadOffset, 14);
    EXPECT_EQ(p.payloadLen, 30u);
}

// A custom header: 18 bytes of vendor data, then IPv4.
constexpr uint16_t kCustomType = 0xff12;
int gCustomCalls = 0;
PacketRC strip18(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void* ctx) {
    ++gCustomCalls;
    EXPECT_EQ(ctx, &gCustomCalls);
    if (len < 18) return PacketRC::Corrupt;
    return d.run_ethernet(p, data + 18, len - 18, ethertype::kIpv4);
}

TEST(EthernetDecode, ReplacedEtherHandlerContinuesIntoIpv4) {
    Decoder d;
    Bytes inner = ipv4(ip4(10, 1, 1, 1), ip4(10, 1, 1, 2), 6, tcp(5555, 443, 1, 0, tcpflag::kSyn));
    Bytes f = eth(kCustomType, cat({zeros(18, 0xee), inner}));

    // Without a handler the type is unknown.
    {
        Packet p = packet_of(f);
        ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
        EXPECT_EQ(p.kind, SessionKind::Ether);
        EXPECT_STREQ(p.kindName, "unknown-ether");
    }
    gCustomCalls = 0;
    d.set_ether_handler(kCustomType, {strip18, &gCustomCalls, "custom"});
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(gCustomCalls, 1);
    EXPECT_EQ(p.kind, SessionKind::Tcp);
    EXPECT_EQ(p.ipOffset, 14 + 18);
    EXPECT_EQ(p.l4Offset, 14 + 18 + 20);
    EXPECT_EQ(p.dstPort, 443);
    EXPECT_EQ(p.firstEthertype, kCustomType);
    EXPECT_EQ(p.ethertype, 0x0800);
}

TEST(EthernetDecode, ReplacingIpv4HandlerAffectsEveryIpv4) {
    Decoder d;
    // A handler that consumes everything: the packet is dropped, counted as Dropped.
    d.set_ether_handler(
        ethertype::kIpv4,
        {[](Decoder&, Packet&, const uint8_t*, uint32_t, void*) { return PacketRC::DontProcess; }, nullptr, "drop"});
    Bytes f = eth_tcp4();
    Packet p = packet_of(f);
    EXPECT_NE(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(d.last_outcome(), Outcome::Dropped);
    EXPECT_EQ(p.kind, SessionKind::None);
}

}  // namespace ethernet_test
}  // namespace flowdex::decode
