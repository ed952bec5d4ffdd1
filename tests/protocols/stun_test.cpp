// STUN/TURN over UDP and TCP: stun.* fields with XOR-ed addresses decoded, ChannelData skipped
// over TCP, any segmentation; cut or corrupt messages are harmless.
#include "protocols/stun/stun.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace stun_test {

using namespace std::string_literals;

std::string be16(uint32_t v) {
    return {static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}
std::string attr(uint16_t type, const std::string& v) {
    std::string a = be16(type) + be16(static_cast<uint32_t>(v.size())) + v;
    while (a.size() % 4)
        a += '\0';
    return a;
}
const std::string kCookie = "\x21\x12\xa4\x42"s;
std::string msg(uint16_t type, const std::string& attrs) {
    return be16(type) + be16(static_cast<uint32_t>(attrs.size())) + kCookie + "abcdefghijkl"s + attrs;
}
/// An XOR-ed IPv4 address attribute value for ip a.b.c.d, port p.
std::string xaddr(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
    return "\x00\x01"s + be16(port ^ 0x2112u) +
           std::string{static_cast<char>(a ^ 0x21), static_cast<char>(b ^ 0x12), static_cast<char>(c ^ 0xa4),
                       static_cast<char>(d ^ 0x42)};
}

std::vector<Msg> turn_msgs() {
    const std::string req =
        msg(0x0003, attr(0x0006, "user\0junk"s) + attr(0x0014, "example.org") + attr(0x8022, "TestTurn 1.0"));
    const std::string err = msg(0x0113, attr(0x0009, "\x00\x00\x04\x01"s + "Unauthorized"));
    const std::string ok =
        msg(0x0103, attr(0x0016, xaddr(10, 0, 0, 9, 50000)) + attr(0x0020, xaddr(192, 0, 2, 1, 40000)));
    const std::string perm = msg(0x0008, attr(0x0012, xaddr(198, 51, 100, 7, 3478)));
    const std::string channel = "\x40\x00\x00\x05hello\0\0\0"s;  // ChannelData, padded to 4
    return {{0, req}, {1, err}, {0, req + perm + channel + perm}, {1, ok}};
}

void expect_fields(const nlohmann::json& j) {
    ASSERT_TRUE(j.contains("stun")) << j.dump();
    const auto& s = j["stun"];
    EXPECT_EQ(s["type"],
              nlohmann::json({"Allocate Request", "Allocate Error", "CreatePermission Request", "Allocate Response"}));
    EXPECT_EQ(s["username"], nlohmann::json({"user"}));
    EXPECT_EQ(s["realm"], nlohmann::json({"example.org"}));
    EXPECT_EQ(s["software"], nlohmann::json({"TestTurn 1.0"}));
    EXPECT_EQ(s["error"], nlohmann::json({401}));
    EXPECT_EQ(s["xorRelayedIp"], nlohmann::json({"10.0.0.9"}));
    EXPECT_EQ(s["xorRelayedPort"], nlohmann::json({50000}));
    EXPECT_EQ(s["xorMappedIp"], nlohmann::json({"192.0.2.1"}));
    EXPECT_EQ(s["xorMappedPort"], nlohmann::json({40000}));
    EXPECT_EQ(s["xorPeerIp"], nlohmann::json({"198.51.100.7"}));
    EXPECT_EQ(s["xorPeerPort"], nlohmann::json({"3478"}));
}

TEST(Stun, TcpTurnExchange) {
    nlohmann::json j = tcp_exchange(3478, turn_msgs());
    EXPECT_TRUE(has_protocol(j, "stun"));
    expect_fields(j);
}

TEST(Stun, AnySegmentation) {
    const std::vector<Msg> msgs = turn_msgs();
    // The first payload must hold what names the session (classification sees it alone).
    const size_t minFirst = msgs[0].bytes.size();
    for (size_t i = 0; i < msgs.size(); ++i)
        for (const auto& v : splits_of(msgs, i))
            if (i > 0 || v[0].bytes.size() >= minFirst) expect_fields(tcp_exchange(3478, v));
    std::vector<Msg> rest = bytewise(std::vector<Msg>(msgs.begin() + 1, msgs.end()));
    rest.insert(rest.begin(), msgs[0]);
    expect_fields(tcp_exchange(3478, rest));
}

TEST(Stun, UdpBindingWithMappedAddress) {
    const std::string req = msg(0x0001, "");
    const std::string rsp = msg(0x0101, attr(0x0001, "\x00\x01\x30\x39\xc0\xa8\x01\x64"s));
    nlohmann::json j = udp_exchange(3478, {{0, req}, {1, rsp}});
    ASSERT_TRUE(j.contains("stun")) << j.dump();
    EXPECT_EQ(j["stun"]["type"], nlohmann::json({"Binding Request", "Binding Response"}));
    EXPECT_EQ(j["stun"]["mappedIp"], nlohmann::json({"192.168.1.100"}));
    EXPECT_EQ(j["stun"]["mappedPort"], nlohmann::json({12345}));
}

TEST(Stun, CutAndCorrupt) {
    const std::string m = turn_msgs()[0].bytes;
    for (size_t i = 0; i < m.size(); ++i) {
        tcp_exchange(3478, {{0, m.substr(0, i)}});
        std::string bad = m;
        bad[i] = static_cast<char>(bad[i] ^ 0xff);
        tcp_exchange(3478, {{0, bad}});
    }
    // An attribute longer than the message: the ones before it count.
    std::string bad = msg(0x0001, attr(0x0006, "alice") + attr(0x0014, "realm"));
    bad[20 + 12 + 3] = '\x7f';
    nlohmann::json j = udp_exchange(3478, {{0, bad}});
    ASSERT_TRUE(j.contains("stun")) << j.dump();
    EXPECT_EQ(j["stun"]["username"], nlohmann::json({"alice"}));
    EXPECT_FALSE(j["stun"].contains("realm"));
    // Bytes that are not STUN end the TCP direction.
    j = tcp_exchange(3478, {{0, turn_msgs()[0].bytes + "\xff\xff\xff\xff"s + msg(0x0001, attr(0x0014, "late"))}});
    EXPECT_EQ(j["stun"]["realm"], nlohmann::json({"example.org"}));
}

TEST(Stun, ParserBudget) {
    const std::vector<Msg> msgs = turn_msgs();
    // A TCP direction holds one message at a time: room for the server's messages but not the
    // client's first request, so the client direction stops there and the server's are read.
    const uint32_t budget = static_cast<uint32_t>(msgs[3].bytes.size());
    ASSERT_GT(msgs[0].bytes.size(), budget);
    ASSERT_GE(budget, msgs[1].bytes.size());
    BudgetRun small = budget_exchange(3478, msgs, budget);
    EXPECT_TRUE(has_protocol(small.record, "stun"));
    const auto& st = small.record["stun"];
    EXPECT_EQ(st["type"], nlohmann::json({"Allocate Error", "Allocate Response"}));
    EXPECT_EQ(st["error"], nlohmann::json({401}));
    EXPECT_EQ(st["xorMappedIp"], nlohmann::json({"192.0.2.1"}));
    for (const char* k : {"username", "realm", "software", "xorPeerIp", "xorPeerPort"})
        EXPECT_FALSE(st.contains(k)) << k;
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(3478, msgs, static_cast<uint32_t>(msgs[0].bytes.size()));
    EXPECT_EQ(enough.record["stun"], tcp_exchange(3478, msgs)["stun"]);
    expect_fields(enough.record);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
    // A datagram is parsed in place: even a one-byte budget changes nothing over UDP.
    const std::vector<Msg> udp{{0, msgs[0].bytes}, {1, msgs[3].bytes}};
    BudgetRun dgram = budget_exchange(3478, udp, 1, true);
    EXPECT_EQ(dgram.record["stun"], udp_exchange(3478, udp)["stun"]);
    EXPECT_EQ(dgram.record["stun"]["username"], nlohmann::json({"user"}));
    EXPECT_EQ(dgram.budgetSessions, 0u);
    EXPECT_EQ(dgram.heldAtFree, 0u);
}

TEST(Stun, EveryPrefixOfEachDatagram) {
    const std::vector<Msg> msgs{{0, msg(0x0001, attr(0x0006, "alice") + attr(0x0014, "realm"))},
                                {1, msg(0x0101, attr(0x0001, "\x00\x01\x30\x39\xc0\xa8\x01\x64"s))}};
    for (size_t i = 0; i < msgs.size(); ++i)
        every_prefix(3478, msgs, i, "stun");
}

TEST(Stun, StreamCutAnywhere) {
    every_tcp_truncation(3478, turn_msgs());
}

}  // namespace stun_test
}  // namespace flowdex::session::test
