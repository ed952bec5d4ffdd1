// S7comm / S7comm-plus fields over TPKT/COTP and EtherNet/IP + CIP fields, whatever the
// segmentation; malformed messages add no garbage.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"
#include "protocols/ics/ics.h"

namespace flowdex::session::test {
namespace ics_fields_test {

using namespace std::string_literals;

std::string tpkt(const std::string& cotp) {
    size_t n = cotp.size() + 4;
    return "\x03\x00"s + static_cast<char>(n >> 8) + static_cast<char>(n & 0xff) + cotp;
}
std::string dt(const std::string& s7) {
    return tpkt("\x02\xf0\x80"s + s7);
}
const std::string kCr = tpkt("\x11\xe0\x00\x00\x00\x01\x00\xc1\x02\x01\x00\xc2\x02\x01\x02\xc0\x01\x0a"s);
const std::vector<Msg> kS7 = {
    {0, kCr},
    {1, tpkt("\x11\xd0\x00\x01\x00\x01\x00\xc1\x02\x01\x00\xc2\x02\x01\x02\xc0\x01\x0a"s)},
    {0, dt("\x32\x01\x00\x00\x00\x01\x00\x08\x00\x00\xf0\x00\x00\x01\x00\x01\x01\xe0"s)},
    {1, dt("\x32\x03\x00\x00\x00\x01\x00\x08\x00\x00\x00\x00\xf0\x00\x00\x01\x00\x01\x01\xe0"s)},
    {0, dt("\x32\x01\x00\x00\x01\x00\x00\x0e\x00\x00\x04\x01\x12\x0a\x10\x02\x00\x01\x00\x00\x84\x00\x00\x00"s)},
    {1, dt("\x32\x03\x00\x00\x01\x00\x00\x02\x00\x00\x81\x04\x04\x01"s)},
    {0, dt("\x32\x07\x00\x00\x00\x02\x00\x08\x00\x04\x00\x01\x12\x04\x11\x44\x01\x00\x0a\x00\x00\x00"s)},
    {0, dt("\x72\x03\x00\x0a\x04\xaa\xbb\xcc\xdd\x31\x00\x00\x00\x00"s)},
};

TEST(IcsFields, S7comm) {
    nlohmann::json j = tcp_exchange(102, kS7);
    ASSERT_TRUE(j.contains("s7comm")) << j.dump();
    const nlohmann::json& s = j["s7comm"];
    EXPECT_EQ(s["rosctr"], nlohmann::json({1, 3, 7}));
    EXPECT_EQ(s["pduref"], nlohmann::json({1, 256, 2}));
    EXPECT_EQ(s["func"], nlohmann::json({240, 4, 0}));
    EXPECT_EQ(s["funcName"], nlohmann::json({"Setup communication", "Read Var", "CPU services"}));
    EXPECT_EQ(s["errorClass"], nlohmann::json({129}));
    EXPECT_EQ(s["errorCode"], nlohmann::json({4}));
    EXPECT_EQ(s["opcode"], nlohmann::json({0x31}));
    EXPECT_TRUE(has_protocol(j, "s7comm") && has_protocol(j, "s7comm-plus"));
}

TEST(IcsFields, S7SplitAtEveryByte) {
    const nlohmann::json want = tcp_exchange(102, kS7)["s7comm"];
    for (size_t i = 1; i < kS7.size(); ++i)
        for (const std::vector<Msg>& msgs : splits_of(kS7, i))
            EXPECT_EQ(tcp_exchange(102, msgs)["s7comm"], want) << i;
    std::vector<Msg> msgs = bytewise(std::vector<Msg>(kS7.begin() + 1, kS7.end()));
    msgs.insert(msgs.begin(), kS7[0]);
    EXPECT_EQ(tcp_exchange(102, msgs)["s7comm"], want);
}

TEST(IcsFields, S7Truncated) {
    // A one-byte S7 PDU names the protocol but gives no fields; corrupt messages add no garbage.
    nlohmann::json j = tcp_exchange(102, {{0, kCr}, {0, dt("\x32"s)}});
    EXPECT_TRUE(has_protocol(j, "s7comm"));
    EXPECT_FALSE(j.contains("s7comm")) << j.dump();
    for (size_t m = 2; m < kS7.size(); ++m)
        for (size_t i = 0; i < kS7[m].bytes.size(); ++i) {
            std::vector<Msg> bad(kS7.begin(), kS7.begin() + static_cast<long>(m) + 1);
            bad[m].bytes[i] = static_cast<char>(bad[m].bytes[i] ^ 0x4b);
            tcp_exchange(102, bad);
        }
}

std::string le16(unsigned v) {
    return std::string{static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
}
std::string enip(unsigned cmd, const std::string& body, unsigned status = 0) {
    return le16(cmd) + le16(body.size()) + "\x01\x00\x00\x00"s + le16(status) + "\x00\x00"s + std::string(12, '\0') +
           body;
}
std::string rr(unsigned cmd, const std::string& item_type_data) {
    return enip(cmd, "\x00\x00\x00\x00\x0a\x00\x02\x00"s + "\x00\x00\x00\x00"s + item_type_data);
}
std::string item(unsigned type, const std::string& data) {
    return le16(type) + le16(data.size()) + data;
}
std::string identity(unsigned vendor, unsigned type, const std::string& name) {
    std::string d = le16(1) + std::string(16, '\0') + le16(vendor) + le16(type) + le16(0x37) + "\x14\x0b"s + le16(0) +
                    "\x01\x02\x03\x04"s + static_cast<char>(name.size()) + name + "\x03"s;
    return enip(0x63, le16(1) + item(0x0c, d));
}

const std::vector<Msg> kEnip = {
    {0, enip(0x65, "\x01\x00\x00\x00"s)},
    {1, enip(0x65, "\x01\x00\x00\x00"s)},
    {0, enip(0x63, "")},
    {1, identity(1, 0x0c, "1756-EN2T/B")},
    // Get_Attribute_Single on Identity (class 1, instance 1, attribute 7)
    {0, rr(0x6f, item(0xb2, "\x0e\x03\x20\x01\x24\x01\x30\x07"s))},
    {1, rr(0x6f, item(0xb2, "\x8e\x00\x00\x00\x01"s))},
    // Read_Tag with a symbolic path then an unknown class 0x6b through a port segment
    {0, rr(0x6f, item(0xb2, "\x4c\x04\x91\x03\x54\x61\x67\x00\x01\x00"s))},
    {0, rr(0x70, item(0xb1, "\x01\x00\x0e\x03\x01\x00\x20\x6b\x24\x01"s))},
    {1, enip(0x66, "", 1)},
};

TEST(IcsFields, EnipAndCip) {
    nlohmann::json j = tcp_exchange(44818, kEnip);
    ASSERT_TRUE(j.contains("enip")) << j.dump();
    const nlohmann::json& e = j["enip"];
    EXPECT_EQ(e["command"],
              nlohmann::json({"RegisterSession", "ListIdentity", "SendRRData", "SendUnitData", "UnRegisterSession"}));
    EXPECT_EQ(e["status"], nlohmann::json({0, 1}));
    EXPECT_EQ(e["vendor"], nlohmann::json({"Rockwell Automation/Allen-Bradley"}));
    EXPECT_EQ(e["deviceType"], nlohmann::json({"DeviceType-0x000c"}));
    EXPECT_EQ(e["product"], nlohmann::json({"1756-EN2T/B"}));
    EXPECT_EQ(e["service"], nlohmann::json({"Get_Attribute_Single", "Read_Tag"}));
    EXPECT_EQ(e["class"], nlohmann::json({"Identity", "Class-0x6b"}));
    EXPECT_TRUE(has_protocol(j, "cip"));
}

TEST(IcsFields, EnipUdpUnknownVendor) {
    nlohmann::json j = udp_exchange(44818, {{0, enip(0x63, "")}, {1, identity(9999, 0x0a, "X")}});
    EXPECT_EQ(j["enip"]["vendor"], nlohmann::json({"Vendor-9999"})) << j.dump();
    EXPECT_EQ(j["enip"]["deviceType"], nlohmann::json({"DeviceType-0x000a"}));
}

TEST(IcsFields, EnipSplitAtEveryByteAndMalformed) {
    const nlohmann::json want = tcp_exchange(44818, kEnip)["enip"];
    for (size_t i = 1; i < kEnip.size(); ++i)
        for (const std::vector<Msg>& msgs : splits_of(kEnip, i))
            EXPECT_EQ(tcp_exchange(44818, msgs)["enip"], want) << i;
    for (size_t m = 3; m < kEnip.size(); ++m)
        for (size_t i = 0; i < kEnip[m].bytes.size(); ++i) {
            std::vector<Msg> bad(kEnip.begin(), kEnip.begin() + static_cast<long>(m) + 1);
            bad[m].bytes[i] = static_cast<char>(bad[m].bytes[i] ^ 0x81);
            tcp_exchange(44818, bad);
            udp_exchange(44818, bad);
        }
}

TEST(IcsFields, EnipOneByteAtATime) {
    const nlohmann::json want = tcp_exchange(44818, kEnip)["enip"];
    ASSERT_TRUE(want.is_object());
    EXPECT_EQ(tcp_exchange(44818, bytewise_after_first(kEnip))["enip"], want);
}

TEST(IcsFields, EnipUdpEveryPrefix) {
    const std::vector<Msg> msgs{{0, enip(0x63, "")}, {1, identity(9999, 0x0a, "X")}};
    for (size_t i = 0; i < msgs.size(); ++i)
        every_prefix(44818, msgs, i, "enip");
}

TEST(IcsFields, S7AndEnipStreamCutAnywhere) {
    every_tcp_truncation(102, kS7);
    every_tcp_truncation(44818, kEnip);
}

}  // namespace ics_fields_test
}  // namespace flowdex::session::test
