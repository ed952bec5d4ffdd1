// WebSocket frames after a 101 upgrade: websocket.* counters, opcodes, unmasked text samples
// (fragmented messages included), close code and reason; any segmentation gives the same record;
// reserved opcodes and oversized control frames stop the reader without a crash.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"
#include "protocols/http/websocket.h"

namespace flowdex::session::test {
namespace websocket_test {

using namespace std::string_literals;

const std::string kMask = "\x11\x22\x33\x44"s;

std::string frame(uint8_t first, const std::string& payload, bool masked) {
    std::string f(1, static_cast<char>(first));
    const size_t n = payload.size();
    const char m = masked ? '\x80' : '\0';
    if (n < 126) {
        f += static_cast<char>(m | static_cast<char>(n));
    } else {
        f += static_cast<char>(m | 126);
        f += static_cast<char>(n >> 8);
        f += static_cast<char>(n & 0xff);
    }
    if (!masked) return f + payload;
    f += kMask;
    for (size_t i = 0; i < n; ++i)
        f += static_cast<char>(payload[i] ^ kMask[i & 3]);
    return f;
}

std::vector<Msg> session() {
    const std::string big(300, 'b');
    return {{0, "GET /chat HTTP/1.1\r\nHost: ws.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"},
            {1, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"},
            {1, frame(0x81, "hello client", false)},
            {0, frame(0x81, "hello server", true)},
            {0, frame(0x01, "part one ", true) + frame(0x89, "", true) + frame(0x80, "part two", true)},
            {0, frame(0x82, "\x00\x01\x02"s, true)},
            {1, frame(0x81, big, false)},
            {1, frame(0x88, "\x03\xe8"s + "going away", false)}};
}

void expect_ws(const nlohmann::json& j) {
    EXPECT_TRUE(has_protocol(j, "websocket")) << j.dump();
    ASSERT_TRUE(j.contains("websocket")) << j.dump();
    const nlohmann::json& w = j["websocket"];
    EXPECT_EQ(w["frameCnt"], 8) << w.dump();
    EXPECT_EQ(w["maskedFromClient"], 5);
    EXPECT_EQ(w["payloadBytes"], 12 + 12 + 9 + 0 + 8 + 3 + 300 + 12);
    EXPECT_EQ(w["opcode"], nlohmann::json({"Text", "Ping", "Binary", "Close"}));
    EXPECT_EQ(w["textSample"], nlohmann::json({"hello client", "hello server", "part one ", "part two"}))
        << "four samples at most; the 300-byte text comes fifth";
    EXPECT_EQ(w["closeCode"], nlohmann::json({1000}));
    EXPECT_EQ(w["closeReason"], nlohmann::json({"going away"}));
}

TEST(WebSocket, FramesAfterUpgrade) {
    expect_ws(tcp_exchange(80, session()));
}

TEST(WebSocket, SplitAtEveryByte) {
    const std::vector<Msg> msgs = session();
    for (size_t m = 2; m < msgs.size(); ++m)
        for (const std::vector<Msg>& split : splits_of(msgs, m))
            expect_ws(tcp_exchange(80, split));
}

TEST(WebSocket, SampleCutAndBadFrames) {
    const std::vector<Msg> all = session();
    std::vector<Msg> msgs(all.begin(), all.begin() + 2);
    msgs.push_back({1, frame(0x81, std::string(1000, 'x'), false)});
    nlohmann::json j = tcp_exchange(80, msgs);
    EXPECT_EQ(j["websocket"]["textSample"][0].get<std::string>().size(), 256u);
    for (const std::string& bad : {"\x83\x00"s,                                     // reserved opcode
                                   "\x89\x7e\x00\xff"s + std::string(255, 'p'),     // control frame over 125 bytes
                                   "\x82\x7f\x80\x00\x00\x00\x00\x00\x00\x00"s}) {  // length with the top bit set
        msgs.resize(2);
        msgs.push_back({1, bad + frame(0x81, "after", false)});
        j = tcp_exchange(80, msgs);
        EXPECT_TRUE(has_protocol(j, "websocket"));
        if (j.contains("websocket") && j["websocket"].contains("textSample")) {
            EXPECT_EQ(j["websocket"]["textSample"], nlohmann::json({"after"})) << j.dump();
        }
    }
    // A header cut short at the end of the capture: counted nowhere.
    msgs.resize(2);
    msgs.push_back({1, "\x81\x7e\x01"s});
    j = tcp_exchange(80, msgs);
    EXPECT_FALSE(j.contains("websocket")) << j.dump();
    // No 101: no frames are read.
    msgs = session();
    msgs[1].bytes = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    j = tcp_exchange(80, msgs);
    EXPECT_FALSE(j.contains("websocket")) << j.dump();
}

TEST(WebSocket, ParserBudget) {
    // The server's first text frame needs a 256-byte sample, over the budget: the server direction
    // stops there (its later Close frame is not read); the client's frame is still read.
    const std::vector<Msg> base = session();
    const std::vector<Msg> msgs = {base[0],
                                   base[1],
                                   {1, frame(0x81, std::string(300, 'b'), false)},
                                   {0, frame(0x81, "hello server", true)},
                                   base[7]};
    constexpr uint32_t kSmall = 200;
    ASSERT_LT(kSmall, protocols::websocket::kMaxSample);
    BudgetRun small = budget_exchange(80, msgs, kSmall);
    EXPECT_TRUE(has_protocol(small.record, "websocket"));
    const nlohmann::json& w = small.record["websocket"];
    EXPECT_EQ(w["textSample"], nlohmann::json({"hello server"})) << w.dump();
    EXPECT_EQ(w["frameCnt"], 2);
    EXPECT_FALSE(w.contains("closeCode"));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(80, msgs, 1000);
    EXPECT_EQ(enough.record["websocket"], tcp_exchange(80, msgs)["websocket"]);
    EXPECT_EQ(enough.record["websocket"]["closeCode"], nlohmann::json({1000}));
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(WebSocket, EveryBudgetGivesBytesBack) {
    expect_every_budget_gives_bytes_back(80, session(), "websocket", 400, 10);
}

TEST(WebSocket, OneByteAtATime) {
    expect_ws(tcp_exchange(80, bytewise_after_first(session())));
}

TEST(WebSocket, StreamCutAnywhere) {
    // Counters of frames and bytes stop where the stream does.
    every_tcp_truncation(80, session(), 2, {"maskedFromClient", "payloadBytes"});
}

}  // namespace websocket_test
}  // namespace flowdex::session::test
