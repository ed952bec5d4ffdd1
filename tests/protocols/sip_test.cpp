// SIP over UDP and TCP: sip.* fields from requests and responses, bodies skipped between
// messages, any segmentation; non-SIP or cut messages leave no junk.
#include "protocols/sip/sip.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace sip_test {

const std::string kInvite =
    "INVITE sip:bob@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bK1\r\n"
    "From: \"Alice\" <sip:alice@example.com>;tag=1\r\n"
    "To: <sip:bob@example.com>\r\n"
    "Call-ID: call-1@example.com\r\n"
    "CSeq: 1 INVITE\r\n"
    "Contact: <sip:alice@10.0.0.1:5060>\r\n"
    "User-Agent: TestPhone/1.0\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 24\r\n"
    "\r\n"
    "v=0\r\nFrom: <sip:x@y.z>\r\n";
const std::string kTrying =
    "SIP/2.0 100 Trying\r\nVia: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bK1;received=10.0.0.1\r\n"
    "f: <sip:alice@example.com>;tag=1\r\nt: <tel:+123>;tag=9\r\ni: call-1@example.com\r\nl: 0\r\n\r\n";
const std::string kRegister =
    "REGISTER sip:registrar.example.com SIP/2.0\r\nTo: <tel:263734>\r\nCall-ID: reg-1\r\n"
    "Authorization: Digest realm=\"r\",username=\"263734@ims.test\",nonce=\"\"\r\nContent-Length: 0\r\n\r\n";

std::vector<Msg> tcp_msgs() {
    return {{0, kInvite}, {1, kTrying + "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"}, {0, kRegister}};
}

void expect_fields(const nlohmann::json& j) {
    ASSERT_TRUE(j.contains("sip")) << j.dump();
    const auto& s = j["sip"];
    EXPECT_EQ(s["method"], nlohmann::json({"INVITE", "REGISTER"}));
    EXPECT_EQ(s["statuscode"], nlohmann::json({100, 200}));
    EXPECT_EQ(s["via"], nlohmann::json({"SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bK1",
                                        "SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bK1;received=10.0.0.1"}));
    EXPECT_EQ(s["from"], nlohmann::json({"\"Alice\" <sip:alice@example.com>;tag=1", "<sip:alice@example.com>;tag=1"}));
    EXPECT_EQ(s["to"], nlohmann::json({"<sip:bob@example.com>", "<tel:+123>;tag=9", "<tel:263734>"}));
    EXPECT_EQ(s["callid"], nlohmann::json({"call-1@example.com", "reg-1"}));
    EXPECT_EQ(s["contact"], nlohmann::json({"<sip:alice@10.0.0.1:5060>"}));
    EXPECT_EQ(s["useragent"], nlohmann::json({"TestPhone/1.0"}));
    // From/To sip: users and the Digest username; never the body's From line (x).
    EXPECT_EQ(s["user"], nlohmann::json({"alice", "bob", "263734@ims.test"}));
    EXPECT_EQ(s["userCnt"], 3);
}

TEST(Sip, TcpRequestsResponsesAndBodies) {
    nlohmann::json j = tcp_exchange(5060, tcp_msgs());
    EXPECT_TRUE(has_protocol(j, "sip"));
    expect_fields(j);
}

TEST(Sip, AnySegmentation) {
    const std::vector<Msg> msgs = tcp_msgs();
    // The first payload must hold what names the session (classification sees it alone).
    const size_t minFirst = 11;
    for (size_t i = 0; i < msgs.size(); ++i)
        for (const auto& v : splits_of(msgs, i))
            if (i > 0 || v[0].bytes.size() >= minFirst) expect_fields(tcp_exchange(5060, v));
    std::vector<Msg> rest = bytewise(std::vector<Msg>(msgs.begin() + 1, msgs.end()));
    rest.insert(rest.begin(), msgs[0]);
    expect_fields(tcp_exchange(5060, rest));
}

TEST(Sip, UdpDatagramIsOneMessage) {
    // The last header has no CRLF; the second datagram's start line is read afresh.
    nlohmann::json j =
        udp_exchange(5060, {{0, "MESSAGE sip:+7@ims.test SIP/2.0\r\nCall-ID: m1\r\nTo: <sip:seven@ims.test>"},
                            {1, "SIP/2.0 202 Accepted\r\nCall-ID: m1\r\n\r\n"}});
    ASSERT_TRUE(j.contains("sip")) << j.dump();
    EXPECT_EQ(j["sip"]["method"], nlohmann::json({"MESSAGE"}));
    EXPECT_EQ(j["sip"]["statuscode"], nlohmann::json({202}));
    EXPECT_EQ(j["sip"]["callid"], nlohmann::json({"m1"}));
    EXPECT_EQ(j["sip"]["user"], nlohmann::json({"seven"}));
}

TEST(Sip, NotSipOrCutLeavesNoJunk) {
    // A start line that is not SIP ends that direction: its headers are not read.
    nlohmann::json j = tcp_exchange(5060, {{0, "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: ok\r\n\r\n"},
                                           {0, "GARBAGE\r\nCall-ID: junk\r\n\r\n"},
                                           {0, "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: junk2\r\n\r\n"}});
    EXPECT_EQ(j["sip"]["callid"], nlohmann::json({"ok"})) << j.dump();
    // Every cut of a request, and a huge header line, are harmless.
    for (size_t cut = 1; cut < kInvite.size(); ++cut)
        tcp_exchange(5060, {{0, kInvite.substr(0, cut)}});
    std::string huge =
        "OPTIONS sip:a@b SIP/2.0\r\nVia: " + std::string(3 * protocols::sip::kMaxLine, 'v') + "\r\nCall-ID: c\r\n\r\n";
    j = tcp_exchange(5060, {{0, huge}});
    EXPECT_EQ(j["sip"]["callid"], nlohmann::json({"c"}));
    EXPECT_LE(j["sip"]["via"][0].get<std::string>().size(), protocols::sip::kMaxLine);
    // A Content-Length larger than the rest: the following bytes are body, not headers.
    j = tcp_exchange(5060, {{0, "OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 99999\r\n\r\nCall-ID: body\r\n"}});
    EXPECT_FALSE(j["sip"].contains("callid"));
}

TEST(Sip, ParserBudget) {
    // A REGISTER header line longer than the budget: the client direction stops there. The INVITE
    // and the server's answers stay; the REGISTER's later headers are not read.
    std::vector<Msg> msgs = tcp_msgs();
    const std::string longLine = "X-Long: " + std::string(1500, 'x') + "\r\n";
    msgs[2].bytes =
        "REGISTER sip:registrar.example.com SIP/2.0\r\n" + longLine + kRegister.substr(kRegister.find("To:"));
    constexpr uint32_t kSmall = 1000;
    ASSERT_GT(longLine.size(), kSmall);
    ASSERT_LT(longLine.size(), protocols::sip::kMaxLine);
    BudgetRun small = budget_exchange(5060, msgs, kSmall);
    EXPECT_TRUE(has_protocol(small.record, "sip"));
    const nlohmann::json& s = small.record["sip"];
    EXPECT_EQ(s["method"], nlohmann::json({"INVITE", "REGISTER"}));  // the start line was read
    EXPECT_EQ(s["statuscode"], nlohmann::json({100, 200}));
    EXPECT_EQ(s["callid"], nlohmann::json({"call-1@example.com"}));
    EXPECT_EQ(s["user"], nlohmann::json({"alice", "bob"}));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(5060, msgs, static_cast<uint32_t>(longLine.size()));
    expect_fields(enough.record);
    EXPECT_EQ(enough.record["sip"], tcp_exchange(5060, msgs)["sip"]);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Sip, EveryPrefixOfEachDatagram) {
    // A datagram's last header is read without its CRLF (UdpDatagramIsOneMessage): a prefix may hold
    // the start of a value, never anything else.
    const std::vector<Msg> msgs{{0, kInvite}, {1, kTrying}};
    for (size_t i = 0; i < msgs.size(); ++i)
        every_prefix(5060, msgs, i, "sip", true, 40000,
                     {"via", "callid", "from", "to", "contact", "useragent", "user", "method", "uri"});
}

TEST(Sip, StreamCutAnywhere) {
    every_tcp_truncation(5060, tcp_msgs());
}

}  // namespace sip_test
}  // namespace flowdex::session::test
