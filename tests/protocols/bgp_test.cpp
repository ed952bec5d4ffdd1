// BGP: the type of every message of both directions (bgp.type), framed by the header's length
// whatever the segmentation; bad framing ends a direction without junk.
#include "protocols/bgp/bgp.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace bgp_test {

using namespace std::string_literals;

constexpr uint16_t kPort = 179;

/// A BGP message: marker, length (`claimed`, or the real one), type, body.
std::string msg(uint8_t type, const std::string& body, size_t claimed = 0) {
    const size_t len = claimed ? claimed : protocols::bgp::kHeader + body.size();
    return std::string(16, '\xff') + static_cast<char>(len >> 8) + static_cast<char>(len & 0xff) +
           static_cast<char>(type) + body;
}
std::string open() {
    return msg(1, "\x04\xfd\xe8\x00\xb4\x0a\x00\x00\x01\x00"s);  // v4, AS 65000, hold 180, id, no options
}
std::string update() {
    return msg(2, "\x00\x00\x00\x00"s);  // no withdrawn routes, no attributes
}
std::string notification() {
    return msg(3, "\x06\x02"s);  // cease, administrative shutdown
}
std::string keepalive() {
    return msg(4, "");
}
std::string route_refresh() {
    return msg(5, "\x00\x01\x00\x01"s);  // IPv4 unicast
}

/// A session: OPENs both ways, then KEEPALIVEs, an UPDATE sharing a segment with a KEEPALIVE and
/// a NOTIFICATION.
std::vector<Msg> session() {
    return {{0, open()}, {1, open()}, {1, keepalive() + update()}, {0, keepalive()}, {0, notification()}};
}

/// bgp.type, sorted (a set).
std::vector<std::string> types(const nlohmann::json& j) {
    std::vector<std::string> out;
    if (j.contains("bgp") && j["bgp"].contains("type"))
        for (const auto& v : j["bgp"]["type"])
            out.push_back(v.get<std::string>());
    std::sort(out.begin(), out.end());
    return out;
}

const std::vector<std::string> kAll = {"KEEPALIVE", "NOTIFICATION", "OPEN", "UPDATE"};

TEST(Bgp, TypesOfBothDirections) {
    nlohmann::json j = tcp_exchange(kPort, session());
    EXPECT_TRUE(has_protocol(j, "bgp")) << j.dump();
    EXPECT_EQ(types(j), kAll) << j.dump();
    EXPECT_EQ(j["bgp"]["type"].size(), 4u) << "a set: each type once";

    EXPECT_EQ(types(tcp_exchange(kPort, {{0, keepalive()}})), std::vector<std::string>{"KEEPALIVE"});
    EXPECT_EQ(types(tcp_exchange(kPort, {{1, open()}})), std::vector<std::string>{"OPEN"}) << "server first";
}

TEST(Bgp, NamedOnlyOnSessionsToPort179) {
    // Arkime's BGP classifier is a server-port one: a session from port 179 to another port (a
    // router's own connection seen the other way round) stays plain tcp, fields and all.
    nlohmann::json j = ProtocolHarness().exchange(35069, {{0, keepalive()}, {1, open()}}, false, kPort);
    EXPECT_FALSE(has_protocol(j, "bgp")) << j.dump();
    EXPECT_FALSE(j.contains("bgp")) << j.dump();
    j = tcp_exchange(kPort, {{0, keepalive()}, {1, open()}});
    EXPECT_TRUE(has_protocol(j, "bgp")) << j.dump();
}

TEST(Bgp, RouteRefreshIsFramedButUnnamed) {
    // Arkime names types 1..4 only; a ROUTE-REFRESH is skipped and the framing carries on.
    nlohmann::json j = tcp_exchange(kPort, {{0, open() + route_refresh() + update()}});
    EXPECT_EQ(types(j), (std::vector<std::string>{"OPEN", "UPDATE"})) << j.dump();
}

TEST(Bgp, SplitAtEveryByte) {
    const std::vector<Msg> msgs = session();
    for (size_t i = 1; i < msgs.size(); ++i)
        for (const std::vector<Msg>& v : splits_of(msgs, i))
            ASSERT_EQ(types(tcp_exchange(kPort, v)), kAll) << "message " << i << " cut in " << v[i].bytes.size();
    EXPECT_EQ(types(tcp_exchange(kPort, bytewise_after_first(msgs))), kAll);
    // An OPEN then the rest of the stream one byte at a time, in one direction.
    std::string rest = keepalive() + update() + notification();
    std::vector<Msg> one = {{0, open()}};
    for (char c : rest)
        one.push_back({0, std::string(1, c)});
    EXPECT_EQ(types(tcp_exchange(kPort, one)), kAll);
}

TEST(Bgp, TruncatedAndMalformed) {
    // A cut stream names only the messages whose header arrived whole.
    const std::string stream = open() + update() + keepalive();
    for (size_t cut = protocols::bgp::kHeader; cut < stream.size(); ++cut) {
        std::vector<std::string> got = types(tcp_exchange(kPort, {{0, stream.substr(0, cut)}}));
        std::vector<std::string> want = {"OPEN"};
        if (cut >= open().size() + protocols::bgp::kHeader) want.push_back("UPDATE");
        ASSERT_EQ(got, want) << "cut at " << cut;
    }
    // Lengths out of range (below a header, above 4096) or a broken marker end the direction: the
    // KEEPALIVE after them is not read.
    for (size_t bad : {size_t{18}, size_t{4097}, size_t{65535}}) {
        nlohmann::json j = tcp_exchange(kPort, {{0, open() + msg(2, "", bad) + keepalive()}});
        EXPECT_EQ(types(j), std::vector<std::string>{"OPEN"}) << "length " << bad;
    }
    std::string broken = update();
    broken[7] = 0;
    EXPECT_EQ(types(tcp_exchange(kPort, {{0, open()}, {0, broken + keepalive()}})), std::vector<std::string>{"OPEN"});
    // The other direction goes on after one direction stopped.
    nlohmann::json j = tcp_exchange(kPort, {{0, open() + broken}, {1, open()}, {1, notification()}});
    EXPECT_EQ(types(j), (std::vector<std::string>{"NOTIFICATION", "OPEN"})) << j.dump();
    // A longest message's body is skipped, not kept, and the next header is found after it.
    j = tcp_exchange(kPort, {{0, msg(2, std::string(4096 - 19, '\0'))}, {0, keepalive()}});
    EXPECT_EQ(types(j), (std::vector<std::string>{"KEEPALIVE", "UPDATE"})) << j.dump();
    // As Arkime, the marker names the session whatever the type: an unknown type adds no bgp.type
    // and the next message is read. A first payload shorter than a header names nothing.
    EXPECT_EQ(types(tcp_exchange(kPort, {{0, msg(9, "")}, {0, keepalive()}})), std::vector<std::string>{"KEEPALIVE"});
    EXPECT_TRUE(types(tcp_exchange(kPort, {{0, std::string(18, '\xff')}})).empty());
}

TEST(Bgp, ParserBudget) {
    // BGP holds only the current header, in a fixed array: no parser budget at all changes nothing.
    const std::vector<Msg> msgs = session();
    BudgetRun none = budget_exchange(kPort, msgs, 0);
    EXPECT_EQ(types(none.record), kAll);
    EXPECT_EQ(none.record["bgp"], tcp_exchange(kPort, msgs)["bgp"]);
    EXPECT_EQ(none.budgetSessions, 0u);
    EXPECT_EQ(none.heldAtFree, 0u);
}

/// Every save of the client's session, in order.
std::vector<const Saved*> pieces(const ProtocolHarness& h) {
    std::vector<const Saved*> out;
    for (const Saved& s : h.sink->saved)
        if (s.at("source.ip") == "10.0.0.1") out.push_back(&s);
    return out;
}

TEST(Bgp, QuietSessionIsSavedInPieces) {
    // OPENs and a KEEPALIVE, then 30 s of silence: the late KEEPALIVE's packet is counted in the
    // piece it ends, its payload and flags start the next one (as Arkime's BGP parser does).
    ProtocolHarness h;
    h.exchange(kPort, {{0, open()}, {1, open()}, {1, keepalive()}, {1, keepalive(), 30 * kSec}, {0, keepalive()}},
               false);
    const std::vector<const Saved*> p = pieces(h);
    ASSERT_EQ(p.size(), 2u);
    EXPECT_FALSE(p[0]->final);
    EXPECT_TRUE(p[1]->final);
    EXPECT_EQ(p[0]->packets[0], 3u) << "SYN, ACK, OPEN";
    EXPECT_EQ(p[0]->packets[1], 4u) << "SYN-ACK, OPEN, KEEPALIVE and the late KEEPALIVE";
    EXPECT_EQ(p[0]->databytes[1], open().size() + keepalive().size()) << "the late KEEPALIVE's bytes come next";
    EXPECT_EQ(p[1]->packets[0], 1u);
    EXPECT_EQ(p[1]->packets[1], 0u);
    EXPECT_EQ(p[1]->databytes[1], keepalive().size());
    EXPECT_EQ(p[1]->databytes[0], keepalive().size());
    EXPECT_EQ(p[1]->at("segmentCnt"), 2);
    EXPECT_EQ(p[1]->at("tcpflags.psh"), 2) << p[1]->json.dump();
    EXPECT_EQ(p[1]->at("firstPacket"), p[0]->at("firstPacket"));
}

TEST(Bgp, IdleDeadlineIsTenWholeSeconds) {
    // The first message's second plus 10: a packet in that second still belongs, the next second
    // does not. kExchangeStart is a whole second; the OPEN goes 4 ms after it.
    const auto count = [](uint64_t lateUs) {
        ProtocolHarness h;
        h.exchange(kPort, {{0, open()}, {0, keepalive(), lateUs}}, false);
        return pieces(h).size();
    };
    EXPECT_EQ(count(10 * kSec), 1u) << "second +10";
    EXPECT_EQ(count(10 * kSec + 990000), 1u) << "still second +10";
    EXPECT_EQ(count(11 * kSec), 2u) << "second +11";
    // Messages every 9 s keep moving the deadline: one record for a minute.
    std::vector<Msg> steady = {{0, open()}};
    for (int i = 0; i < 7; ++i)
        steady.push_back({i % 2, keepalive(), 9 * kSec});
    ProtocolHarness h;
    h.exchange(kPort, steady, false);
    EXPECT_EQ(pieces(h).size(), 1u);
}

TEST(Bgp, OtherSessionsAreNotSplitByIdleness) {
    // Only a parser asks for idle saves: a quiet non-BGP session on port 179 stays whole.
    ProtocolHarness h;
    h.exchange(kPort, {{0, "hello"}, {1, "world"}, {0, "again", 60 * kSec}}, false);
    EXPECT_EQ(pieces(h).size(), 1u);
}

TEST(Bgp, StreamCutAnywhere) {
    every_tcp_truncation(kPort, session());
}

}  // namespace bgp_test
}  // namespace flowdex::session::test
