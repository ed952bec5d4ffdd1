// Oracle TNS CONNECT: host, user and service from the connect descriptor, split anywhere; a bad
// packet length adds nothing.
#include "protocols/oracle/oracle.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "exchange.h"

namespace flowdex::session::test {
namespace oracle_test {

using namespace std::string_literals;

std::string connect(const std::string& descriptor) {
    std::string body = "\x01\x39\x01\x2c\x00\x00\x08\x00\x7f\xff\x7f\x08\x00\x00\x01\x00"s;
    body += static_cast<char>(descriptor.size() >> 8);
    body += static_cast<char>(descriptor.size() & 0xff);
    body += "\x00\x22\x00\x00\x00\x00\x00\x00"s;
    size_t total = 8 + body.size() + descriptor.size();
    return std::string{static_cast<char>(total >> 8), static_cast<char>(total & 0xff)} + "\x00\x00\x01\x00\x00\x00"s +
           body + descriptor;
}

const std::vector<Msg> kConnect = {
    {0, connect("(DESCRIPTION=(CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=sqlplus)(HOST=dbclient.example.com)"
                "(USER=orauser))))")},
};

void expect_connect(const nlohmann::json& j) {
    EXPECT_EQ(j["oracle"]["host"], "dbclient.example.com");
    EXPECT_EQ(j["oracle"]["user"], "orauser");
    EXPECT_EQ(j["oracle"]["service"], "orcl");
}

TEST(Oracle, Connect) {
    nlohmann::json j = tcp_exchange(1521, kConnect);
    EXPECT_TRUE(has_protocol(j, "oracle"));
    expect_connect(j);
}

TEST(Oracle, SplitAnywhere) {
    // The classifier needs the first 8 bytes (TNS header) in the first payload, so the cuts start there.
    auto cuts = splits_of(kConnect, 0);
    cuts.erase(cuts.begin(), cuts.begin() + 7);
    for (const auto& v : cuts)
        expect_connect(tcp_exchange(1521, v));
}

TEST(Oracle, BadLengthAddsNothing) {
    std::string p = kConnect[0].bytes;
    p[0] = 0;
    p[1] = 4;  // shorter than a TNS header
    nlohmann::json j = tcp_exchange(1521, {{0, p}});
    EXPECT_FALSE(j.contains("oracle"));
}

TEST(Oracle, ParserBudget) {
    // The parser holds one packet at a time: room for a first CONNECT naming the service, not for
    // the larger one after it, so the service is read and the parser stops there.
    const std::string first = connect("(DESCRIPTION=(CONNECT_DATA=(SERVICE_NAME=ORCL)))");
    const std::vector<Msg> msgs{{0, first}, kConnect[0]};
    const uint32_t budget = static_cast<uint32_t>(first.size());
    ASSERT_GT(kConnect[0].bytes.size(), budget);
    BudgetRun small = budget_exchange(1521, msgs, budget);
    EXPECT_TRUE(has_protocol(small.record, "oracle"));
    EXPECT_EQ(small.record["oracle"]["service"], "orcl") << small.record.dump();
    EXPECT_FALSE(small.record["oracle"].contains("host"));
    EXPECT_FALSE(small.record["oracle"].contains("user"));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(1521, msgs, static_cast<uint32_t>(kConnect[0].bytes.size()));
    EXPECT_EQ(enough.record["oracle"], tcp_exchange(1521, msgs)["oracle"]);
    expect_connect(enough.record);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Oracle, OneByteAtATime) {
    // The TNS header (8 bytes) stays in the first payload for the classifier.
    expect_connect(tcp_exchange(1521, bytewise_after(kConnect, 8)));
}

TEST(Oracle, StreamCutAnywhere) {
    every_tcp_truncation(1521, kConnect);
}

}  // namespace oracle_test
}  // namespace flowdex::session::test
