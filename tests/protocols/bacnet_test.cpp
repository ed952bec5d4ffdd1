// BACnet/IP datagrams: BVLC function, APDU type, request services and object names.
#include "protocols/bacnet/bacnet.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace bacnet_test {

using namespace std::string_literals;

/// A BVLL message of `function` around an NPDU (`npdu` = control + addresses) and an APDU.
std::string bvll(uint8_t function, const std::string& npdu, const std::string& apdu) {
    std::string body = "\x01"s + npdu + apdu;
    size_t n = body.size() + 4;
    return "\x81"s + static_cast<char>(function) + static_cast<char>(n >> 8) + static_cast<char>(n & 0xff) + body;
}
std::string cs(const std::string& v) {  // application-tagged CharacterString, UTF-8
    return "\x75"s + static_cast<char>(v.size() + 1) + "\x00"s + v;
}

const std::string kWhoHas = bvll(0x0b, "\x00"s, "\x10\x07\x3d\x05\x00Pump"s);
const std::string kIHave =
    bvll(0x0a, "\x08\x00\x0d\x01\x3d"s, "\x10\x01\xc4\x02\x00\x00\x3d\xc4\x02\x00\x00\x3d"s + cs("Pump"));
const std::string kReadReq = bvll(0x0a, "\x04"s, "\x00\x05\x01\x0c\x0c\x00\x00\x00\x01\x19\x4d"s);
const std::string kReadAck =
    bvll(0x0a, "\x00"s, "\x30\x01\x0c\x0c\x00\x00\x00\x01\x19\x4d\x3e"s + cs("AHU-1") + "\x3f"s);
// ReadPropertyMultiple ack: description (28) then object-name (77) of one object.
const std::string kRpmAck = bvll(
    0x0a, "\x00"s,
    "\x30\x02\x0e\x0c\x00\x00\x00\x02\x1e\x29\x1c\x4e"s + cs("desc") + "\x4f\x29\x4d\x4e"s + cs("VAV-2") + "\x4f\x1f"s);
const std::string kError = bvll(0x0a, "\x00"s, "\x50\x01\x0f\x91\x02\x91\x20"s);
const std::string kNetwork = bvll(0x0b, "\x80"s, "\x00\x00\x01"s);

TEST(Bacnet, ServicesAndNames) {
    nlohmann::json j = udp_exchange(
        47808, {{0, kWhoHas}, {1, kIHave}, {0, kReadReq}, {1, kReadAck}, {1, kRpmAck}, {1, kError}, {0, kNetwork}},
        47808);
    ASSERT_TRUE(j.contains("bacnet")) << j.dump();
    const nlohmann::json& b = j["bacnet"];
    EXPECT_EQ(b["function"], nlohmann::json({"original-broadcast", "original-unicast"}));
    EXPECT_EQ(b["apduType"], nlohmann::json({"unconfirmed-request", "confirmed-request", "complex-ack", "error"}));
    EXPECT_EQ(b["service"], nlohmann::json({"who-has", "i-have", "read-property"}));
    EXPECT_EQ(b["objectName"], nlohmann::json({"Pump", "AHU-1", "VAV-2"}));
    EXPECT_TRUE(has_protocol(j, "bacnet"));
}

TEST(Bacnet, ForwardedAndSegmented) {
    // Forwarded NPDU (6 address bytes), a segmented confirmed request (sequence and window bytes).
    const std::string fwd = "\x81\x04\x00\x14\x0a\x00\x00\x01\xba\xc0\x01\x00\x10\x08\x00\x0a\x1b\x28\x0a\x00"s;
    const std::string seg = bvll(0x0a, "\x00"s, "\x08\x05\x01\x00\x04\x07\x00"s);
    nlohmann::json j = udp_exchange(47808, {{0, fwd}, {0, seg}}, 47808);
    EXPECT_EQ(j["bacnet"]["function"], nlohmann::json({"forwarded-npdu", "original-unicast"}));
    EXPECT_EQ(j["bacnet"]["service"], nlohmann::json({"who-is", "atomic-write-file"}));
}

TEST(Bacnet, TruncatedAndCorrupt) {
    // The first datagram names the session; later truncated or corrupted ones add no garbage.
    for (const std::string& m : {kIHave, kReadAck, kRpmAck, kWhoHas}) {
        for (size_t i = 0; i < m.size(); ++i) {
            std::string cut = m.substr(0, i);
            nlohmann::json j = udp_exchange(47808, {{0, kNetwork}, {1, cut}}, 47808);
            if (j.contains("bacnet") && j["bacnet"].contains("objectName")) {
                EXPECT_TRUE(j["bacnet"]["objectName"] == nlohmann::json({"Pump"}) ||
                            j["bacnet"]["objectName"] == nlohmann::json({"AHU-1"}) ||
                            j["bacnet"]["objectName"] == nlohmann::json({"VAV-2"}))
                    << i;
            }
            std::string bad = m;
            bad[i] = static_cast<char>(bad[i] ^ 0x5a);
            udp_exchange(47808, {{0, kNetwork}, {1, bad}}, 47808);
        }
    }
    // A first datagram whose BVLC length is not the datagram size: not followed.
    std::string wrong = kReadReq;
    wrong[3] = static_cast<char>(wrong[3] + 1);
    EXPECT_FALSE(udp_exchange(47808, {{0, wrong}, {0, kReadReq}}, 47808).contains("bacnet"));
}

TEST(Bacnet, EveryPrefixOfEachDatagram) {
    const std::vector<Msg> msgs{{0, kWhoHas}, {1, kIHave}, {0, kReadReq}, {1, kReadAck}, {1, kRpmAck}, {1, kError}};
    for (size_t i = 0; i < msgs.size(); ++i)
        every_prefix(47808, msgs, i, "bacnet", true, 47808);
}

}  // namespace bacnet_test
}  // namespace flowdex::session::test
