// Google QUIC CHLO: version, SNI and user agent from the clear-text handshake; malformed tag
// tables fill nothing.
#include "protocols/quic/gquic.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"
#include "session/session_harness.h"

namespace flowdex::session::test {
namespace gquic_test {

using namespace std::string_literals;

constexpr uint64_t T0 = 1700000000 * kSec;

std::string le(uint32_t v, int n) {
    std::string out;
    for (int i = 0; i < n; ++i)
        out += static_cast<char>((v >> (8 * i)) & 0xff);
    return out;
}
/// Public header (version flag, 8-byte connection id, Q043, packet number), then a CHLO.
std::string chlo_packet(const std::string& sni, const std::string& ua, bool shortCid = false) {
    std::string tags = "CHLO"s + le(2, 2) + le(0, 2);
    tags += "SNI\0"s + le(static_cast<uint32_t>(sni.size()), 4);
    tags += "UAID"s + le(static_cast<uint32_t>(sni.size() + ua.size()), 4);
    tags += sni + ua;
    std::string header = shortCid ? "\x01"s : "\x09"s + std::string(8, 'c');
    return header + "Q043" + "\x01"s + std::string(12, 'h') + tags;
}

nlohmann::json run(const std::vector<std::string>& datagrams) {
    Harness h;
    protocols::Registries regs{h.registry, h.classifiers, h.hooks};
    protocols::register_builtin_protocols(regs);
    h.start();
    uint64_t t = T0;
    for (const std::string& d : datagrams)
        h.feed(udp4_frame(ip4(10, 0, 0, 1), 40000, ip4(10, 0, 0, 2), 443, Bytes(d.begin(), d.end())), t += 1000);
    h.table->flush_all();
    const Saved* s = h.find_saved("10.0.0.1");
    EXPECT_NE(s, nullptr);
    return s ? s->json : nlohmann::json();
}

TEST(Gquic, ChloFields) {
    nlohmann::json j = run({chlo_packet("www.Example.com", "Chrome/99")});
    EXPECT_EQ(j["quic"]["version"], nlohmann::json({"Q043"})) << j.dump();
    EXPECT_EQ(j["quic"]["host"], nlohmann::json({"www.example.com"}));
    EXPECT_EQ(j["quic"]["useragent"], nlohmann::json({"Chrome/99"}));
    j = run({chlo_packet("zero.example", "", true)});
    EXPECT_EQ(j["quic"]["host"], nlohmann::json({"zero.example"}));
}

TEST(Gquic, MalformedTagTable) {
    std::string p = chlo_packet("a.example", "ua");
    size_t c = p.find("CHLO");
    std::string bad = p;
    bad.replace(c + 12, 4, le(0xffff, 4));  // SNI value ends past the datagram
    nlohmann::json j = run({bad});
    EXPECT_FALSE(j.contains("quic") && j["quic"].contains("host"));
    for (size_t i = 0; i < p.size(); ++i) {
        std::string b = p;
        b[i] = static_cast<char>(b[i] ^ 0x33);
        run({b});
        run({p.substr(0, i)});
    }
}

TEST(Gquic, ParserBudget) {
    // gQUIC reads each datagram on its own and holds nothing: no parser budget at all changes nothing.
    const std::vector<Msg> msgs{{0, chlo_packet("www.Example.com", "Chrome/99")}};
    BudgetRun none = budget_exchange(443, msgs, 0, true);
    EXPECT_EQ(none.record["quic"]["host"], nlohmann::json({"www.example.com"})) << none.record.dump();
    EXPECT_EQ(none.record["quic"], run({msgs[0].bytes})["quic"]);
    EXPECT_EQ(none.budgetSessions, 0u);
    EXPECT_EQ(none.heldAtFree, 0u);
}

TEST(Gquic, EveryPrefixOfTheChlo) {
    every_prefix(443, {{0, chlo_packet("www.Example.com", "Chrome/99")}}, 0, "quic");
}

}  // namespace gquic_test
}  // namespace flowdex::session::test
