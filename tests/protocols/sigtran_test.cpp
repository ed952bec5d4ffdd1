// SIGTRAN: M3UA/M2UA DATA messages unpacked to SCCP, TCAP and CAMEL; truncated or corrupt
// messages neither crash nor fill fields from outside the message.
#include "protocols/sigtran/sigtran.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "session/session_harness.h"

namespace flowdex::session::test {
namespace sigtran_test {

using namespace std::string_literals;

constexpr uint64_t T0 = 1700000000 * kSec;

std::string be16(size_t v) {
    return std::string{static_cast<char>(v >> 8), static_cast<char>(v & 0xff)};
}
std::string be32(size_t v) {
    return be16(v >> 16) + be16(v & 0xffff);
}
std::string tlv(uint8_t tag, const std::string& v) {
    return std::string(1, static_cast<char>(tag)) + static_cast<char>(v.size()) + v;
}

/// TCAP begin with a CAMEL v2 dialogue and one InitialDP invoke for calling number 674523010 (or
/// the BCD digits `calling`, after the odd flag/NAI and NPI octets).
std::string tcap_begin(const std::string& calling = "\x98\x76\x54\x32\x10\xf0"s) {
    std::string ac = tlv(0x06, "\x04\x00\x00\x01\x00\x32\x01"s);
    std::string dialogue =
        tlv(0x6b, tlv(0x28, tlv(0x06, "\x00\x11\x86\x05\x01\x01\x01"s) + tlv(0xa0, tlv(0x60, tlv(0xa1, ac)))));
    std::string idp = tlv(0x30, tlv(0x80, "\x06\x05"s) + tlv(0x83, "\x91"s + calling));
    std::string invoke = tlv(0xa1, tlv(0x02, "\x10"s) + tlv(0x02, "\x00"s) + idp);
    return tlv(0x62, tlv(0x48, "\x12\x34\x56\x78"s) + dialogue + tlv(0x6c, invoke));
}
/// SCCP UDT from point code 20 to 100 carrying `data`.
std::string sccp_udt(const std::string& data) {
    std::string called = "\x43\x64\x00\x0a"s, calling = "\x43\x14\x00\x0a"s;
    return "\x09\x00\x03\x07\x0b"s + char(4) + called + char(4) + calling + char(data.size()) + data;
}
/// M3UA DATA with Protocol Data (OPC, DPC, SI, NI, MP, SLS, user part).
std::string m3ua_data(uint8_t si, const std::string& user) {
    std::string pd = be32(400) + be32(20) + char(si) + "\x02\x00\x00"s + user;
    std::string param = be16(0x0210) + be16(4 + pd.size()) + pd;
    while (param.size() % 4)
        param += '\0';
    return "\x01\x00\x01\x01"s + be32(8 + param.size()) + param;
}

/// An SCTP association 10.0.0.1:2905 → 10.0.0.2:2905 with one DATA chunk per message (flags:
/// one per message, 0x03 — a whole user message — when missing).
/// With `budget`, the parsers of the session are limited to that many bytes (maxParserBuffer).
struct SctpRun {
    nlohmann::json record;
    uint64_t budgetSessions = 0;  ///< TableStats::parserBudgetSessions
    uint64_t heldAtFree = 0;      ///< TableStats::parserHeldAtFree
};
SctpRun run_sctp(const std::vector<std::string>& msgs, uint32_t ppid, const std::vector<uint8_t>& flags,
                 std::optional<uint32_t> budget) {
    Harness h;
    protocols::Registries regs{h.registry, h.classifiers, h.hooks};
    protocols::register_builtin_protocols(regs);
    if (budget) h.ctx.settings.maxParserBuffer = *budget;
    h.start();
    uint64_t t = T0;
    uint32_t tsn = 1;
    for (size_t i = 0; i < msgs.size(); ++i) {
        const std::string& m = msgs[i];
        const char flag = static_cast<char>(i < flags.size() ? flags[i] : 0x03);
        std::string chunk = "\x00"s + flag + be16(16 + m.size()) + be32(tsn++) + "\x00\x00\x00\x00"s + be32(ppid) + m;
        while (chunk.size() % 4)
            chunk += '\0';
        std::string sctp = be16(2905) + be16(2905) + be32(0x11111111) + be32(0) + chunk;
        Bytes payload(sctp.begin(), sctp.end());
        h.feed(eth(0x0800, ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 132, payload)), t += 1000);
    }
    h.table->flush_all();
    SctpRun r;
    const Saved* s = h.find_saved("10.0.0.1");
    EXPECT_NE(s, nullptr);
    if (s) r.record = s->json;
    r.budgetSessions = h.table->stats().parserBudgetSessions;
    r.heldAtFree = h.table->stats().parserHeldAtFree;
    return r;
}
nlohmann::json run(const std::vector<std::string>& msgs, uint32_t ppid = 3, const std::vector<uint8_t>& flags = {}) {
    return run_sctp(msgs, ppid, flags, std::nullopt).record;
}

bool has(const nlohmann::json& list, const std::string& v) {
    return std::find(list.begin(), list.end(), v) != list.end();
}

TEST(Sigtran, M3uaSccpTcapCamel) {
    nlohmann::json j = run({m3ua_data(3, sccp_udt(tcap_begin())), m3ua_data(5, "\x01\x00"s)});
    ASSERT_TRUE(j.contains("protocol")) << j.dump();
    for (const char* p : {"m3ua", "sccp", "camel", "isup"})
        EXPECT_TRUE(has(j["protocol"], p)) << p << " in " << j["protocol"];
    EXPECT_EQ(j["m3ua"]["si"], nlohmann::json({3, 5}));
    EXPECT_EQ(j["sctp"]["protoId"], nlohmann::json({3})) << "the payload protocol id of the DATA chunks";
    EXPECT_EQ(j["sccp"]["src"], nlohmann::json::array({20}));
    EXPECT_EQ(j["sccp"]["dst"], nlohmann::json::array({100}));
    EXPECT_EQ(j["tcap"]["opcode"], nlohmann::json::array({0}));
    EXPECT_EQ(j["camel"]["op"], nlohmann::json({"initialDP"}));
    EXPECT_EQ(j["camel"]["calling"], nlohmann::json({"674523010"}));
}

TEST(Sigtran, FragmentedUserMessageIsReassembled) {
    // A DATA message sent in SCTP fragments (B, middle, E chunks), then whole ones.
    constexpr uint8_t kBegin = 0x02, kMiddle = 0x00, kEnd = 0x01;
    const std::string first = m3ua_data(3, sccp_udt(tcap_begin("\x10\x11\x11\x11\x11\xf1"s)));
    const std::string second = m3ua_data(3, sccp_udt(tcap_begin("\x10\x22\x22\x22\x22\xf2"s)));
    for (size_t cut = protocols::sigtran::kCommonHeader; cut < first.size(); ++cut) {
        nlohmann::json j = run({first.substr(0, cut), first.substr(cut), second}, 3, {kBegin, kEnd});
        ASSERT_EQ(j["camel"]["calling"], nlohmann::json({"111111111", "222222222"})) << "cut at " << cut;
    }
    nlohmann::json j =
        run({first.substr(0, 20), first.substr(20, 30), first.substr(50), second}, 3, {kBegin, kMiddle, kEnd});
    EXPECT_EQ(j["camel"]["calling"], nlohmann::json({"111111111", "222222222"}));
    // The end of a fragmented message lost: the whole message after it is read on its own, and
    // the held piece names nothing.
    j = run({first.substr(0, 40), second}, 3, {kBegin});
    EXPECT_EQ(j["camel"]["calling"], nlohmann::json({"222222222"}));
    // A whole message short enough to fit what is missing is still read as a message of its own.
    j = run({first.substr(0, 40), m3ua_data(5, "\x01\x00"s)}, 3, {kBegin});
    EXPECT_TRUE(has(j["protocol"], "isup")) << j.dump();
    EXPECT_FALSE(j.contains("camel") && j["camel"].contains("calling")) << j.dump();
    // A piece too long for what is missing is not appended: it is read as it is.
    j = run({first.substr(0, 40), second + "xx"}, 3, {kBegin});
    EXPECT_EQ(j["camel"]["calling"], nlohmann::json({"222222222"})) << j.dump();
}

TEST(Sigtran, SctpProtoIdOfEveryDataChunk) {
    EXPECT_EQ(run({"abcd"}, 46)["sctp"]["protoId"], nlohmann::json({46}));
    EXPECT_EQ(run({"abcd", "efgh"}, 0)["sctp"]["protoId"], nlohmann::json::array({0}));
    EXPECT_FALSE(run({""}, 46).contains("sctp")) << "a DATA chunk without user data gives no protoId";
}

TEST(Sigtran, TruncatedAndCorrupt) {
    const std::string whole = m3ua_data(3, sccp_udt(tcap_begin()));
    // Every truncation and every flipped byte: no crash; a cut message names no camel number
    // beyond the bytes it holds.
    for (size_t i = 0; i < whole.size(); ++i) {
        nlohmann::json j = run({whole.substr(0, i)});
        if (j.contains("camel") && j["camel"].contains("calling")) {
            EXPECT_EQ(j["camel"]["calling"][0].get<std::string>().find_first_not_of("0123456789"), std::string::npos);
        }
        std::string bad = whole;
        bad[i] = static_cast<char>(bad[i] ^ 0xff);
        run({bad});
    }
    EXPECT_FALSE(run({"\x02\x00\x01\x01\x00\x00\x00\x08"s}).contains("m3ua")) << "wrong version";
}

TEST(Sigtran, ParserBudget) {
    constexpr uint8_t kBegin = 0x02, kMiddle = 0x00, kEnd = 0x01, kWhole = 0x03;
    const std::string isup = m3ua_data(5, "\x01\x00"s);
    const std::string first = m3ua_data(3, sccp_udt(tcap_begin("\x10\x11\x11\x11\x11\xf1"s)));
    const std::string second = m3ua_data(3, sccp_udt(tcap_begin("\x10\x22\x22\x22\x22\xf2"s)));
    const std::vector<std::string> msgs{isup, first.substr(0, 20), first.substr(20, 30), first.substr(50), second};
    const std::vector<uint8_t> flags{kWhole, kBegin, kMiddle, kEnd, kWhole};
    // Room for the first two fragments, not the whole message: the direction stops at the third;
    // the whole message before it was read, the one after it is not.
    const uint32_t budget = 50;
    ASSERT_GT(first.size(), budget);
    SctpRun small = run_sctp(msgs, 3, flags, budget);
    EXPECT_TRUE(has(small.record["protocol"], "m3ua")) << small.record.dump();
    EXPECT_TRUE(has(small.record["protocol"], "isup")) << small.record.dump();
    EXPECT_EQ(small.record["m3ua"]["si"], nlohmann::json({5}));
    EXPECT_FALSE(small.record.contains("camel") && small.record["camel"].contains("calling")) << small.record.dump();
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    // Room for the reassembled message: the record of a run without a budget.
    SctpRun enough = run_sctp(msgs, 3, flags, static_cast<uint32_t>(first.size()));
    const nlohmann::json plain = run(msgs, 3, flags);
    ASSERT_EQ(plain["camel"]["calling"], nlohmann::json({"111111111", "222222222"}));
    EXPECT_EQ(enough.record, plain);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

}  // namespace sigtran_test
}  // namespace flowdex::session::test
