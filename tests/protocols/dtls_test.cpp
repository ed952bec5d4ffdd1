// DTLS over UDP: the ClientHello (its cookie removed) gives JA4 with the `d` prefix and no JA3, the
// server's Certificate (fragmented over several records and datagrams) gives `cert`; bad
// fragments, later epochs and truncated datagrams give nothing and never crash.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"
#include "protocols/tls_messages.h"

namespace flowdex::session::test {
namespace dtls_test {

std::string dtls_record(const std::string& body, uint16_t epoch = 0, uint8_t type = 22) {
    return std::string(1, static_cast<char>(type)) + "\xfe\xfd"s + u16(epoch) + std::string(6, '\0') +
           u16(static_cast<uint32_t>(body.size())) + body;
}

/// One handshake fragment: `body[off, off+n)` of a message of `type` and sequence `seq`.
std::string fragment(uint8_t type, uint16_t seq, const std::string& body, size_t off, size_t n) {
    return std::string(1, static_cast<char>(type)) + u24(static_cast<uint32_t>(body.size())) + u16(seq) +
           u24(static_cast<uint32_t>(off)) + u24(static_cast<uint32_t>(n)) + body.substr(off, n);
}

std::string hello_body(const std::string& cookie) {
    const std::string exts = ext(0x000a, u16(4) + u16(29) + u16(23)) + ext(0x0015, std::string(64, '\0'));  // + padding
    return u16(0xfefd) + std::string(32, 'r') + "\x00"s + std::string(1, static_cast<char>(cookie.size())) + cookie +
           u16(4) + u16(0xc030) + u16(0xc02f) + "\x01\x00"s + u16(static_cast<uint32_t>(exts.size())) + exts;
}

std::string server_hello_body() {
    return u16(0xfefd) + std::string(32, 's') + "\x00"s + u16(0xc02f) + "\x00"s;
}

std::vector<Msg> dtls_flight(const std::string& cert, size_t pieces) {
    const std::string ch = hello_body("cookie!!");
    std::vector<Msg> msgs{{0, dtls_record(fragment(1, 0, hello_body(""), 0, hello_body("").size()))},
                          {1, dtls_record(fragment(3, 0, "\xfe\xff\x08cookie!!"s, 0, 11))},
                          {0, dtls_record(fragment(1, 1, ch, 0, ch.size()))}};
    const std::string sh = server_hello_body();
    std::string dgram = dtls_record(fragment(2, 1, sh, 0, sh.size()));
    const std::string body = certificate_msg({cert}).substr(4);  // without the TLS handshake header
    const size_t step = (body.size() + pieces - 1) / pieces;
    for (size_t off = 0; off < body.size(); off += step) {
        dgram += dtls_record(fragment(11, 2, body, off, std::min(step, body.size() - off)));
        msgs.push_back({1, dgram});
        dgram.clear();
    }
    msgs.push_back({1, dtls_record("encrypted finished", 1)});
    return msgs;
}

TEST(Dtls, Ja4AndFragmentedCertificate) {
    const std::string der = make_cert();
    ASSERT_FALSE(der.empty());
    for (size_t pieces : {1, 2, 7}) {
        const nlohmann::json j = udp_exchange(4433, dtls_flight(der, pieces));
        EXPECT_TRUE(has_protocol(j, "dtls")) << j.dump();
        ASSERT_TRUE(j.contains("tls")) << j.dump();
        EXPECT_EQ(j["tls"]["ja4_r"], nlohmann::json({"dd2i020200_c02f,c030_000a,0015"})) << j.dump();
        EXPECT_EQ(j["tls"]["ja4"][0].get<std::string>().substr(0, 11), "dd2i020200_");
        EXPECT_FALSE(j["tls"].contains("ja3")) << "Arkime gives DTLS no JA3";
        ASSERT_TRUE(j.contains("cert")) << pieces << ": " << j.dump();
        EXPECT_EQ(j["cert"][0]["subjectCN"], nlohmann::json({"host.example"}));
    }
}

TEST(Dtls, BadFragmentsAndTruncation) {
    const std::string der = make_cert();
    std::vector<Msg> msgs = dtls_flight(der, 3);
    // Fragments out of order: the certificate cannot be put together.
    std::swap(msgs[3].bytes, msgs[4].bytes);
    nlohmann::json j = udp_exchange(4433, msgs);
    EXPECT_FALSE(j.contains("cert")) << j.dump();
    EXPECT_TRUE(j.contains("tls"));
    // Each datagram cut anywhere: no crash, and never a certificate unless all of it came.
    const std::vector<Msg> whole = dtls_flight(der, 2);
    for (size_t m = 0; m < whole.size(); ++m)
        for (size_t cut = 0; cut < whole[m].bytes.size(); cut += 5) {
            std::vector<Msg> v = whole;
            v[m].bytes.resize(cut);
            if (v[m].bytes.empty()) v[m].bytes = "x";
            j = udp_exchange(4433, v);
            if (m >= 3 && m <= 4) {
                EXPECT_FALSE(j.contains("cert")) << m << "/" << cut;
            }
        }
    // Lengths that lie.
    for (const std::string& bad : {dtls_record(fragment(11, 2, "abc", 0, 3)).substr(0, 20),
                                   dtls_record("\x0b\xff\xff\xff\x00\x02\x00\x00\x00\x00\x00\x05hello"s),
                                   dtls_record("\x0b\x00\x00\x05\x00\x02\x00\x00\x04\x00\x00\x05hello"s)}) {
        std::vector<Msg> v = dtls_flight(der, 1);
        v[3].bytes = bad;
        j = udp_exchange(4433, v);
        EXPECT_FALSE(j.contains("cert")) << j.dump();
    }
}

TEST(Dtls, ParserBudget) {
    const std::string der = make_cert();
    ASSERT_FALSE(der.empty());
    const std::vector<Msg> msgs = dtls_flight(der, 2);
    const size_t hello = hello_body("cookie!!").size(), cert = certificate_msg({der}).substr(4).size();
    // Room for the ClientHellos, not the Certificate: the server direction stops at its second
    // piece; the client's fields stay.
    const uint32_t budget = static_cast<uint32_t>(hello);
    ASSERT_GT(cert, budget);
    ASSERT_GE(budget, server_hello_body().size());
    BudgetRun small = budget_exchange(4433, msgs, budget, true);
    EXPECT_TRUE(has_protocol(small.record, "dtls")) << small.record.dump();
    EXPECT_EQ(small.record["tls"]["ja4_r"], nlohmann::json({"dd2i020200_c02f,c030_000a,0015"}));
    EXPECT_FALSE(small.record.contains("cert")) << small.record.dump();
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    // Room for the Certificate: the record of an exchange without a budget.
    BudgetRun enough = budget_exchange(4433, msgs, static_cast<uint32_t>(cert), true);
    const nlohmann::json plain = udp_exchange(4433, msgs);
    ASSERT_TRUE(plain.contains("cert"));
    EXPECT_EQ(enough.record["tls"], plain["tls"]);
    EXPECT_EQ(enough.record["cert"], plain["cert"]);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Dtls, EveryPrefixOfEachDatagram) {
    const std::vector<Msg> msgs = dtls_flight(make_cert(), 2);
    for (size_t i = 0; i < msgs.size(); ++i)
        every_prefix(4433, msgs, i, "tls");
}

TEST(Dtls, HandshakeFragmentedAtEveryByte) {
    const std::string hello = hello_body(""), sh = server_hello_body();
    const std::string cert = certificate_msg({make_cert()}).substr(4);
    const std::vector<Msg> msgs{{0, dtls_record(fragment(1, 0, hello, 0, hello.size()))},
                                {1, dtls_record(fragment(2, 0, sh, 0, sh.size()))},
                                {1, dtls_record(fragment(11, 1, cert, 0, cert.size()))}};
    const nlohmann::json whole = udp_exchange(4433, msgs);
    ASSERT_TRUE(whole.contains("tls")) << whole.dump();
    ASSERT_TRUE(whole.contains("cert")) << whole.dump();
    // The ClientHello, then the Certificate, in two fragments cut at every byte, one datagram each.
    for (size_t m : {size_t{0}, size_t{2}}) {
        const uint8_t type = m == 0 ? 1 : 11;
        const uint16_t seq = m == 0 ? 0 : 1;
        const std::string& body = m == 0 ? hello : cert;
        for (size_t k = 1; k < body.size(); ++k) {
            std::vector<Msg> v(msgs.begin(), msgs.begin() + static_cast<std::ptrdiff_t>(m));
            v.push_back({msgs[m].which, dtls_record(fragment(type, seq, body, 0, k))});
            v.push_back({msgs[m].which, dtls_record(fragment(type, seq, body, k, body.size() - k))});
            v.insert(v.end(), msgs.begin() + static_cast<std::ptrdiff_t>(m) + 1, msgs.end());
            const nlohmann::json j = udp_exchange(4433, v);
            EXPECT_EQ(j["tls"], whole["tls"]) << "message " << m << " cut at " << k;
            EXPECT_EQ(j["cert"], whole["cert"]) << "message " << m << " cut at " << k;
            // The signature that names DTLS wants a first datagram of 100 bytes (as Arkime's).
            if (m != 0 || v[0].bytes.size() >= 100) {
                EXPECT_EQ(j["protocol"], whole["protocol"]) << "message " << m << " cut at " << k;
            }
        }
    }
}

}  // namespace dtls_test
}  // namespace flowdex::session::test
