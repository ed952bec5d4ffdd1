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

TEST(C1222, ParserBudget) {
    // The server's APDU names only the called AP title (2.16.0.2.0.9); the budget has room for it
    // but not for the client's whole APDU, so the client direction stops and the server's is read.
    const std::string small = "\x60\x09\xa2\x07\x06\x05\x60\x00\x02\x00\x09"s;
    const std::vector<Msg> msgs{{0, kApdu}, {1, small}};
    const uint32_t budget = static_cast<uint32_t>(small.size());
    ASSERT_GT(kApdu.size(), budget);
    BudgetRun limited = budget_exchange(1153, msgs, budget);
    const nlohmann::json plain = tcp_exchange(1153, msgs);
    EXPECT_EQ(limited.record["protocol"], plain["protocol"]);
    ASSERT_TRUE(limited.record.contains("c1222")) << limited.record.dump();
    EXPECT_EQ(limited.record["c1222"]["calledApTitle"], nlohmann::json::array({"2.16.0.2.0.9"}));
    for (const char* k : {"callingApTitle", "calledApInvocationId", "callingApInvocationId"})
        EXPECT_FALSE(limited.record["c1222"].contains(k)) << k;
    EXPECT_EQ(limited.budgetSessions, 1u);
    EXPECT_EQ(limited.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(1153, msgs, static_cast<uint32_t>(kApdu.size()));
    EXPECT_EQ(enough.record["c1222"], plain["c1222"]);
    EXPECT_EQ(enough.record["c1222"]["calledApTitle"], nlohmann::json::array({"2.16.0.2.0.1", "2.16.0.2.0.9"}));
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
    // A datagram is read in place: a one-byte budget changes nothing over UDP.
    BudgetRun dgram = budget_exchange(1153, {{0, kApdu}}, 1, true);
    expect_apdu(dgram.record);
    EXPECT_EQ(dgram.budgetSessions, 0u);
    EXPECT_EQ(dgram.heldAtFree, 0u);
}

TEST(C1222, TcpOneByteAtATime) {
    expect_apdu(tcp_exchange(1153, bytewise_after({{0, kApdu}}, 2)));
}

TEST(C1222, UdpEveryPrefix) {
    every_prefix(1153, {{0, kApdu}}, 0, "c1222");
}

TEST(C1222, StreamCutAnywhere) {
    every_tcp_truncation(1153, {{0, kApdu}});
}

}  // namespace c1222_test
}  // namespace flowdex::session::test
