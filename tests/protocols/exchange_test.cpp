// The split and truncation helpers of exchange.h: not_within must catch every made-up value, and
// every_prefix_of must report a prefix whose record holds one.
#include "protocols/exchange.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <string>

namespace flowdex::session::test {
namespace exchange_test {

TEST(ExchangeHelpers, NotWithinAcceptsOnlySubsets) {
    const nlohmann::json whole = nlohmann::json::parse(
        R"({"dns":[{"host":["a.example","b.example"],"hostCnt":2,"qt":"A"}],"dnsCnt":1,"x":{"n":7,"s":"value"}})");
    EXPECT_EQ(not_within(nlohmann::json::object(), whole), "");
    EXPECT_EQ(not_within(whole, whole), "");
    EXPECT_EQ(not_within(nlohmann::json::parse(R"({"dns":[{"host":["b.example"],"hostCnt":1}]})"), whole), "");
    // A value the whole does not have, a key it does not have, a larger count, a cut string.
    EXPECT_EQ(not_within(nlohmann::json::parse(R"({"dns":[{"host":["c.example"]}]})"), whole), "/dns/0");
    EXPECT_EQ(not_within(nlohmann::json::parse(R"({"x":{"m":1}})"), whole), "/x/m");
    EXPECT_EQ(not_within(nlohmann::json::parse(R"({"dnsCnt":2})"), whole), "/dnsCnt");
    EXPECT_EQ(not_within(nlohmann::json::parse(R"({"x":{"s":"val"}})"), whole), "/x/s");
    EXPECT_EQ(not_within(nlohmann::json::parse(R"({"x":{"n":6}})"), whole), "/x/n");
    // Under a key listed as partial: the start of a string, a smaller number, one more value counted.
    EXPECT_EQ(not_within(nlohmann::json::parse(R"({"x":{"s":"val","n":6}})"), whole, {"s", "n"}), "");
    EXPECT_EQ(not_within(nlohmann::json::parse(R"({"x":{"s":"alu"}})"), whole, {"s"}), "/x/s");
    EXPECT_EQ(not_within(nlohmann::json::parse(R"({"x":{"n":8}})"), whole, {"n"}), "/x/n");
    EXPECT_EQ(not_within(nlohmann::json::parse(R"({"dns":[{"host":["a.ex"],"hostCnt":3}]})"), whole, {"host"}), "");
    EXPECT_EQ(not_within(nlohmann::json::parse(R"({"dns":[{"hostCnt":4}]})"), whole, {"host"}), "/dns/0");
}

TEST(ExchangeHelpers, AppFieldsLeaveOutTheSession) {
    const nlohmann::json j = udp_exchange(123, {{0, std::string(48, '\x23')}});
    const nlohmann::json app = app_fields(j);
    EXPECT_TRUE(j.contains("source") && j.contains("firstPacket") && j.contains("network")) << j.dump();
    EXPECT_FALSE(app.contains("source") || app.contains("firstPacket") || app.contains("network")) << app.dump();
    EXPECT_TRUE(app.contains("protocol")) << app.dump();
}

TEST(ExchangeHelpers, EveryPrefixReportsAMadeUpField) {
    // A stand-in "parser" that records the length of what it got: every prefix makes a value up.
    const std::string message = "abcd";
    int calls = 0;
    ::testing::TestPartResultArray failures;
    {
        ::testing::ScopedFakeTestPartResultReporter reporter(
            ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
        every_prefix_of(message, "p", [&](const std::string& cut) {
            ++calls;
            return nlohmann::json{{"p", {{"len", cut.size()}}}};
        });
    }
    EXPECT_EQ(calls, 5);            // the whole message, then 0..3 bytes
    EXPECT_EQ(failures.size(), 4);  // each prefix's length is not the whole's
}

}  // namespace exchange_test
}  // namespace flowdex::session::test
