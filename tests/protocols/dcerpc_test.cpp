// DCE/RPC over TCP: classification, bind interface names and the dcerpc.* fields.
#include "protocols/dcerpc/dcerpc.h"

#include <gtest/gtest.h>

#include <string>

#include "protocols/exchange.h"
#include "session/session_harness.h"

namespace flowdex::protocols::dcerpc {
namespace dcerpc_test {

using namespace std::string_literals;
using session::test::Harness;

/// A little-endian connection-oriented PDU: 16-byte header then `body`.
std::string pdu(uint8_t type, const std::string& body) {
    const size_t n = 16 + body.size();
    std::string h = "\x05\x00"s + char(type) + "\x03\x10\x00\x00\x00"s;
    h += char(n & 0xff);
    h += char(n >> 8);
    h += "\x00\x00\x01\x00\x00\x00"s;
    return h + body;
}
/// Bind body with one context item for `uuid` (wire form) version `ver` and one transfer syntax.
std::string bind_body(const std::string& uuid, uint8_t ver) {
    std::string b = "\xb8\x10\xb8\x10\x00\x00\x00\x00"s + "\x01\x00\x00\x00"s;  // frags, assoc group, 1 item
    b += "\x00\x00\x01\x00"s + uuid + char(ver) + "\x00\x00\x00"s;              // ctx id, 1 transfer, uuid, version
    b += std::string(16, '\x04') + "\x02\x00\x00\x00"s;                         // transfer syntax
    return b;
}
// samr: 12345778-1234-abcd-ef00-0123456789ac in wire (little-endian first fields) order.
const std::string kSamr = "\x78\x57\x34\x12\x34\x12\xcd\xab\xef\x00\x01\x23\x45\x67\x89\xac"s;

class DcerpcTest : public ::testing::Test {
  protected:
    void SetUp() override {
        Registries r{h.registry, h.classifiers, h.hooks};
        register_dcerpc(r);
        h.start();
    }
    /// A TCP session to port 135 carrying `client` then `server`; returns the saved record.
    const session::test::Saved* run(const std::string& client, const std::string& server) {
        session::test::TcpFlow f;
        f.sport = 135;
        uint64_t t = session::test::kSec;
        h.feed(f.syn(), t);
        h.feed(f.synack(), t + 1);
        h.feed(f.ack(), t + 2);
        h.feed(f.cdata(0, client), t + 3);
        if (!server.empty()) h.feed(f.sdata(0, server), t + 4);
        h.table->flush_all();
        return h.find_saved("10.0.0.1");
    }
    Harness h;
};

TEST(DcerpcUuid, FormatsLittleAndBigEndian) {
    const auto* p = reinterpret_cast<const uint8_t*>(kSamr.data());
    EXPECT_EQ(format_uuid(p, true), "12345778-1234-abcd-ef00-0123456789ac");
    EXPECT_EQ(format_uuid(p, false), "78573412-3412-cdab-ef00-0123456789ac");
    EXPECT_EQ(interface_name("12345778-1234-abcd-ef00-0123456789ac"), "samr");
    EXPECT_EQ(interface_name("00000000-0000-0000-0000-000000000000"), "");
}

TEST_F(DcerpcTest, BindNamesInterface) {
    const std::string client = pdu(11, bind_body(kSamr, 1)) + pdu(0, "\x20\x00\x00\x00\x00\x00\x05\x00"s);
    const auto* saved = run(client, pdu(12, std::string(20, '\0')));
    ASSERT_NE(saved, nullptr);
    EXPECT_EQ(saved->at("protocol"), nlohmann::json({"tcp", "dcerpc", "samr"}));
    EXPECT_EQ(saved->at("dcerpc.interface"), nlohmann::json({"samr"}));
    EXPECT_EQ(saved->at("dcerpc.uuid"), nlohmann::json({"12345778-1234-abcd-ef00-0123456789ac"}));
    EXPECT_EQ(saved->at("dcerpc.version"), nlohmann::json({"1"}));
    EXPECT_EQ(saved->at("dcerpc.opnum"), nlohmann::json({5}));
    EXPECT_EQ(saved->at("dcerpc.msgType"), nlohmann::json({"bind", "request", "bind-ack"}));
}

TEST_F(DcerpcTest, UnknownInterfaceOnlyDcerpc) {
    const auto* saved = run(pdu(11, bind_body(std::string(16, '\x42'), 2)), "");
    ASSERT_NE(saved, nullptr);
    EXPECT_EQ(saved->at("protocol"), nlohmann::json({"tcp", "dcerpc"}));
    EXPECT_EQ(saved->at("dcerpc.uuid"), nlohmann::json({"42424242-4242-4242-4242-424242424242"}));
    EXPECT_TRUE(saved->at("dcerpc.interface").is_null());
}

TEST_F(DcerpcTest, NotVersion5IsNotDcerpc) {
    std::string client = pdu(11, bind_body(kSamr, 1));
    client[0] = 4;
    const auto* saved = run(client, "");
    ASSERT_NE(saved, nullptr);
    EXPECT_EQ(saved->at("protocol"), nlohmann::json({"tcp"}));
    EXPECT_TRUE(saved->at("dcerpc.uuid").is_null());
}

TEST_F(DcerpcTest, TruncatedBindNamesNoInterface) {
    const std::string full = pdu(11, bind_body(kSamr, 1));
    std::string client = full.substr(0, 40);  // header says more is coming; it never does
    const auto* saved = run(client, "");
    ASSERT_NE(saved, nullptr);
    EXPECT_EQ(saved->at("protocol"), nlohmann::json({"tcp", "dcerpc"}));
    EXPECT_TRUE(saved->at("dcerpc.interface").is_null());
}

TEST(Dcerpc, ParserBudget) {
    const std::string bind = pdu(11, bind_body(kSamr, 1)), ack = pdu(12, std::string(20, '\0'));
    const std::vector<session::test::Msg> msgs{{0, bind}, {1, ack}};
    // Room for the bind-ack but not the bind: the client direction stops and gives its bytes back,
    // the server's is read.
    const uint32_t budget = static_cast<uint32_t>(ack.size());
    ASSERT_GT(bind.size(), budget);
    session::test::BudgetRun small = session::test::budget_exchange(135, msgs, budget);
    EXPECT_TRUE(session::test::has_protocol(small.record, "dcerpc"));
    EXPECT_FALSE(session::test::has_protocol(small.record, "samr"));
    const nlohmann::json& d = small.record["dcerpc"];
    EXPECT_FALSE(d.contains("uuid")) << small.record.dump();
    EXPECT_FALSE(d.contains("interface"));
    EXPECT_EQ(d["msgType"], nlohmann::json({"bind-ack"}));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    // Room for the bind: the record of an exchange without a budget.
    session::test::BudgetRun enough = session::test::budget_exchange(135, msgs, static_cast<uint32_t>(bind.size()));
    const nlohmann::json plain = session::test::tcp_exchange(135, msgs);
    ASSERT_EQ(plain["dcerpc"]["interface"], nlohmann::json({"samr"})) << plain.dump();
    EXPECT_EQ(enough.record["protocol"], plain["protocol"]);
    EXPECT_EQ(enough.record["dcerpc"], plain["dcerpc"]);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Dcerpc, SplitAtEveryByte) {
    using session::test::Msg;
    const std::vector<Msg> msgs{{0, pdu(11, bind_body(kSamr, 1))},
                                {1, pdu(12, std::string(20, '\0'))},
                                {0, pdu(0, "\x20\x00\x00\x00\x00\x00\x05\x00"s)},
                                {1, pdu(2, std::string(24, '\0'))}};
    const nlohmann::json whole = session::test::tcp_exchange(135, msgs);
    ASSERT_EQ(whole["dcerpc"]["interface"], nlohmann::json({"samr"})) << whole.dump();
    ASSERT_EQ(whole["dcerpc"]["opnum"], nlohmann::json({5})) << whole.dump();
    // The classifier reads the first payload's whole 16-byte header, so the first bind is cut from there.
    for (size_t m = 0; m < msgs.size(); ++m) {
        const std::vector<std::vector<Msg>> splits = session::test::splits_of(msgs, m);
        for (size_t k = m == 0 ? 15 : 0; k < splits.size(); ++k) {
            const nlohmann::json j = session::test::tcp_exchange(135, splits[k]);
            EXPECT_EQ(j["dcerpc"], whole["dcerpc"]) << "message " << m << " cut at " << k + 1;
            EXPECT_EQ(j["protocol"], whole["protocol"]) << "message " << m << " cut at " << k + 1;
        }
    }
    std::vector<Msg> bytes = session::test::bytewise(std::vector<Msg>(msgs.begin() + 1, msgs.end()));
    bytes.insert(bytes.begin(), msgs[0]);
    const nlohmann::json j = session::test::tcp_exchange(135, bytes);
    EXPECT_EQ(j["dcerpc"], whole["dcerpc"]) << j.dump();
    // Every PDU a byte a segment except the first one's header.
    bytes = session::test::bytewise(msgs);
    bytes.erase(bytes.begin(), bytes.begin() + 16);
    bytes.insert(bytes.begin(), {0, msgs[0].bytes.substr(0, 16)});
    EXPECT_EQ(session::test::tcp_exchange(135, bytes)["dcerpc"], whole["dcerpc"]);
}

TEST(Dcerpc, StreamCutAnywhere) {
    session::test::every_tcp_truncation(135, {{0, pdu(11, bind_body(kSamr, 1))},
                                              {1, pdu(12, std::string(20, '\0'))},
                                              {0, pdu(0, "\x20\x00\x00\x00\x00\x00\x05\x00"s)}});
}

}  // namespace dcerpc_test
}  // namespace flowdex::protocols::dcerpc
