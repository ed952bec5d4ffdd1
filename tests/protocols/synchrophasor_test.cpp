// IEEE C37.118.2 frames: type, IDCODE, command, CFG-1/2/3 station names, PMU count and data rate.
#include "protocols/synchrophasor/synchrophasor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace synchrophasor_test {

using namespace std::string_literals;

std::string u16(unsigned v) {
    return std::string{static_cast<char>(v >> 8), static_cast<char>(v & 0xff)};
}
/// A frame of `type` from stream `idcode` around `body` (SOC/FRACSEC zero, CHK not checked).
std::string frame(unsigned type, unsigned idcode, const std::string& body) {
    return "\xaa"s + static_cast<char>(type << 4 | 1) + u16(body.size() + 16) + u16(idcode) + std::string(8, '\0') +
           body + "\x00\x00"s;
}
std::string pmu2(const std::string& name) {  // CFG-1/2 PMU: 1 phasor, 0 analog, 1 digital word
    std::string out = name + std::string(16 - name.size(), ' ') + u16(7) + u16(0) + u16(1) + u16(0) + u16(1);
    return out + std::string(16 * (1 + 16), 'n') + std::string(4 * 2, 'u') + u16(0) + u16(1);
}
std::string cfg2(const std::vector<std::string>& names, int rate) {
    std::string b = "\x00\x0f\x42\x40"s + u16(names.size());
    for (const std::string& n : names)
        b += pmu2(n);
    return frame(3, 100, b + u16(static_cast<unsigned>(rate) & 0xffff));
}
std::string cfg3(const std::string& name) {
    std::string b = u16(0) + "\x00\x0f\x42\x40"s + u16(1) + static_cast<char>(name.size()) + name + u16(9) +
                    std::string(16, 'g') + u16(0) + u16(1) + u16(1) + u16(1);
    for (int i = 0; i < 18; ++i)
        b += "\x03"
             "CH"s +
             static_cast<char>('A' + i);
    b += std::string(12 + 8 + 4, 's') + std::string(12, 'l') + "M"s + std::string(8, 'w') + u16(60) + u16(1);
    return frame(5, 7, b + u16(50));
}
const std::vector<Msg> kSession = {
    {0, frame(4, 100, u16(5))},        {1, cfg2({"StationA", "StationB"}, 30)},
    {0, frame(4, 100, u16(2))},        {1, frame(0, 100, std::string(20, 'd'))},
    {1, frame(1, 100, "header text")},
};

TEST(Synchrophasor, TcpSession) {
    nlohmann::json j = tcp_exchange(4712, kSession);
    ASSERT_TRUE(j.contains("synchrophasor")) << j.dump();
    const nlohmann::json& s = j["synchrophasor"];
    EXPECT_EQ(s["frameType"], nlohmann::json({"command", "cfg2", "data", "header"}));
    EXPECT_EQ(s["idcode"], nlohmann::json({100}));
    EXPECT_EQ(s["cmd"], nlohmann::json({5, 2}));
    EXPECT_EQ(s["station"], nlohmann::json({"StationA", "StationB"}));
    EXPECT_EQ(s["numPMU"], nlohmann::json({2}));
    EXPECT_EQ(s["dataRate"], nlohmann::json({30}));
}

TEST(Synchrophasor, Cfg3AndUdp) {
    nlohmann::json j = tcp_exchange(4712, {{1, cfg3("PMU-Z")}});
    EXPECT_EQ(j["synchrophasor"]["station"], nlohmann::json({"PMU-Z"})) << j.dump();
    EXPECT_EQ(j["synchrophasor"]["dataRate"], nlohmann::json({50}));
    EXPECT_EQ(j["synchrophasor"]["idcode"], nlohmann::json({7}));
    j = udp_exchange(4713, {{0, frame(4, 300, u16(1))}, {1, cfg2({"Delta"}, -5)}}, 4712);
    EXPECT_EQ(j["synchrophasor"]["frameType"], nlohmann::json({"command", "cfg2"})) << j.dump();
    EXPECT_EQ(j["synchrophasor"]["dataRate"], nlohmann::json({-5}));
    EXPECT_EQ(j["synchrophasor"]["idcode"], nlohmann::json({300, 100}));
}

TEST(Synchrophasor, SplitAtEveryByte) {
    const nlohmann::json want = tcp_exchange(4712, kSession)["synchrophasor"];
    for (size_t i = 0; i < kSession.size(); ++i)
        for (const std::vector<Msg>& msgs : splits_of(kSession, i))
            if (msgs[0].bytes.size() >= 2) {
                EXPECT_EQ(tcp_exchange(4712, msgs)["synchrophasor"], want) << i;
            }
    std::vector<Msg> msgs = bytewise(std::vector<Msg>(kSession.begin() + 1, kSession.end()));
    msgs.insert(msgs.begin(), kSession[0]);
    EXPECT_EQ(tcp_exchange(4712, msgs)["synchrophasor"], want);
}

TEST(Synchrophasor, GarbageAndTruncation) {
    // Bytes between frames are skipped up to the next sync byte.
    nlohmann::json j = tcp_exchange(4712, {{0, frame(4, 9, u16(3)) + "junk"s + frame(4, 9, u16(4))}});
    EXPECT_EQ(j["synchrophasor"]["cmd"], nlohmann::json({3, 4})) << j.dump();
    // Truncated configuration frames: no crash, station names only when whole.
    const std::string c = cfg2({"StationA", "StationB"}, 30);
    for (size_t i = 0; i < c.size(); ++i) {
        nlohmann::json t = udp_exchange(4713, {{0, frame(4, 1, u16(1))}, {1, c.substr(0, i)}}, 4712);
        if (t["synchrophasor"].contains("station")) {
            for (const auto& v : t["synchrophasor"]["station"])
                EXPECT_TRUE(v == "StationA" || v == "StationB") << i;
        }
        std::string bad = c;
        bad[i] = static_cast<char>(bad[i] ^ 0x77);
        tcp_exchange(4712, {{0, frame(4, 1, u16(1))}, {1, bad}, {1, c}});
    }
}

TEST(Synchrophasor, UdpEveryPrefix) {
    const std::vector<Msg> msgs{{0, frame(4, 300, u16(1))}, {1, cfg2({"Delta"}, -5)}};
    for (size_t i = 0; i < msgs.size(); ++i)
        every_prefix(4713, msgs, i, "synchrophasor", true, 4712);
}

TEST(Synchrophasor, StreamCutAnywhere) {
    every_tcp_truncation(4712, kSession);
}

}  // namespace synchrophasor_test
}  // namespace flowdex::session::test
