// TCP in-order delivery to parsers, classifiers, parser return values, save hooks and holds.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "session/session_harness.h"

namespace flowdex::session::test {
namespace stream_test {

constexpr uint64_t T0 = 1700000000 * kSec;

/// What a test parser saw.
struct Seen {
    std::string stream[2];
    int calls = 0;
    int frees = 0;
    int classified[2] = {};
    /// What parse returns: 0, -1, or (when > 0) min(consume, len) bytes... as given.
    int ret = 0;
    bool returnLen = false;
};

int record_parse(void* ctx, Session&, const uint8_t* data, uint32_t len, int which) {
    auto* s = static_cast<Seen*>(ctx);
    ++s->calls;
    s->stream[which].append(reinterpret_cast<const char*>(data), len);
    return s->returnLen ? static_cast<int>(len) : s->ret;
}
void record_free(void* ctx, Session&) {
    ++static_cast<Seen*>(ctx)->frees;
}

/// The classifier registers the parsers listed in its context on the first payload.
struct ParserSet {
    std::vector<Seen*> parsers;
    int classified[2] = {};
};
void register_parsers(void* ctx, Session& s, const uint8_t*, uint32_t, int which) {
    auto* set = static_cast<ParserSet*>(ctx);
    ++set->classified[which];
    if (!s.parsers.empty()) return;
    for (Seen* p : set->parsers)
        s.parsers.push_back(ParserEntry{record_parse, nullptr, record_free, p, true});
}

class Stream : public ::testing::Test {
  protected:
    void SetUp() override {
        set.parsers.push_back(&first);
        h.classifiers.add(classify::Transport::Tcp, classify::Classifier{"test", 0, "", register_parsers, &set});
        h.classifiers.add(classify::Transport::Udp, classify::Classifier{"test", 0, "", register_parsers, &set});
        h.start();
    }
    void handshake() {
        h.feed(f.syn(), T0);
        h.feed(f.synack(), T0 + 1000);
        h.feed(f.ack(), T0 + 2000);
    }
    const Saved& only() {
        h.table->flush_all();
        EXPECT_EQ(h.sink->saved.size(), 1u);
        return h.sink->saved.at(0);
    }
    Harness h;
    TcpFlow f;
    ParserSet set;
    Seen first;
    uint64_t t = T0 + 3000;
    uint64_t next() { return t += 1000; }
};

TEST_F(Stream, OutOfOrderDeliveredInOrderExactlyOnce) {
    handshake();
    h.feed(f.cdata(0, "AAAA"), next());
    h.feed(f.cdata(8, "CCCC"), next());    // ahead of a gap: queued
    h.feed(f.cdata(8, "CCCC"), next());    // the same again while queued
    h.feed(f.cdata(4, "BBBB"), next());    // fills the gap, releases CCCC
    h.feed(f.cdata(4, "BBBB"), next());    // retransmission
    h.feed(f.cdata(10, "CCDD"), next());   // overlap: only DD is new
    h.feed(f.cdata(0, "AAAABB"), next());  // old data
    h.feed(f.sdata(0, "hello"), next());
    EXPECT_EQ(first.stream[0], "AAAABBBBCCCCDD");
    EXPECT_EQ(first.stream[1], "hello");
    EXPECT_EQ(set.classified[0], 1);
    EXPECT_EQ(set.classified[1], 1);
    const Saved& r = only();
    EXPECT_EQ(r.at("client.bytes"), 14);
    EXPECT_EQ(r.at("server.bytes"), 5);
    EXPECT_EQ(r.at("totDataBytes"), 19);
    EXPECT_EQ(r.at("srcPayload8"), "4141414142424242");
    EXPECT_EQ(r.at("dstPayload8"), "68656c6c6f");
    EXPECT_EQ(r.at("tcpflags.psh"), 8);  // every copy counts toward flags
    nlohmann::json tags = r.at("tags");
    ASSERT_TRUE(tags.is_array());
    EXPECT_NE(std::find(tags.begin(), tags.end(), "out-of-order-src"), tags.end());
    EXPECT_EQ(std::find(tags.begin(), tags.end(), "out-of-order-dst"), tags.end());
}

TEST_F(Stream, Payload8JoinsSmallInOrderSegments) {
    handshake();
    h.feed(f.cdata(3, "defgh"), next());  // queued
    h.feed(f.cdata(0, "abc"), next());
    const Saved& r = only();
    EXPECT_EQ(r.at("srcPayload8"), "6162636465666768");  // "abcdefgh" from the ordered stream
    EXPECT_EQ(first.stream[0], "abcdefgh");
}

TEST_F(Stream, DataWithoutHandshakeIsNeitherDeliveredNorCounted) {
    h.feed(f.cdata(0, "GET / HTTP/1.1\r\n"), next());
    h.feed(f.sdata(0, "HTTP/1.1 200 OK\r\n"), next());
    EXPECT_EQ(set.classified[0] + set.classified[1], 0);
    EXPECT_EQ(first.calls, 0);
    const Saved& r = only();
    EXPECT_EQ(r.at("client.bytes"), 0);
    EXPECT_EQ(r.at("server.bytes"), 0);
    EXPECT_EQ(r.at("totDataBytes"), 0);
    EXPECT_TRUE(r.at("srcPayload8").is_null());
    EXPECT_TRUE(r.at("tcpseq").is_null());
    EXPECT_EQ(r.at("tcpflags.psh"), 2);
}

TEST_F(Stream, LonePushedSegmentWithoutHandshakeIsClassifiedAtTheEndButNotCounted) {
    h.feed(f.cdata(0, "GET / HTTP/1.1\r\n"), next());
    EXPECT_EQ(set.classified[0], 0);  // nothing is delivered while the session lives
    const Saved& r = only();
    EXPECT_EQ(set.classified[0], 1);
    EXPECT_EQ(set.classified[1], 0);
    EXPECT_EQ(first.stream[0], "GET / HTTP/1.1\r\n");
    EXPECT_EQ(r.at("client.bytes"), 0);
    EXPECT_EQ(r.at("totDataBytes"), 0);
    EXPECT_TRUE(r.at("srcPayload8").is_null());
}

TEST_F(Stream, GapNeverFilledIsNotCounted) {
    handshake();
    h.feed(f.cdata(0, "AAAA"), next());
    h.feed(f.cdata(8, "CCCC"), next());
    const Saved& r = only();
    EXPECT_EQ(r.at("client.bytes"), 4);
    EXPECT_EQ(first.stream[0], "AAAA");
}

TEST_F(Stream, SynAckFirstStartsTheClientStreamAtItsAck) {
    h.feed(f.synack(), T0);
    h.feed(f.cdata(0, "hi there"), next());
    h.feed(f.sdata(0, "welcome"), next());
    EXPECT_EQ(first.stream[0], "hi there");
    EXPECT_EQ(first.stream[1], "welcome");
}

TEST_F(Stream, UnregisteringParserIsNotCalledAgainAndIsFreedOnce) {
    Seen second;
    set.parsers.push_back(&second);
    first.ret = -1;
    handshake();
    h.feed(f.cdata(0, "AAAA"), next());
    h.feed(f.cdata(4, "BBBB"), next());
    h.feed(f.sdata(0, "CCCC"), next());
    EXPECT_EQ(first.calls, 1);
    EXPECT_EQ(first.frees, 1);
    EXPECT_EQ(first.stream[0], "AAAA");
    EXPECT_EQ(second.stream[0], "AAAABBBB");
    EXPECT_EQ(second.stream[1], "CCCC");
    h.table->flush_all();
    EXPECT_EQ(first.frees, 1);   // not freed a second time with the session
    EXPECT_EQ(second.frees, 1);  // freed with the session
}

TEST_F(Stream, ConsumingTheWholeChunkSkipsLaterParsers) {
    Seen second;
    set.parsers.push_back(&second);
    first.returnLen = true;
    handshake();
    h.feed(f.cdata(0, "AAAA"), next());
    first.returnLen = false;
    first.ret = 1;  // consumed part of it: later parsers still run
    h.feed(f.cdata(4, "BBBB"), next());
    EXPECT_EQ(first.stream[0], "AAAABBBB");
    EXPECT_EQ(second.stream[0], "BBBB");
}

TEST_F(Stream, UdpPayloadGoesToParsersAndClassifiesOncePerDirection) {
    Bytes q = udp4_frame(ip4(10, 0, 0, 1), 5000, ip4(10, 0, 0, 2), 53, text("q1"));
    Bytes q2 = udp4_frame(ip4(10, 0, 0, 1), 5000, ip4(10, 0, 0, 2), 53, text("q2"));
    Bytes a = udp4_frame(ip4(10, 0, 0, 2), 53, ip4(10, 0, 0, 1), 5000, text("a1"));
    h.feed(q, next());
    h.feed(q2, next());
    h.feed(a, next());
    h.feed(a, next());
    EXPECT_EQ(set.classified[0], 1);
    EXPECT_EQ(set.classified[1], 1);
    EXPECT_EQ(first.stream[0], "q1q2");
    EXPECT_EQ(first.stream[1], "a1a1");
    const Saved& r = only();
    EXPECT_EQ(r.at("srcPayload8"), "7131");  // UDP: the first datagram only
    EXPECT_EQ(r.at("client.bytes"), 4);
}

// ---------------------------------------------------------------- save hooks and holds

std::vector<std::string> gLog;
Harness* gHarness = nullptr;
Session* gHeld = nullptr;
bool gHoldFinal = false;

void log_parser_save(void*, Session&, bool final) {
    gLog.push_back(std::string("parser:") + (final ? "1" : "0"));
}
void log_pre_save(void*, Session& s, bool final) {
    gLog.push_back(std::string("pre:") + (final ? "1" : "0"));
    if (final && gHoldFinal) {
        gHarness->table->incref(s);
        gHeld = &s;
    }
}
void log_save(void*, Session&, bool final) {
    gLog.push_back(std::string("save:") + (final ? "1" : "0"));
}
void log_sink(Session&, bool final) {
    gLog.push_back(std::string("sink:") + (final ? "1" : "0"));
}
void add_saving_parser(void*, Session& s, const uint8_t*, uint32_t, int) {
    if (s.parsers.empty()) s.parsers.push_back(ParserEntry{nullptr, log_parser_save, nullptr, nullptr, true});
}

class Hooks : public ::testing::Test {
  protected:
    void SetUp() override {
        gLog.clear();
        gHeld = nullptr;
        gHoldFinal = false;
        gHarness = &h;
        h.classifiers.add(classify::Transport::Udp, classify::Classifier{"saver", 0, "", add_saving_parser, nullptr});
        h.hooks.add_pre_save(log_pre_save, nullptr);
        h.hooks.add_save(log_save, nullptr);
        h.start();
        h.sink->onWrite = log_sink;
    }
    void TearDown() override { gHarness = nullptr; }
    Harness h;
    Bytes flow = udp4_frame(ip4(10, 0, 0, 1), 1, ip4(10, 0, 0, 2), 2, text("xyz"));
};

TEST_F(Hooks, OrderAndFinalFlags) {
    h.ctx.settings.maxPackets = 2;
    h.start();
    h.sink->onWrite = log_sink;
    h.feed(flow, T0);
    h.feed(flow, T0 + 1);
    h.feed(flow, T0 + 2);
    h.table->flush_all();
    EXPECT_EQ(gLog, (std::vector<std::string>{"parser:0", "pre:0", "save:0", "sink:0", "parser:1", "pre:1", "save:1",
                                              "sink:1"}));
}

TEST_F(Hooks, HeldSessionIsWrittenOnlyAfterDecref) {
    gHoldFinal = true;
    h.feed(flow, T0);
    // Expire it through another session's packets (udpTimeout 60).
    h.feed(udp4_frame(ip4(10, 9, 0, 1), 1, ip4(10, 9, 0, 2), 2), T0 + 100 * kSec);
    h.feed(udp4_frame(ip4(10, 9, 0, 1), 1, ip4(10, 9, 0, 2), 2), T0 + 101 * kSec);
    ASSERT_NE(gHeld, nullptr);
    EXPECT_EQ(gLog, (std::vector<std::string>{"parser:1", "pre:1"}));
    EXPECT_TRUE(h.sink->saved.empty());

    // While held, a packet of the same flow starts a new session.
    gHoldFinal = false;
    h.feed(flow, T0 + 102 * kSec);
    EXPECT_EQ(h.table->open_sessions(), 2u);
    EXPECT_TRUE(h.sink->saved.empty());

    Session* held = gHeld;
    h.table->incref(*held);
    h.table->decref(*held);  // still one hold left
    EXPECT_TRUE(h.sink->saved.empty());
    h.table->decref(*held);
    ASSERT_EQ(h.sink->saved.size(), 1u);
    EXPECT_TRUE(h.sink->saved[0].final);
    EXPECT_EQ(h.sink->saved[0].at("network.packets"), 1);
    EXPECT_EQ(gLog, (std::vector<std::string>{"parser:1", "pre:1", "save:1", "sink:1"}));
}

TEST_F(Hooks, FlushAllCompletesHeldSessions) {
    gHoldFinal = true;
    h.feed(flow, T0);
    h.table->flush_all();
    EXPECT_EQ(h.sink->saved.size(), 1u);
    EXPECT_EQ(gLog, (std::vector<std::string>{"parser:1", "pre:1", "save:1", "sink:1"}));
}

}  // namespace stream_test
}  // namespace flowdex::session::test
