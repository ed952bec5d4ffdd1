// TDS logins (SQL Server LOGIN7, Sybase TDS 5): the user name, split anywhere, cut or malformed.
#include "protocols/tds/tds.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "exchange.h"

namespace flowdex::session::test {
namespace tds_test {

using namespace std::string_literals;

/// One TDS packet: type, status (1 = end of message), big-endian length including the header.
std::string packet(uint8_t type, uint8_t status, const std::string& body) {
    const size_t n = body.size() + 8;
    return std::string{static_cast<char>(type), static_cast<char>(status), static_cast<char>(n >> 8),
                       static_cast<char>(n & 0xff)} +
           "\x00\x00\x01\x00"s + body;
}

std::string le16(size_t v) {
    return std::string{static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
}

std::string utf16(const std::string& ascii) {
    std::string out;
    for (char c : ascii)
        out += std::string{c, '\0'};
    return out;
}

/// A LOGIN7 body: 36-byte fixed part, the 58-byte offset/length table, then host and user names.
std::string login7(const std::string& host, const std::string& user) {
    constexpr size_t kData = 36 + 58;
    std::string table = le16(kData) + le16(host.size()) + le16(kData + 2 * host.size()) + le16(user.size());
    table += std::string(58 - table.size(), '\0');
    const size_t total = kData + 2 * (host.size() + user.size());
    std::string fixed = std::string{static_cast<char>(total & 0xff), static_cast<char>(total >> 8), 0, 0} +
                        "\x04\x00\x00\x74"s + std::string(28, '\0');
    return fixed + table + utf16(host) + utf16(user);
}

const std::string kPreLogin = packet(0x12, 1, "\x00\x00\x06\x00\x01\xff\x09\x00\x00\x00\x00"s);

std::vector<Msg> tds7(const std::string& loginBody) {
    return {{0, kPreLogin}, {1, packet(0x04, 1, "\x00\x00\x06\x00\x01\xff\x09\x00"s)}, {0, loginBody}};
}

/// A Sybase login record start: host name [30]+length, user name [30]+length, password [30]+length.
std::string tds5_body(const std::string& user, size_t userLength) {
    auto field = [](const std::string& v, size_t n) {
        return v + std::string(30 - v.size(), '\0') + std::string(1, static_cast<char>(n));
    };
    return field("client", 6) + field(user, userLength) + field("secret", 6) + std::string(507, '\0');
}

std::vector<Msg> tds5(const std::string& user, size_t userLength) {
    const std::string body = tds5_body(user, userLength);
    // Sent as two packets of one message, as Sybase clients do (512-byte packets).
    return {{0, "\x02\x00\x02\x00\x00\x00\x01\x00"s + body.substr(0, 504)},
            {0, packet(0x02, 1, body.substr(504))},
            {1, packet(0x04, 1, "\xad\x00\x00"s)}};
}

TEST(Tds, Login7User) {
    nlohmann::json j = tcp_exchange(1433, tds7(packet(0x10, 1, login7("WS-01", "TestUser"))));
    EXPECT_TRUE(has_protocol(j, "tds")) << j.dump();
    EXPECT_EQ(j["user"], nlohmann::json::array({"testuser"})) << j.dump();
    EXPECT_EQ(j["userCnt"], 1);
    // A LOGIN7 alone (no PRELOGIN first).
    j = tcp_exchange(1433, {{0, packet(0x10, 1, login7("host", "sa"))}});
    EXPECT_EQ(j["user"], nlohmann::json::array({"sa"})) << j.dump();
    // A LOGIN7 message in two packets, the name in the second.
    const std::string body = login7("host", "sa");
    std::vector<Msg> v = tds7(packet(0x10, 0, body.substr(0, 50)));
    v.push_back({0, packet(0x10, 1, body.substr(50))});
    j = tcp_exchange(1433, v);
    EXPECT_EQ(j["user"], nlohmann::json::array({"sa"})) << j.dump();
}

TEST(Tds, Tds5User) {
    nlohmann::json j = tcp_exchange(5000, tds5("DB_Reader", 9));
    EXPECT_TRUE(has_protocol(j, "tds")) << j.dump();
    EXPECT_EQ(j["user"], nlohmann::json::array({"db_reader"})) << j.dump();
    // The length byte decides, not the padding.
    j = tcp_exchange(5000, tds5("DB_Reader", 2));
    EXPECT_EQ(j["user"], nlohmann::json::array({"db"})) << j.dump();
}

TEST(Tds, SplitAnywhere) {
    const std::vector<Msg> v7 = tds7(packet(0x10, 1, login7("WS-01", "TestUser")));
    for (const auto& v : splits_of(v7, 2))
        EXPECT_EQ(tcp_exchange(1433, v)["user"], nlohmann::json::array({"testuser"}));
    EXPECT_EQ(tcp_exchange(1433, bytewise_after_first(v7))["user"], nlohmann::json::array({"testuser"}));
    const std::vector<Msg> v5 = tds5("DB_Reader", 9);
    // The signature needs the first 8 bytes of the first payload.
    for (const auto& v : splits_of(v5, 0))
        if (v[0].bytes.size() >= 8) {
            EXPECT_EQ(tcp_exchange(5000, v)["user"], nlohmann::json::array({"db_reader"}));
        }
    EXPECT_EQ(tcp_exchange(5000, bytewise_after_first(v5))["user"], nlohmann::json::array({"db_reader"}));
}

TEST(Tds, TruncatedAndMalformedGiveNoUser) {
    // A LOGIN7 cut anywhere: the whole name or nothing.
    const std::string login = packet(0x10, 1, login7("WS-01", "TestUser"));
    for (size_t cut = 1; cut < login.size(); ++cut) {
        nlohmann::json j = tcp_exchange(1433, tds7(login.substr(0, cut)));
        EXPECT_FALSE(j.contains("user")) << cut << j.dump();
    }
    // A name past the LOGIN7 length, an empty name (NTLM logins), a TDS 5 length above 30.
    std::string bad = login7("WS-01", "TestUser");
    bad[0] = 60;
    EXPECT_FALSE(tcp_exchange(1433, tds7(packet(0x10, 1, bad))).contains("user"));
    EXPECT_FALSE(tcp_exchange(1433, tds7(packet(0x10, 1, login7("WS-01", "")))).contains("user"));
    EXPECT_FALSE(tcp_exchange(5000, tds5("DB_Reader", 31)).contains("user"));
    EXPECT_FALSE(tcp_exchange(5000, tds5("", 0)).contains("user"));
    // An encrypted login (TLS records after the PRELOGIN) and a header length below 8 end the parser.
    std::vector<Msg> tls = tds7("\x17\x03\x03\x00\x40"s + login7("WS-01", "TestUser"));
    EXPECT_FALSE(tcp_exchange(1433, tls).contains("user"));
    std::string shortLen = packet(0x10, 1, login7("WS-01", "TestUser"));
    shortLen[2] = 0;
    shortLen[3] = 4;
    EXPECT_FALSE(tcp_exchange(1433, tds7(shortLen)).contains("user"));
    // Random corruption of every byte: no crash, and any user seen is the real one.
    for (size_t i = 0; i < login.size(); ++i) {
        std::string c = login;
        c[i] = static_cast<char>(c[i] ^ 0x5a);
        nlohmann::json j = tcp_exchange(1433, tds7(c));
        if (j.contains("user") && i < 8 + 94) {
            EXPECT_EQ(j["user"], nlohmann::json::array({"testuser"})) << i;
        }
    }
}

TEST(Tds, ParserBudget) {
    const std::string body = login7("WS-01", "TestUser");
    const std::vector<Msg> msgs = tds7(packet(0x10, 1, body));
    // The LOGIN7 body is kept up to the end of the user name, its last bytes: one byte short of
    // it, the parser ends without a user.
    ASSERT_EQ(body.size(), 36u + 58 + 2 * (5 + 8));
    BudgetRun small = budget_exchange(1433, msgs, static_cast<uint32_t>(body.size() - 1));
    EXPECT_TRUE(has_protocol(small.record, "tds"));
    EXPECT_FALSE(small.record.contains("user")) << small.record.dump();
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(1433, msgs, static_cast<uint32_t>(body.size()));
    const nlohmann::json plain = tcp_exchange(1433, msgs);
    ASSERT_EQ(plain["user"], nlohmann::json::array({"testuser"}));
    EXPECT_EQ(enough.record["user"], plain["user"]);
    EXPECT_EQ(enough.record["protocol"], plain["protocol"]);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Tds, StreamCutAnywhere) {
    every_tcp_truncation(1433, tds7(packet(0x10, 1, login7("WS-01", "TestUser"))));
}

}  // namespace tds_test
}  // namespace flowdex::session::test
