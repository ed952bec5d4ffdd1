// DHCP and DHCPv6 datagrams: dhcp.* fields; truncated or corrupt options are harmless.
#include "protocols/dhcp/dhcp.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"
#include "session/session_harness.h"

namespace flowdex::session::test {
namespace dhcp_test {

using namespace std::string_literals;

constexpr uint64_t T0 = 1700000000 * kSec;

std::string discover() {
    std::string d = "\x01\x01\x06\x00\x00\x00\x3d\x1d"s + std::string(20, '\0');
    d += "\x00\x0b\x82\x01\xfc\x42"s + std::string(10 + 64 + 128, '\0');
    d += "\x63\x82\x53\x63"s;
    d += "\x35\x01\x01"s + "\x0c\x04host"s + "\x3c\x08MSFT 5.0"s + "\x32\x04\xc0\xa8\x01\x0a"s + "\xff"s;
    return d;
}

nlohmann::json run(uint16_t sport, uint16_t dport, const std::vector<std::string>& datagrams) {
    Harness h;
    protocols::Registries regs{h.registry, h.classifiers, h.hooks};
    protocols::register_builtin_protocols(regs);
    h.start();
    uint64_t t = T0;
    for (const std::string& d : datagrams)
        h.feed(udp4_frame(ip4(10, 0, 0, 1), sport, ip4(10, 0, 0, 2), dport, Bytes(d.begin(), d.end())), t += 1000);
    h.table->flush_all();
    const Saved* s = h.find_saved("10.0.0.1");
    EXPECT_NE(s, nullptr);
    return s ? s->json : nlohmann::json();
}

TEST(Dhcp, V4Discover) {
    nlohmann::json j = run(68, 67, {discover()});
    ASSERT_TRUE(j.contains("dhcp")) << j.dump();
    EXPECT_EQ(j["dhcp"]["type"], nlohmann::json({"DISCOVER"}));
    EXPECT_EQ(j["dhcp"]["id"], nlohmann::json({"3d1d"}));
    EXPECT_EQ(j["dhcp"]["mac"], nlohmann::json({"00:0b:82:01:fc:42"}));
    EXPECT_EQ(j["dhcp"]["host"], nlohmann::json({"host"}));
    EXPECT_EQ(j["dhcp"]["classId"], nlohmann::json({"MSFT 5.0"}));
    EXPECT_EQ(j["dhcp"]["requestIp"], nlohmann::json({"192.168.1.10"}));
}

TEST(Dhcp, V6TypesAndIds) {
    nlohmann::json j =
        run(546, 547, {"\x01\xaa\xbb\xcc"s + "\x00\x08\x00\x02\x00\x00"s, "\x0c\x00"s + std::string(32, '\0')});
    EXPECT_EQ(j["dhcp"]["type"], nlohmann::json({"SOLICIT", "RELAY_FORW"})) << j.dump();
    EXPECT_EQ(j["dhcp"]["id"], nlohmann::json({"aabbcc"}));
}

TEST(Dhcp, TruncatedAndCorrupt) {
    const std::string d = discover();
    for (size_t i = 0; i < d.size(); ++i) {
        nlohmann::json j = run(68, 67, {d.substr(0, i)});
        if (i < 240) {
            EXPECT_FALSE(j.contains("dhcp")) << i;
        }
        std::string bad = d;
        bad[i] = static_cast<char>(bad[i] ^ 0xff);
        run(68, 67, {bad});
    }
}

TEST(Dhcp, EveryPrefixOfEachDatagram) {
    every_prefix(67, {{0, discover()}}, 0, "dhcp", true, 68);
    const std::vector<Msg> v6{{0, "\x01\xaa\xbb\xcc"s + "\x00\x08\x00\x02\x00\x00"s},
                              {0, "\x0c\x00"s + std::string(32, '\0')}};
    for (size_t i = 0; i < v6.size(); ++i)
        every_prefix(547, v6, i, "dhcp", true, 546);
}

}  // namespace dhcp_test
}  // namespace flowdex::session::test
