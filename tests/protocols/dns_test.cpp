// DNS: the message parser (names, compression, loops, truncation) and the session level (UDP,
// TCP split anywhere, protocol names, the `dns` object array and `dnsCnt`).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "protocols/dns/dns.h"
#include "protocols/exchange.h"
#include "session/session_harness.h"

namespace flowdex::session::test {
namespace dns_test {

using protocols::dns::DnsObjects;
using protocols::dns::Effects;
using protocols::dns::Flavor;

// ---------------------------------------------------------------- fixtures

void put16(Bytes& b, uint16_t v) {
    b.push_back(static_cast<uint8_t>(v >> 8));
    b.push_back(static_cast<uint8_t>(v));
}
void put32(Bytes& b, uint32_t v) {
    put16(b, static_cast<uint16_t>(v >> 16));
    put16(b, static_cast<uint16_t>(v));
}
void put_name(Bytes& b, const std::string& dotted) {
    size_t i = 0;
    while (i < dotted.size()) {
        size_t e = dotted.find('.', i);
        if (e == std::string::npos) e = dotted.size();
        b.push_back(static_cast<uint8_t>(e - i));
        b.insert(b.end(), dotted.begin() + static_cast<std::ptrdiff_t>(i),
                 dotted.begin() + static_cast<std::ptrdiff_t>(e));
        i = e + 1;
    }
    b.push_back(0);
}

/// Query www.example.com A, id 0x1234, RD.
Bytes query() {
    Bytes b = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
    put_name(b, "www.example.com");
    put16(b, 1);
    put16(b, 1);
    return b;
}

/// Its response: CNAME www.example.com → example.com (pointer into the question), A of
/// example.com (pointer into the CNAME's rdata), NS in authority, A of the NS in additional.
Bytes response() {
    Bytes b = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 1, 0, 1};
    put_name(b, "www.example.com");  // at 12; "example.com" at 16
    put16(b, 1);
    put16(b, 1);
    b.insert(b.end(), {0xc0, 12});  // CNAME www.example.com
    put16(b, 5);
    put16(b, 1);
    put32(b, 300);
    put16(b, 2);
    b.insert(b.end(), {0xc0, 16});  // → example.com
    b.insert(b.end(), {0xc0, 16});  // A example.com
    put16(b, 1);
    put16(b, 1);
    put32(b, 60);
    put16(b, 4);
    b.insert(b.end(), {93, 184, 216, 34});
    b.insert(b.end(), {0xc0, 16});  // NS example.com → ns1.example.com
    put16(b, 2);
    put16(b, 1);
    put32(b, 3600);
    put16(b, 6);
    b.insert(b.end(), {3, 'n', 's', '1', 0xc0, 16});
    const uint8_t ns1 = static_cast<uint8_t>(b.size() - 6);
    b.insert(b.end(), {0xc0, ns1});  // A ns1.example.com
    put16(b, 1);
    put16(b, 1);
    put32(b, 3600);
    put16(b, 4);
    b.insert(b.end(), {192, 0, 2, 53});
    return b;
}

nlohmann::json parse_one(const Bytes& msg, Flavor f = Flavor::Dns, Effects* fxOut = nullptr) {
    DnsObjects objs;
    Effects fx;
    objs.parse(msg.data(), msg.size(), f, fx);
    if (fxOut) *fxOut = fx;
    if (objs.count() == 0) return nlohmann::json();
    std::string out;
    objs.write_json(out);
    return nlohmann::json::parse(out);
}

// ---------------------------------------------------------------- names

TEST(DnsName, FollowsCompressionPointers) {
    const Bytes r = response();
    const std::string_view msg(reinterpret_cast<const char*>(r.data()), r.size());
    size_t pos = 33;  // the answer's owner: a pointer to the question
    std::string out;
    bool trunc = false, loop = false;
    ASSERT_TRUE(protocols::dns::read_name(msg, msg, pos, out, &trunc, &loop));
    EXPECT_EQ(out, "www.example.com");
    EXPECT_EQ(pos, 35u) << "the cursor ends right after the pointer";
    EXPECT_FALSE(trunc);
    EXPECT_FALSE(loop);
}

TEST(DnsName, PointerLoopIsBounded) {
    Bytes b = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    b.insert(b.end(), {1, 'a', 0xc0, 12});  // a name that points at itself
    const std::string_view msg(reinterpret_cast<const char*>(b.data()), b.size());
    size_t pos = 12;
    std::string out;
    bool trunc = false, loop = false;
    EXPECT_FALSE(protocols::dns::read_name(msg, msg, pos, out, &trunc, &loop));
    EXPECT_TRUE(loop);
    EXPECT_LE(out.size(), 64u);
}

TEST(DnsName, PointerPastTheEndFails) {
    Bytes b = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0xff};
    const std::string_view msg(reinterpret_cast<const char*>(b.data()), b.size());
    size_t pos = 12;
    std::string out;
    EXPECT_FALSE(protocols::dns::read_name(msg, msg, pos, out, nullptr, nullptr));
}

TEST(DnsName, EscapesAndPunycode) {
    Bytes b = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'A', 0x01, 0xe9, 0};
    const std::string_view msg(reinterpret_cast<const char*>(b.data()), b.size());
    size_t pos = 12;
    std::string out;
    ASSERT_TRUE(protocols::dns::read_name(msg, msg, pos, out, nullptr, nullptr));
    EXPECT_EQ(out, "A^AM-i");
    std::string uni;
    ASSERT_TRUE(protocols::dns::hostname_to_unicode("xn--nxasmq5b.COM", uni));
    EXPECT_EQ(uni, "\xcf\x8c\xce\xb2\xce\xbb\xce\xbf\xcf\x83.com");
    EXPECT_FALSE(protocols::dns::hostname_to_unicode("xn--!!.com", uni));
}

// ---------------------------------------------------------------- messages

TEST(DnsMessage, QueryThenResponseFillOneObject) {
    DnsObjects objs;
    Effects fx;
    const Bytes q = query(), r = response();
    ASSERT_TRUE(objs.parse(q.data(), q.size(), Flavor::Dns, fx));
    ASSERT_TRUE(objs.parse(r.data(), r.size(), Flavor::Dns, fx));
    ASSERT_EQ(objs.count(), 1u);
    std::string out;
    objs.write_json(out);
    const nlohmann::json j = nlohmann::json::parse(out).at(0);
    EXPECT_EQ(j["opcode"], "QUERY");
    EXPECT_EQ(j["queryHost"], "www.example.com");
    EXPECT_EQ(j["qc"], "IN");
    EXPECT_EQ(j["qt"], "A");
    EXPECT_EQ(j["status"], "NOERROR");
    EXPECT_EQ(j["headerFlags"], nlohmann::json({"RD", "RA"}));
    EXPECT_EQ(j["host"], nlohmann::json({"www.example.com", "example.com"}));
    EXPECT_EQ(j["hostCnt"], 2);
    EXPECT_EQ(j["ip"], nlohmann::json({"93.184.216.34"}));
    EXPECT_EQ(j["nameserverHost"], nlohmann::json({"ns1.example.com"}));
    EXPECT_EQ(j["nameserverIp"], nlohmann::json({"192.0.2.53"}));
    ASSERT_EQ(j["answersCnt"], 4);
    EXPECT_EQ(
        j["answers"][0],
        nlohmann::json(
            {{"class", "IN"}, {"type", "CNAME"}, {"ttl", 300}, {"name", "www.example.com"}, {"cname", "example.com"}}));
    EXPECT_EQ(j["answers"][1]["ip"], "93.184.216.34");
    EXPECT_EQ(j["answers"][2]["nameserver"], "ns1.example.com");
    EXPECT_EQ(std::string(fx.protocol), "dns");
}

TEST(DnsMessage, QueryAloneHasNoStatus) {
    const nlohmann::json j = parse_one(query());
    ASSERT_EQ(j.size(), 1u);
    EXPECT_FALSE(j[0].contains("status"));
    EXPECT_FALSE(j[0].contains("answersCnt"));
    EXPECT_FALSE(j[0].contains("headerFlags"));
}

TEST(DnsMessage, LoopInAnAnswerIsTaggedAndStops) {
    Bytes r = response();
    r[33] = 0xc0;  // the first answer's owner now points at itself
    r[34] = 33;
    Effects fx;
    const nlohmann::json j = parse_one(r, Flavor::Dns, &fx);
    ASSERT_EQ(j.size(), 1u);
    EXPECT_EQ(j[0]["status"], "NOERROR");
    ASSERT_EQ(fx.tags.size(), 1u);
    EXPECT_EQ(std::string(fx.tags[0]), "dns:bad-pointer-loop");
}

TEST(DnsMessage, EveryTruncationIsSafe) {
    const Bytes r = response();
    size_t lastAnswers = 0;
    for (size_t n = 0; n <= r.size(); ++n) {
        Bytes cut(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(n));
        const nlohmann::json j = parse_one(cut);
        if (n < protocols::dns::kMinMessage) {
            EXPECT_TRUE(j.is_null()) << n;
            continue;
        }
        if (j.is_null()) continue;  // the question itself is cut
        const size_t answers = j[0].value("answersCnt", 0);
        EXPECT_GE(answers, lastAnswers) << "a longer prefix never loses answers (" << n << ")";
        lastAnswers = answers;
    }
    EXPECT_EQ(lastAnswers, 4u);
}

TEST(DnsMessage, QdCountOtherThanOneIsIgnoredExceptMdns) {
    Bytes r = response();
    r[5] = 0;  // qdcount 0
    Effects fx;
    EXPECT_TRUE(parse_one(r, Flavor::Dns, &fx).is_null());
    ASSERT_EQ(fx.tags.size(), 1u);
    EXPECT_EQ(std::string(fx.tags[0]), "dns:qdcount-not-1");
    const nlohmann::json m = parse_one(r, Flavor::Mdns);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0]["queryHost"], "<root>");
    EXPECT_FALSE(m[0].contains("qt"));
}

// ---------------------------------------------------------------- sessions

class DnsSession : public ::testing::Test {
  protected:
    void SetUp() override {
        protocols::Registries r{h.registry, h.classifiers, h.hooks};
        protocols::register_dns(r);
        h.start();
    }
    Harness h;
};

TEST_F(DnsSession, UdpQueryResponse) {
    const Ip4 c = ip4(10, 0, 0, 1), s = ip4(10, 0, 0, 2);
    h.feed(udp4_frame(c, 40000, s, 53, query()), 1 * kSec);
    h.feed(udp4_frame(s, 53, c, 40000, response()), 1 * kSec + 1000);
    h.table->flush_all();
    const Saved* r = h.find_saved("10.0.0.1");
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->at("dnsCnt"), 1);
    EXPECT_EQ(r->at("dns")[0]["answersCnt"], 4) << "the response is read once";
    EXPECT_NE(std::find(r->json["protocol"].begin(), r->json["protocol"].end(), "dns"), r->json["protocol"].end());
}

TEST_F(DnsSession, MdnsAndLlmnrAreNamedByPort) {
    h.feed(udp4_frame(ip4(10, 0, 0, 1), 5353, ip4(224, 0, 0, 251), 5353, query()), 1 * kSec);
    h.feed(udp4_frame(ip4(10, 0, 0, 3), 5355, ip4(224, 0, 0, 252), 5355, query()), 1 * kSec);
    h.feed(udp4_frame(ip4(10, 0, 0, 4), 5353, ip4(10, 0, 0, 5), 53, query()), 1 * kSec);
    h.table->flush_all();
    auto protos = [&](const char* ip) {
        std::vector<std::string> v;
        for (const auto& p : h.find_saved(ip)->at("protocol"))
            v.push_back(p);
        std::sort(v.begin(), v.end());
        return v;
    };
    EXPECT_EQ(protos("10.0.0.1"), (std::vector<std::string>{"mdns", "udp"}));
    EXPECT_EQ(protos("10.0.0.3"), (std::vector<std::string>{"llmnr", "udp"}));
    EXPECT_EQ(protos("10.0.0.4"), (std::vector<std::string>{"dns", "udp"})) << "port 53 wins over 5353";
    EXPECT_EQ(h.find_saved("10.0.0.4")->at("dnsCnt"), 1);
}

Bytes framed(const Bytes& msg) {
    Bytes b;
    put16(b, static_cast<uint16_t>(msg.size()));
    b.insert(b.end(), msg.begin(), msg.end());
    return b;
}

std::string str(const Bytes& b, size_t from, size_t to) {
    return std::string(b.begin() + static_cast<std::ptrdiff_t>(from), b.begin() + static_cast<std::ptrdiff_t>(to));
}

TEST(DnsTcp, SplitAtEveryByte) {
    const Bytes q = framed(query()), r = framed(response());
    for (size_t cut = 1; cut < r.size(); ++cut) {
        Harness h;
        protocols::Registries reg{h.registry, h.classifiers, h.hooks};
        protocols::register_dns(reg);
        h.start();
        TcpFlow f;
        f.sport = 53;
        uint64_t t = 1 * kSec;
        h.feed(f.syn(), t += 10);
        h.feed(f.synack(), t += 10);
        h.feed(f.ack(), t += 10);
        // The client side is cut everywhere too, past its first 2 bytes: a 1-byte first payload
        // is too short to classify (engine rule), and classification starts the parser.
        const size_t qcut = std::clamp<size_t>(cut, 2, q.size() - 1);
        h.feed(f.cdata(0, str(q, 0, qcut)), t += 10);
        h.feed(f.cdata(static_cast<uint32_t>(qcut), str(q, qcut, q.size())), t += 10);
        h.feed(f.sdata(0, str(r, 0, cut)), t += 10);
        h.feed(f.sdata(static_cast<uint32_t>(cut), str(r, cut, r.size())), t += 10);
        h.table->flush_all();
        const Saved* s = h.find_saved("10.0.0.1");
        ASSERT_NE(s, nullptr);
        ASSERT_EQ(s->at("dnsCnt"), 1) << "cut " << cut;
        EXPECT_EQ(s->at("dns")[0]["answersCnt"], 4) << "cut " << cut;
        EXPECT_EQ(s->at("dns")[0]["queryHost"], "www.example.com") << "cut " << cut;
    }
}

TEST(DnsTcp, ShortLengthPrefixStopsParsing) {
    Harness h;
    protocols::Registries reg{h.registry, h.classifiers, h.hooks};
    protocols::register_dns(reg);
    h.start();
    TcpFlow f;
    f.sport = 53;
    h.feed(f.syn(), 1 * kSec);
    h.feed(f.synack(), 1 * kSec + 10);
    h.feed(f.ack(), 1 * kSec + 20);
    Bytes junk = {0, 3, 'a', 'b', 'c'};
    const Bytes q = framed(query());
    junk.insert(junk.end(), q.begin(), q.end());
    h.feed(f.cdata(0, str(junk, 0, junk.size())), 1 * kSec + 30);
    h.table->flush_all();
    const Saved* s = h.find_saved("10.0.0.1");
    ASSERT_NE(s, nullptr);
    EXPECT_TRUE(s->at("dnsCnt").is_null());
}

TEST(DnsTcp, ParserBudget) {
    const Bytes q = framed(query()), r = framed(response());
    const std::vector<Msg> msgs{{0, str(q, 0, q.size())}, {1, str(r, 0, r.size())}};
    // Room for the framed query but not the framed response: the query is read, then the parser
    // stops and gives its bytes back.
    const uint32_t budget = static_cast<uint32_t>(q.size());
    ASSERT_GT(r.size(), budget);
    BudgetRun small = budget_exchange(53, msgs, budget);
    EXPECT_TRUE(has_protocol(small.record, "dns"));
    ASSERT_EQ(small.record["dnsCnt"], 1);
    EXPECT_EQ(small.record["dns"][0]["queryHost"], "www.example.com");
    EXPECT_FALSE(small.record["dns"][0].contains("answersCnt"));
    EXPECT_FALSE(small.record["dns"][0].contains("status"));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    // Room for the response: the record of an exchange without a budget.
    BudgetRun enough = budget_exchange(53, msgs, static_cast<uint32_t>(r.size()));
    const nlohmann::json plain = tcp_exchange(53, msgs);
    ASSERT_EQ(plain["dns"][0]["answersCnt"], 4);
    EXPECT_EQ(enough.record["dns"], plain["dns"]);
    EXPECT_EQ(enough.record["dnsCnt"], plain["dnsCnt"]);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(DnsUdp, EveryPrefixOfEachDatagram) {
    const Bytes q = query(), r = response();
    const std::vector<Msg> msgs{{0, str(q, 0, q.size())}, {1, str(r, 0, r.size())}};
    for (size_t i = 0; i < msgs.size(); ++i)
        every_prefix(53, msgs, i, "dns");
}

TEST(DnsTcp, OneByteAtATime) {
    const Bytes q = framed(query()), r = framed(response());
    const std::vector<Msg> msgs{{0, str(q, 0, q.size())}, {1, str(r, 0, r.size())}};
    const nlohmann::json whole = tcp_exchange(53, msgs);
    ASSERT_EQ(whole["dnsCnt"], 1) << whole.dump();
    // Past the length prefix of each direction's first message (the classifier's two bytes).
    EXPECT_EQ(tcp_exchange(53, bytewise_after(msgs, 2))["dns"], whole["dns"]);
}

TEST(DnsUdp, MdnsEveryPrefix) {
    const Bytes q = query(), r = response();
    const std::vector<Msg> msgs{{0, str(q, 0, q.size())}, {1, str(r, 0, r.size())}};
    for (size_t i = 0; i < msgs.size(); ++i)
        every_prefix(5353, msgs, i, "dns", true, 5353);
}

}  // namespace dns_test
}  // namespace flowdex::session::test
