// NTP: version, mode, stratum class and reference id of each datagram; short or wrong-version
// datagrams add nothing.
#include "protocols/ntp/ntp.h"

#include <gtest/gtest.h>

#include <string>

#include "exchange.h"

namespace flowdex::session::test {
namespace ntp_test {

using namespace std::string_literals;

std::string packet(uint8_t version, uint8_t mode, uint8_t stratum, const std::string& refId) {
    std::string p(48, '\0');
    p[0] = static_cast<char>(version << 3 | mode);
    p[1] = static_cast<char>(stratum);
    p.replace(12, 4, refId);
    return p;
}

TEST(Ntp, ClientAndPrimaryServer) {
    nlohmann::json j = udp_exchange(123, {{0, packet(4, 3, 0, "\0\0\0\0"s)}, {1, packet(4, 4, 1, "GPS\0"s)}});
    EXPECT_TRUE(has_protocol(j, "ntp"));
    EXPECT_EQ(j["ntp"]["version"], nlohmann::json::array({4}));
    EXPECT_EQ(j["ntp"]["mode"], nlohmann::json::array({"client", "server"}));
    EXPECT_EQ(j["ntp"]["stratum"], nlohmann::json::array({"unspecified", "primary"}));
    EXPECT_EQ(j["ntp"]["refId"], nlohmann::json::array({"GPS"}));
}

TEST(Ntp, SecondaryRefIdIsHex) {
    nlohmann::json j = udp_exchange(123, {{0, packet(3, 3, 2, "\x7f\x7f\x01\x01"s)}});
    EXPECT_EQ(j["ntp"]["stratum"], nlohmann::json::array({"secondary"}));
    EXPECT_EQ(j["ntp"]["refId"], nlohmann::json::array({"7f7f0101"}));
    EXPECT_EQ(j["ntp"]["version"], nlohmann::json::array({3}));
}

TEST(Ntp, ShortOrBadVersionAddsNothing) {
    nlohmann::json j = udp_exchange(123, {{0, packet(4, 3, 2, "abcd").substr(0, 47)}, {1, packet(7, 4, 2, "abcd")}});
    EXPECT_FALSE(j.contains("ntp"));
}

TEST(Ntp, EveryPrefixOfEachDatagram) {
    const std::vector<Msg> msgs{{0, packet(4, 3, 0, "\0\0\0\0"s)}, {1, packet(4, 4, 1, "GPS\0"s)}};
    for (size_t i = 0; i < msgs.size(); ++i)
        every_prefix(123, msgs, i, "ntp");
}

}  // namespace ntp_test
}  // namespace flowdex::session::test
