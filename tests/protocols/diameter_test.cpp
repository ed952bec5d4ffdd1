// Diameter over TCP: diameter.* fields from requests and answers, several messages per segment
// or one split anywhere; a non-Diameter header ends the direction; cut messages are harmless.
#include "protocols/diameter/diameter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace diameter_test {

using namespace std::string_literals;

std::string be(uint32_t v, int n) {
    std::string out;
    for (int i = n - 1; i >= 0; --i)
        out += static_cast<char>((v >> (8 * i)) & 0xff);
    return out;
}
std::string avp(uint32_t code, const std::string& v, bool vendor = false) {
    std::string a = be(code, 4) + std::string(1, vendor ? '\xc0' : '\x40') +
                    be(static_cast<uint32_t>(v.size()) + (vendor ? 12 : 8), 3);
    if (vendor) a += be(10415, 4);
    a += v;
    while (a.size() % 4)
        a += '\0';
    return a;
}
std::string message(bool request, uint32_t code, uint32_t app, const std::string& avps) {
    return "\x01"s + be(20 + static_cast<uint32_t>(avps.size()), 3) + std::string(1, request ? '\x80' : '\x00') +
           be(code, 3) + be(app, 4) + be(1, 4) + be(2, 4) + avps;
}

std::vector<Msg> ccr_cca() {
    const std::string ccr =
        message(true, 272, 16777238,
                avp(263, "gx;1") + avp(264, "pgw.test") + avp(296, "epc.test") + avp(283, "epc.test") +
                    avp(293, "pcrf.test") + avp(1, "user@test") + avp(1, "vendor-user", true));
    const std::string cca =
        message(false, 272, 16777238, avp(263, "gx;1") + avp(264, "pcrf.test") + avp(268, be(2001, 4)));
    const std::string dwr = message(true, 280, 0, avp(264, "pgw.test"));
    return {{0, ccr + dwr}, {1, cca}, {0, message(true, 999, 12345, "")}};
}

void expect_fields(const nlohmann::json& j) {
    ASSERT_TRUE(j.contains("diameter")) << j.dump();
    const auto& d = j["diameter"];
    EXPECT_EQ(d["app"], nlohmann::json({"3GPP-Gx (16777238)", "Common (0)", "Unknown (12345)"}));
    EXPECT_EQ(d["cmd"], nlohmann::json({"Credit-Control-Request (272)", "Device-Watchdog-Request (280)",
                                        "Credit-Control-Answer (272)", "Unknown-Request (999)"}));
    EXPECT_EQ(d["sessionId"], nlohmann::json({"gx;1"}));
    EXPECT_EQ(d["originHost"], nlohmann::json({"pgw.test", "pcrf.test"}));
    EXPECT_EQ(d["originRealm"], nlohmann::json({"epc.test"}));
    EXPECT_EQ(d["destRealm"], nlohmann::json({"epc.test"}));
    EXPECT_EQ(d["destHost"], nlohmann::json({"pcrf.test"}));
    EXPECT_EQ(d["user"], nlohmann::json({"user@test"}));  // the vendor AVP with code 1 is not User-Name
    EXPECT_EQ(d["resultCode"], nlohmann::json({2001}));
}

TEST(Diameter, RequestsAndAnswers) {
    nlohmann::json j = tcp_exchange(3868, ccr_cca());
    EXPECT_TRUE(has_protocol(j, "diameter"));
    expect_fields(j);
}

TEST(Diameter, AnySegmentation) {
    const std::vector<Msg> msgs = ccr_cca();
    // The first payload must hold what names the session (classification sees it alone).
    const size_t minFirst = 20;
    for (size_t i = 0; i < msgs.size(); ++i)
        for (const auto& v : splits_of(msgs, i))
            if (i > 0 || v[0].bytes.size() >= minFirst) {
                SCOPED_TRACE(::testing::Message() << "message " << i << " first part " << v[i].bytes.size());
                expect_fields(tcp_exchange(3868, v));
            }
    std::vector<Msg> rest = bytewise(std::vector<Msg>(msgs.begin() + 1, msgs.end()));
    rest.insert(rest.begin(), msgs[0]);
    expect_fields(tcp_exchange(3868, rest));
}

TEST(Diameter, OversizedBadAndCut) {
    // A message longer than kMaxMessage: its first AVPs are read, the rest skipped, the next read.
    std::string big =
        message(true, 257, 0, avp(264, "big.test") + avp(999, std::string(protocols::diameter::kMaxMessage, 'x')));
    nlohmann::json j = tcp_exchange(3868, {{0, big + message(true, 280, 0, avp(264, "next.test"))}});
    EXPECT_EQ(j["diameter"]["originHost"], nlohmann::json({"big.test", "next.test"})) << j.dump().substr(0, 500);
    // A header that is not Diameter ends the direction.
    const std::string ok = message(true, 280, 0, avp(264, "a.test"));
    j = tcp_exchange(3868, {{0, ok + "\x02"s + ok.substr(1) + ok}});
    EXPECT_EQ(j["diameter"]["cmd"], nlohmann::json({"Device-Watchdog-Request (280)"}));
    EXPECT_EQ(j["diameter"]["originHostCnt"], 1);
    // An AVP longer than its message: the AVPs before it count, nothing after.
    std::string bad = message(true, 280, 0, avp(264, "a.test") + avp(296, "realm"));
    bad[20 + 16 + 6] = '\x7f';
    j = tcp_exchange(3868, {{0, bad}});
    EXPECT_EQ(j["diameter"]["originHost"], nlohmann::json({"a.test"}));
    EXPECT_FALSE(j["diameter"].contains("originRealm"));
    const std::string all = ccr_cca()[0].bytes;
    for (size_t cut = 1; cut < all.size(); ++cut)
        tcp_exchange(3868, {{0, all.substr(0, cut)}});
}

TEST(Diameter, ParserBudget) {
    const std::vector<Msg> all = ccr_cca();
    const std::string dwr = message(true, 280, 0, avp(264, "pgw.test"));
    const std::string ccr = all[0].bytes.substr(0, all[0].bytes.size() - dwr.size());
    ASSERT_EQ(all[0].bytes, ccr + dwr);
    // A direction holds one message at a time: room for the watchdog request and the answer but
    // not the credit-control request, so the client direction stops there (and misses the
    // request after it) while the server's answer is read.
    const std::vector<Msg> msgs{{0, dwr + ccr}, {1, all[1].bytes}, all[2]};
    const uint32_t budget = static_cast<uint32_t>(all[1].bytes.size());
    ASSERT_GT(ccr.size(), budget);
    ASSERT_GE(budget, dwr.size());
    BudgetRun small = budget_exchange(3868, msgs, budget);
    EXPECT_TRUE(has_protocol(small.record, "diameter"));
    const auto& d = small.record["diameter"];
    EXPECT_EQ(d["cmd"], nlohmann::json({"Device-Watchdog-Request (280)", "Credit-Control-Answer (272)"}));
    EXPECT_EQ(d["originHost"], nlohmann::json({"pgw.test", "pcrf.test"}));
    EXPECT_EQ(d["resultCode"], nlohmann::json({2001}));
    for (const char* k : {"destHost", "destRealm", "originRealm", "user"})
        EXPECT_FALSE(d.contains(k)) << k;
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(3868, msgs, static_cast<uint32_t>(ccr.size()));
    EXPECT_EQ(enough.record["diameter"], tcp_exchange(3868, msgs)["diameter"]);
    EXPECT_EQ(enough.record["diameter"]["user"], nlohmann::json({"user@test"}));
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Diameter, StreamCutAnywhere) {
    every_tcp_truncation(3868, ccr_cca());
}

}  // namespace diameter_test
}  // namespace flowdex::session::test
