// Kerberos 5: AS-REQ names, realm and encryption types, KRB-ERROR codes, over UDP and TCP (split
// anywhere); malformed BER adds nothing.
#include "protocols/krb5/krb5.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ber_builder.h"
#include "exchange.h"

namespace flowdex::session::test {
namespace krb5_test {

using namespace std::string_literals;

std::string integer(int v) {
    return tlv(0x02, std::string(1, static_cast<char>(v)));
}
std::string principal(const std::vector<std::string>& parts) {
    std::string names;
    for (const auto& p : parts)
        names += tlv(0x1b, p);
    return tlv(0x30, tlv(0xa0, integer(1)) + tlv(0xa1, tlv(0x30, names)));
}
std::string as_req() {
    std::string body = tlv(0xa0, tlv(0x03, "\x00\x40\x81\x00\x10"s)) + tlv(0xa1, principal({"alice"})) +
                       tlv(0xa2, tlv(0x1b, "EXAMPLE.COM")) + tlv(0xa3, principal({"krbtgt", "EXAMPLE.COM"})) +
                       tlv(0xa7, integer(5)) + tlv(0xa8, tlv(0x30, integer(18) + integer(23) + integer(99)));
    return tlv(0x6a, tlv(0x30, tlv(0xa1, integer(5)) + tlv(0xa2, integer(10)) + tlv(0xa4, tlv(0x30, body))));
}
std::string krb_error(int code) {
    return tlv(0x7e,
               tlv(0x30, tlv(0xa0, integer(5)) + tlv(0xa1, integer(30)) + tlv(0xa6, integer(code)) +
                             tlv(0xa9, tlv(0x1b, "EXAMPLE.COM")) + tlv(0xaa, principal({"krbtgt", "EXAMPLE.COM"}))));
}
std::string framed(const std::string& m) {
    return "\0\0"s + static_cast<char>(m.size() >> 8) + static_cast<char>(m.size() & 0xff) + m;
}

std::vector<std::string> strs(const nlohmann::json& j, const char* b) {
    std::vector<std::string> out;
    if (j.contains("krb5") && j["krb5"].contains(b))
        for (const auto& v : j["krb5"][b])
            out.push_back(v.get<std::string>());
    std::sort(out.begin(), out.end());
    return out;
}

void expect_exchange(const nlohmann::json& j) {
    EXPECT_EQ(strs(j, "cname"), (std::vector<std::string>{"alice"}));
    EXPECT_EQ(strs(j, "realm"), (std::vector<std::string>{"EXAMPLE.COM"}));
    EXPECT_EQ(strs(j, "sname"), (std::vector<std::string>{"krbtgt/EXAMPLE.COM"}));
    EXPECT_EQ(strs(j, "etype"), (std::vector<std::string>{"aes256-cts-hmac-sha1-96", "rc4-hmac"}));
    EXPECT_EQ(strs(j, "error"), (std::vector<std::string>{"KDC_ERR_PREAUTH_REQUIRED"}));
}

TEST(Krb5, UdpRequestAndError) {
    nlohmann::json j = udp_exchange(88, {{0, as_req()}, {1, krb_error(25)}});
    EXPECT_TRUE(has_protocol(j, "krb5"));
    expect_exchange(j);
}

TEST(Krb5, TcpSplitAnywhere) {
    const std::vector<Msg> msgs = {{0, framed(as_req())}, {1, framed(krb_error(25))}};
    expect_exchange(tcp_exchange(88, msgs));
    // A first payload of one byte is not classified (as in Arkime), so the cuts start at the second byte.
    auto cuts = splits_of(msgs, 0);
    cuts.erase(cuts.begin());
    for (const auto& v : cuts)
        expect_exchange(tcp_exchange(88, v));
    expect_exchange(tcp_exchange(88, bytewise_after_first(msgs)));
}

TEST(Krb5, EmptyTcpRecordsAreSkipped) {
    // A zero-length record once made the TCP reader spin; now it is skipped like any other.
    const nlohmann::json j =
        tcp_exchange(88, {{0, framed(as_req())}, {1, "\0\0\0\0"s + "\0\0\0\0"s + framed(krb_error(25))}});
    expect_exchange(j);
}

TEST(Krb5, MalformedAddsNothing) {
    std::string m = as_req();
    m[1] = static_cast<char>(m[1] + 40);  // outer length runs past the datagram
    nlohmann::json j = udp_exchange(88, {{0, m}, {0, "\x6a\x84\xff\xff\xff\xff"s}, {0, krb_error(25).substr(0, 12)}});
    EXPECT_FALSE(j.contains("krb5"));
}

TEST(Krb5, ParserBudget) {
    const std::vector<Msg> msgs = {{0, framed(as_req())}, {1, framed(krb_error(25))}};
    // Room for the framed error but not the framed request: the client direction stops, the
    // server's error is read.
    const uint32_t budget = static_cast<uint32_t>(msgs[1].bytes.size());
    ASSERT_GT(msgs[0].bytes.size(), budget);
    BudgetRun small = budget_exchange(88, msgs, budget);
    EXPECT_TRUE(has_protocol(small.record, "krb5")) << small.record.dump();
    EXPECT_EQ(strs(small.record, "error"), (std::vector<std::string>{"KDC_ERR_PREAUTH_REQUIRED"}));
    EXPECT_EQ(strs(small.record, "sname"), (std::vector<std::string>{"krbtgt/EXAMPLE.COM"}));
    EXPECT_TRUE(strs(small.record, "cname").empty());
    EXPECT_TRUE(strs(small.record, "etype").empty());
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(88, msgs, static_cast<uint32_t>(msgs[0].bytes.size()));
    EXPECT_EQ(enough.record["krb5"], tcp_exchange(88, msgs)["krb5"]);
    expect_exchange(enough.record);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
    // A datagram is read in place: a one-byte budget changes nothing over UDP.
    const std::vector<Msg> udp = {{0, as_req()}, {1, krb_error(25)}};
    BudgetRun dgram = budget_exchange(88, udp, 1, true);
    EXPECT_EQ(dgram.record["krb5"], udp_exchange(88, udp)["krb5"]);
    expect_exchange(dgram.record);
    EXPECT_EQ(dgram.budgetSessions, 0u);
    EXPECT_EQ(dgram.heldAtFree, 0u);
}

TEST(Krb5, EveryPrefixOfEachDatagram) {
    const std::vector<Msg> msgs{{0, as_req()}, {1, krb_error(25)}};
    for (size_t i = 0; i < msgs.size(); ++i)
        every_prefix(88, msgs, i, "krb5");
}

TEST(Krb5, StreamCutAnywhere) {
    every_tcp_truncation(88, {{0, framed(as_req())}, {1, framed(krb_error(25))}});
}

}  // namespace krb5_test
}  // namespace flowdex::session::test
