// PTP: message type and clock identity of each version-2 datagram; short or version-1 datagrams
// add nothing.
#include "protocols/ptp/ptp.h"

#include <gtest/gtest.h>

#include <string>

#include "exchange.h"

namespace flowdex::session::test {
namespace ptp_test {

using namespace std::string_literals;

std::string header(uint8_t type, uint8_t version) {
    std::string h(44, '\0');
    h[0] = static_cast<char>(type);
    h[1] = static_cast<char>(version);
    h.replace(20, 8, "\x00\x1b\x19\xff\xfe\x01\x02\x03"s);
    return h;
}

TEST(Ptp, SyncAndFollowUp) {
    nlohmann::json j = udp_exchange(319, {{0, header(0, 2)}, {0, header(8, 2)}}, 319);
    EXPECT_EQ(j["ptp"]["msgType"], nlohmann::json::array({"sync", "follow_up"}));
    EXPECT_EQ(j["ptp"]["clockId"], nlohmann::json::array({"00:1b:19:ff:fe:01:02:03"}));
}

TEST(Ptp, ShortOrOldVersionAddsNothing) {
    nlohmann::json j =
        udp_exchange(320, {{0, header(11, 2).substr(0, 33)}, {0, header(11, 1)}, {0, header(5, 2)}}, 320);
    EXPECT_FALSE(j.contains("ptp"));
}

TEST(Ptp, EveryPrefixOfEachDatagram) {
    const std::vector<Msg> msgs{{0, header(0, 2)}, {0, header(8, 2)}};
    for (size_t i = 0; i < msgs.size(); ++i)
        every_prefix(319, msgs, i, "ptp", true, 319);
}

}  // namespace ptp_test
}  // namespace flowdex::session::test
