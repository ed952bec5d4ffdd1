// LDAP BindRequests: bind name and authentication type, whatever the segmentation, from messages
// cut short too; non-BER bytes end the parser without junk.
#include "protocols/ldap/ldap.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "ber_builder.h"
#include "exchange.h"

namespace flowdex::session::test {
namespace ldap_test {

using namespace std::string_literals;

std::string bind(int id, const std::string& name, uint8_t authTag, const std::string& cred) {
    return tlv(0x30, tlv(0x02, std::string(1, char(id))) +
                         tlv(0x60, tlv(0x02, "\x03") + tlv(0x04, name) + tlv(authTag, cred)));
}
std::string search(int id) {
    return tlv(0x30, tlv(0x02, std::string(1, char(id))) + tlv(0x63, tlv(0x04, std::string(300, 'b'))));
}

std::vector<std::string> strs(const nlohmann::json& j, const char* b) {
    std::vector<std::string> out;
    if (j.contains("ldap") && j["ldap"].contains(b))
        for (const auto& v : j["ldap"][b])
            out.push_back(v.get<std::string>());
    std::sort(out.begin(), out.end());
    return out;
}

const std::vector<Msg> kBinds = {
    {0, bind(1, "", 0x80, "")},
    {1, tlv(0x30, tlv(0x02, "\x01") + tlv(0x61, "\x0a\x01\x00\x04\x00\x04\x00"s))},
    {0, search(2) + bind(3, "cn=admin,dc=example,dc=com", 0x80, "secret")},
    {0, bind(4, "cn=anon", 0x8a, "NTLMSSP\0"s)},
};

void expect_binds(const nlohmann::json& j) {
    EXPECT_EQ(strs(j, "bindname"), (std::vector<std::string>{"<ROOT>", "cn=admin,dc=example,dc=com", "cn=anon"}));
    EXPECT_EQ(strs(j, "authtype"), (std::vector<std::string>{"none", "ntlmsspNegotiate", "simple"}));
}

TEST(Ldap, Binds) {
    nlohmann::json j = tcp_exchange(389, kBinds);
    EXPECT_TRUE(has_protocol(j, "ldap"));
    expect_binds(j);
}

TEST(Ldap, BindsSplitAnywhere) {
    for (const auto& v : splits_of(kBinds, 2))
        expect_binds(tcp_exchange(389, v));
    expect_binds(tcp_exchange(389, bytewise_after_first(kBinds)));
}

TEST(Ldap, SaslAndCutShortMessage) {
    std::string cut = bind(1, "cn=x", 0x80, "pass");
    cut.pop_back();  // the capture lost the last byte: the name is still taken
    nlohmann::json j = tcp_exchange(389, {{0, cut}});
    EXPECT_EQ(strs(j, "bindname"), (std::vector<std::string>{"cn=x"}));
    nlohmann::json k = tcp_exchange(389, {{0, bind(1, "", 0xa3, tlv(0x04, "GSS-SPNEGO"))}});
    EXPECT_EQ(strs(k, "authtype"), (std::vector<std::string>{"sasl"}));
}

TEST(Ldap, GarbageAfterBindAddsNothing) {
    nlohmann::json j =
        tcp_exchange(389, {{0, bind(1, "cn=a", 0x80, "")}, {0, "\x00\x00\x01\x00"s + bind(2, "cn=b", 0x80, "x")}});
    EXPECT_EQ(strs(j, "bindname"), (std::vector<std::string>{"cn=a"}));
    EXPECT_EQ(strs(j, "authtype"), (std::vector<std::string>{"none"}));
}

TEST(Ldap, ParserBudget) {
    // The parser holds one message at a time: room for every bind but not for the search request,
    // so the parser stops there; the first bind's fields stay, the later binds are not read.
    const std::string bind3 = bind(3, "cn=admin,dc=example,dc=com", 0x80, "secret");
    ASSERT_EQ(kBinds[2].bytes, search(2) + bind3);
    const uint32_t budget =
        static_cast<uint32_t>(std::max({kBinds[0].bytes.size(), bind3.size(), kBinds[3].bytes.size()}));
    ASSERT_GT(search(2).size(), budget);
    BudgetRun small = budget_exchange(389, kBinds, budget);
    EXPECT_TRUE(has_protocol(small.record, "ldap"));
    EXPECT_EQ(strs(small.record, "bindname"), (std::vector<std::string>{"<ROOT>"}));
    EXPECT_EQ(strs(small.record, "authtype"), (std::vector<std::string>{"none"}));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(389, kBinds, static_cast<uint32_t>(search(2).size()));
    EXPECT_EQ(enough.record["ldap"], tcp_exchange(389, kBinds)["ldap"]);
    expect_binds(enough.record);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Ldap, StreamCutAnywhere) {
    every_tcp_truncation(389, kBinds);
}

}  // namespace ldap_test
}  // namespace flowdex::session::test
