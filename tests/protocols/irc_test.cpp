// IRC: nicknames and joined channels from the client's lines, split anywhere; overlong lines skipped.
#include "protocols/irc/irc.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "exchange.h"

namespace flowdex::session::test {
namespace irc_test {

const std::vector<Msg> kSession = {
    {0, "NICK johndoe\r\nUSER john 0 * :John Doe\r\n"},
    {1, ":irc.example.net 001 johndoe :Welcome\r\n"},
    {0, "JOIN #programming,#security\r\nPRIVMSG #security :hi\r\n"},
};

void expect_session(const nlohmann::json& j) {
    EXPECT_EQ(j["irc"]["nick"], nlohmann::json::array({"johndoe"}));
    EXPECT_EQ(j["irc"]["channel"], nlohmann::json::array({"#programming,#security"}));
}

TEST(Irc, NickAndJoin) {
    nlohmann::json j = tcp_exchange(6667, kSession);
    EXPECT_TRUE(has_protocol(j, "irc"));
    expect_session(j);
}

TEST(Irc, SplitAnywhere) {
    for (const auto& v : splits_of(kSession, 2))
        expect_session(tcp_exchange(6667, v));
    expect_session(tcp_exchange(6667, bytewise_after_first(kSession)));
}

TEST(Irc, OverlongLineSkipped) {
    std::string big = "JOIN #" + std::string(protocols::irc::kMaxLine + 10, 'x') + "\r\n";
    nlohmann::json j = tcp_exchange(6667, {{0, "NICK a\r\n" + big + "JOIN #ok\r\n"}});
    EXPECT_EQ(j["irc"]["channel"], nlohmann::json::array({"#ok"}));
}

TEST(Irc, ParserBudget) {
    // A JOIN line longer than the budget (shorter than kMaxLine): the parser stops; the nick read
    // before stays, no channel is read.
    const std::string join = "JOIN #" + std::string(300, 'x') + "\r\n";
    const std::vector<Msg> msgs = {{0, "NICK johndoe\r\nUSER john 0 * :John Doe\r\n"}, {0, join + "JOIN #ok\r\n"}};
    constexpr uint32_t kSmall = 100;
    ASSERT_GT(join.size(), kSmall);
    ASSERT_LT(join.size(), protocols::irc::kMaxLine);
    BudgetRun small = budget_exchange(6667, msgs, kSmall);
    EXPECT_TRUE(has_protocol(small.record, "irc"));
    EXPECT_EQ(small.record["irc"]["nick"], nlohmann::json::array({"johndoe"}));
    EXPECT_FALSE(small.record["irc"].contains("channel"));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(6667, msgs, static_cast<uint32_t>(join.size()));
    EXPECT_EQ(enough.record["irc"], tcp_exchange(6667, msgs)["irc"]);
    EXPECT_EQ(enough.record["irc"]["channel"].size(), 2u);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Irc, StreamCutAnywhere) {
    every_tcp_truncation(6667, kSession);
}

}  // namespace irc_test
}  // namespace flowdex::session::test
