// Session keys, direction and client choice, Community ID, and the special keys (DHCP, IGMP, ARP).
#include <gtest/gtest.h>

#include <algorithm>

#include "session/session_harness.h"

namespace flowdex::session::test {
namespace keys_test {

constexpr uint64_t T0 = 1700000000 * kSec;

TEST(SessionDirection, FirstSenderIsTheClient) {
    Harness h;
    h.start();
    // 10.0.0.9 > 10.0.0.1, so the canonical key swaps the ends: the client must not follow it.
    h.feed(udp4_frame(ip4(10, 0, 0, 9), 5000, ip4(10, 0, 0, 1), 53, text("query")), T0);
    h.feed(udp4_frame(ip4(10, 0, 0, 1), 53, ip4(10, 0, 0, 9), 5000, text("answer!")), T0 + 1000);
    h.feed(udp4_frame(ip4(10, 0, 0, 1), 53, ip4(10, 0, 0, 9), 5000, text("more")), T0 + 2000);
    EXPECT_EQ(h.table->open_sessions(), 1u);
    h.table->flush_all();
    ASSERT_EQ(h.sink->saved.size(), 1u);
    const Saved& r = h.sink->saved[0];
    EXPECT_EQ(r.at("source.ip"), "10.0.0.9");
    EXPECT_EQ(r.at("source.port"), 5000);
    EXPECT_EQ(r.at("destination.ip"), "10.0.0.1");
    EXPECT_EQ(r.at("destination.port"), 53);
    EXPECT_EQ(r.at("source.packets"), 1);
    EXPECT_EQ(r.at("destination.packets"), 2);
    EXPECT_EQ(r.at("client.bytes"), 5);
    EXPECT_EQ(r.at("server.bytes"), 11);
    EXPECT_EQ(r.at("srcPayload8"), "7175657279");
    EXPECT_EQ(r.at("dstPayload8"), "616e7377657221");  // first reply only
    EXPECT_EQ(r.at("source.bytes"), 14 + 20 + 8 + 5);
}

TEST(SessionDirection, SynAckFirstSwapsTheEnds) {
    Harness h;
    h.start();
    TcpFlow f;
    h.feed(f.synack(), T0);
    h.feed(f.ack(), T0 + 10);
    h.table->flush_all();
    ASSERT_EQ(h.sink->saved.size(), 1u);
    const Saved& r = h.sink->saved[0];
    EXPECT_EQ(r.at("source.ip"), "10.0.0.1");  // the receiver of the SYN-ACK
    EXPECT_EQ(r.at("source.port"), 40000);
    EXPECT_EQ(r.at("destination.port"), 80);
    EXPECT_EQ(r.at("source.packets"), 1);
    EXPECT_EQ(r.at("destination.packets"), 1);
    EXPECT_EQ(r.at("tcpflags.syn-ack"), 1);
}

TEST(SessionDirection, PlainAckFirstKeepsTheSender) {
    Harness h;
    h.start();
    TcpFlow f;
    h.feed(tcp4_frame(f.s, f.sport, f.c, f.cport, 1, 1, tcpflag::kAck), T0);
    h.table->flush_all();
    ASSERT_EQ(h.sink->saved.size(), 1u);
    EXPECT_EQ(h.sink->saved[0].at("source.ip"), "10.0.0.2");
    EXPECT_EQ(h.sink->saved[0].at("source.port"), 80);
}

TEST(SessionKey, BothDirectionsJoinAndProtocolsStaySeparate) {
    Harness h;
    h.start();
    TcpFlow f;
    h.feed(f.syn(), T0);
    h.feed(f.synack(), T0 + 1);
    h.feed(f.ack(), T0 + 2);
    // Same addresses and ports over UDP: another session.
    h.feed(udp4_frame(f.c, f.cport, f.s, f.sport), T0 + 3);
    // Same addresses, other client port: another TCP session.
    h.feed(tcp4_frame(f.c, 40001, f.s, 80, 1, 0, tcpflag::kSyn), T0 + 4);
    EXPECT_EQ(h.table->open_sessions(), 3u);
    EXPECT_EQ(h.table->stats().created, 3u);
}

TEST(SessionKey, VlanTrackingUsesOnlyThe8021adTag) {
    Harness h;
    h.ctx.settings.idTracking = IdTracking::Vlan;
    h.start();
    Bytes req = eth_tagged({{0x88a8, 10}, {0x8100, 100}}, 0x0800,
                           ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 17, udp(1000, 2000, text("a"))));
    Bytes rep = eth_tagged({{0x88a8, 10}, {0x8100, 200}}, 0x0800,
                           ipv4(ip4(10, 0, 0, 2), ip4(10, 0, 0, 1), 17, udp(2000, 1000, text("b"))));
    Bytes otherOuter = eth_tagged({{0x88a8, 11}, {0x8100, 100}}, 0x0800,
                                  ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 17, udp(1000, 2000, text("c"))));
    h.feed(req, T0);
    h.feed(rep, T0 + 1);
    EXPECT_EQ(h.table->open_sessions(), 1u);  // inner 802.1Q tags differ: ignored
    h.feed(otherOuter, T0 + 2);
    EXPECT_EQ(h.table->open_sessions(), 2u);  // 802.1ad tag differs: a new session
    h.table->flush_all();
    ASSERT_EQ(h.sink->saved.size(), 2u);
    const Saved& joined = h.sink->saved[0].total_packets() == 2 ? h.sink->saved[0] : h.sink->saved[1];
    EXPECT_EQ(joined.at("network.packets"), 2);
    EXPECT_EQ(joined.at("dot1ad.id"), nlohmann::json({10}));
}

TEST(SessionKey, WithoutTrackingVlansAreIgnored) {
    Harness h;
    h.start();
    Bytes a = eth_tagged({{0x88a8, 10}}, 0x0800, ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 17, udp(1, 2, text("a"))));
    Bytes b = eth_tagged({{0x88a8, 11}}, 0x0800, ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 17, udp(1, 2, text("a"))));
    h.feed(a, T0);
    h.feed(b, T0 + 1);
    EXPECT_EQ(h.table->open_sessions(), 1u);
}

TEST(CommunityId, SpecTcpVector) {
    // Community ID spec baseline: tcp 128.232.110.120:34855 → 66.35.250.204:80, seed 0. Check:
    //   python3 -c 'import hashlib,base64,socket,struct; s=socket.inet_aton("66.35.250.204");
    //   d=socket.inet_aton("128.232.110.120"); print("1:"+base64.b64encode(hashlib.sha1(
    //   struct.pack("!H",0)+s+d+bytes([6,0])+struct.pack("!HH",80,34855)).digest()).decode())'
    const char* expected = "1:LQU9qZlK+B5F3KDmev6m5PMibrg=";
    Ip4 a = ip4(128, 232, 110, 120), b = ip4(66, 35, 250, 204);
    {
        Harness h;
        h.start();
        h.feed(tcp4_frame(a, 34855, b, 80, 1, 0, tcpflag::kSyn), T0);
        h.table->flush_all();
        ASSERT_EQ(h.sink->saved.size(), 1u);
        EXPECT_EQ(h.sink->saved[0].at("network.community_id"), expected);
        EXPECT_EQ(h.sink->saved[0].record.communityId, expected);
    }
    {
        // The server speaks first: source and destination swap, the id does not.
        Harness h;
        h.start();
        h.feed(tcp4_frame(b, 80, a, 34855, 1, 0, tcpflag::kAck), T0);
        h.table->flush_all();
        ASSERT_EQ(h.sink->saved.size(), 1u);
        EXPECT_EQ(h.sink->saved[0].at("source.ip"), "66.35.250.204");
        EXPECT_EQ(h.sink->saved[0].at("network.community_id"), expected);
    }
}

TEST(CommunityId, IcmpEchoUsesTheTypeMapping) {
    // Spec baseline: icmp 192.168.0.89 → 192.168.0.1 echo request (8/0) maps to ports (8, 0):
    //   python3 -c '... struct.pack("!H",0)+inet_aton("192.168.0.1")+inet_aton("192.168.0.89")
    //   +bytes([1,0])+struct.pack("!HH",0,8) ...'
    const char* expected = "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=";
    Ip4 a = ip4(192, 168, 0, 89), b = ip4(192, 168, 0, 1);
    {
        Harness h;
        h.start();
        h.feed(icmp4_frame(a, b, 8), T0);
        h.feed(icmp4_frame(b, a, 0), T0 + 10);
        h.table->flush_all();
        ASSERT_EQ(h.sink->saved.size(), 1u);
        const Saved& r = h.sink->saved[0];
        EXPECT_EQ(r.at("network.community_id"), expected);
        EXPECT_EQ(r.at("icmp.type"), nlohmann::json({8, 0}));
        EXPECT_EQ(r.at("source.packets"), 1);
        EXPECT_EQ(r.at("destination.packets"), 1);
        EXPECT_EQ(r.at("client.bytes"), 8);
    }
    {
        // Only the reply was captured: type 0 maps back to 8, the same id.
        Harness h;
        h.start();
        h.feed(icmp4_frame(b, a, 0), T0);
        h.table->flush_all();
        ASSERT_EQ(h.sink->saved.size(), 1u);
        EXPECT_EQ(h.sink->saved[0].at("network.community_id"), expected);
    }
}

TEST(SpecialKeys, DhcpRequestAndReplyJoinByClientMac) {
    Harness h;
    h.start();
    Mac client = mac(0x55), other = mac(0x66);
    h.feed(eth(0x0800, ipv4(ip4(0, 0, 0, 0), ip4(255, 255, 255, 255), 17, udp(68, 67, dhcp(1, client)))), T0);
    h.feed(eth(0x0800, ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 50), 17, udp(67, 68, dhcp(2, client)))), T0 + 1000);
    EXPECT_EQ(h.table->open_sessions(), 1u);
    h.feed(eth(0x0800, ipv4(ip4(0, 0, 0, 0), ip4(255, 255, 255, 255), 17, udp(68, 67, dhcp(1, other)))), T0 + 2000);
    EXPECT_EQ(h.table->open_sessions(), 2u);
    h.table->flush_all();
    const Saved* r = nullptr;
    for (const Saved& s : h.sink->saved)
        if (s.total_packets() == 2) r = &s;
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->at("source.ip"), "0.0.0.0");
    EXPECT_EQ(r->at("source.packets"), 1);
    EXPECT_EQ(r->at("destination.packets"), 1);
    EXPECT_TRUE(r->at("network.community_id").is_null());
}

TEST(SpecialKeys, IgmpFromDifferentHostsIsOneSession) {
    Harness h;
    h.start();
    Bytes report{0x16, 0, 0, 0, 224, 0, 0, 22};
    h.feed(eth(0x0800, ipv4(ip4(10, 0, 0, 1), ip4(224, 0, 0, 22), 2, report)), T0);
    h.feed(eth(0x0800, ipv4(ip4(10, 0, 0, 2), ip4(224, 0, 0, 22), 2, report)), T0 + 1);
    h.feed(eth(0x0800, ipv4(ip4(10, 0, 0, 3), ip4(224, 0, 0, 1), 2, report)), T0 + 2);
    EXPECT_EQ(h.table->open_sessions(), 1u);
    // OSPF is not lumped: two pairs, two sessions.
    h.feed(eth(0x0800, ipv4(ip4(10, 0, 0, 1), ip4(224, 0, 0, 5), 89, zeros(20))), T0 + 3);
    h.feed(eth(0x0800, ipv4(ip4(10, 0, 0, 2), ip4(224, 0, 0, 5), 89, zeros(20))), T0 + 4);
    EXPECT_EQ(h.table->open_sessions(), 3u);
    h.table->flush_all();
    const Saved* igmp = nullptr;
    for (const Saved& s : h.sink->saved)
        if (s.at("ipProtocol") == 2) igmp = &s;
    ASSERT_NE(igmp, nullptr);
    EXPECT_EQ(igmp->at("network.packets"), 3);
    EXPECT_EQ(igmp->at("source.packets"), 3);
    EXPECT_EQ(igmp->at("protocol"), nlohmann::json({"igmp"}));
    EXPECT_TRUE(igmp->at("network.community_id").is_null());
}

TEST(SpecialKeys, ArpRequestAndReplyJoinOnTheAskedAddress) {
    Harness h;
    h.start();
    Ip4 asked = ip4(10, 0, 0, 1), asker = ip4(10, 0, 0, 2);
    h.feed(eth(0x0806, arp(1, kMacA, asker, Mac{}, asked), Mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, kMacA), T0);
    h.feed(eth(0x0806, arp(2, kMacB, asked, kMacA, asker), kMacA, kMacB), T0 + 1000);
    EXPECT_EQ(h.table->open_sessions(), 1u);
    h.feed(eth(0x0806, arp(1, kMacA, asker, Mac{}, ip4(10, 0, 0, 3))), T0 + 2000);
    EXPECT_EQ(h.table->open_sessions(), 2u);
    h.table->flush_all();
    const Saved* r = nullptr;
    for (const Saved& s : h.sink->saved)
        if (s.total_packets() == 2) r = &s;
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->at("source.packets"), 2);
    EXPECT_EQ(r->at("destination.packets"), 0);
    EXPECT_EQ(r->at("ipProtocol"), 0);
    EXPECT_EQ(r->at("ethertype"), 0x0806);
    EXPECT_TRUE(r->at("source.ip").is_null());
    EXPECT_EQ(r->at("protocol"), nlohmann::json({"arp"}));
}

TEST(SpecialKeys, ArpInATunnelStaysOnTheTunnelsAddressesWithItsFields) {
    Harness h;
    h.start();
    const Ip4 outerA = ip4(192, 168, 56, 11), outerB = ip4(192, 168, 56, 12);
    const Ip4 asked = ip4(10, 0, 0, 2), asker = ip4(10, 0, 0, 1);
    const Mac bcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    h.feed(udp4_frame(outerA, 40000, outerB, 4789,
                      vxlan(123, eth(0x0806, arp(1, kMacA, asker, Mac{}, asked), bcast, kMacA))),
           T0);
    h.feed(udp4_frame(outerB, 40001, outerA, 4789,
                      vxlan(123, eth(0x0806, arp(2, kMacB, asked, kMacA, asker), kMacA, kMacB))),
           T0 + 1000);
    h.table->flush_all();
    ASSERT_EQ(h.sink->saved.size(), 1u);
    const Saved& r = h.sink->saved.front();
    EXPECT_EQ(r.at("protocol"), nlohmann::json({"arp", "vxlan"}));
    EXPECT_EQ(r.at("arp.opcode"), nlohmann::json({"1", "2"}));
    EXPECT_EQ(r.at("arp.ip"), nlohmann::json::array({"10.0.0.2"}));  // the asked address, then the answer's owner
    EXPECT_EQ(r.at("arp.mac"), nlohmann::json::array({"02:00:00:00:00:0b"})) << r.json;
    EXPECT_EQ(r.at("totDataBytes"), 0);
}

TEST(FlushAll, SavesEverySessionKind) {
    Harness h;
    h.start();
    TcpFlow f;
    h.feed(f.syn(), T0);
    h.feed(udp4_frame(ip4(10, 1, 0, 1), 1, ip4(10, 1, 0, 2), 2), T0 + 1);
    h.feed(icmp4_frame(ip4(10, 2, 0, 1), ip4(10, 2, 0, 2), 8), T0 + 2);
    h.feed(eth(0x0806, arp(1, kMacA, ip4(10, 3, 0, 2), Mac{}, ip4(10, 3, 0, 1))), T0 + 3);
    h.feed(eth(0x88cc, zeros(30, 2)), T0 + 4);
    h.feed(eth(0x0800, ipv4(ip4(10, 4, 0, 1), ip4(10, 4, 0, 2), 253, zeros(4))), T0 + 5);
    EXPECT_EQ(h.table->open_sessions(), 6u);
    EXPECT_TRUE(h.sink->saved.empty());
    h.table->flush_all();
    EXPECT_EQ(h.table->open_sessions(), 0u);
    ASSERT_EQ(h.sink->saved.size(), 6u);
    std::vector<std::string> protos;
    for (const Saved& s : h.sink->saved) {
        EXPECT_TRUE(s.final);
        EXPECT_EQ(s.at("segmentCnt"), 1);
        EXPECT_TRUE(s.at("rootId").is_null());
        protos.push_back(s.record.protocols);
    }
    std::sort(protos.begin(), protos.end());
    EXPECT_EQ(protos, (std::vector<std::string>{"arp", "icmp", "lldp", "tcp", "udp", "unknown-ip"}));
}

}  // namespace keys_test
}  // namespace flowdex::session::test
