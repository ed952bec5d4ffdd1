// RDP negotiation: user cookie and requested/selected protocols from the first payloads.
#include "protocols/rdp/rdp.h"

#include <gtest/gtest.h>

#include <string>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace rdp_test {

using namespace std::string_literals;

std::string tpkt(const std::string& x224) {
    size_t n = x224.size() + 4;
    return "\x03\x00"s + static_cast<char>(n >> 8) + static_cast<char>(n & 0xff) + x224;
}
std::string request(const std::string& cookie, uint32_t protocols) {
    std::string body =
        "\x00\xe0\x00\x00\x00\x00\x00"s + cookie + "\x01\x00\x08\x00"s + static_cast<char>(protocols) + "\x00\x00\x00"s;
    body[0] = static_cast<char>(body.size() - 1);
    return tpkt(body);
}
std::string confirm(uint32_t protocol) {
    std::string body =
        "\x0e\xd0\x00\x00\x12\x34\x00"s + "\x02\x00\x08\x00"s + static_cast<char>(protocol) + "\x00\x00\x00"s;
    return tpkt(body);
}

nlohmann::json run(const std::string& c, const std::string& s) {
    std::vector<Msg> msgs{{0, c}};
    if (!s.empty()) msgs.push_back({1, s});
    return tcp_exchange(3389, msgs);
}

TEST(Rdp, CookieAndProtocols) {
    nlohmann::json j = run(request("Cookie: mstshash=RdpUser\r\n", 3), confirm(1));
    EXPECT_EQ(j["user"], nlohmann::json({"rdpuser"})) << j.dump();
    EXPECT_EQ(j["rdp"]["requestedProtocols"], nlohmann::json({"ssl", "nla"}));
    EXPECT_EQ(j["rdp"]["selectedProtocol"], nlohmann::json({"ssl"}));
    j = run(request("", 0), confirm(0));
    EXPECT_EQ(j["rdp"]["requestedProtocols"], nlohmann::json({"rdp"}));
}

TEST(Rdp, TruncatedAndCorrupt) {
    const std::string c = request("Cookie: mstshash=u\r\n", 3);
    for (size_t i = 0; i < c.size(); ++i) {
        nlohmann::json j = run(c.substr(0, i + 1), "");
        if (i + 1 < c.size()) {
            EXPECT_FALSE(j.contains("rdp")) << i;
        }
        std::string bad = c;
        bad[i] = static_cast<char>(bad[i] ^ 0xff);
        run(bad, confirm(2));
    }
}

}  // namespace rdp_test
}  // namespace flowdex::session::test
