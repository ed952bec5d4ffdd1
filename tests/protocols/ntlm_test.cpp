// NTLMSSP inside carrier protocols: raw messages (SMB) and base64 ones (SMTP AUTH NTLM), split
// anywhere, and truncated or corrupt messages that fill nothing.
#include "protocols/ntlm/ntlm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "protocols/signatures/signatures.h"
#include "session/session_harness.h"

namespace flowdex::session::test {
namespace ntlm_test {

using namespace std::string_literals;

constexpr uint64_t T0 = 1700000000 * kSec;

std::string le16(uint32_t v) {
    return std::string{static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
}
std::string le32(uint32_t v) {
    return le16(v & 0xffff) + le16(v >> 16);
}
std::string secbuf(size_t len, size_t off) {
    return le16(static_cast<uint32_t>(len)) + le16(static_cast<uint32_t>(len)) + le32(static_cast<uint32_t>(off));
}
std::string utf16(const std::string& s) {
    std::string out;
    for (char c : s)
        out += std::string{c, '\0'};
    return out;
}
const std::string kVersion = "\x0a\x00\x61\x4a\x00\x00\x00\x0f"s;  // 10.0.19041

/// Negotiate with OEM domain and workstation, version flag set.
std::string negotiate() {
    std::string dom = "CORPDOM", ws = "WS01";
    return "NTLMSSP\0"s + le32(1) + le32(0x02003207) + secbuf(dom.size(), 40) + secbuf(ws.size(), 40 + dom.size()) +
           kVersion + dom + ws;
}
std::string challenge() {
    std::string target = utf16("CORPTGT");
    return "NTLMSSP\0"s + le32(2) + secbuf(target.size(), 56) + le32(0x02000205) + std::string(8, 'c') +
           std::string(8, '\0') + secbuf(0, 56 + target.size()) + kVersion + target;
}
std::string authenticate(const std::string& user) {
    std::string dom = utf16("CORPDOM"), u = utf16(user), ws = utf16("WS01");
    size_t off = 88;
    std::string h = "NTLMSSP\0"s + le32(3) + secbuf(24, off) + secbuf(24, off + 24);
    off += 48;
    h += secbuf(dom.size(), off) + secbuf(u.size(), off + dom.size()) + secbuf(ws.size(), off + dom.size() + u.size());
    h += secbuf(0, off + dom.size() + u.size() + ws.size()) + le32(0x02000205) + kVersion + std::string(16, '\0');
    return h + std::string(24, 'L') + std::string(24, 'N') + dom + u + ws;
}
std::string b64(const std::string& in) {
    static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        uint32_t v = uint32_t(uint8_t(in[i])) << 16 | uint32_t(uint8_t(in[i + 1])) << 8 | uint8_t(in[i + 2]);
        out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], k[v & 63]};
    }
    if (i + 1 == in.size()) {
        uint32_t v = uint32_t(uint8_t(in[i])) << 16;
        out += {k[v >> 18], k[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        uint32_t v = uint32_t(uint8_t(in[i])) << 16 | uint32_t(uint8_t(in[i + 1])) << 8;
        out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], '='};
    }
    return out;
}
/// A BER length.
std::string ber_len(size_t n) {
    if (n < 0x80) return std::string(1, static_cast<char>(n));
    return "\x82"s + static_cast<char>(n >> 8) + static_cast<char>(n & 0xff);
}
/// An LDAP-looking message (SEQUENCE { messageID 1, [APPLICATION 3] }) carrying `blob` raw, as LDAP
/// binds carry NTLMSSP. LDAP is one of the carriers the scanner reads whole (SMB is not: its parser
/// reads only session setup blobs, see smb_test.cpp).
std::string carrier(const std::string& blob) {
    const std::string body = "\x02\x01\x01"s + "\x63"s + ber_len(blob.size()) + blob;
    return "\x30"s + ber_len(body.size()) + body;
}

constexpr uint16_t kLdapPort = 389;

/// A harness with the ntlm fields and the signatures, its parsers limited to `budget` bytes per session.
struct NtlmHarness : Harness {
    explicit NtlmHarness(uint32_t budget) {
        protocols::Registries regs{registry, classifiers, hooks};
        protocols::register_ntlm(regs);
        protocols::register_signatures(regs);
        ctx.settings.maxParserBuffer = budget;
        start();
    }
};

/// The client's record; the table's counts in `stats` when given.
nlohmann::json run(uint16_t port, const std::vector<std::string>& client, const std::vector<std::string>& server,
                   uint32_t budget = TableSettings::kDefaultMaxParserBuffer, TableStats* stats = nullptr) {
    NtlmHarness h(budget);
    TcpFlow f;
    f.sport = port;
    uint64_t t = T0;
    h.feed(f.syn(), t += 1000);
    h.feed(f.synack(), t += 1000);
    h.feed(f.ack(), t += 1000);
    uint32_t coff = 0, soff = 0;
    size_t n = std::max(client.size(), server.size());
    for (size_t i = 0; i < n; ++i) {
        if (i < server.size()) {
            h.feed(f.sdata(soff, server[i]), t += 1000);
            soff += static_cast<uint32_t>(server[i].size());
        }
        if (i < client.size()) {
            h.feed(f.cdata(coff, client[i]), t += 1000);
            coff += static_cast<uint32_t>(client[i].size());
        }
    }
    h.table->flush_all();
    if (stats) *stats = h.table->stats();
    const Saved* s = h.find_saved("10.0.0.1");
    EXPECT_NE(s, nullptr);
    return s ? s->json : nlohmann::json();
}

void expect_full(const nlohmann::json& j) {
    ASSERT_TRUE(j.contains("ntlm")) << j.dump();
    std::vector<std::string> types = j["ntlm"]["type"];
    std::sort(types.begin(), types.end());
    EXPECT_EQ(types, (std::vector<std::string>{"1", "2", "3"}));
    EXPECT_EQ(j["ntlm"]["domain"], nlohmann::json({"CORPDOM"}));
    EXPECT_EQ(j["ntlm"]["host"], nlohmann::json({"WS01"}));
    EXPECT_EQ(j["ntlm"]["targetName"], nlohmann::json({"CORPTGT"}));
    EXPECT_EQ(j["ntlm"]["version"], nlohmann::json({"10.0.19041"}));
    EXPECT_EQ(j["user"], nlohmann::json({"Alice"}));
    EXPECT_NE(std::find(j["protocol"].begin(), j["protocol"].end(), "ntlm"), j["protocol"].end());
}

TEST(Ntlm, RawInLdap) {
    expect_full(run(kLdapPort, {carrier(negotiate()), carrier(authenticate("Alice"))}, {carrier(challenge())}));
}

TEST(Ntlm, Base64InSmtp) {
    std::vector<std::string> client = {"EHLO me\r\n", "AUTH NTLM\r\n", b64(negotiate()) + "\r\n",
                                       b64(authenticate("Alice")) + "\r\n", "QUIT\r\n"};
    std::vector<std::string> server = {"220 mail ESMTP\r\n", "250 AUTH NTLM\r\n", "334 \r\n",
                                       "334 " + b64(challenge()) + "\r\n", "235 ok\r\n"};
    expect_full(run(25, client, server));
}

TEST(Ntlm, SplitAtEveryByte) {
    // Raw: the authenticate message's SMB frame split at every position.
    std::string auth = carrier(authenticate("Alice"));
    for (size_t i = 1; i < auth.size(); ++i)
        expect_full(run(kLdapPort, {carrier(negotiate()), auth.substr(0, i), auth.substr(i)}, {carrier(challenge())}));
    // Base64: every position of the authenticate line.
    std::string line = b64(authenticate("Alice")) + "\r\n";
    for (size_t i = 1; i < line.size(); ++i)
        expect_full(run(25, {"EHLO me\r\n", b64(negotiate()) + "\r\n", line.substr(0, i), line.substr(i)},
                        {"220 ESMTP\r\n", "334 " + b64(challenge()) + "\r\n"}));
}

TEST(Ntlm, TruncatedAndMalformed) {
    std::string auth = authenticate("Alice");
    // Every truncation of a lone authenticate message: no crash, and no user from a cut buffer.
    for (size_t i = 0; i < auth.size(); ++i) {
        nlohmann::json j = run(kLdapPort, {carrier(auth.substr(0, i))}, {});
        EXPECT_FALSE(j.contains("user")) << i;
    }
    // A buffer whose length is past any message is skipped, the others still read (as Arkime reads
    // smbtorture's AUTHENTICATE, whose response and domain buffers are all 0xff): junk in the
    // workstation buffer loses the host only, junk in the user buffer the user only.
    std::string bad = auth;
    bad.replace(44, 4, le32(0x7fffffff));
    nlohmann::json j = run(kLdapPort, {carrier(bad)}, {});
    EXPECT_EQ(j["user"], nlohmann::json({"Alice"})) << j.dump();
    EXPECT_FALSE(j["ntlm"].contains("host")) << j.dump();
    bad = auth;
    bad.replace(36, 4, le32(0x7fffffff));
    j = run(kLdapPort, {carrier(bad)}, {});
    EXPECT_FALSE(j.contains("user")) << j.dump();
    EXPECT_EQ(j["ntlm"]["host"], nlohmann::json({"WS01"})) << j.dump();
    bad = auth;
    bad.replace(12, 16, std::string(16, '\xff'));  // both response buffers junk
    EXPECT_EQ(run(kLdapPort, {carrier(bad)}, {})["user"], nlohmann::json({"Alice"}));
    // An unknown message type fills nothing.
    std::string type9 = negotiate();
    type9.replace(8, 4, le32(9));
    EXPECT_FALSE(run(kLdapPort, {carrier(type9)}, {}).contains("ntlm"));
    // Corrupting every byte in turn never crashes.
    for (size_t i = 0; i < auth.size(); ++i) {
        std::string c = auth;
        c[i] = static_cast<char>(c[i] ^ 0xa5);
        run(kLdapPort, {carrier(c)}, {});
    }
}

TEST(Ntlm, VersionReadWheneverTheFlagSaysSo) {
    // The Version flag set and the LM response starting at 64, where the Version would sit: the 8
    // bytes there are read as the version anyway, as Arkime does (smb-smb1-ascii: "0.0.0").
    std::string a = authenticate("Alice");
    a.replace(12, 8, le16(24) + le16(24) + le32(64));  // LM response moved to offset 64
    a.replace(64, 8, std::string(8, '\0'));
    nlohmann::json j = run(kLdapPort, {carrier(a)}, {});
    EXPECT_EQ(j["ntlm"]["version"], nlohmann::json({"0.0.0"})) << j.dump();
    // Without the flag no version, whatever the bytes.
    a = authenticate("Alice");
    a.replace(60, 4, le32(0x00000205));
    j = run(kLdapPort, {carrier(a)}, {});
    EXPECT_FALSE(j["ntlm"].contains("version")) << j.dump();
}

TEST(Ntlm, ParserBudget) {
    // Room for the negotiate and challenge messages, not for the authenticate one: the client
    // direction stops there (no user, no type 3), what came before stays.
    const std::vector<std::string> client{carrier(negotiate()), carrier(authenticate("Alice"))},
        server{carrier(challenge())};
    constexpr uint32_t kSmall = 120;
    ASSERT_LT(negotiate().size(), kSmall);
    ASSERT_LT(challenge().size(), kSmall);
    ASSERT_GT(authenticate("Alice").size(), kSmall);
    TableStats small;
    nlohmann::json j = run(kLdapPort, client, server, kSmall, &small);
    ASSERT_TRUE(j.contains("ntlm")) << j.dump();
    std::vector<std::string> types = j["ntlm"]["type"];
    std::sort(types.begin(), types.end());
    EXPECT_EQ(types, (std::vector<std::string>{"1", "2"}));
    EXPECT_EQ(j["ntlm"]["targetName"], nlohmann::json({"CORPTGT"}));
    EXPECT_FALSE(j.contains("user"));
    EXPECT_EQ(small.parserBudgetSessions, 1u);
    EXPECT_EQ(small.parserHeldAtFree, 0u);
    // Room for the largest message: as without a budget.
    TableStats enough;
    j = run(kLdapPort, client, server, static_cast<uint32_t>(authenticate("Alice").size()), &enough);
    expect_full(j);
    EXPECT_EQ(j, run(kLdapPort, client, server));
    EXPECT_EQ(enough.parserBudgetSessions, 0u);
    EXPECT_EQ(enough.parserHeldAtFree, 0u);
}

}  // namespace ntlm_test
}  // namespace flowdex::session::test
