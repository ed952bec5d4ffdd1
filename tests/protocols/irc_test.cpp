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

}  // namespace irc_test
}  // namespace flowdex::session::test
