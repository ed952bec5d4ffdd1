// MQTT control packets: CONNECT details, CONNACK code, PUBLISH/SUBSCRIBE/UNSUBSCRIBE topics and
// every packet type, for versions 3.1, 3.1.1 and 5.0, whatever the segmentation.
#include "protocols/mqtt/mqtt.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace mqtt_test {

using namespace std::string_literals;

std::string str(const std::string& v) {
    return std::string{static_cast<char>(v.size() >> 8), static_cast<char>(v.size() & 0xff)} + v;
}
/// A control packet: fixed header (type/flags byte, variable byte length) and body.
std::string packet(uint8_t first, const std::string& body) {
    std::string out(1, static_cast<char>(first));
    size_t n = body.size();
    do {
        uint8_t b = n & 0x7f;
        n >>= 7;
        out += static_cast<char>(n ? b | 0x80 : b);
    } while (n);
    return out + body;
}
std::string connect(const std::string& name, uint8_t level, uint8_t flags, const std::string& rest) {
    std::string props = level == 5 ? "\x00"s : "";
    return packet(0x10, str(name) + static_cast<char>(level) + static_cast<char>(flags) + "\x00\x3c"s + props + rest);
}
std::string publish(uint8_t qos, const std::string& topic, const std::string& payload) {
    return packet(static_cast<uint8_t>(0x30 | qos << 1), str(topic) + (qos ? "\x00\x07"s : "") + payload);
}

const std::vector<Msg> kSession = {
    {0, connect("MQTT", 4, 0xe6 | 0x10,
                str("Dev-1") + str("will/t") + str("bye") + str("Alice") + str("secret"))},  // will QoS 2, retain
    {1, packet(0x20, "\x00\x00"s)},
    {0, packet(0x82, "\x00\x01"s + str("a/#") + "\x01"s + str("b/+") + "\x00"s)},
    {1, packet(0x90, "\x00\x01\x01\x00"s)},
    {0, publish(1, "a/x", "hello")},
    {1, packet(0x40, "\x00\x07"s)},
    {0, packet(0xa2, "\x00\x02"s + str("b/+") + str("c/d"))},
    {0, packet(0xc0, "")},
    {0, packet(0xe0, "")},
};

TEST(Mqtt, Session311) {
    nlohmann::json j = tcp_exchange(1883, kSession);
    ASSERT_TRUE(j.contains("mqtt")) << j.dump();
    const nlohmann::json& m = j["mqtt"];
    EXPECT_EQ(m["version"], nlohmann::json({"3.1.1"}));
    EXPECT_EQ(m["clientId"], nlohmann::json({"Dev-1"}));
    EXPECT_EQ(m["willTopic"], nlohmann::json({"will/t"}));
    EXPECT_EQ(m["flags"], nlohmann::json({"hasWill", "willRetain", "cleanSession", "hasPassword"}));
    EXPECT_EQ(m["qos"], nlohmann::json({2, 1}));
    EXPECT_EQ(m["connackCode"], nlohmann::json::array({0}));
    EXPECT_EQ(m["topic"], nlohmann::json({"a/#", "b/+", "a/x", "c/d"}));
    EXPECT_EQ(m["type"], nlohmann::json({"CONNECT", "CONNACK", "SUBSCRIBE", "SUBACK", "PUBLISH", "PUBACK",
                                         "UNSUBSCRIBE", "PINGREQ", "DISCONNECT"}));
    EXPECT_EQ(j["user"], nlohmann::json({"alice"}));
}

TEST(Mqtt, Version5AndMqIsdp) {
    nlohmann::json j = tcp_exchange(
        1883, {{0, connect("MQTT", 5, 0x02, str("v5"))},
               {0, packet(0x82, "\x00\x01\x03\x0b\x01\x02"s + str("v5/a") + "\x01"s + str("v5/b") + "\x00"s)}});
    EXPECT_EQ(j["mqtt"]["version"], nlohmann::json({"5.0"}));
    EXPECT_EQ(j["mqtt"]["clientId"], nlohmann::json({"v5"}));
    EXPECT_EQ(j["mqtt"]["topic"], nlohmann::json({"v5/a", "v5/b"}));
    j = tcp_exchange(1883, {{0, connect("MQIsdp", 3, 0x02, str("old"))}, {0, publish(0, "t", "x")}});
    EXPECT_EQ(j["mqtt"]["version"], nlohmann::json({"3.1"}));
    EXPECT_EQ(j["mqtt"]["qos"], nlohmann::json::array({0}));
    EXPECT_FALSE(j.contains("user"));
}

TEST(Mqtt, LongTopicCountedByTypeOnly) {
    nlohmann::json j =
        tcp_exchange(1883, {{0, connect("MQTT", 4, 0x02, str("c"))},
                            {0, publish(0, std::string(protocols::mqtt::kMaxBody, 't'), "")},
                            {0, publish(2, "big/payload", std::string(3 * protocols::mqtt::kMaxBody, 'p'))},
                            {0, publish(1, "after", "x")}});
    EXPECT_EQ(j["mqtt"]["topic"], nlohmann::json({"big/payload", "after"}));
    EXPECT_EQ(j["mqtt"]["qos"], nlohmann::json({2, 1}));
}

TEST(Mqtt, SplitAtEveryByte) {
    const nlohmann::json want = tcp_exchange(1883, kSession)["mqtt"];
    // The first payload needs 2 bytes to be classified at all; every other cut works.
    for (size_t i = 0; i < kSession.size(); ++i)
        for (const std::vector<Msg>& msgs : splits_of(kSession, i))
            if (msgs[0].bytes.size() >= 2) {
                EXPECT_EQ(tcp_exchange(1883, msgs)["mqtt"], want) << i;
            }
    std::vector<Msg> msgs = bytewise(std::vector<Msg>(kSession.begin() + 1, kSession.end()));
    msgs.insert(msgs.begin(), kSession[0]);
    EXPECT_EQ(tcp_exchange(1883, msgs)["mqtt"], want);
}

TEST(Mqtt, NotMqttOrTruncated) {
    // A first packet that is not a CONNECT naming MQTT: nothing is recorded.
    EXPECT_FALSE(tcp_exchange(1883, {{0, connect("MQTX", 4, 2, str("c"))}, {0, publish(0, "t", "")}}).contains("mqtt"));
    EXPECT_FALSE(tcp_exchange(1883, {{0, "\x10\xff\xff\xff\xff\x01"s}}).contains("mqtt"));
    // Every truncation and every corrupted byte of the session: no crash, never a field from garbage.
    std::string all;
    for (const Msg& m : kSession)
        if (m.which == 0) all += m.bytes;
    for (size_t i = 1; i < all.size(); ++i) {
        nlohmann::json j = tcp_exchange(1883, {{0, all.substr(0, i)}});
        if (j.contains("mqtt") && j["mqtt"].contains("clientId")) {
            EXPECT_EQ(j["mqtt"]["clientId"], nlohmann::json({"Dev-1"})) << i;
        }
        std::string bad = all;
        bad[i] = static_cast<char>(bad[i] ^ 0xa5);
        tcp_exchange(1883, {{0, bad}});
    }
}

TEST(Mqtt, ParserBudget) {
    // A PUBLISH body over the budget: the client direction stops there (no topic from it, nor
    // from the UNSUBSCRIBE after it); what came before and the server's packets stay.
    std::vector<Msg> msgs = kSession;
    msgs[4].bytes = publish(1, "a/x", std::string(1000, 'p'));
    constexpr uint32_t kSmall = 200;
    ASSERT_GT(msgs[4].bytes.size(), kSmall);
    ASSERT_LT(msgs[0].bytes.size(), kSmall);
    BudgetRun small = budget_exchange(1883, msgs, kSmall);
    EXPECT_TRUE(has_protocol(small.record, "mqtt"));
    const nlohmann::json& m = small.record["mqtt"];
    EXPECT_EQ(m["clientId"], nlohmann::json({"Dev-1"}));
    EXPECT_EQ(m["topic"], nlohmann::json({"a/#", "b/+"}));
    EXPECT_EQ(m["qos"], nlohmann::json({2}));
    EXPECT_EQ(m["connackCode"], nlohmann::json::array({0}));
    EXPECT_EQ(m["type"], nlohmann::json({"CONNECT", "CONNACK", "SUBSCRIBE", "SUBACK", "PUBLISH", "PUBACK"}));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(1883, msgs, static_cast<uint32_t>(msgs[4].bytes.size()));
    EXPECT_EQ(enough.record["mqtt"], tcp_exchange(1883, msgs)["mqtt"]);
    EXPECT_EQ(enough.record["mqtt"]["topic"], nlohmann::json({"a/#", "b/+", "a/x", "c/d"}));
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Mqtt, StreamCutAnywhere) {
    every_tcp_truncation(1883, kSession);
}

}  // namespace mqtt_test
}  // namespace flowdex::session::test
