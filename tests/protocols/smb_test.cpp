// SMB1 and SMB2 requests: dialect, OS/version/user/domain of a session setup (NTLMSSP inside
// SPNEGO included), shares and file names, in ASCII and Unicode; NetBIOS messages split anywhere;
// bad offsets, counts and truncation give no field garbage.
#include <gtest/gtest.h>

#include <algorithm>

#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace smb_test {

using namespace std::string_literals;

std::string le16(size_t v) {
    return std::string{static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff)};
}
std::string le32(size_t v) {
    return le16(v & 0xffff) + le16(v >> 16);
}
std::string netbios(const std::string& m) {
    return "\x00"s + static_cast<char>(m.size() >> 16) + static_cast<char>((m.size() >> 8) & 0xff) +
           static_cast<char>(m.size() & 0xff) + m;
}
std::string u16(const std::string& ascii) {
    std::string out;
    for (char c : ascii)
        out += c + "\0"s;
    return out + "\0\0"s;
}

/// An SMB1 message: header (command, reply flag, Unicode flag), words and bytes.
std::string smb1(uint8_t cmd, bool reply, bool unicode, const std::vector<uint16_t>& words, const std::string& bytes) {
    std::string h = "\xffSMB"s + static_cast<char>(cmd) + std::string(4, '\0') + static_cast<char>(reply ? 0x80 : 0) +
                    le16(unicode ? 0x8000 : 0) + std::string(20, '\0');
    h += static_cast<char>(words.size());
    for (uint16_t w : words)
        h += le16(w);
    return h + le16(bytes.size()) + bytes;
}

/// An NTLMSSP AUTHENTICATE (Unicode) with domain, user and workstation.
std::string ntlm_auth(const std::string& domain, const std::string& user, const std::string& host) {
    const std::string d = u16(domain).substr(0, 2 * domain.size()), u = u16(user).substr(0, 2 * user.size()),
                      w = u16(host).substr(0, 2 * host.size());
    const size_t base = 64;
    std::string m = "NTLMSSP\0"s + le32(3) + le16(0) + le16(0) + le32(base) + le16(0) + le16(0) + le32(base);
    m += le16(d.size()) + le16(d.size()) + le32(base);
    m += le16(u.size()) + le16(u.size()) + le32(base + d.size());
    m += le16(w.size()) + le16(w.size()) + le32(base + d.size() + u.size());
    m += le16(0) + le16(0) + le32(base) + le32(0x1);  // session key, flags: Unicode
    return m + d + u + w;
}

std::vector<Msg> smb1_session() {
    const std::string dialects = "\x02PC NETWORK PROGRAM 1.0\0\x02NT LM 0.12\0"s;
    // Session setup without extended security (wct 13): passwords, then account, domain, OS, LAN manager.
    const std::string setup = "\0"s /* pad */ + u16("alice") + u16("CORP") + u16("Unix") + u16("Samba 4.1");
    std::vector<uint16_t> w13 = {0xff, 0, 4356, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    // Extended security (wct 12): SPNEGO-wrapped NTLMSSP, then OS and LAN manager.
    const std::string spnego = "\xa1\x81\x90\x30\x81\x8d\xa2\x81\x8a\x04\x81\x87"s + ntlm_auth("LAB", "Bob", "WS01");
    std::vector<uint16_t> w12 = {0xff, 0, 4356, 50, 0, 0, 0, static_cast<uint16_t>(spnego.size()), 0, 0, 0, 0};
    const std::string setup12 = spnego + (spnego.size() % 2 ? "" : "\0"s) + u16("Windows 7") + u16("Windows 7 6.1");
    const std::string tree = "\0"s /* password; the path is then 2-aligned */ + u16("\\\\SRV\\DATA") + "?????\0"s;
    return {{0, netbios(smb1(0x72, false, false, {}, dialects))},
            {1, netbios(smb1(0x72, true, false, {1}, ""))},
            {0, netbios(smb1(0x73, false, true, w13, setup))},
            {0, netbios(smb1(0x73, false, true, w12, setup12))},
            {1, netbios(smb1(0x73, true, true, {0xff, 0, 0}, u16("ServerOS") + u16("ServerLM")))},
            {0, netbios(smb1(0x75, false, true, {0xff, 0, 0, 1}, tree))},
            {0, netbios(smb1(0x2d, false, true, std::vector<uint16_t>(15, 0), "\0"s + u16("\\docs\\a.txt")))},
            {0, netbios(smb1(0x2d, false, false, std::vector<uint16_t>(15, 0), "\\b.txt\0"s))},
            {0, netbios(smb1(0x06, false, false, {0}, "\x04gone.txt\0"s))}};
}

void expect_smb1(const nlohmann::json& j) {
    EXPECT_TRUE(has_protocol(j, "smb")) << j.dump();
    ASSERT_TRUE(j.contains("smb")) << j.dump();
    const nlohmann::json& s = j["smb"];
    EXPECT_EQ(s["dialect"], "NT LM 0.12") << s.dump();
    EXPECT_EQ(s["user"], nlohmann::json({"alice", "Bob"}));
    EXPECT_EQ(s["domain"], nlohmann::json({"CORP", "LAB"}));
    EXPECT_EQ(s["host"], nlohmann::json({"WS01"})) << "kept as sent, as in Arkime's records";
    EXPECT_EQ(s["os"], nlohmann::json({"Unix", "Windows 7"})) << "the server's strings do not count";
    EXPECT_EQ(s["version"], nlohmann::json({"Samba 4.1", "Windows 7 6.1"}));
    EXPECT_EQ(s["share"], nlohmann::json({"\\\\SRV\\DATA"}));
    EXPECT_EQ(s["filename"], nlohmann::json({"\\docs\\a.txt", "b.txt", "gone.txt"}))
        << "an ASCII OPEN_ANDX name loses its first byte, as in Arkime";
}

/// An NTLMSSP NEGOTIATE with the Version flag and version 10.0.19041.
std::string ntlm_negotiate() {
    return "NTLMSSP\0"s + le32(1) + le32(0x02000000) + std::string(16, '\0') + "\x0a\x00\x61\x4a\x00\x00\x00\x0f"s;
}

/// An SMB1 extended-security session setup (wct 12 request, wct 4 reply) carrying `blob`.
std::string setup_with(const std::string& blob, bool reply) {
    if (reply) return netbios(smb1(0x73, true, true, {0xff, 0, 0, static_cast<uint16_t>(blob.size())}, blob));
    std::vector<uint16_t> w12 = {0xff, 0, 4356, 50, 0, 0, 0, static_cast<uint16_t>(blob.size()), 0, 0, 0, 0};
    return netbios(smb1(0x73, false, true, w12, blob));
}

std::vector<std::string> ntlm_types(const nlohmann::json& j) {
    std::vector<std::string> out;
    if (j.contains("ntlm") && j["ntlm"].contains("type"))
        for (const auto& t : j["ntlm"]["type"])
            out.push_back(t.get<std::string>());
    std::sort(out.begin(), out.end());
    return out;
}

TEST(Smb, NtlmsspOnlyWhereArkimeReadsIt) {
    // Arkime reads NTLMSSP from a session setup request's blob (by the header's flag, from either
    // side): raw, or as the responseToken that opens an SPNEGO negTokenResp. A NEGOTIATE inside a
    // GSS-API negTokenInit, or a reply's blob, is not read (smb-smb1-ascii: only type 3).
    const std::string auth = ntlm_auth("LAB", "Bob", "WS01");
    const std::string resp = "\xa1\x81\x90\x30\x81\x8d\xa2\x81\x8a\x04\x81\x87"s + auth;
    const std::string neg = ntlm_negotiate();
    const std::string init = "\x60\x30\x06\x06\x2b\x06\x01\x05\x05\x02\xa0\x26\x30\x24\xa2\x22\x04\x20"s + neg;
    const std::string challengeResp =
        "\xa1\x3f\x30\x3d\xa0\x03\x0a\x01\x01\xa2\x36\x04\x34"s + "NTLMSSP\0"s + le32(2) + std::string(40, '\0');
    nlohmann::json j = tcp_exchange(
        445, {{0, setup_with(init, false)}, {1, setup_with(challengeResp, true)}, {0, setup_with(resp, false)}});
    EXPECT_EQ(ntlm_types(j), std::vector<std::string>{"3"}) << j.dump();
    EXPECT_EQ(j["user"], nlohmann::json({"Bob"}));
    EXPECT_EQ(j["smb"]["user"], nlohmann::json({"Bob"})) << "a wrapped AUTHENTICATE also names the smb user";
    EXPECT_TRUE(has_protocol(j, "ntlm"));
    // Raw NTLMSSP blobs are read whatever their type, without smb.user.
    j = tcp_exchange(445, {{0, setup_with(neg, false)}, {0, setup_with(auth, false)}});
    EXPECT_EQ(ntlm_types(j), (std::vector<std::string>{"1", "3"})) << j.dump();
    EXPECT_EQ(j["ntlm"]["version"], nlohmann::json({"10.0.19041"}));
    EXPECT_EQ(j["user"], nlohmann::json({"Bob"}));
    EXPECT_FALSE(j.contains("smb") && j["smb"].contains("user")) << j.dump();
    // A message flagged a request is read from the server's side too (Arkime ntlm_synthetic).
    const std::string challengeRaw = "NTLMSSP\0"s + le32(2) + std::string(40, '\0');
    j = tcp_exchange(445, {{0, setup_with(neg, false)}, {1, setup_with(challengeRaw, false)}});
    EXPECT_EQ(ntlm_types(j), (std::vector<std::string>{"1", "2"})) << j.dump();
    // NTLMSSP elsewhere in an SMB stream (a write's data) is not read.
    j = tcp_exchange(445, {{0, netbios(smb1(0x2f, false, false, std::vector<uint16_t>(14, 0), auth))}});
    EXPECT_TRUE(ntlm_types(j).empty()) << j.dump();
}

TEST(Smb, Smb1Requests) {
    expect_smb1(tcp_exchange(445, smb1_session()));
}

TEST(Smb, Smb1SplitAtEveryByte) {
    const std::vector<Msg> msgs = smb1_session();
    for (size_t m = 1; m < msgs.size(); ++m)
        for (const std::vector<Msg>& split : splits_of(msgs, m))
            expect_smb1(tcp_exchange(445, split));
}

std::string smb2(uint16_t cmd, const std::string& body, uint32_t next = 0) {
    return "\xfeSMB"s + le16(64) + le16(0) + le32(0) + le16(cmd) + le16(1) + le32(0) + le32(next) +
           std::string(40, '\0') + body;
}

/// An SMB2 session setup (NTLM in SPNEGO), then a compound of tree connect and create.
std::vector<Msg> smb2_session() {
    const std::string path = u16("\\\\FS\\HOME").substr(0, 18);
    const std::string tree = smb2(0x03, le16(9) + le16(0) + le16(64 + 8) + le16(path.size()) + path);
    const std::string name = u16("dir\\file.doc").substr(0, 24);
    std::string create = le16(57) + std::string(42, '\0') + le16(64 + 56) + le16(name.size()) + std::string(8, '\0');
    create += name;
    std::string spnego = "\xa1\x79\x30\x77\xa2\x75\x04\x73"s + ntlm_auth("V6DOM", "carol", "PC7");
    std::string setup = smb2(
        0x01, le16(25) + std::string(10, '\0') + le16(64 + 24) + le16(spnego.size()) + std::string(8, '\0') + spnego);
    // A compound: tree connect, then create (NextCommand = 8-aligned size of the first).
    std::string compound = tree;
    while (compound.size() % 8)
        compound += '\0';
    const std::string withNext = tree.substr(0, 20) + le32(compound.size()) + compound.substr(24);
    return {{0, netbios(setup)}, {0, netbios(withNext + smb2(0x05, create))}};
}

void expect_smb2(const nlohmann::json& j) {
    ASSERT_TRUE(j.contains("smb")) << j.dump();
    EXPECT_EQ(j["smb"]["share"], nlohmann::json({"\\\\FS\\HOME"}));
    EXPECT_EQ(j["smb"]["filename"], nlohmann::json({"dir\\file.doc"}));
    EXPECT_EQ(j["smb"]["user"], nlohmann::json({"carol"}));
    EXPECT_EQ(j["smb"]["domain"], nlohmann::json({"V6DOM"}));
}

TEST(Smb, Smb2TreeConnectCreateAndSessionSetup) {
    expect_smb2(tcp_exchange(445, smb2_session()));
}

TEST(Smb, Smb2SplitAtEveryByte) {
    // The NetBIOS header and the SMB2 magic stay in the first payload for the classifier.
    const std::vector<Msg> msgs = smb2_session();
    for (size_t m = 0; m < msgs.size(); ++m) {
        const std::vector<std::vector<Msg>> splits = splits_of(msgs, m);
        for (size_t k = m == 0 ? 7 : 0; k < splits.size(); ++k) {
            SCOPED_TRACE("message " + std::to_string(m) + " cut at " + std::to_string(k + 1));
            expect_smb2(tcp_exchange(445, splits[k]));
        }
    }
    expect_smb2(tcp_exchange(445, bytewise_after(msgs, 8)));
}

TEST(Smb, TruncatedAndLyingMessages) {
    const std::vector<Msg> whole = smb1_session();
    for (size_t m = 2; m < whole.size(); ++m) {
        for (size_t cut = 4; cut < whole[m].bytes.size(); cut += 3) {
            std::vector<Msg> v(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(m));
            std::string b = whole[m].bytes.substr(0, cut);
            b[3] = static_cast<char>(cut - 4);  // the NetBIOS length of what is left
            b[2] = 0;
            v.push_back({0, b});
            const nlohmann::json j = tcp_exchange(445, v);
            if (j.contains("smb") && j["smb"].contains("filename")) {
                for (const auto& f : j["smb"]["filename"])
                    EXPECT_LE(f.get<std::string>().size(), 12u) << cut;
            }
        }
    }
    // Offsets and counts that point outside the message.
    const std::vector<Msg> bad = {
        {0, netbios(smb1(0x72, false, false, {}, "\x02NT LM 0.12\0"s))},
        {1, netbios(smb1(0x72, true, false, {7}, ""))},  // a dialect index past the list
        {0, netbios(smb1(0x73, false, true, {0xff, 0, 0, 0, 0, 0, 0, 0xffff, 0, 0, 0, 0}, "xx"))},
        {0, netbios(smb1(0x75, false, true, {0xff, 0, 0, 0xffff}, "abc"))},
        {0, netbios(smb2(0x05, le16(57) + std::string(42, '\0') + le16(0xfff0) + le16(0x100) + std::string(8, '\0')))},
        {0, netbios(smb1(0x73, false, false, {0x75, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, ""))},  // AndX loop
    };
    const nlohmann::json j = tcp_exchange(445, bad);
    EXPECT_TRUE(has_protocol(j, "smb"));
    EXPECT_FALSE(j.contains("smb") && (j["smb"].contains("dialect") || j["smb"].contains("filename"))) << j.dump();
}

TEST(Smb, ParserBudget) {
    const std::vector<Msg> msgs = smb1_session();
    // Held at once: the client's dialect names with their NULs (kept until the session ends) and
    // one message without its NetBIOS header.
    constexpr size_t kDialects = sizeof "PC NETWORK PROGRAM 1.0" + sizeof "NT LM 0.12";
    const size_t negotiate = msgs[0].bytes.size() - 4, setup13 = msgs[2].bytes.size() - 4,
                 setup12 = msgs[3].bytes.size() - 4;
    // Room for the negotiate and the first session setup, not the extended-security one: the
    // client direction stops there; what it read before and the server's direction stay.
    const uint32_t budget = static_cast<uint32_t>(std::max(negotiate, setup13) + kDialects);
    ASSERT_GT(setup12 + kDialects, budget);
    BudgetRun small = budget_exchange(445, msgs, budget);
    EXPECT_TRUE(has_protocol(small.record, "smb"));
    const nlohmann::json& s = small.record["smb"];
    EXPECT_EQ(s["dialect"], "NT LM 0.12") << s.dump();
    EXPECT_EQ(s["user"], nlohmann::json({"alice"}));
    EXPECT_EQ(s["domain"], nlohmann::json({"CORP"}));
    EXPECT_EQ(s["os"], nlohmann::json({"Unix"}));
    EXPECT_FALSE(s.contains("host"));
    EXPECT_FALSE(s.contains("share"));
    EXPECT_FALSE(s.contains("filename"));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    // One byte short for the dialect names beside the negotiate: no dialect, nothing after it.
    BudgetRun noDialects = budget_exchange(445, msgs, static_cast<uint32_t>(negotiate + kDialects - 1));
    EXPECT_TRUE(has_protocol(noDialects.record, "smb"));
    EXPECT_FALSE(noDialects.record["smb"].contains("dialect")) << noDialects.record.dump();
    EXPECT_FALSE(noDialects.record["smb"].contains("user"));
    EXPECT_EQ(noDialects.budgetSessions, 1u);
    EXPECT_EQ(noDialects.heldAtFree, 0u);
    // Room for every message: the record of an exchange without a budget.
    size_t largest = 0;
    for (const Msg& m : msgs)
        largest = std::max(largest, m.bytes.size());
    BudgetRun enough = budget_exchange(445, msgs, static_cast<uint32_t>(largest + kDialects));
    expect_smb1(enough.record);
    EXPECT_EQ(enough.record["smb"], tcp_exchange(445, msgs)["smb"]);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Smb, Smb1OneByteAtATime) {
    expect_smb1(tcp_exchange(445, bytewise_after_first(smb1_session())));
}

TEST(Smb, StreamCutAnywhere) {
    every_tcp_truncation(445, smb2_session());
}

}  // namespace smb_test
}  // namespace flowdex::session::test
