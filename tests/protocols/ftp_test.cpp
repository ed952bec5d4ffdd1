// FTP control connection: banner, commands and reply codes, split anywhere; overlong lines skipped.
#include "protocols/ftp/ftp.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "exchange.h"

namespace flowdex::session::test {
namespace ftp_test {

const std::vector<Msg> kLogin = {
    {1, "220 Welcome to Example FTP Server\r\n"},  {0, "USER anonymous\r\n"},
    {1, "331 Please specify the password.\r\n"},   {0, "pass ftp@example.com\r\n"},
    {1, "230-Hello\r\n230 Login successful.\r\n"},
};

void expect_login(const nlohmann::json& j) {
    EXPECT_EQ(j["ftp"]["banner"], nlohmann::json::array({"Welcome to Example FTP Server"}));
    EXPECT_EQ(j["ftp"]["command"], nlohmann::json::array({"USER", "PASS"}));
    EXPECT_EQ(j["ftp"]["responseCode"], nlohmann::json::array({"220", "331", "230"}));
    EXPECT_EQ(j["user"], nlohmann::json::array({"anonymous"}));
}

TEST(Ftp, Login) {
    nlohmann::json j = tcp_exchange(21, kLogin);
    EXPECT_TRUE(has_protocol(j, "ftp"));
    expect_login(j);
}

TEST(Ftp, SplitAnywhere) {
    // A first payload of one byte is not classified (as in Arkime), so the cuts start at the second byte.
    auto cuts = splits_of(kLogin, 0);
    cuts.erase(cuts.begin());
    for (const auto& v : cuts)
        expect_login(tcp_exchange(21, v));
    expect_login(tcp_exchange(21, bytewise_after_first(kLogin)));
}

TEST(Ftp, MalformedLinesAddNothing) {
    nlohmann::json j = tcp_exchange(21, {{1, "22x nope\r\n" + std::string(protocols::ftp::kMaxLine + 5, '2') + "\r\n"},
                                         {0, "US\r\nLONGVERB x\r\n"}});
    EXPECT_FALSE(j.contains("ftp") && j["ftp"].contains("responseCode"));
    EXPECT_FALSE(j.contains("ftp") && j["ftp"].contains("command"));
}

TEST(Ftp, UserArgumentTrimmedAndLowerCased) {
    nlohmann::json j = tcp_exchange(21, {{1, "220 hi\r\n"}, {0, "user   FtpUser \r\n"}, {1, "331 ok\r\n"}});
    EXPECT_EQ(j["user"], nlohmann::json::array({"ftpuser"})) << j.dump();
    EXPECT_EQ(j["ftp"]["command"], nlohmann::json::array({"USER"}));
}

TEST(Ftp, EmptyOrUnfinishedUserAddsNoUser) {
    // USER with no argument, USERS (another verb), and a USER line the capture cuts before its end.
    nlohmann::json j = tcp_exchange(21, {{1, "220 hi\r\n"}, {0, "USER\r\nUSER   \r\nUSERS x\r\nUSER bob"}});
    EXPECT_FALSE(j.contains("user")) << j.dump();
    // An overlong USER line is skipped whole.
    j = tcp_exchange(21, {{1, "220 hi\r\n"}, {0, "USER " + std::string(protocols::ftp::kMaxLine, 'a') + "\r\n"}});
    EXPECT_FALSE(j.contains("user")) << j.dump();
}

TEST(Ftp, ParserBudget) {
    // A command line longer than the budget (shorter than kMaxLine): the parser stops; the login
    // before stays, nothing after it is read.
    std::vector<Msg> msgs = kLogin;
    const std::string site = "SITE " + std::string(600, 'x') + "\r\n";
    msgs.push_back({0, site + "USER second\r\n"});
    msgs.push_back({1, "500 no\r\n"});
    constexpr uint32_t kSmall = 300;
    ASSERT_GT(site.size(), kSmall);
    ASSERT_LT(site.size(), protocols::ftp::kMaxLine);
    BudgetRun small = budget_exchange(21, msgs, kSmall);
    EXPECT_TRUE(has_protocol(small.record, "ftp"));
    expect_login(small.record);
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(21, msgs, static_cast<uint32_t>(site.size()));
    const nlohmann::json full = tcp_exchange(21, msgs);
    EXPECT_EQ(enough.record["ftp"], full["ftp"]);
    EXPECT_EQ(enough.record["user"], full["user"]);
    EXPECT_EQ(full["user"], nlohmann::json::array({"anonymous", "second"}));
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Ftp, StreamCutAnywhere) {
    every_tcp_truncation(21, kLogin);
}

}  // namespace ftp_test
}  // namespace flowdex::session::test
