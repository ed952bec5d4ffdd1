// IETF QUIC client Initials: RFC 9001 Appendix A key schedule and protected packet, QUIC v2
// packets sealed here with the same keys, CRYPTO reassembly across packets and out of order,
// and malformed, truncated or foreign packets that must fill nothing and not name the session.
#include "protocols/quic/initial.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstring>
#include <string>
#include <vector>

#include "protocols/exchange.h"
#include "session/session_harness.h"

namespace flowdex::session::test {
namespace quic_initial_test {

using namespace protocols::quic;
using namespace std::string_literals;

constexpr uint64_t T0 = 1700000000 * kSec;

std::string unhex(std::string_view h) {
    std::string out;
    for (size_t i = 0; i + 1 < h.size(); i += 2)
        out += static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16));
    return out;
}
std::string tohex(const uint8_t* p, size_t n) {
    static const char* kDigits = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < n; ++i) {
        out += kDigits[p[i] >> 4];
        out += kDigits[p[i] & 15];
    }
    return out;
}
const uint8_t* u8(const std::string& s) {
    return reinterpret_cast<const uint8_t*>(s.data());
}

const std::string kDcid = unhex("8394c8f03e515708");
/// RFC 9001 A.2: the client's protected Initial (1200 bytes).
const std::string kRfcInitial = unhex(
    "c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11d242b123dc9bd8bab936b47d92ec356c"
    "0bab7df5976d27cd449f63300099f3991c260ec4c60d17b31f8429157bb35a1282a643a8d2262cad67500cadb8e7378c"
    "8eb7539ec4d4905fed1bee1fc8aafba17c750e2c7ace01e6005f80fcb7df621230c83711b39343fa028cea7f7fb5ff89"
    "eac2308249a02252155e2347b63d58c5457afd84d05dfffdb20392844ae812154682e9cf012f9021a6f0be17ddd0c208"
    "4dce25ff9b06cde535d0f920a2db1bf362c23e596d11a4f5a6cf3948838a3aec4e15daf8500a6ef69ec4e3feb6b1d98e"
    "610ac8b7ec3faf6ad760b7bad1db4ba3485e8a94dc250ae3fdb41ed15fb6a8e5eba0fc3dd60bc8e30c5c4287e53805db"
    "059ae0648db2f64264ed5e39be2e20d82df566da8dd5998ccabdae053060ae6c7b4378e846d29f37ed7b4ea9ec5d82e7"
    "961b7f25a9323851f681d582363aa5f89937f5a67258bf63ad6f1a0b1d96dbd4faddfcefc5266ba6611722395c906556"
    "be52afe3f565636ad1b17d508b73d8743eeb524be22b3dcbc2c7468d54119c7468449a13d8e3b95811a198f3491de3e7"
    "fe942b330407abf82a4ed7c1b311663ac69890f4157015853d91e923037c227a33cdd5ec281ca3f79c44546b9d90ca00"
    "f064c99e3dd97911d39fe9c5d0b23a229a234cb36186c4819e8b9c5927726632291d6a418211cc2962e20fe47feb3edf"
    "330f2c603a9d48c0fcb5699dbfe5896425c5bac4aee82e57a85aaf4e2513e4f05796b07ba2ee47d80506f8d2c25e50fd"
    "14de71e6c418559302f939b0e1abd576f279c4b2e0feb85c1f28ff18f58891ffef132eef2fa09346aee33c28eb130ff2"
    "8f5b766953334113211996d20011a198e3fc433f9f2541010ae17c1bf202580f6047472fb36857fe843b19f5984009dd"
    "c324044e847a4f4a0ab34f719595de37252d6235365e9b84392b061085349d73203a4a13e96f5432ec0fd4a1ee65accd"
    "d5e3904df54c1da510b0ff20dcc0c77fcb2c0e0eb605cb0504db87632cf3d8b4dae6e705769d1de354270123cb11450e"
    "fc60ac47683d7b8d0f811365565fd98c4c8eb936bcab8d069fc33bd801b03adea2e1fbc5aa463d08ca19896d2bf59a07"
    "1b851e6c239052172f296bfb5e72404790a2181014f3b94a4e97d117b438130368cc39dbb2d198065ae3986547926cd2"
    "162f40a29f0c3c8745c0f50fba3852e566d44575c29d39a03f0cda721984b6f440591f355e12d439ff150aab7613499d"
    "bd49adabc8676eef023b15b65bfc5ca06948109f23f350db82123535eb8a7433bdabcb909271a6ecbcb58b936a88cd4e"
    "8f2e6ff5800175f113253d8fa9ca8885c2f552e657dc603f252e1a8e308f76f0be79e2fb8f5d5fbbe2e30ecadd220723"
    "c8c0aea8078cdfcb3868263ff8f0940054da48781893a7e49ad5aff4af300cd804a6b6279ab3ff3afb64491c85194aab"
    "760d58a606654f9f4400e8b38591356fbf6425aca26dc85244259ff2b19c41b9f96f3ca9ec1dde434da7d2d392b905dd"
    "f3d1f9af93d1af5950bd493f5aa731b4056df31bd267b6b90a079831aaf579be0a39013137aac6d404f518cfd4684064"
    "7e78bfe706ca4cf5e9c5453e9f7cfd2b8b4c8d169a44e55c88d4a9a7f9474241e221af44860018ab0856972e194cd934");

/// Seals `plain` as a client Initial (4-byte packet number) with the keys this module derives:
/// the inverse of decrypt_initial, done with EVP directly so the tests can build v2 and
/// multi-packet flights.
std::string seal(uint32_t version, const std::string& dcid, uint32_t pn, const std::string& plain) {
    InitialKeys k;
    EXPECT_TRUE(derive_client_keys(version, u8(dcid), dcid.size(), k));
    const bool v2 = version == kVersion2;
    std::string h;
    h += static_cast<char>(0xc0 | (v2 ? 0x10 : 0x00) | 0x03);
    for (int i = 3; i >= 0; --i)
        h += static_cast<char>(version >> (8 * i));
    h += static_cast<char>(dcid.size()) + dcid;
    h += '\0';  // no source connection id
    h += '\0';  // no token
    const size_t length = 4 + plain.size() + 16;
    h += static_cast<char>(0x40 | (length >> 8));
    h += static_cast<char>(length);
    const size_t pnOffset = h.size();
    for (int i = 3; i >= 0; --i)
        h += static_cast<char>(pn >> (8 * i));
    uint8_t nonce[12];
    std::memcpy(nonce, k.iv.data(), 12);
    for (int i = 0; i < 4; ++i)
        nonce[8 + i] ^= static_cast<uint8_t>(pn >> (8 * (3 - i)));
    std::string ct(plain.size() + 16, '\0');
    EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
    int n = 0;
    auto* out = reinterpret_cast<uint8_t*>(ct.data());
    EXPECT_EQ(EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), nullptr, k.key.data(), nonce), 1);
    EXPECT_EQ(EVP_EncryptUpdate(c, nullptr, &n, u8(h), static_cast<int>(h.size())), 1);
    EXPECT_EQ(EVP_EncryptUpdate(c, out, &n, u8(plain), static_cast<int>(plain.size())), 1);
    EXPECT_EQ(EVP_EncryptFinal_ex(c, out + n, &n), 1);
    EXPECT_EQ(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, out + plain.size()), 1);
    std::string pkt = h + ct;
    uint8_t mask[32];
    EXPECT_EQ(EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), nullptr, k.hp.data(), nullptr), 1);
    EVP_CIPHER_CTX_set_padding(c, 0);
    EXPECT_EQ(EVP_EncryptUpdate(c, mask, &n, u8(pkt) + pnOffset + 4, 16), 1);
    EVP_CIPHER_CTX_free(c);
    pkt[0] = static_cast<char>(pkt[0] ^ (mask[0] & 0x0f));
    for (size_t i = 0; i < 4; ++i)
        pkt[pnOffset + i] = static_cast<char>(pkt[pnOffset + i] ^ mask[1 + i]);
    return pkt;
}

std::string crypto_frame(uint64_t offset, const std::string& data) {
    std::string f = "\x06";
    f += static_cast<char>(0x80);  // 4-byte varint offset
    f += static_cast<char>(offset >> 16);
    f += static_cast<char>(offset >> 8);
    f += static_cast<char>(offset);
    f += static_cast<char>(0x40 | (data.size() >> 8));
    f += static_cast<char>(data.size());
    return f + data;
}

/// RFC 9001 A.2's ClientHello (the CRYPTO frame's data), taken from the decrypted RFC packet.
std::string rfc_client_hello() {
    std::vector<uint8_t> scratch(kRfcInitial.size()), plain(kRfcInitial.size());
    Decrypted r = decrypt_initial(u8(kRfcInitial), kRfcInitial.size(), scratch.data(), plain.data());
    EXPECT_TRUE(r.ok);
    Session s;  // outside any table: no budget
    CryptoStream cs;
    EXPECT_EQ(read_frames(s, plain.data(), r.plainLen, cs), Frames::Ok);
    const uint8_t* body = nullptr;
    size_t n = 0;
    EXPECT_TRUE(client_hello(cs, body, n));
    return std::string(reinterpret_cast<const char*>(body) - 4, n + 4);
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

bool named_quic(const nlohmann::json& j) {
    for (const auto& p : j["protocol"])
        if (p == "quic") return true;
    return false;
}

TEST(QuicInitial, Rfc9001KeySchedule) {
    InitialKeys k;
    ASSERT_TRUE(derive_client_keys(kVersion1, u8(kDcid), kDcid.size(), k));
    EXPECT_EQ(tohex(k.secret.data(), k.secret.size()),
              "c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea");
    EXPECT_EQ(tohex(k.key.data(), k.key.size()), "1f369613dd76d5467730efcbe3b1a22d");
    EXPECT_EQ(tohex(k.iv.data(), k.iv.size()), "fa044b2f42a3fd3b46fb255c");
    EXPECT_EQ(tohex(k.hp.data(), k.hp.size()), "9f50449e04a0e810283a1e9933adedd2");
    EXPECT_FALSE(derive_client_keys(0x00000002, u8(kDcid), kDcid.size(), k));
}

TEST(QuicInitial, Rfc9001PacketDecrypts) {
    ASSERT_EQ(kRfcInitial.size(), 1200u);
    std::vector<uint8_t> scratch(1200), plain(1200);
    Decrypted r = decrypt_initial(u8(kRfcInitial), kRfcInitial.size(), scratch.data(), plain.data());
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.packetLen, 1200u);
    EXPECT_EQ(r.plainLen, 1162u);
    EXPECT_EQ(tohex(plain.data(), 8), "060040f1010000ed");  // CRYPTO frame, ClientHello of 0xed bytes
    std::string ch = rfc_client_hello();
    EXPECT_EQ(ch.size(), 0xedu + 4);
    EXPECT_NE(ch.find("example.com"), std::string::npos);
}

TEST(QuicInitial, Rfc9001SessionFields) {
    nlohmann::json j = run({kRfcInitial});
    EXPECT_TRUE(named_quic(j)) << j.dump();
    EXPECT_EQ(j["http"]["host"], nlohmann::json({"example.com"})) << j.dump();
    ASSERT_TRUE(j["tls"]["ja4"].is_array()) << j.dump();
    EXPECT_EQ(j["tls"]["ja4"][0].get<std::string>().substr(0, 10), "q13d0211an") << j.dump();
    EXPECT_TRUE(j["tls"]["ja3"].is_array());
}

TEST(QuicInitial, CorruptAndTruncatedFillNothing) {
    std::vector<uint8_t> scratch(1200), plain(1200);
    for (size_t n = 0; n < kRfcInitial.size(); n += 7)
        EXPECT_FALSE(decrypt_initial(u8(kRfcInitial), n, scratch.data(), plain.data()).ok) << n;
    for (size_t at : {size_t{0}, size_t{5}, size_t{20}, size_t{100}, size_t{1199}}) {
        std::string bad = kRfcInitial;
        bad[at] = static_cast<char>(bad[at] ^ 0x40);
        EXPECT_FALSE(decrypt_initial(u8(bad), bad.size(), scratch.data(), plain.data()).ok) << at;
        nlohmann::json j = run({bad});
        EXPECT_FALSE(j["http"].contains("host")) << at << j.dump();
        EXPECT_FALSE(j.contains("tls")) << at << j.dump();
        if (at >= 20) {
            EXPECT_FALSE(named_quic(j)) << at << j.dump();
        }
    }
    nlohmann::json j = run({kRfcInitial.substr(0, 600)});
    EXPECT_FALSE(named_quic(j)) << j.dump();
}

TEST(QuicInitial, ForeignVersionAndGarbageNotQuic) {
    std::string other = kRfcInitial;
    other[4] = 0x02;  // version 0x00000002: no known keys
    EXPECT_FALSE(named_quic(run({other})));
    std::string garbage(1200, '\x5a');
    garbage[0] = '\xc3';
    garbage[4] = '\x01';
    EXPECT_FALSE(named_quic(run({garbage})));
}

TEST(QuicInitial, Version2AndMultiPacketReassembly) {
    const std::string ch = rfc_client_hello();
    const std::string dcid = "\x11\x22\x33\x44\x55\x66\x77\x88";
    // v2, the ClientHello in one packet.
    nlohmann::json j = run({seal(kVersion2, dcid, 0, crypto_frame(0, ch) + std::string(1000, '\0'))});
    EXPECT_TRUE(named_quic(j)) << j.dump();
    EXPECT_EQ(j["http"]["host"], nlohmann::json({"example.com"})) << j.dump();
    // v1, split over two datagrams sent tail first, with PING, ACK and PADDING around the frames.
    const size_t half = ch.size() / 2;
    std::string first = "\x01"s + crypto_frame(half, ch.substr(half)) + "\x02\x00\x00\x00\x00"s;
    std::string second = crypto_frame(0, ch.substr(0, 40)) + crypto_frame(40, ch.substr(40, half - 40));
    j = run({seal(kVersion1, dcid, 0, first + std::string(900, '\0')),
             seal(kVersion1, dcid, 1, second + std::string(900, '\0'))});
    EXPECT_TRUE(named_quic(j)) << j.dump();
    EXPECT_EQ(j["http"]["host"], nlohmann::json({"example.com"})) << j.dump();
    // Only the first half ever arrives: named quic, but no ClientHello fields.
    j = run({seal(kVersion1, dcid, 0, crypto_frame(0, ch.substr(0, half)) + std::string(900, '\0'))});
    EXPECT_TRUE(named_quic(j));
    EXPECT_FALSE(j.contains("tls")) << j.dump();
}

TEST(QuicInitial, CryptoStreamBounds) {
    Session s;  // outside any table: no budget
    CryptoStream cs;
    const std::string data(100, 'x');
    EXPECT_TRUE(cs.add(s, kMaxCrypto - 10, u8(data), data.size()));  // clipped at the bound
    EXPECT_TRUE(cs.add(s, 1ull << 40, u8(data), data.size()));       // ignored
    EXPECT_EQ(cs.contiguous(), 0u);
    EXPECT_EQ(cs.held(), kMaxCrypto);
    EXPECT_EQ(s.parserHeld, kMaxCrypto);
    EXPECT_TRUE(cs.add(s, 0, u8(data), 50));
    EXPECT_EQ(cs.contiguous(), 50u);
    EXPECT_EQ(cs.held(), kMaxCrypto);
    const uint8_t* body = nullptr;
    size_t n = 0;
    EXPECT_FALSE(client_hello(cs, body, n));  // 'x' is not a ClientHello
    // A CRYPTO frame claiming more bytes than the packet holds stops the walk.
    std::string frame = crypto_frame(0, "abc");
    frame[6] = 0x7f;
    CryptoStream cs2;
    EXPECT_EQ(read_frames(s, u8(frame), frame.size(), cs2), Frames::Malformed);
    EXPECT_EQ(cs2.contiguous(), 0u);
}

TEST(QuicInitial, CryptoStreamFillsGapsInAnyOrder) {
    Session s;
    const std::string text = "0123456789abcdefghij";
    {
        CryptoStream cs;
        EXPECT_TRUE(cs.add(s, 1000, u8(text), 0));  // empty: nothing held, no gap
        EXPECT_EQ(cs.held(), 0u);
        EXPECT_TRUE(cs.add(s, 15, u8(text) + 15, 5));  // the tail first: a gap before it
        EXPECT_EQ(cs.held(), 20u);
        EXPECT_EQ(cs.contiguous(), 0u);
        EXPECT_TRUE(cs.add(s, 0, u8(text), 5));
        EXPECT_TRUE(cs.add(s, 8, u8(text) + 8, 4));  // inside the gap: the held tail stays
        EXPECT_EQ(cs.contiguous(), 5u);
        EXPECT_TRUE(cs.add(s, 3, u8(text) + 3, 9));  // overlapping what is held
        EXPECT_EQ(cs.contiguous(), 12u);
        EXPECT_TRUE(cs.add(s, 12, u8(text) + 12, 3));
        EXPECT_EQ(cs.contiguous(), 20u);
        EXPECT_EQ(std::string(reinterpret_cast<const char*>(cs.data()), 20), text);
        EXPECT_EQ(s.parserHeld, 20u);
    }
    EXPECT_EQ(s.parserHeld, 0u) << "the stream gives its bytes back when destroyed";
}

TEST(QuicInitial, ParserBudget) {
    const std::string ch = rfc_client_hello();
    const std::string dcid = "\x11\x22\x33\x44\x55\x66\x77\x88";
    // The ClientHello's tail first: the stream then holds the whole ClientHello (the gap before the
    // tail included). One byte short of it, the parser ends: named quic, no ClientHello fields.
    const size_t half = ch.size() / 2;
    const std::vector<Msg> msgs{
        {0, seal(kVersion1, dcid, 0, crypto_frame(half, ch.substr(half)) + std::string(900, '\0'))},
        {0, seal(kVersion1, dcid, 1, crypto_frame(0, ch.substr(0, half)) + std::string(900, '\0'))}};
    BudgetRun small = budget_exchange(443, msgs, static_cast<uint32_t>(ch.size() - 1), true);
    EXPECT_TRUE(named_quic(small.record)) << small.record.dump();
    EXPECT_FALSE(small.record.contains("tls")) << small.record.dump();
    EXPECT_FALSE(small.record["http"].contains("host")) << small.record.dump();
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    // Room for the ClientHello: the record of an exchange without a budget.
    BudgetRun enough = budget_exchange(443, msgs, static_cast<uint32_t>(ch.size()), true);
    const nlohmann::json plain = udp_exchange(443, msgs);
    ASSERT_EQ(plain["http"]["host"], nlohmann::json({"example.com"})) << plain.dump();
    EXPECT_EQ(enough.record["tls"], plain["tls"]);
    EXPECT_EQ(enough.record["http"], plain["http"]);
    EXPECT_EQ(enough.record["protocol"], plain["protocol"]);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(QuicInitial, EveryPrefixOfTheInitial) {
    every_prefix(443, {{0, kRfcInitial}}, 0, "tls");
}

TEST(QuicInitial, ClientHelloCutAtEveryByteAcrossTwoInitials) {
    const std::string ch = rfc_client_hello();
    const std::string dcid = "\x11\x22\x33\x44\x55\x66\x77\x88";
    const std::string pad(900, '\0');
    const nlohmann::json whole = run({seal(kVersion1, dcid, 0, crypto_frame(0, ch) + pad)});
    ASSERT_EQ(whole["http"]["host"], nlohmann::json({"example.com"})) << whole.dump();
    for (size_t k = 1; k < ch.size(); ++k) {
        const std::string head = seal(kVersion1, dcid, 0, crypto_frame(0, ch.substr(0, k)) + pad);
        const std::string tail = seal(kVersion1, dcid, 1, crypto_frame(k, ch.substr(k)) + pad);
        for (const nlohmann::json& j : {run({head, tail}), run({tail, head})}) {
            EXPECT_EQ(j["tls"], whole["tls"]) << "cut at " << k;
            EXPECT_EQ(j["http"], whole["http"]) << "cut at " << k;
            EXPECT_EQ(j["protocol"], whole["protocol"]) << "cut at " << k;
        }
    }
}

}  // namespace quic_initial_test
}  // namespace flowdex::session::test
