// SSDP: the discovery headers of every M-SEARCH, NOTIFY and reply of an ssdp session, names matched
// without case, values trimmed; other headers, the body after the blank line and non-SSDP datagrams
// fill nothing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace ssdp_test {

const std::string kSearch =
    "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 2\r\n"
    "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nUser-Agent: Linux/5.10 UPnP/1.1 probe/2\r\n\r\n";
const std::string kReply =
    "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: http://192.168.1.1:5000/rootDesc.xml \r\n"
    "SERVER: OpenWRT/21 UPnP/1.1 MiniUPnPd/2.2\r\nst: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
    "USN: uuid:0001::urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n\r\nNT: not-a-header\r\n";

TEST(Ssdp, SearchAndReplyHeaders) {
    nlohmann::json j = udp_exchange(1900, {{0, kSearch}, {1, kReply}});
    ASSERT_TRUE(has_protocol(j, "ssdp")) << j.dump();
    const nlohmann::json& s = j["ssdp"];
    EXPECT_EQ(s["st"], nlohmann::json({"urn:schemas-upnp-org:device:InternetGatewayDevice:1"}));
    EXPECT_EQ(s["stCnt"], 1);
    EXPECT_EQ(s["userAgent"], nlohmann::json({"Linux/5.10 UPnP/1.1 probe/2"}));
    EXPECT_EQ(s["location"], nlohmann::json({"http://192.168.1.1:5000/rootDesc.xml"}));
    EXPECT_EQ(s["server"], nlohmann::json({"OpenWRT/21 UPnP/1.1 MiniUPnPd/2.2"}));
    EXPECT_EQ(s["usn"], nlohmann::json({"uuid:0001::urn:schemas-upnp-org:device:InternetGatewayDevice:1"}));
    EXPECT_FALSE(s.contains("nt")) << "lines after the blank line are body, not headers";
}

TEST(Ssdp, NotifyAndLongValues) {
    const std::string longUsn(2000, 'u');
    const std::string notify =
        "NOTIFY * HTTP/1.1\nHOST: 239.255.255.250:1900\nNT: upnp:rootdevice\nNTS: ssdp:alive\nUSN:" + longUsn +
        "\nLOCATION:\n";
    nlohmann::json j = udp_exchange(1900, {{0, notify}});
    ASSERT_TRUE(has_protocol(j, "ssdp")) << j.dump();
    EXPECT_EQ(j["ssdp"]["nt"], nlohmann::json({"upnp:rootdevice"})) << "LF-only lines are read too";
    EXPECT_EQ(j["ssdp"]["usn"][0].get<std::string>().size(), 1023u);
    EXPECT_FALSE(j["ssdp"].contains("location")) << "an empty value is not a value";
}

TEST(Ssdp, OtherDatagramsFillNothing) {
    // An HTTP reply that is not UPnP-like is not ssdp, and a later datagram that is not SSDP is skipped.
    nlohmann::json plain = udp_exchange(1900, {{0, "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n"}});
    EXPECT_FALSE(has_protocol(plain, "ssdp"));
    EXPECT_FALSE(plain.contains("ssdp"));
    nlohmann::json j = udp_exchange(1900, {{0, kSearch}, {0, "GARBAGE\r\nSERVER: nope\r\n\r\n"}});
    EXPECT_FALSE(j["ssdp"].contains("server"));
    // Truncations of a reply: no crash, and a value is never longer than what was there.
    for (size_t cut = 1; cut < kReply.size(); ++cut) {
        nlohmann::json t = udp_exchange(1900, {{0, kSearch}, {1, kReply.substr(0, cut)}});
        if (t.contains("ssdp") && t["ssdp"].contains("server")) {
            EXPECT_LE(t["ssdp"]["server"][0].get<std::string>().size(), 33u) << cut;
        }
    }
}

TEST(Ssdp, EveryPrefixOfEachDatagram) {
    const std::vector<Msg> msgs{{0, kSearch}, {1, kReply}};
    for (size_t i = 0; i < msgs.size(); ++i)
        every_prefix(1900, msgs, i, "ssdp");
}

}  // namespace ssdp_test
}  // namespace flowdex::session::test
