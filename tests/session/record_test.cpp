// The record's TCP handshake fields: initRTT as Arkime computes it.
#include <gtest/gtest.h>

#include <vector>

#include "session/record.h"
#include "session/session_harness.h"

namespace flowdex::session::test {
namespace {

TEST(InitRtt, WithinOneSecondItIsTheTruncatedHalf) {
    EXPECT_EQ(init_rtt_ms(5 * kSec + 100000, 5 * kSec + 100000), 0u);
    EXPECT_EQ(init_rtt_ms(5 * kSec + 100000, 5 * kSec + 103999), 1u);  // 3.999 ms → 3 → 1
    EXPECT_EQ(init_rtt_ms(5 * kSec + 100000, 5 * kSec + 104000), 2u);
    EXPECT_EQ(init_rtt_ms(5 * kSec, 5 * kSec + 999999), 499u);
}

TEST(InitRtt, AcrossSecondsTheMicrosecondsTruncateTowardZero) {
    // Arkime's corpus (adb): SYN …596.868016, ACK …597.251055 → 1000 + (251055 − 868016)/1000
    // = 1000 − 616 = 384 → 192, where the exact half (191.5195 ms) truncates to 191.
    EXPECT_EQ(init_rtt_ms(1763505596868016, 1763505597251055), 192u);
    EXPECT_EQ(init_rtt_ms(1361891420707886, 1361891421093154), 193u);  // http-500-head
    EXPECT_EQ(init_rtt_ms(1387659689446849, 1387659690331964), 443u);  // pop3-tag
    EXPECT_EQ(init_rtt_ms(1379519109833103, 1379519110158288), 163u);  // smb-port80
    EXPECT_EQ(init_rtt_ms(1 * kSec + 999999, 3 * kSec), 500u);         // 2000 − 999 = 1001 → 500
}

TEST(InitRtt, InTheRecord) {
    Harness h;
    h.start();
    TcpFlow f;
    const uint64_t t0 = 1700000000 * kSec;
    h.feed(f.syn(), t0 + 868016);
    h.feed(f.synack(), t0 + 868055);
    h.feed(f.ack(), t0 + kSec + 251055);
    h.table->flush_all();
    const Saved* s = h.find_saved("10.0.0.1");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->at("initRTT"), 192);
}

/// The record of the client 10.0.0.1 after `frames` (one per ms) and a flush.
nlohmann::json record_of(const std::vector<Bytes>& frames) {
    Harness h;
    h.start();
    uint64_t t = 1700000000 * kSec;
    for (const Bytes& f : frames)
        h.feed(f, t += 1000);
    h.table->flush_all();
    const Saved* s = h.find_saved("10.0.0.1");
    EXPECT_NE(s, nullptr);
    return s ? s->json : nlohmann::json::object();
}

TEST(Handshake, SynFirst) {
    TcpFlow f;
    const nlohmann::json j = record_of({f.syn(), f.synack(), f.ack()});
    EXPECT_EQ(j["tcpseq"], (nlohmann::json{{"src", f.cisn}, {"dst", 0}})) << "dst stays 0 after a SYN";
    EXPECT_EQ(j["tcpSynValidated"], true);
    EXPECT_EQ(j["tcpSynAckValidated"], true);
    EXPECT_EQ(j["initRTT"], 1);
}

TEST(Handshake, SynAckBeforeTheSynGivesTheServerIsn) {
    TcpFlow f;
    const nlohmann::json late = record_of({f.synack(), f.ack(), f.cdata(0, "hello"), f.syn()});
    EXPECT_EQ(late["tcpseq"], (nlohmann::json{{"src", f.cisn}, {"dst", f.sisn}})) << late.dump();
    EXPECT_EQ(late["tcpSynValidated"], true) << "the late SYN is what the SYN-ACK acknowledged";
    EXPECT_EQ(late["tcpSynAckValidated"], true);
    EXPECT_FALSE(late.contains("initRTT")) << "no SYN before the ACK: no handshake time";
    TcpFlow other = f;
    other.cisn += 7;  // a SYN the SYN-ACK did not acknowledge
    const nlohmann::json wrong = record_of({f.synack(), f.ack(), other.syn()});
    EXPECT_EQ(wrong["tcpSynValidated"], false);
    const nlohmann::json only = record_of({f.synack(), f.sdata(0, "hi")});
    EXPECT_EQ(only["tcpseq"], (nlohmann::json{{"dst", f.sisn}})) << "no SYN: no src" << only.dump();
    EXPECT_EQ(only["tcpSynValidated"], false);
    EXPECT_EQ(only["tcpSynAckValidated"], false);
}

TEST(Handshake, AFirstAckCarryingDataValidatesButDoesNotTime) {
    TcpFlow f;
    const nlohmann::json j = record_of({f.syn(), f.synack(), f.cdata(0, "GET / HTTP/1.0\r\n\r\n")});
    EXPECT_EQ(j["tcpSynAckValidated"], true);
    EXPECT_FALSE(j.contains("initRTT")) << j.dump();
    TcpFlow bad = f;
    bad.sisn += 3;  // the client acknowledges another ISN
    const nlohmann::json k = record_of({f.syn(), bad.synack(), f.cdata(0, "x")});
    EXPECT_EQ(k["tcpSynAckValidated"], false);
}

}  // namespace
}  // namespace flowdex::session::test
