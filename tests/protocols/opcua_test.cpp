// OPC UA Binary: the Hello's EndpointUrl, the OpenSecureChannel's SecurityPolicyUri and sender
// certificate, whatever the segmentation; chunks, bad headers, truncation and the budget.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"
#include "protocols/tls_messages.h"

namespace flowdex::session::test {
namespace opcua_test {

using namespace std::string_literals;

std::string le32(uint32_t v) {
    return {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16), static_cast<char>(v >> 24)};
}
std::string bytes_string(const std::string& v) {
    return le32(static_cast<uint32_t>(v.size())) + v;
}
/// A message: type, chunk type and body, with its total length in the header.
std::string message(const std::string& type, char chunk, const std::string& body) {
    return type + chunk + le32(static_cast<uint32_t>(8 + body.size())) + body;
}

const std::string kUrl = "opc.tcp://plc.example:4840/UA/Server";
const std::string kPolicy = "http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256";

std::string hello() {
    return message("HEL", 'F', le32(0) + le32(65536) + le32(65536) + le32(0) + le32(0) + bytes_string(kUrl));
}
std::string ack() {
    return message("ACK", 'F', le32(0) + le32(65536) + le32(65536) + le32(0) + le32(0));
}
std::string open_channel(const std::string& cert) {
    return message("OPN", 'F', le32(0) + bytes_string(kPolicy) + bytes_string(cert) + le32(0xffffffff) + "rest"s);
}

TEST(Opcua, EndpointPolicyAndCertificate) {
    const std::string der = make_cert();
    nlohmann::json j = tcp_exchange(4840, {{0, hello()}, {1, ack()}, {0, open_channel(der)}});
    ASSERT_TRUE(has_protocol(j, "opcua")) << j.dump();
    EXPECT_EQ(j["opcua"]["endpointUrl"], nlohmann::json({kUrl}));
    EXPECT_EQ(j["opcua"]["securityPolicyUri"], nlohmann::json({kPolicy}));
    ASSERT_EQ(j["certCnt"], 1) << j.dump();
    EXPECT_EQ(j["cert"][0]["subjectCN"], nlohmann::json({"host.example"}));
    EXPECT_EQ(j["tags"], nlohmann::json({"cert:self-signed"}));
}

TEST(Opcua, SplitAtEveryByte) {
    const std::vector<Msg> msgs{{0, hello() + open_channel(make_cert())}, {1, ack()}};
    const nlohmann::json whole = tcp_exchange(4840, msgs);
    ASSERT_TRUE(whole.contains("opcua"));
    // The classifier needs the Hello's header in the first payload.
    for (size_t cut = 8; cut < msgs[0].bytes.size(); cut += cut < 80 ? 1 : 37) {
        nlohmann::json j =
            tcp_exchange(4840, {{0, msgs[0].bytes.substr(0, cut)}, {0, msgs[0].bytes.substr(cut)}, msgs[1]});
        EXPECT_EQ(j["opcua"], whole["opcua"]) << cut;
        EXPECT_EQ(j["cert"], whole["cert"]) << cut;
    }
}

TEST(Opcua, ChunksBadHeadersAndTruncation) {
    // A non-final OPN chunk is not read; a final one after it is.
    nlohmann::json chunked =
        tcp_exchange(4840, {{0, hello() + message("OPN", 'C', le32(0) + bytes_string("urn:nope")) + open_channel("")}});
    EXPECT_EQ(chunked["opcua"]["securityPolicyUri"], nlohmann::json({kPolicy}));
    EXPECT_FALSE(chunked.contains("cert"));
    // A policy length past the message end: nothing from that message.
    nlohmann::json bad = tcp_exchange(4840, {{0, hello() + message("OPN", 'F', le32(0) + le32(500) + "short"s)}});
    EXPECT_FALSE(bad["opcua"].contains("securityPolicyUri"));
    // An unknown message type ends the parser: a later OPN is not read.
    nlohmann::json ended = tcp_exchange(4840, {{0, hello() + message("XYZ", 'F', "") + open_channel("")}});
    EXPECT_EQ(ended["opcua"]["endpointUrl"], nlohmann::json({kUrl}));
    EXPECT_FALSE(ended["opcua"].contains("securityPolicyUri"));
    // Every truncation of the exchange: no crash, and a URL is never partial.
    const std::string all = hello() + open_channel(make_cert());
    for (size_t cut = 8; cut < all.size(); cut += 3) {
        nlohmann::json j = tcp_exchange(4840, {{0, all.substr(0, cut)}});
        if (j.contains("opcua") && j["opcua"].contains("endpointUrl")) {
            EXPECT_EQ(j["opcua"]["endpointUrl"], nlohmann::json({kUrl})) << cut;
        }
    }
}

TEST(Opcua, ParserBudget) {
    const std::string h = hello(), o = open_channel(make_cert());
    // Room for the Hello but not the OpenSecureChannel: the URL is read, then the parser stops.
    ASSERT_GT(o.size(), h.size() + 8);
    BudgetRun small = budget_exchange(4840, {{0, h}, {0, o}}, static_cast<uint32_t>(h.size()));
    EXPECT_TRUE(has_protocol(small.record, "opcua"));
    EXPECT_EQ(small.record["opcua"]["endpointUrl"], nlohmann::json({kUrl}));
    EXPECT_FALSE(small.record["opcua"].contains("securityPolicyUri"));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(4840, {{0, h}, {0, o}}, static_cast<uint32_t>(o.size()));
    EXPECT_EQ(enough.record["opcua"], tcp_exchange(4840, {{0, h}, {0, o}})["opcua"]);
    EXPECT_EQ(enough.budgetSessions, 0u);
}

TEST(Opcua, StreamCutAnywhere) {
    every_tcp_truncation(4840, {{0, hello() + open_channel(make_cert())}, {1, ack()}});
}

}  // namespace opcua_test
}  // namespace flowdex::session::test
