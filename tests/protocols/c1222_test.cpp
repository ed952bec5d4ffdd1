// C12.22 ACSE APDU: AP titles and invocation ids over TCP (split anywhere) and UDP; malformed
// APDUs add nothing.
#include "protocols/c1222/c1222.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "exchange.h"

namespace flowdex::session::test {
namespace c1222_test {

using namespace std::string_literals;

const std::string kApdu =
    "\x60\x1c\xa2\x07\x06\x05\x60\x00\x02\x00\x01\xa6\x07\x06\x05\x60\x00\x02\x00\x02"
    "\xa4\x03\x02\x01\x01\xa8\x03\x02\x01\x02"s;

void expect_apdu(const nlohmann::json& j) {
    ASSERT_TRUE(j.contains("c1222"));
    EXPECT_EQ(j["c1222"]["calledApTitle"], nlohmann::json::array({"2.16.0.2.0.1"}));
    EXPECT_EQ(j["c1222"]["callingApTitle"], nlohmann::json::array({"2.16.0.2.0.2"}));
    EXPECT_EQ(j["c1222"]["calledApInvocationId"], nlohmann::json::array({1}));
    EXPECT_EQ(j["c1222"]["callingApInvocationId"], nlohmann::json::array({2}));
}

TEST(C1222, TcpAndUdp) {
    expect_apdu(tcp_exchange(1153, {{0, kApdu}}));
    expect_apdu(udp_exchange(1153, {{0, kApdu}}));
}

TEST(C1222, TcpSplitAnywhere) {
    // A first payload of one byte is not classified (as in Arkime), so the cuts start at the second byte.
    auto cuts = splits_of({{0, kApdu}}, 0);
    cuts.erase(cuts.begin());
    for (const auto& v : cuts)
        expect_apdu(tcp_exchange(1153, v));
}

TEST(C1222, MalformedAddsNothing) {
    std::string bad = kApdu;
    bad[1] = '\x7f';  // longer than the datagram
    nlohmann::json j = udp_exchange(1153, {{0, bad}, {0, "\x60\x84\xff\xff\xff\xff"s}});
    EXPECT_FALSE(j.contains("c1222"));
}

}  // namespace c1222_test
}  // namespace flowdex::session::test
