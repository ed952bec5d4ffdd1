// OpenVPN: the TLS handshake inside P_CONTROL_V1 packets (UDP and TCP, with and without
// tls-auth) fills tls.* and cert; retransmissions are skipped, gaps and tls-crypt stop the parser.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"
#include "protocols/tls_messages.h"

namespace flowdex::session::test {
namespace openvpn_test {

const std::string kClientSid = "CLIENTID", kServerSid = "SERVERID";

/// A control packet: opcode, session id, optional tls-auth block, acks (count 0 or 1), packet id, payload.
std::string control(uint8_t opcode, const std::string& sid, size_t auth, bool ack, uint32_t id,
                    const std::string& payload) {
    std::string p(1, static_cast<char>(opcode << 3));
    p += sid + std::string(auth, '\x5a');
    p += ack ? "\x01"s + std::string(4, '\0') + (sid == kClientSid ? kServerSid : kClientSid) : "\x00"s;
    return p + u16(id >> 16) + u16(id & 0xffff) + payload;
}

std::vector<Msg> session(size_t auth, bool tcp, const std::string& der) {
    auto frame = [tcp](const std::string& p) { return tcp ? u16(static_cast<uint32_t>(p.size())) + p : p; };
    const std::string sh = server_hello();
    const std::string serverFlight = sh.substr(0, sh.size() - 6) + record(certificate_msg({der}));
    return {{0, frame(control(7, kClientSid, auth, false, 0, ""))},
            {1, frame(control(8, kServerSid, auth, true, 0, ""))},
            {0, frame(control(4, kClientSid, auth, true, 1, client_hello()))},
            {0, frame(control(4, kClientSid, auth, true, 1, client_hello()))},  // a retransmission
            {1, frame(control(4, kServerSid, auth, true, 1, serverFlight.substr(0, 300)))},
            {1, frame(control(4, kServerSid, auth, true, 2, serverFlight.substr(300)))}};
}

void expect_tls(const nlohmann::json& j, const std::string& ja4Prefix) {
    EXPECT_TRUE(has_protocol(j, "openvpn")) << j.dump();
    EXPECT_FALSE(has_protocol(j, "tls")) << "the carrier keeps its name";
    ASSERT_TRUE(j.contains("tls")) << j.dump();
    EXPECT_EQ(j["tls"]["cipher"], nlohmann::json({"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}));
    EXPECT_EQ(j["tls"]["ja4"][0].get<std::string>().substr(0, 1), ja4Prefix);
    EXPECT_EQ(j["http"]["host"], nlohmann::json({"example.org"}));
    ASSERT_TRUE(j.contains("cert")) << j.dump();
    EXPECT_EQ(j["cert"][0]["subjectCN"], nlohmann::json({"host.example"}));
}

TEST(Openvpn, TlsInsideTheControlChannel) {
    const std::string der = make_cert();
    for (size_t auth : {0, 28, 40, 72}) {
        expect_tls(udp_exchange(1194, session(auth, false, der)), "q");
        expect_tls(tcp_exchange(1194, session(auth, true, der)), "t");
    }
}

TEST(Openvpn, TcpSplitAtEveryByte) {
    const std::vector<Msg> msgs = session(28, true, make_cert());
    for (size_t m = 1; m < msgs.size(); ++m)
        for (size_t cut = 1; cut < msgs[m].bytes.size(); cut += (m == 5 ? 13 : 1)) {
            std::vector<Msg> v(msgs.begin(), msgs.begin() + static_cast<std::ptrdiff_t>(m));
            v.push_back({msgs[m].which, msgs[m].bytes.substr(0, cut)});
            v.push_back({msgs[m].which, msgs[m].bytes.substr(cut)});
            v.insert(v.end(), msgs.begin() + static_cast<std::ptrdiff_t>(m) + 1, msgs.end());
            expect_tls(tcp_exchange(1194, v), "t");
        }
}

TEST(Openvpn, GapsEncryptedChannelsAndJunk) {
    const std::string der = make_cert();
    std::vector<Msg> msgs = session(0, false, der);
    msgs.erase(msgs.begin() + 4);  // the first half of the server's flight is lost
    nlohmann::json j = udp_exchange(1194, msgs);
    EXPECT_TRUE(j.contains("tls")) << "the client side still counts";
    EXPECT_FALSE(j.contains("cert")) << j.dump();
    // tls-crypt: control payloads are encrypted, nothing looks like TLS.
    msgs = session(0, false, der);
    for (size_t m = 2; m < msgs.size(); ++m)
        for (size_t k = 14; k < msgs[m].bytes.size(); ++k)
            msgs[m].bytes[k] = static_cast<char>(msgs[m].bytes[k] ^ 0x55);
    j = udp_exchange(1194, msgs);
    EXPECT_TRUE(has_protocol(j, "openvpn"));
    EXPECT_FALSE(j.contains("tls")) << j.dump();
    // Truncated packets.
    msgs = session(40, false, der);
    for (size_t m = 2; m < msgs.size(); ++m)
        for (size_t cut = 0; cut < msgs[m].bytes.size(); cut += 9) {
            std::vector<Msg> v = msgs;
            v[m].bytes.resize(std::max<size_t>(cut, 1));
            udp_exchange(1194, v);
        }
}

TEST(Openvpn, ParserBudget) {
    const std::vector<Msg> msgs = session(0, true, make_cert());
    // Room for the hard resets but not for the packet carrying the ClientHello: the parser ends
    // there and gives back what it held; the session stays named.
    const uint32_t budget = static_cast<uint32_t>(msgs[2].bytes.size() - 1);
    ASSERT_GT(msgs[2].bytes.size(), client_hello().size());
    ASSERT_GE(budget, std::max(msgs[0].bytes.size(), msgs[1].bytes.size()));
    BudgetRun small = budget_exchange(1194, msgs, budget);
    EXPECT_TRUE(has_protocol(small.record, "openvpn"));
    EXPECT_FALSE(small.record.contains("tls")) << small.record.dump();
    EXPECT_FALSE(small.record.contains("cert"));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    // Every byte of the exchange held three times over (packet, TLS record, handshake bytes) fits.
    size_t total = 0;
    for (const Msg& m : msgs)
        total += m.bytes.size();
    BudgetRun enough = budget_exchange(1194, msgs, static_cast<uint32_t>(3 * total));
    const nlohmann::json plain = tcp_exchange(1194, msgs);
    EXPECT_EQ(enough.record["tls"], plain["tls"]);
    EXPECT_EQ(enough.record["cert"], plain["cert"]);
    expect_tls(enough.record, "t");
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Openvpn, UdpEveryPrefix) {
    const std::vector<Msg> msgs = session(28, false, make_cert());
    // Message 4 carries the first part of the server's TLS flight and message 5 the rest, with the
    // next packet id: cut, it leaves a hole in the TLS stream that nothing on the wire shows (UDP
    // control packets have no length), so bytes of message 5 stand in for the lost ones. Cut there,
    // it must only do no harm.
    for (size_t i = 0; i < msgs.size(); ++i) {
        if (i != 4) {
            every_prefix(1194, msgs, i, "tls");
            continue;
        }
        for (size_t n = 0; n < msgs[i].bytes.size(); ++n) {
            std::vector<Msg> v = msgs;
            v[i].bytes.resize(n);
            EXPECT_TRUE(has_protocol(udp_exchange(1194, v), "openvpn")) << n;
        }
    }
}

}  // namespace openvpn_test
}  // namespace flowdex::session::test
