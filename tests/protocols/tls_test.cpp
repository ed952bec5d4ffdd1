// TLS classifier and parser: ClientHello/ServerHello fields whatever the segmentation, GREASE
// left out, and truncated or malformed records neither crash nor fill fields.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "protocols/exchange.h"
#include "protocols/tls/tls.h"
#include "protocols/tls_messages.h"
#include "session/session_harness.h"

namespace flowdex::session::test {
namespace tls_test {

using namespace std::string_literals;

constexpr uint64_t T0 = 1700000000 * kSec;

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

TEST(Tls, ParserBudget) {
    const std::string ch = client_hello(), sh = server_hello();
    const std::vector<Msg> msgs{{0, ch}, {1, sh}};
    // Room for the ServerHello record held twice (record, then handshake bytes) but not for the
    // ClientHello's: the client direction stops and gives its bytes back, the server's is read.
    const uint32_t budget = static_cast<uint32_t>(2 * sh.size());
    ASSERT_GT(2 * ch.size() - 5, budget);
    BudgetRun small = budget_exchange(443, msgs, budget);
    EXPECT_TRUE(has_protocol(small.record, "tls"));
    EXPECT_FALSE(small.record["tls"].contains("ja3"));
    EXPECT_FALSE(small.record["tls"].contains("ja4"));
    EXPECT_EQ(small.record["tls"]["ja3s"], nlohmann::json({"0e3405775384b4a1a9d2222182e76972"}));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    // Room for the larger record held twice: the record of an exchange without a budget.
    BudgetRun enough = budget_exchange(443, msgs, static_cast<uint32_t>(2 * std::max(ch.size(), sh.size())));
    EXPECT_EQ(enough.record["tls"], tcp_exchange(443, msgs)["tls"]);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Tls, CertificateTags) {
    const std::string sh = server_hello();
    const std::string hello = sh.substr(0, sh.size() - 6);
    auto tags_of = [&](const std::vector<std::string>& ders) {
        nlohmann::json all;
        run({client_hello()}, {hello, record(certificate_msg(ders))}, &all);
        return all.contains("tags") ? all["tags"] : nlohmann::json::array();
    };
    const std::string leaf = make_cert(), ca = make_cert(true);
    // The session's first certificate, not a CA, its subject its issuer (same CN and O).
    EXPECT_EQ(tags_of({leaf}), nlohmann::json({"cert:self-signed"}));
    // A CA certificate is tagged as one, first or not, and is never called self-signed.
    EXPECT_EQ(tags_of({ca}), nlohmann::json({"cert:certificate-authority"}));
    EXPECT_EQ(tags_of({ca, leaf}), nlohmann::json({"cert:certificate-authority"})) << "the leaf is not first";
    EXPECT_EQ(tags_of({leaf, ca}), nlohmann::json({"cert:self-signed", "cert:certificate-authority"}));
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

TEST(Tls, BothSidesOneByteAtATime) {
    const nlohmann::json whole = run({client_hello()}, {server_hello()});
    ASSERT_TRUE(whole.is_object());
    // Past the six bytes the classifier needs in each direction's first payload.
    auto pieces = [](const std::string& m) {
        std::vector<std::string> v{m.substr(0, 6)};
        for (size_t i = 6; i < m.size(); ++i)
            v.push_back(m.substr(i, 1));
        return v;
    };
    EXPECT_EQ(run(pieces(client_hello()), pieces(server_hello())), whole);
}

TEST(Tls, StreamCutAnywhere) {
    const std::string der = make_cert();
    every_tcp_truncation(443, {{0, client_hello()}, {1, server_hello() + record(certificate_msg({der}))}});
}

}  // namespace tls_test
}  // namespace flowdex::session::test
