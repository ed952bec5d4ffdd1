// Idle timeouts, TCP closing, new SYN after FIN, and splits of long sessions.
#include <gtest/gtest.h>

#include <map>

#include "session/session_harness.h"

namespace flowdex::session::test {
namespace lifecycle_test {

constexpr uint64_t kBase = 1000;  // seconds
constexpr uint64_t at(double secs) {
    return static_cast<uint64_t>((kBase + secs) * kSec);
}

/// A UDP flow unrelated to the sessions under test: its packets move the clock.
Bytes driver() {
    return udp4_frame(ip4(172, 16, 0, 1), 9999, ip4(172, 16, 0, 2), 9999);
}

bool saved_final(const Harness& h, const std::string& src) {
    return h.find_saved(src) != nullptr;
}

TEST(IdleTimeout, PerKindAndOnlyByLaterClock) {
    Harness h;
    h.ctx.settings.tcpTimeout = 30;
    h.ctx.settings.udpTimeout = 20;
    h.ctx.settings.icmpTimeout = 10;
    h.start();
    h.feed(tcp4_frame(ip4(10, 0, 0, 1), 1, ip4(10, 0, 0, 2), 2, 1, 0, tcpflag::kSyn), at(0));
    h.feed(udp4_frame(ip4(10, 0, 1, 1), 1, ip4(10, 0, 1, 2), 2), at(0));
    h.feed(icmp4_frame(ip4(10, 0, 2, 1), ip4(10, 0, 2, 2), 8), at(0));
    std::map<std::string, int> savedAt;
    for (int t = 1; t <= 40; ++t) {
        h.feed(driver(), at(t));
        for (const char* src : {"10.0.0.1", "10.0.1.1", "10.0.2.1"})
            if (!savedAt.count(src) && saved_final(h, src)) savedAt[src] = t;
    }
    // Saved at the first timer run whose clock (the previous packet's second) is past last + timeout,
    // i.e. while processing the packet one second after that.
    EXPECT_EQ(savedAt["10.0.2.1"], 12);       // icmp: 0 + 10 < 11
    EXPECT_EQ(savedAt["10.0.1.1"], 22);       // udp: 0 + 20 < 21
    EXPECT_EQ(savedAt["10.0.0.1"], 32);       // tcp: 0 + 30 < 31
    EXPECT_EQ(h.table->open_sessions(), 1u);  // the driver
}

TEST(IdleTimeout, SessionIsNotExpiredByItsOwnNextPacket) {
    Harness h;
    h.start();  // udpTimeout 60
    Bytes a = udp4_frame(ip4(10, 0, 0, 1), 1, ip4(10, 0, 0, 2), 2);
    h.feed(a, at(0));
    h.feed(a, at(100));  // clock 0: nothing is idle yet
    h.feed(a, at(300));  // clock 100: the session was just refreshed
    EXPECT_TRUE(h.sink->saved.empty());
    h.table->flush_all();
    ASSERT_EQ(h.sink->saved.size(), 1u);
    EXPECT_EQ(h.sink->saved[0].at("network.packets"), 3);
}

TEST(IdleTimeout, AnotherSessionsPacketExpiresIt) {
    Harness h;
    h.start();
    Bytes a = udp4_frame(ip4(10, 0, 0, 1), 1, ip4(10, 0, 0, 2), 2);
    h.feed(a, at(0));
    h.feed(driver(), at(100));  // clock 0
    EXPECT_TRUE(h.sink->saved.empty());
    h.feed(a, at(100.5));  // clock 100 > 0 + 60: the old session goes first, this packet starts a new one
    ASSERT_EQ(h.sink->saved.size(), 1u);
    EXPECT_EQ(h.sink->saved[0].at("network.packets"), 1);
    EXPECT_TRUE(h.sink->saved[0].final);
    EXPECT_EQ(h.table->open_sessions(), 2u);
    h.table->flush_all();
    int count = 0;
    for (const Saved& s : h.sink->saved)
        if (s.at("source.ip") == "10.0.0.1") ++count;
    EXPECT_EQ(count, 2);
}

TEST(IdleTimeout, ExactlyTheTimeoutIsNotExpired) {
    Harness h;
    h.start();
    Bytes a = udp4_frame(ip4(10, 0, 0, 1), 1, ip4(10, 0, 0, 2), 2);
    h.feed(a, at(0));
    h.feed(driver(), at(60));
    h.feed(driver(), at(60.5));  // clock 60: 0 + 60 is not < 60
    EXPECT_TRUE(h.sink->saved.empty());
    h.feed(driver(), at(61));  // clock 60 again: nothing new
    h.feed(driver(), at(62));  // clock 61
    EXPECT_TRUE(saved_final(h, "10.0.0.1"));
}

class Closing : public ::testing::Test {
  protected:
    void SetUp() override {
        h.start();  // tcpClosingTimeout 5
        h.feed(f.syn(), at(0));
        h.feed(f.synack(), at(0));
        h.feed(f.ack(), at(0));
    }
    /// Drives the clock to each second in [from, to] and returns the first second at which the
    /// TCP session was saved (0 if never).
    int drive(int from, int to) {
        for (int t = from; t <= to; ++t) {
            h.feed(driver(), at(t));
            if (saved_final(h, "10.0.0.1")) return t;
        }
        return 0;
    }
    Harness h;
    TcpFlow f;
};

TEST_F(Closing, FinBothWaysClosesAfterTheClosingTimeout) {
    h.feed(f.cfin(0, 0), at(1));
    h.feed(f.sfin(0, 1), at(1));
    h.feed(f.cack(1, 1), at(1));
    // closes at 1 + 5: saved once the clock is past 6, i.e. by the packet at 8 (clock 7).
    EXPECT_EQ(drive(2, 20), 8);
    const Saved* r = h.find_saved("10.0.0.1");
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->at("tcpflags.fin"), 2);
    EXPECT_EQ(r->at("network.packets"), 6);
}

TEST_F(Closing, FinOneWayDoesNotClose) {
    h.feed(f.cfin(0, 0), at(1));
    h.feed(tcp4_frame(f.s, f.sport, f.c, f.cport, f.sisn + 1, f.cisn + 2, tcpflag::kAck), at(1));
    EXPECT_EQ(drive(2, 30), 0);
    EXPECT_EQ(h.table->open_sessions(), 2u);
}

TEST_F(Closing, RstClosesAfterTheClosingTimeout) {
    h.feed(f.crst(0), at(1));
    EXPECT_EQ(drive(2, 20), 8);
    EXPECT_EQ(h.find_saved("10.0.0.1")->at("tcpflags.rst"), 1);
}

TEST_F(Closing, PacketsWhileClosingJoinTheSession) {
    h.feed(f.crst(0), at(1));
    h.feed(f.cack(0, 0), at(3));
    EXPECT_EQ(h.table->open_sessions(), 1u);
    // The late packet does not move the close time (1 + 5).
    EXPECT_EQ(drive(4, 20), 8);
    EXPECT_EQ(h.find_saved("10.0.0.1")->at("network.packets"), 5);
}

TEST_F(Closing, NewSynWithAnotherIsnAfterFinStartsANewSession) {
    h.feed(f.cfin(0, 0), at(1));
    h.feed(tcp4_frame(f.c, f.cport, f.s, f.sport, 90000, 0, tcpflag::kSyn), at(2));
    ASSERT_EQ(h.sink->saved.size(), 1u);  // the old session is saved at once
    EXPECT_TRUE(h.sink->saved[0].final);
    EXPECT_EQ(h.sink->saved[0].at("network.packets"), 4);
    EXPECT_EQ(h.sink->saved[0].at("tcpseq.src"), 1000);
    EXPECT_EQ(h.table->open_sessions(), 1u);
    h.table->flush_all();
    ASSERT_EQ(h.sink->saved.size(), 2u);
    const Saved& fresh = h.sink->saved[1];
    EXPECT_EQ(fresh.at("network.packets"), 1);
    EXPECT_EQ(fresh.at("tcpflags.syn"), 1);
    EXPECT_EQ(fresh.at("tcpseq.src"), 90000);
    EXPECT_EQ(fresh.at("firstPacket"), static_cast<int64_t>(at(2) / 1000));
}

TEST_F(Closing, RetransmittedSynWithTheSameIsnStays) {
    h.feed(f.cfin(0, 0), at(1));
    h.feed(f.syn(), at(2));
    EXPECT_TRUE(h.sink->saved.empty());
    h.table->flush_all();
    ASSERT_EQ(h.sink->saved.size(), 1u);
    EXPECT_EQ(h.sink->saved[0].at("tcpflags.syn"), 2);
    EXPECT_EQ(h.sink->saved[0].at("srcISNCnt"), 1);
}

TEST_F(Closing, NewSynWithoutFinOrRstStays) {
    h.feed(tcp4_frame(f.c, f.cport, f.s, f.sport, 90000, 0, tcpflag::kSyn), at(2));
    EXPECT_TRUE(h.sink->saved.empty());
    EXPECT_EQ(h.table->open_sessions(), 1u);
}

TEST(LongSessions, MaxPacketsSplitsIntoLinkedSegments) {
    Harness h;
    h.ctx.settings.maxPackets = 3;
    h.start();
    Bytes a = udp4_frame(ip4(10, 0, 0, 1), 1, ip4(10, 0, 0, 2), 2, text("first"));
    Bytes b = udp4_frame(ip4(10, 0, 0, 2), 2, ip4(10, 0, 0, 1), 1, text("back"));
    h.feed(a, at(0));
    h.feed(b, at(1));
    h.feed(a, at(2));
    ASSERT_EQ(h.sink->saved.size(), 1u);  // saved right after the third packet
    h.feed(a, at(3));
    h.feed(b, at(4));
    h.table->flush_all();
    ASSERT_EQ(h.sink->saved.size(), 2u);
    const Saved& s1 = h.sink->saved[0];
    const Saved& s2 = h.sink->saved[1];
    EXPECT_FALSE(s1.final);
    EXPECT_TRUE(s2.final);
    EXPECT_EQ(s1.at("segmentCnt"), 1);
    EXPECT_EQ(s2.at("segmentCnt"), 2);
    ASSERT_TRUE(s1.at("rootId").is_string());
    EXPECT_EQ(s1.at("rootId"), s1.record.id);
    EXPECT_EQ(s2.at("rootId"), s1.record.id);
    EXPECT_EQ(s2.record.id, s1.record.id + "-2");
    EXPECT_EQ(s1.at("network.packets"), 3);
    EXPECT_EQ(s2.at("network.packets"), 2);
    EXPECT_EQ(s2.at("source.packets"), 1);
    EXPECT_EQ(s2.at("destination.packets"), 1);
    // The third packet is counted in the first segment, its payload in the second (as Arkime).
    EXPECT_EQ(s1.at("client.bytes"), 5);
    EXPECT_EQ(s2.at("client.bytes"), 10);
    EXPECT_EQ(s1.at("firstPacket"), static_cast<int64_t>(at(0) / 1000));
    EXPECT_EQ(s2.at("firstPacket"), static_cast<int64_t>(at(0) / 1000));
    EXPECT_EQ(s2.at("lastPacket"), static_cast<int64_t>(at(4) / 1000));
    EXPECT_EQ(s2.at("srcPayload8"), "6669727374");  // fields carry over
}

TEST(LongSessions, TcpSaveTimeoutSplits) {
    Harness h;
    h.ctx.settings.tcpSaveTimeout = 10;
    h.start();
    TcpFlow f;
    h.feed(f.syn(), at(0));
    h.feed(f.synack(), at(0));
    h.feed(f.ack(), at(0));
    int splitAt = 0;
    for (int t = 1; t <= 12; ++t) {
        h.feed(f.cack(0, 0), at(t));
        if (!splitAt && !h.sink->saved.empty()) splitAt = t;
    }
    // Due at 0 + 10; split at the first timer run with a clock past 10 (the packet at 12).
    EXPECT_EQ(splitAt, 12);
    h.table->flush_all();
    ASSERT_EQ(h.sink->saved.size(), 2u);
    const Saved& s1 = h.sink->saved[0];
    const Saved& s2 = h.sink->saved[1];
    EXPECT_FALSE(s1.final);
    EXPECT_EQ(s1.at("network.packets"), 3 + 11);
    EXPECT_EQ(s1.at("tcpflags.syn"), 1);
    EXPECT_EQ(s1.at("tcpseq.src"), 1000);
    EXPECT_EQ(s2.at("network.packets"), 1);
    EXPECT_EQ(s2.at("tcpflags.syn"), 0);  // flag counts restart
    EXPECT_EQ(s2.at("tcpflags.ack"), 1);
    EXPECT_TRUE(s2.at("tcpseq").is_null());
    EXPECT_EQ(s2.at("segmentCnt"), 2);
    EXPECT_EQ(s2.at("rootId"), s1.record.id);
}

struct OnceProbe {
    int calls = 0;
    std::vector<bool> registered;
};
int count_calls(void* ctx, Session&, const uint8_t*, uint32_t, int) {
    ++static_cast<OnceProbe*>(ctx)->calls;
    return 0;
}
int other_parser(void*, Session&, const uint8_t*, uint32_t, int) {
    return 0;
}
void attach_twice(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    auto* probe = static_cast<OnceProbe*>(ctx);
    for (ParseFn fn : {count_calls, count_calls, other_parser})
        probe->registered.push_back(s.table->register_parser_once(s, ParserEntry{fn, nullptr, nullptr, probe}));
}

TEST(Parsers, RegisterOnceKeepsOneEntryPerParseFunction) {
    Harness h;
    OnceProbe probe;
    h.classifiers.add(classify::Transport::Udp, classify::Classifier{"probe", 0, "", attach_twice, &probe});
    h.start();
    const Bytes req = udp4_frame(ip4(10, 9, 0, 1), 1000, ip4(10, 9, 0, 2), 2000);
    const Bytes resp = udp4_frame(ip4(10, 9, 0, 2), 2000, ip4(10, 9, 0, 1), 1000);
    constexpr uint64_t T0 = 1000 * kSec;
    h.feed(req, T0);       // classified: the parsers attach, then see this payload
    h.feed(resp, T0 + 1);  // the other direction classifies again: nothing new attaches
    h.feed(req, T0 + 2);
    EXPECT_EQ(probe.registered, (std::vector<bool>{true, false, true, false, false, false}));
    EXPECT_EQ(probe.calls, 3);  // one counting parser, three payloads
}

}  // namespace lifecycle_test
}  // namespace flowdex::session::test
