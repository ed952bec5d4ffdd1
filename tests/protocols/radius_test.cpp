// RADIUS and PANA datagrams: radius.* and pana.* fields; the attribute walk stops at the first bad
// length; cut or corrupt datagrams are harmless.
#include "protocols/radius/radius.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace radius_test {

using namespace std::string_literals;

std::string be16(uint32_t v) {
    return {static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}
std::string attr(uint8_t t, const std::string& v) {
    return std::string(1, static_cast<char>(t)) + std::string(1, static_cast<char>(v.size() + 2)) + v;
}
std::string radius(uint8_t code, const std::string& attrs) {
    return std::string(1, static_cast<char>(code)) + "\x07"s + be16(20 + static_cast<uint32_t>(attrs.size())) +
           std::string(16, '\x5a') + attrs;
}

TEST(Radius, AccessAndAccounting) {
    const std::string req = radius(1, attr(1, "alice") + attr(4, "\x0a\x00\x00\x01"s) + attr(5, "\x00\x00\x00\x07"s) +
                                          attr(31, "98-5A-EB-89-80-00") + attr(8, "\xc0\xa8\x01\x02\x00\x00"s));
    const std::string acc = radius(2, attr(8, "\xac\x10\x01\x64"s) + attr(66,
                                                                          "\x01"
                                                                          "192.168.100.50"s));
    nlohmann::json j = udp_exchange(1812, {{0, req}, {1, acc}});
    ASSERT_TRUE(j.contains("radius")) << j.dump();
    const auto& r = j["radius"];
    EXPECT_EQ(r["msgType"], nlohmann::json({"access-request", "access-accept"}));
    EXPECT_EQ(r["user"], nlohmann::json({"alice"}));
    EXPECT_EQ(r["nasIp"], nlohmann::json({"10.0.0.1"}));
    EXPECT_EQ(r["nasPort"], nlohmann::json({7}));
    EXPECT_EQ(r["mac"], nlohmann::json({"98:5a:eb:89:80:00"}));
    EXPECT_EQ(r["framedIp"], nlohmann::json({"172.16.1.100"}));  // the 6-byte Framed-IP is not an address
    EXPECT_EQ(r["endpointIp"], nlohmann::json({"192.168.100.50"}));
}

TEST(Radius, WalkStopsAtBadLength) {
    // User-Name, then an attribute of length 0: nothing after it is read.
    const std::string req = radius(4, attr(1, "bob") + "\x12\x00"s + attr(4, "\x0a\x00\x00\x01"s));
    nlohmann::json j = udp_exchange(1813, {{0, req}});
    ASSERT_TRUE(j.contains("radius")) << j.dump();
    EXPECT_EQ(j["radius"]["user"], nlohmann::json({"bob"}));
    EXPECT_FALSE(j["radius"].contains("nasIp"));
    for (size_t i = 0; i < req.size(); ++i) {
        udp_exchange(1813, {{0, req.substr(0, i)}});
        std::string bad = req;
        bad[i] = static_cast<char>(bad[i] ^ 0xff);
        udp_exchange(1813, {{0, bad}});
    }
}

std::string pana(uint16_t flags, uint16_t type, uint32_t session, const std::string& avps) {
    return "\x00\x00"s + be16(16 + static_cast<uint32_t>(avps.size())) + be16(flags) + be16(type) +
           be16(session >> 16) + be16(session & 0xffff) + be16(0) + be16(1) + avps;
}
std::string eap_avp(uint16_t flags, const std::string& eap) {
    std::string a = be16(2) + be16(flags) + be16(static_cast<uint32_t>(eap.size())) + be16(0) + eap;
    while (a.size() % 4)
        a += '\0';
    return a;
}

TEST(Pana, MessagesAndEapIdentity) {
    const std::string identity = "\x02\x01"s + be16(5 + 15) + "\x01"s + "joe@example.org";
    nlohmann::json j = udp_exchange(716, {{0, pana(0, 1, 0, "")},
                                          {1, pana(0x8000, 2, 0x12345678, eap_avp(0, "\x01\x01\x00\x05\x01"s))},
                                          {0, pana(0, 2, 0x12345678, eap_avp(0, identity))},
                                          {0, pana(0x8000, 3, 0xaabb, eap_avp(0x8000, identity))}});
    ASSERT_TRUE(j.contains("pana")) << j.dump();
    EXPECT_EQ(j["pana"]["msgType"], nlohmann::json({"client-initiation", "auth", "termination"}));
    EXPECT_EQ(j["pana"]["sessionId"], nlohmann::json({"12345678", "0000aabb"}));
    EXPECT_EQ(j["pana"]["user"], nlohmann::json({"joe@example.org"}));
    const std::string m = pana(0, 2, 1, eap_avp(0, identity));
    for (size_t i = 0; i < m.size(); ++i) {
        udp_exchange(716, {{0, m.substr(0, i)}});
        std::string bad = m;
        bad[i] = static_cast<char>(bad[i] ^ 0xff);
        udp_exchange(716, {{0, bad}});
    }
}

TEST(Radius, EveryPrefixOfEachDatagram) {
    const std::string req = radius(1, attr(1, "alice") + attr(4, "\x0a\x00\x00\x01"s) + attr(5, "\x00\x00\x00\x07"s) +
                                          attr(31, "98-5A-EB-89-80-00") + attr(8, "\xc0\xa8\x01\x02\x00\x00"s));
    const std::string acc = radius(2, attr(8, "\xac\x10\x01\x64"s) + attr(66,
                                                                          "\x01"
                                                                          "192.168.100.50"s));
    const std::vector<Msg> msgs{{0, req}, {1, acc}};
    for (size_t i = 0; i < msgs.size(); ++i)
        every_prefix(1812, msgs, i, "radius");
    const std::string identity = "\x02\x01"s + be16(5 + 15) + "\x01"s + "joe@example.org";
    const std::vector<Msg> pana_msgs{{0, pana(0, 1, 0, "")}, {0, pana(0, 2, 0x12345678, eap_avp(0, identity))}};
    for (size_t i = 0; i < pana_msgs.size(); ++i)
        every_prefix(716, pana_msgs, i, "pana");
}

}  // namespace radius_test
}  // namespace flowdex::session::test
