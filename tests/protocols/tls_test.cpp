// TLS classifier and parser: ClientHello/ServerHello fields whatever the segmentation, GREASE
// left out, and truncated or malformed records neither crash nor fill fields.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "protocols/tls/tls.h"
#include "session/session_harness.h"

namespace flowdex::session::test {
namespace {

using namespace std::string_literals;

constexpr uint64_t T0 = 1700000000 * kSec;

std::string u16(uint32_t v) {
    return std::string{static_cast<char>(v >> 8), static_cast<char>(v & 0xff)};
}
std::string u24(uint32_t v) {
    return std::string{static_cast<char>(v >> 16), static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}
std::string ext(uint32_t type, const std::string& body) {
    return u16(type) + u16(static_cast<uint32_t>(body.size())) + body;
}
std::string record(const std::string& hs) {
    return "\x16\x03\x01"s + u16(static_cast<uint32_t>(hs.size())) + hs;
}
std::string handshake(uint8_t type, const std::string& body) {
    return std::string(1, static_cast<char>(type)) + u24(static_cast<uint32_t>(body.size())) + body;
}

// ClientHello: TLS 1.2, ciphers GREASE,c02f,c030,009c; extensions GREASE, SNI, supported_versions,
// signature_algorithms, supported_groups (GREASE, 29, 23).
std::string client_hello() {
    std::string name = "Example.ORG";
    std::string sni =
        u16(static_cast<uint32_t>(name.size() + 3)) + "\x00"s + u16(static_cast<uint32_t>(name.size())) + name;
    std::string exts = ext(0x1a1a, "") + ext(0x0000, sni) + ext(0x002b, "\x02\x03\x03"s) +
                       ext(0x000d, u16(4) + "\x04\x01\x05\x01"s) +
                       ext(0x000a, u16(6) + u16(0x2a2a) + u16(29) + u16(23));
    std::string body = u16(0x0303) + std::string(32, 'r') + "\x00"s + u16(8) + u16(0x0a0a) + u16(0xc02f) + u16(0xc030) +
                       u16(0x009c) + "\x01\x00"s + u16(static_cast<uint32_t>(exts.size())) + exts;
    return record(handshake(1, body));
}
std::string server_hello() {
    std::string exts = ext(0x002b, u16(0x0303));
    std::string body = u16(0x0303) + std::string(32, 's') + "\x04"s + "\xcc\xcc\xcc\xcc"s + u16(0xc02f) + "\x00"s +
                       u16(static_cast<uint32_t>(exts.size())) + exts;
    return record(handshake(2, body)) + "\x14\x03\x03\x00\x01\x01"s;
}

nlohmann::json run(const std::vector<std::string>& req, const std::vector<std::string>& resp,
                   nlohmann::json* all = nullptr) {
    Harness h;
    protocols::Registries regs{h.registry, h.classifiers, h.hooks};
    protocols::register_tls(regs);
    h.start();
    TcpFlow f;
    uint64_t t = T0;
    h.feed(f.syn(), t += 1000);
    h.feed(f.synack(), t += 1000);
    h.feed(f.ack(), t += 1000);
    uint32_t coff = 0, soff = 0;
    for (const std::string& piece : req) {
        h.feed(f.cdata(coff, piece), t += 1000);
        coff += static_cast<uint32_t>(piece.size());
    }
    for (const std::string& piece : resp) {
        h.feed(f.sdata(soff, piece), t += 1000);
        soff += static_cast<uint32_t>(piece.size());
    }
    h.table->flush_all();
    const Saved* s = h.find_saved("10.0.0.1");
    EXPECT_NE(s, nullptr);
    if (!s) return nullptr;
    if (all) *all = s->json;
    return s->at("tls");
}

TEST(Tls, ClientAndServerHello) {
    nlohmann::json all;
    nlohmann::json tls = run({client_hello()}, {server_hello()}, &all);
    ASSERT_TRUE(tls.is_object());
    EXPECT_EQ(tls["ja3string"], nlohmann::json({"771,49199-49200-156,0-43-13-10,29-23,"}));
    EXPECT_EQ(tls["ja3"], nlohmann::json({"dace93cf139f3f47da84d54b7e3891d6"}));
    EXPECT_EQ(tls["ja4"], nlohmann::json({"t12d030400_13bac7b83268_c91bed236abd"}));
    EXPECT_EQ(tls["ja4_r"], nlohmann::json({"t12d030400_009c,c02f,c030_000a,000d,002b_0401,0501"}));
    EXPECT_EQ(tls["version"], nlohmann::json({"TLSv1.2"}));
    EXPECT_EQ(tls["cipher"], nlohmann::json({"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}));
    EXPECT_EQ(tls["ja3sstring"], nlohmann::json({"771,49199,43"}));
    EXPECT_EQ(tls["ja3s"], nlohmann::json({"0e3405775384b4a1a9d2222182e76972"}));
    EXPECT_EQ(tls["dstSessionId"], nlohmann::json({"cccccccc"}));
    EXPECT_FALSE(tls.contains("srcSessionId"));
    EXPECT_EQ(all["http"]["host"], nlohmann::json({"example.org"}));
    EXPECT_NE(std::find(all["protocol"].begin(), all["protocol"].end(), "tls"), all["protocol"].end());
}

TEST(Tls, SplitAtEveryByte) {
    nlohmann::json whole = run({client_hello()}, {server_hello()});
    ASSERT_TRUE(whole.is_object());
    std::string ch = client_hello(), sh = server_hello();
    // The classifier needs the record header and the handshake type in the first payload (6 bytes).
    for (size_t i = 6; i < ch.size(); ++i)
        EXPECT_EQ(run({ch.substr(0, i), ch.substr(i)}, {sh}), whole) << "client split at " << i;
    // Every byte in its own segment after the first six.
    std::vector<std::string> pieces{ch.substr(0, 6)};
    for (size_t i = 6; i < ch.size(); ++i)
        pieces.push_back(ch.substr(i, 1));
    EXPECT_EQ(run(pieces, {sh}), whole);
    for (size_t i = 1; i < sh.size(); ++i)
        EXPECT_EQ(run({ch}, {sh.substr(0, i), sh.substr(i)}), whole) << "server split at " << i;
}

TEST(Tls, HandshakeAcrossRecords) {
    // The ClientHello handshake message split over two records.
    std::string ch = client_hello();
    std::string hs = ch.substr(5);
    std::string two = record(hs.substr(0, 20)) + record(hs.substr(20));
    nlohmann::json tls = run({two}, {server_hello()});
    ASSERT_TRUE(tls.is_object());
    EXPECT_EQ(tls["ja3"], nlohmann::json({"dace93cf139f3f47da84d54b7e3891d6"}));
}

TEST(Tls, TruncatedAndMalformed) {
    std::string ch = client_hello(), sh = server_hello();
    // Every truncation of the ClientHello: no crash, no ja3 (the message never completes).
    for (size_t i = 6; i < ch.size(); ++i) {
        nlohmann::json tls = run({ch.substr(0, i)}, {});
        EXPECT_TRUE(tls.is_null() || !tls.contains("ja3")) << i;
    }
    // A handshake message whose inner lengths overrun it: record complete, contents bad.
    std::string body = u16(0x0303) + std::string(32, 'r') + "\x20"s;  // session id length past the end
    nlohmann::json tls = run({record(handshake(1, body))}, {});
    EXPECT_TRUE(tls.is_null() || !tls.contains("ja3"));
    // Corrupt every byte in turn: never a crash.
    for (size_t i = 5; i < ch.size(); ++i) {
        std::string bad = ch;
        bad[i] = static_cast<char>(bad[i] ^ 0xff);
        run({bad}, {sh});
    }
}

/// A self-signed P-256 certificate: CN "Host.Example", O "Org", SAN www.example.org, serial 0x80
/// (DER adds a sign byte), valid 2020-01-01 .. 2020-01-31.
std::string make_cert() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 0x80);
    ASN1_TIME_set(X509_getm_notBefore(x), 1577836800);
    ASN1_TIME_set(X509_getm_notAfter(x), 1577836800 + 30 * 86400);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Host.Example"), -1, -1,
                               0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Org"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509_set_pubkey(x, key);
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
    if (X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "DNS:WWW.example.org")) {
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
    }
    X509_sign(x, key, EVP_sha256());
    unsigned char* der = nullptr;
    int n = i2d_X509(x, &der);
    std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(n > 0 ? n : 0));
    OPENSSL_free(der);
    X509_free(x);
    EVP_PKEY_free(key);
    return out;
}
std::string certificate_msg(const std::vector<std::string>& ders) {
    std::string list;
    for (const std::string& d : ders)
        list += u24(static_cast<uint32_t>(d.size())) + d;
    return handshake(11, u24(static_cast<uint32_t>(list.size())) + list);
}

TEST(Tls, ServerCertificate) {
    const std::string der = make_cert();
    ASSERT_FALSE(der.empty());
    const std::string sh = server_hello();
    // ServerHello record, then a Certificate record split in the middle of the DER bytes.
    const std::string certRec = record(certificate_msg({der, "\x30\x03\x02\x01\x01"s}));
    const std::string hello = sh.substr(0, sh.size() - 6);
    nlohmann::json all;
    run({client_hello()}, {hello, certRec.substr(0, 100), certRec.substr(100)}, &all);
    ASSERT_TRUE(all.contains("cert")) << all.dump();
    ASSERT_EQ(all["certCnt"], 1) << "the malformed second certificate is skipped";
    const nlohmann::json& c = all["cert"][0];
    EXPECT_EQ(c["subjectCN"], nlohmann::json({"host.example"}));
    EXPECT_EQ(c["issuerON"], nlohmann::json({"Org"}));
    EXPECT_EQ(c["alt"], nlohmann::json({"www.example.org"}));
    EXPECT_EQ(c["serial"], "0080");
    EXPECT_EQ(c["notBefore"], 1577836800000LL);
    EXPECT_EQ(c["validDays"], 30);
    EXPECT_EQ(c["validSeconds"], 30 * 86400);
    EXPECT_EQ(c["publicAlgorithm"], "id-ecPublicKey");
    EXPECT_EQ(c["curve"], "prime256v1");
    EXPECT_EQ(c["hash"].get<std::string>().size(), 59u);  // 20 bytes as hex pairs joined by ':'
    // The client's own certificate is not reported; a corrupt DER gives nothing.
    run({client_hello() + record(certificate_msg({der}))}, {hello}, &all);
    EXPECT_FALSE(all.contains("cert"));
    std::string bad = der;
    bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0xff);
    run({client_hello()}, {hello, record(certificate_msg({der.substr(0, der.size() / 2), bad.substr(0, 40)}))}, &all);
    EXPECT_FALSE(all.contains("cert"));
}

TEST(Tls, ServerAlpnH2NamesHttp2) {
    auto hello_with = [](const std::string& alpn) {
        std::string list = std::string(1, static_cast<char>(alpn.size())) + alpn;
        std::string exts = ext(0x0010, u16(static_cast<uint32_t>(list.size())) + list);
        std::string body = u16(0x0303) + std::string(32, 's') + "\x00"s + u16(0xc02f) + "\x00"s +
                           u16(static_cast<uint32_t>(exts.size())) + exts;
        return record(handshake(2, body));
    };
    nlohmann::json all;
    run({client_hello()}, {hello_with("h2")}, &all);
    EXPECT_NE(std::find(all["protocol"].begin(), all["protocol"].end(), "http2"), all["protocol"].end());
    run({client_hello()}, {hello_with("http/1.1")}, &all);
    EXPECT_EQ(std::find(all["protocol"].begin(), all["protocol"].end(), "http2"), all["protocol"].end());
}

}  // namespace
}  // namespace flowdex::session::test
