// MySQL handshake: server version and user whatever the segmentation; an SSL request hands the
// stream to TLS; truncated or corrupt packets are harmless.
#include "protocols/mysql/mysql.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace mysql_test {

using namespace std::string_literals;

std::string packet(uint8_t seq, const std::string& body) {
    size_t n = body.size();
    return std::string{static_cast<char>(n & 0xff), static_cast<char>((n >> 8) & 0xff), static_cast<char>(n >> 16),
                       static_cast<char>(seq)} +
           body;
}
const std::string kGreeting = packet(0, "\x0a"s + "8.0.32-test" + "\x00"s + std::string(40, 'g'));
const std::string kLogin = packet(1, "\x85\xa6\xff\x01"s + std::string(4, '\0') + "\x21"s + std::string(23, '\0') +
                                         "DbAdmin\x00"s + std::string(21, 'p'));
const std::string kSslRequest = packet(1, "\x85\xae\xff\x01"s + std::string(4, '\0') + "\x21"s + std::string(23, '\0'));

nlohmann::json run(const std::vector<std::string>& server, const std::vector<std::string>& client) {
    std::vector<Msg> msgs;
    for (const std::string& b : server)
        msgs.push_back({1, b});
    for (const std::string& b : client)
        msgs.push_back({0, b});
    return tcp_exchange(3306, msgs);
}

TEST(Mysql, VersionAndUser) {
    nlohmann::json j = run({kGreeting}, {kLogin});
    EXPECT_EQ(j["mysql"]["version"], "8.0.32-test") << j.dump();
    EXPECT_EQ(j["mysql"]["user"], "dbadmin");
}

TEST(Mysql, SplitAtEveryByte) {
    for (size_t i = 6; i < kGreeting.size(); ++i)
        EXPECT_EQ(run({kGreeting.substr(0, i), kGreeting.substr(i)}, {kLogin})["mysql"]["version"], "8.0.32-test") << i;
    for (size_t i = 1; i < kLogin.size(); ++i)
        EXPECT_EQ(run({kGreeting}, {kLogin.substr(0, i), kLogin.substr(i)})["mysql"]["user"], "dbadmin") << i;
}

TEST(Mysql, SslRequestStartsTls) {
    const std::string hello("\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00", 10);
    nlohmann::json j = run({kGreeting}, {kSslRequest, hello});
    EXPECT_NE(std::find(j["protocol"].begin(), j["protocol"].end(), "tls"), j["protocol"].end()) << j.dump();
    EXPECT_FALSE(j["mysql"].contains("user"));
}

TEST(Mysql, TruncatedAndCorrupt) {
    for (size_t i = 0; i < kLogin.size(); ++i) {
        nlohmann::json j = run({kGreeting}, {kLogin.substr(0, i)});
        EXPECT_FALSE(j.contains("mysql") && j["mysql"].contains("user") && j["mysql"]["user"] != "dbadmin") << i;
        std::string bad = kLogin;
        bad[i] = static_cast<char>(bad[i] ^ 0xff);
        run({kGreeting}, {bad});
    }
}

TEST(Mysql, ParserBudget) {
    const std::vector<Msg> msgs{{1, kGreeting}, {0, kLogin}};
    // The greeting is read and given back before the login arrives: room for the greeting but not
    // the login, so the version is read and the user is not.
    const uint32_t budget = static_cast<uint32_t>(kGreeting.size());
    ASSERT_GT(kLogin.size(), budget);
    BudgetRun small = budget_exchange(3306, msgs, budget);
    EXPECT_TRUE(has_protocol(small.record, "mysql"));
    EXPECT_EQ(small.record["mysql"]["version"], "8.0.32-test") << small.record.dump();
    EXPECT_FALSE(small.record["mysql"].contains("user"));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(3306, msgs, static_cast<uint32_t>(kLogin.size()));
    EXPECT_EQ(enough.record["mysql"], tcp_exchange(3306, msgs)["mysql"]);
    EXPECT_EQ(enough.record["mysql"]["user"], "dbadmin");
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Mysql, StreamCutAnywhere) {
    every_tcp_truncation(3306, {{1, kGreeting}, {0, kLogin}});
}

}  // namespace mysql_test
}  // namespace flowdex::session::test
