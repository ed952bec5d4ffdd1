// SOCKS 4a/5 handshakes: socks.* fields, and the protocol carried through the tunnel is classified.
#include "protocols/socks/socks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace socks_test {

using namespace std::string_literals;

nlohmann::json run(const std::vector<Msg>& msgs) {
    return tcp_exchange(1080, msgs);
}

const std::string kGet = "GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\n";
const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";

std::vector<Msg> socks5() {
    return {{0, "\x05\x01\x02"s},
            {1, "\x05\x02"s},
            {0, "\x01\x05userx\x04pass"s},
            {1, "\x01\x00"s},
            {0, "\x05\x01\x00\x03\x0fwww.example.com\x00\x50"s},
            {1, "\x05\x00\x00\x01\x0a\x00\x00\x01\x00\x50"s},
            {0, kGet},
            {1, kOk}};
}

TEST(Socks, Socks5WithAuthAndHttpInside) {
    nlohmann::json j = run(socks5());
    EXPECT_TRUE(has_protocol(j, "socks")) << j.dump();
    EXPECT_TRUE(has_protocol(j, "http"));
    EXPECT_EQ(j["socks"]["user"], "userx");
    EXPECT_EQ(j["socks"]["host"], "www.example.com");
    EXPECT_EQ(j["socks"]["port"], 80);
    EXPECT_EQ(j["http"]["host"], nlohmann::json({"www.example.com"}));
}

TEST(Socks, ReverseSocks5TheAnsweringSideIsTheClient) {
    // A reverse proxy: the connection's initiator sends a header of its own, then serves the
    // tunnel; the answering side sends the greeting and the request, and the HTTP request after.
    nlohmann::json j = run({{0, "\x4e\x5a\x8d\x08\x87\x4e"s},
                            {1, "\x05\x01\x00"s},
                            {0, "\x05\x00"s},
                            {1, "\x05\x01\x00\x01\x4a\x7d\x83\x67\x00\x50"s},
                            {0, "\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00"s},
                            {1, kGet},
                            {0, kOk}});
    EXPECT_TRUE(has_protocol(j, "socks")) << j.dump();
    EXPECT_TRUE(has_protocol(j, "http")) << j.dump();
    EXPECT_EQ(j["socks"]["ip"], "74.125.131.103");
    EXPECT_EQ(j["socks"]["port"], 80);
    EXPECT_EQ(j["http"]["host"], nlohmann::json({"www.example.com"}));
    EXPECT_EQ(j["http"]["statuscode"], nlohmann::json({200}));
}

TEST(Socks, AServerReplyThatLooksLikeASocks4RequestIsNotSocks) {
    // A TDS result (type 04, status 01) answering a login: no socks fields, no socks parser.
    nlohmann::json j = run({{0, "\x10\x01\x00\x10\x00\x00\x01\x00login..."s},
                            {1,
                             "\x04\x01\x00\x20\x00\x35\x01\x00\xe3\x00"
                             "abc"s}});
    EXPECT_FALSE(j.contains("socks")) << j.dump();
    EXPECT_FALSE(has_protocol(j, "socks")) << j.dump();
}

TEST(Socks, Socks4aAndSocks4) {
    nlohmann::json j = run({{0, "\x04\x01\x01\xbb\x00\x00\x00\x01\x00host.test\x00"s},
                            {1, "\x00\x5a\x00\x00\x00\x00\x00\x00"s},
                            {0, kGet},
                            {1, kOk}});
    EXPECT_EQ(j["socks"]["host"], "host.test");
    EXPECT_EQ(j["socks"]["port"], 443);
    EXPECT_TRUE(has_protocol(j, "http"));
    j = run({{0, "\x04\x01\x00\x50\x5d\xb8\xd8\x77\x00"s}, {1, "\x00\x5b\x00\x00\x00\x00\x00\x00"s}, {0, kGet}});
    EXPECT_EQ(j["socks"]["ip"], "93.184.216.119");
    EXPECT_FALSE(has_protocol(j, "http")) << "a refused request opens no tunnel";
}

TEST(Socks, SplitAtEveryByte) {
    nlohmann::json whole = run(socks5());
    ASSERT_EQ(whole["socks"]["user"], "userx");
    // The greeting is the classified first payload (whole, as in Arkime); every later message is split.
    for (size_t m = 1; m < 6; ++m) {
        std::vector<Msg> msgs = socks5();
        const std::string b = msgs[m].bytes;
        for (size_t i = 1; i < b.size(); ++i) {
            std::vector<Msg> split = msgs;
            split[m].bytes = b.substr(0, i);
            split.insert(split.begin() + static_cast<long>(m) + 1, Msg{msgs[m].which, b.substr(i)});
            EXPECT_EQ(run(split)["socks"], whole["socks"]) << m << " at " << i;
        }
    }
}

TEST(Socks, MalformedHandshakes) {
    // Unknown address type, auth refused, oversized garbage: no tunnel, no crash.
    nlohmann::json j = run({{0, "\x05\x01\x00"s}, {1, "\x05\x00"s}, {0, "\x05\x01\x00\x09zzzz"s}, {0, kGet}});
    EXPECT_FALSE(has_protocol(j, "http"));
    j = run({{0, "\x05\x01\x02"s}, {1, "\x05\x02"s}, {0, "\x01\x01u\x01p"s}, {1, "\x01\x01"s}, {0, kGet}});
    EXPECT_EQ(j["socks"]["user"], "u");
    EXPECT_FALSE(has_protocol(j, "http"));
    j = run({{0, "\x04\x01\x00\x50\x01\x02\x03\x04"s + std::string(2000, 'u')}});
    EXPECT_FALSE(j.contains("socks"));
    for (size_t m = 0; m < 6; ++m) {
        std::vector<Msg> msgs = socks5();
        for (size_t i = 0; i < msgs[m].bytes.size(); ++i) {
            std::vector<Msg> bad = msgs;
            bad[m].bytes[i] = static_cast<char>(bad[m].bytes[i] ^ 0x5a);
            run(bad);
        }
    }
}

TEST(Socks, ParserBudget) {
    const std::vector<Msg> msgs = socks5();
    // Each message is given back once read: room for the user/password message but not for the
    // connect request, so the parser ends there: the user stays, no address, no tunnel.
    const uint32_t budget = static_cast<uint32_t>(msgs[2].bytes.size());
    ASSERT_GT(msgs[4].bytes.size(), budget);
    ASSERT_GE(budget, std::max({msgs[0].bytes.size(), msgs[1].bytes.size(), msgs[3].bytes.size()}));
    BudgetRun small = budget_exchange(1080, msgs, budget);
    EXPECT_TRUE(has_protocol(small.record, "socks")) << small.record.dump();
    EXPECT_EQ(small.record["socks"]["user"], "userx");
    EXPECT_FALSE(small.record["socks"].contains("host"));
    EXPECT_FALSE(small.record["socks"].contains("port"));
    EXPECT_FALSE(has_protocol(small.record, "http")) << "the tunnel is not followed";
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    // Every byte of the exchange held twice over fits (the tunnel's parsers share the budget).
    size_t total = 0;
    for (const Msg& m : msgs)
        total += m.bytes.size();
    BudgetRun enough = budget_exchange(1080, msgs, static_cast<uint32_t>(2 * total));
    const nlohmann::json plain = run(msgs);
    EXPECT_EQ(enough.record["socks"], plain["socks"]);
    EXPECT_EQ(enough.record["http"], plain["http"]);
    EXPECT_EQ(enough.record["protocol"], plain["protocol"]);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Socks, OneByteAtATime) {
    const nlohmann::json whole = run(socks5());
    const nlohmann::json j = run(bytewise_after_first(socks5()));
    EXPECT_EQ(j["socks"], whole["socks"]) << j.dump();
    // The tunnelled HTTP's first payload is one byte here, too short to classify (engine rule).
    EXPECT_FALSE(has_protocol(j, "http"));
}

TEST(Socks, StreamCutAnywhere) {
    every_tcp_truncation(1080, socks5());
}

}  // namespace socks_test
}  // namespace flowdex::session::test
