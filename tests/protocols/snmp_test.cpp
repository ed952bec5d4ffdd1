// SNMP v1/v2c/v3 datagrams: snmp.* fields, lengths past the datagram cut (as Arkime does), and
// every cut or corrupted byte harmless.
#include "protocols/snmp/snmp.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace snmp_test {

using namespace std::string_literals;

std::string tlv(uint8_t tag, const std::string& v) {
    return std::string(1, static_cast<char>(tag)) + std::string(1, static_cast<char>(v.size())) + v;
}
const std::string kSysDescr = "\x2b\x06\x01\x02\x01\x01\x01\x00"s;  // 1.3.6.1.2.1.1.1.0

std::string v2c(uint8_t pdu, int error, const std::string& varbinds, const std::string& community = "public") {
    std::string p = tlv(0x02, "\x01"s) + tlv(0x02, std::string(1, static_cast<char>(error))) + tlv(0x02, "\x00"s);
    return tlv(0x30, tlv(0x02, "\x01"s) + tlv(0x04, community) + tlv(pdu, p + tlv(0x30, varbinds)));
}

TEST(Snmp, V2cRequestResponseAndTrap) {
    const std::string vb = tlv(0x30, tlv(0x06, kSysDescr) + tlv(0x05, ""));
    const std::string trapVb = tlv(0x30, tlv(0x06, "\x2b\x06\x01\x06\x03\x01\x01\x04\x01\x00"s) +
                                             tlv(0x06, "\x2b\x06\x01\x06\x03\x01\x01\x05\x03"s));
    nlohmann::json j = udp_exchange(161, {{0, v2c(0xa0, 0, vb)}, {1, v2c(0xa2, 2, vb)}, {0, v2c(0xa7, 0, trapVb)}});
    ASSERT_TRUE(j.contains("snmp")) << j.dump();
    const auto& s = j["snmp"];
    EXPECT_EQ(s["version"], nlohmann::json({2}));
    EXPECT_EQ(s["community"], nlohmann::json({"public"}));
    EXPECT_EQ(s["type"], nlohmann::json({"GetRequest", "GetResponse", "SNMPv2-Trap"}));
    EXPECT_EQ(s["error"], nlohmann::json({"noSuchName"}));
    EXPECT_EQ(s["variable"], nlohmann::json({"1.3.6.1.2.1.1.1.0", "1.3.6.1.6.3.1.1.4.1.0"}));
    EXPECT_EQ(s["trapOid"], nlohmann::json({"1.3.6.1.6.3.1.1.5.3"}));
}

TEST(Snmp, LengthsPastTheEndAreCut) {
    // The OID claims 14 bytes, 10 are there: the decoded arcs stop where the datagram does.
    std::string bad = tlv(0x06, kSysDescr);
    bad[1] = 14;
    std::string msg = v2c(0xa0, 0, tlv(0x30, bad + "\x05\x00"s));
    nlohmann::json j = udp_exchange(161, {{0, msg}});
    EXPECT_EQ(j["snmp"]["variable"], nlohmann::json({"1.3.6.1.2.1.1.1.0.5.0"})) << j.dump();
    // A binding list that holds an OID directly (no binding SEQUENCE) gives no variable.
    j = udp_exchange(161, {{0, v2c(0xa0, 0, tlv(0x06, kSysDescr))}});
    EXPECT_FALSE(j["snmp"].contains("variable")) << j.dump();
}

TEST(Snmp, V1AndV3) {
    std::string v1 = tlv(0x30, tlv(0x02, "\x00"s) + tlv(0x04, "private") + tlv(0x02, "\x2a"s));
    const std::string usm = tlv(0x30, tlv(0x04, "\x80\x00\x1f\x88\x80\x12"s) + tlv(0x02, "\x00"s) + tlv(0x02, "\x00"s) +
                                          tlv(0x04, "admin") + tlv(0x04, "") + tlv(0x04, ""));
    std::string v3 =
        tlv(0x30, tlv(0x02, "\x03"s) +
                      tlv(0x30, tlv(0x02, "\x01"s) + tlv(0x02, "\x10\x00"s) + tlv(0x04, "\x07"s) + tlv(0x02, "\x03"s)) +
                      tlv(0x04, usm) + tlv(0x04, std::string(8, 'e')));
    nlohmann::json j = udp_exchange(161, {{0, v3}, {0, v1}});
    ASSERT_TRUE(j.contains("snmp")) << j.dump();
    EXPECT_EQ(j["snmp"]["version"], nlohmann::json({3, 1}));
    EXPECT_EQ(j["snmp"]["community"], nlohmann::json({"private"}));
    EXPECT_FALSE(j["snmp"].contains("type"));
    EXPECT_EQ(j["snmp"]["secLevel"], nlohmann::json({"authPriv"}));
    EXPECT_EQ(j["snmp"]["engineId"], nlohmann::json({"80001f888012"}));
    EXPECT_EQ(j["user"], nlohmann::json({"admin"}));
}

/// An SNMPv3 message whose USM parameters hold `engine` and `user` (noAuthNoPriv, empty scoped PDU).
std::string v3_message(const std::string& engine, const std::string& user) {
    const std::string usm = tlv(0x30, tlv(0x04, engine) + tlv(0x02, "\x01"s) + tlv(0x02, "\x05"s) + tlv(0x04, user) +
                                          tlv(0x04, "") + tlv(0x04, ""));
    return tlv(0x30,
               tlv(0x02, "\x03"s) +
                   tlv(0x30, tlv(0x02, "\x02"s) + tlv(0x02, "\x10\x00"s) + tlv(0x04, "\x04"s) + tlv(0x02, "\x03"s)) +
                   tlv(0x04, usm) + tlv(0x30, ""));
}

TEST(Snmp, V3UserNames) {
    // A discovery request (no engine id, no user), then two users; names are lower-cased by the field.
    nlohmann::json j = udp_exchange(161, {{0, v3_message("", "")},
                                          {0, v3_message("\x80\x00\x1f\x88"s, "Monitor")},
                                          {0, v3_message("\x80\x00\x1f\x88"s, "readonly")}});
    ASSERT_TRUE(j.contains("snmp")) << j.dump();
    EXPECT_EQ(j["snmp"]["engineId"], nlohmann::json({"80001f88"}));
    EXPECT_EQ(j["snmp"]["secLevel"], nlohmann::json({"noAuthNoPriv"}));
    EXPECT_EQ(j["user"], nlohmann::json({"monitor", "readonly"}));
    EXPECT_EQ(j["userCnt"], 2);
    // A name longer than RFC 3414 allows is cut to kMaxUserName bytes.
    j = udp_exchange(161, {{0, v3_message("\x80"s, std::string(40, 'u'))}});
    EXPECT_EQ(j["user"], nlohmann::json({std::string(protocols::snmp::kMaxUserName, 'u')})) << j.dump();
}

TEST(Snmp, V3TruncatedAtEveryByte) {
    // Cut anywhere, the datagram gives the whole user name or none, never a piece of it.
    const std::string msg = v3_message("\x80\x00\x1f\x88"s, "admin_user");
    for (size_t i = 1; i < msg.size(); ++i) {
        nlohmann::json j = udp_exchange(161, {{0, msg.substr(0, i)}});
        if (j.contains("user")) {
            EXPECT_EQ(j["user"], nlohmann::json({"admin_user"})) << i;
        }
    }
    EXPECT_EQ(udp_exchange(161, {{0, msg}})["user"], nlohmann::json({"admin_user"}));
    // The user name in another place than the fourth USM item, or not an OCTET STRING: no user.
    std::string wrongTag = msg;
    wrongTag[wrongTag.find("admin_user") - 2] = 0x02;
    EXPECT_FALSE(udp_exchange(161, {{0, wrongTag}}).contains("user"));
    const std::string noBoots = tlv(0x30, tlv(0x04, "\x80"s) + tlv(0x04, "admin"));
    const std::string shifted =
        tlv(0x30, tlv(0x02, "\x03"s) +
                      tlv(0x30, tlv(0x02, "\x02"s) + tlv(0x02, "\x10\x00"s) + tlv(0x04, "\x04"s) + tlv(0x02, "\x03"s)) +
                      tlv(0x04, noBoots));
    EXPECT_FALSE(udp_exchange(161, {{0, shifted}}).contains("user"));
}

TEST(Snmp, TruncatedAndCorrupt) {
    const std::string msg = v2c(0xa0, 0, tlv(0x30, tlv(0x06, kSysDescr) + tlv(0x05, "")));
    for (size_t i = 0; i < msg.size(); ++i) {
        udp_exchange(161, {{0, msg.substr(0, i)}});
        std::string bad = msg;
        bad[i] = static_cast<char>(bad[i] ^ 0xff);
        udp_exchange(161, {{0, bad}});
    }
    // A version SNMP does not have: named by the signature or not, no snmp fields.
    std::string v2 = msg;
    v2[4] = 2;
    nlohmann::json j = udp_exchange(161, {{0, v2}});
    EXPECT_FALSE(j.contains("snmp")) << j.dump();
}

TEST(Snmp, EveryPrefixOfEachDatagram) {
    // A length past the end of the datagram is cut to it (LengthsPastTheEndAreCut): a prefix may
    // hold the start of a string or OID, never anything else.
    const std::string vb = tlv(0x30, tlv(0x06, kSysDescr) + tlv(0x05, ""));
    const std::vector<Msg> msgs{
        {0, v2c(0xa0, 0, vb)}, {1, v2c(0xa2, 2, vb)}, {0, v3_message("\x80\x00\x1f\x88"s, "admin")}};
    for (size_t i = 0; i < msgs.size(); ++i)
        every_prefix(161, msgs, i, "snmp", true, 40000, {"community", "variable", "engineId", "user", "trapOid"});
}

}  // namespace snmp_test
}  // namespace flowdex::session::test
