// RDP negotiation: user cookie and requested/selected protocols from the first payloads.
#include "protocols/rdp/rdp.h"

#include <gtest/gtest.h>

#include <string>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace rdp_test {

using namespace std::string_literals;

std::string tpkt(const std::string& x224) {
    size_t n = x224.size() + 4;
    return "\x03\x00"s + static_cast<char>(n >> 8) + static_cast<char>(n & 0xff) + x224;
}
std::string request(const std::string& cookie, uint32_t protocols) {
    std::string body =
        "\x00\xe0\x00\x00\x00\x00\x00"s + cookie + "\x01\x00\x08\x00"s + static_cast<char>(protocols) + "\x00\x00\x00"s;
    body[0] = static_cast<char>(body.size() - 1);
    return tpkt(body);
}
std::string confirm(uint32_t protocol) {
    std::string body =
        "\x0e\xd0\x00\x00\x12\x34\x00"s + "\x02\x00\x08\x00"s + static_cast<char>(protocol) + "\x00\x00\x00"s;
    return tpkt(body);
}

nlohmann::json run(const std::string& c, const std::string& s) {
    std::vector<Msg> msgs{{0, c}};
    if (!s.empty()) msgs.push_back({1, s});
    return tcp_exchange(3389, msgs);
}

TEST(Rdp, CookieAndProtocols) {
    nlohmann::json j = run(request("Cookie: mstshash=RdpUser\r\n", 3), confirm(1));
    EXPECT_EQ(j["user"], nlohmann::json({"rdpuser"})) << j.dump();
    EXPECT_EQ(j["rdp"]["requestedProtocols"], nlohmann::json({"ssl", "nla"}));
    EXPECT_EQ(j["rdp"]["selectedProtocol"], nlohmann::json({"ssl"}));
    j = run(request("", 0), confirm(0));
    EXPECT_EQ(j["rdp"]["requestedProtocols"], nlohmann::json({"rdp"}));
}

TEST(Rdp, InsideASocksTunnel) {
    // The tunnel's first payloads are RDP's, though each side sent SOCKS bytes before them.
    const std::vector<Msg> msgs{{0, "\x05\x01\x00"s},
                                {1, "\x05\x00"s},
                                {0, "\x05\x01\x00\x01\x0a\x00\x00\x02\x0d\x3d"s},
                                {1, "\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00"s},
                                {0, request("Cookie: mstshash=XXX\r\n", 0)},
                                {1, confirm(0)}};
    nlohmann::json j = tcp_exchange(1080, msgs);
    EXPECT_TRUE(has_protocol(j, "socks")) << j.dump();
    EXPECT_TRUE(has_protocol(j, "rdp")) << j.dump();
    EXPECT_EQ(j["user"], nlohmann::json({"xxx"})) << j.dump();
    EXPECT_EQ(j["rdp"]["selectedProtocol"], nlohmann::json({"rdp"})) << j.dump();
}

TEST(Rdp, TruncatedAndCorrupt) {
    const std::string c = request("Cookie: mstshash=u\r\n", 3);
    for (size_t i = 0; i < c.size(); ++i) {
        nlohmann::json j = run(c.substr(0, i + 1), "");
        if (i + 1 < c.size()) {
            EXPECT_FALSE(j.contains("rdp")) << i;
        }
        std::string bad = c;
        bad[i] = static_cast<char>(bad[i] ^ 0xff);
        run(bad, confirm(2));
    }
}

TEST(Rdp, SplitAtEveryByte) {
    const std::vector<Msg> msgs{{0, request("Cookie: mstshash=RdpUser\r\n", 3)}, {1, confirm(1)}};
    const nlohmann::json whole = tcp_exchange(3389, msgs);
    ASSERT_EQ(whole["user"], nlohmann::json({"rdpuser"})) << whole.dump();
    ASSERT_EQ(whole["rdp"]["selectedProtocol"], nlohmann::json({"ssl"})) << whole.dump();
    // A direction's first payload must hold the classifier's 03 00, so the cuts start at 2 bytes.
    for (size_t m = 0; m < msgs.size(); ++m) {
        const std::vector<std::vector<Msg>> splits = splits_of(msgs, m);
        for (size_t k = 1; k < splits.size(); ++k) {
            const nlohmann::json j = tcp_exchange(3389, splits[k]);
            EXPECT_EQ(j["rdp"], whole["rdp"]) << "message " << m << " cut at " << k + 1;
            EXPECT_EQ(j["user"], whole["user"]) << "message " << m << " cut at " << k + 1;
        }
    }
    std::vector<Msg> bytes;
    for (const Msg& m : msgs) {
        bytes.push_back({m.which, m.bytes.substr(0, 2)});
        for (size_t i = 2; i < m.bytes.size(); ++i)
            bytes.push_back({m.which, m.bytes.substr(i, 1)});
    }
    const nlohmann::json j = tcp_exchange(3389, bytes);
    EXPECT_EQ(j["rdp"], whole["rdp"]) << j.dump();
    EXPECT_EQ(j["user"], whole["user"]);
}

TEST(Rdp, OnlyTheFirstTpktOfEachDirection) {
    // A later Connection Request is not read, and a first payload that is not a TPKT ends its direction.
    nlohmann::json j = tcp_exchange(3389, {{0, request("Cookie: mstshash=first\r\n", 1)},
                                           {0, request("Cookie: mstshash=second\r\n", 2)},
                                           {1, "\x16\x03\x01\x00\x05hello"s},
                                           {1, confirm(2)}});
    EXPECT_EQ(j["user"], nlohmann::json({"first"})) << j.dump();
    EXPECT_EQ(j["rdp"]["requestedProtocols"], nlohmann::json({"ssl"}));
    EXPECT_FALSE(j["rdp"].contains("selectedProtocol"));
    // A TPKT length below the X.224 header or above kMaxTpkt: nothing is held or read.
    std::string big = request("Cookie: mstshash=big\r\n", 1);
    big[2] = static_cast<char>((protocols::rdp::kMaxTpkt + 1) >> 8);
    big[3] = static_cast<char>((protocols::rdp::kMaxTpkt + 1) & 0xff);
    j = tcp_exchange(3389, {{0, big}, {0, std::string(protocols::rdp::kMaxTpkt, 'x')}});
    EXPECT_FALSE(j.contains("user")) << j.dump();
}

TEST(Rdp, ParserBudget) {
    const std::vector<Msg> msgs{{0, request("Cookie: mstshash=RdpUser\r\n", 3)}, {1, confirm(1)}};
    // Whole in one segment, a TPKT is read in place: no budget at all is needed.
    BudgetRun none = budget_exchange(3389, msgs, 0);
    EXPECT_EQ(none.record["user"], nlohmann::json({"rdpuser"})) << none.record.dump();
    EXPECT_EQ(none.record["rdp"]["selectedProtocol"], nlohmann::json({"ssl"}));
    EXPECT_EQ(none.heldAtFree, 0u);
    // Cut in two, the request must be held whole: a budget one byte short of it loses the client's
    // fields, keeps the server's, and gives every byte back.
    const std::vector<Msg> cut{{0, msgs[0].bytes.substr(0, 5)}, {0, msgs[0].bytes.substr(5)}, msgs[1]};
    BudgetRun small = budget_exchange(3389, cut, static_cast<uint32_t>(msgs[0].bytes.size() - 1));
    EXPECT_FALSE(small.record.contains("user")) << small.record.dump();
    EXPECT_EQ(small.record["rdp"]["selectedProtocol"], nlohmann::json({"ssl"}));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    // Room for it twice (the S7 TPKT parser, attached to every TPKT, holds the same bytes): all read.
    BudgetRun enough = budget_exchange(3389, cut, static_cast<uint32_t>(2 * msgs[0].bytes.size()));
    EXPECT_EQ(enough.record["user"], nlohmann::json({"rdpuser"}));
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Rdp, StreamCutAnywhere) {
    every_tcp_truncation(3389, {{0, request("Cookie: mstshash=RdpUser\r\n", 3)}, {1, confirm(1)}});
}

}  // namespace rdp_test
}  // namespace flowdex::session::test
