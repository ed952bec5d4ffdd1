// PostgreSQL: the StartupMessage parameters, with and without a refused SSLRequest, split
// anywhere; an accepted SSLRequest hands over to TLS; malformed lengths add nothing.
#include "protocols/postgresql/postgresql.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "exchange.h"

namespace flowdex::session::test {
namespace postgresql_test {

using namespace std::string_literals;

std::string be32(uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>((v >> 16) & 0xff),
                       static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}
std::string startup(const std::string& params) {
    std::string body = be32(0x00030000) + params + "\0"s;
    return be32(uint32_t(body.size() + 4)) + body;
}
const std::string kSsl = "\x00\x00\x00\x08\x04\xd2\x16\x2f"s;

const std::vector<Msg> kSession = {
    {0, kSsl},
    {1, "N"},
    {0, startup("user\0appuser\0database\0myappdb\0application_name\0MyApplication\0"s)},
    {1, "R\0\0\0\x08\0\0\0\0"s},
};

void expect_session(const nlohmann::json& j) {
    EXPECT_EQ(j["postgresql"]["user"], "appuser");
    EXPECT_EQ(j["postgresql"]["db"], "myappdb");
    EXPECT_EQ(j["postgresql"]["app"], "MyApplication");
}

TEST(Postgresql, StartupAfterRefusedSsl) {
    nlohmann::json j = tcp_exchange(5432, kSession);
    EXPECT_TRUE(has_protocol(j, "postgresql"));
    expect_session(j);
}

TEST(Postgresql, SplitAnywhere) {
    for (const auto& v : splits_of(kSession, 2))
        expect_session(tcp_exchange(5432, v));
    expect_session(tcp_exchange(5432, bytewise_after_first(kSession)));
    nlohmann::json j = tcp_exchange(5432, {{0, startup("user\0u\0database\0d\0"s)}});
    EXPECT_EQ(j["postgresql"]["user"], "u");
    EXPECT_FALSE(j["postgresql"].contains("app"));
}

TEST(Postgresql, MalformedAddsNothing) {
    std::string bad = startup("user\0u\0"s);
    bad[0] = '\x7f';  // length far beyond the bound
    nlohmann::json j = tcp_exchange(5432, {{0, bad}});
    EXPECT_FALSE(j.contains("postgresql"));
    std::string cut = startup("user\0u\0database\0d\0"s);
    nlohmann::json k = tcp_exchange(5432, {{0, cut.substr(0, cut.size() - 3)}});
    EXPECT_FALSE(k.contains("postgresql"));
}

TEST(Postgresql, ParserBudget) {
    // Room for the SSLRequest (read, then given back) but not for the StartupMessage: the parser
    // ends there; the session stays named and has none of the startup parameters.
    const uint32_t budget = static_cast<uint32_t>(kSsl.size());
    ASSERT_GT(kSession[2].bytes.size(), budget);
    BudgetRun small = budget_exchange(5432, kSession, budget);
    EXPECT_TRUE(has_protocol(small.record, "postgresql")) << small.record.dump();
    EXPECT_FALSE(small.record.contains("postgresql"));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(5432, kSession, static_cast<uint32_t>(kSession[2].bytes.size()));
    EXPECT_EQ(enough.record["postgresql"], tcp_exchange(5432, kSession)["postgresql"]);
    expect_session(enough.record);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Postgresql, StreamCutAnywhere) {
    every_tcp_truncation(5432, kSession);
}

}  // namespace postgresql_test
}  // namespace flowdex::session::test
