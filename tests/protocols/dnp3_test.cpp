// DNP3 link frames: addresses, application function codes and names, frames split over
// segments and sharing segments, TCP and UDP.
#include "protocols/dnp3/dnp3.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace dnp3_test {

using namespace std::string_literals;

/// A link frame from `src` to `dst` with `control` and user data (CRC bytes are placeholders).
std::string frame(uint8_t control, unsigned dst, unsigned src, const std::string& user) {
    std::string out = "\x05\x64"s + static_cast<char>(5 + user.size()) + static_cast<char>(control) +
                      static_cast<char>(dst & 0xff) + static_cast<char>(dst >> 8) + static_cast<char>(src & 0xff) +
                      static_cast<char>(src >> 8) + "\xcc\xcc"s;
    for (size_t i = 0; i < user.size(); i += 16)
        out += user.substr(i, 16) + "\xcc\xcc"s;
    return out;
}
/// An application fragment in one frame: transport (FIR|FIN), application control, function.
std::string app(uint8_t control, unsigned dst, unsigned src, uint8_t fc, const std::string& rest) {
    return frame(control, dst, src, "\xc0\xc1"s + static_cast<char>(fc) + rest);
}

const std::vector<Msg> kSession = {
    {0, app(0xc4, 1, 2, 1, "\x3c\x02\x06"s)},
    {1, app(0x44, 2, 1, 129, "\x00\x00"s)},
    {0, app(0xc4, 1, 2, 2, std::string(30, '\x07'))},  // two CRC blocks
    {1, frame(0x00, 2, 1, "")},                        // link status, no user data
};

TEST(Dnp3, TcpSession) {
    nlohmann::json j = tcp_exchange(20000, kSession);
    ASSERT_TRUE(j.contains("dnp3")) << j.dump();
    EXPECT_EQ(j["dnp3"]["src"], nlohmann::json({2, 1}));
    EXPECT_EQ(j["dnp3"]["dst"], nlohmann::json({1, 2}));
    EXPECT_EQ(j["dnp3"]["func"], nlohmann::json({1, 129, 2}));
    EXPECT_EQ(j["dnp3"]["funcName"], nlohmann::json({"Read", "Response", "Write"}));
}

TEST(Dnp3, UdpAndSharedDatagram) {
    nlohmann::json j = udp_exchange(
        20000, {{0, frame(0x00, 20000, 10, "") + app(0xc4, 20000, 10, 13, "")}, {1, app(0x44, 10, 20000, 129, "")}});
    EXPECT_EQ(j["dnp3"]["func"], nlohmann::json({13, 129})) << j.dump();
    EXPECT_EQ(j["dnp3"]["funcName"], nlohmann::json({"ColdRestart", "Response"}));
    EXPECT_EQ(j["dnp3"]["dst"], nlohmann::json({20000, 10}));
}

TEST(Dnp3, SplitAtEveryByte) {
    const nlohmann::json want = tcp_exchange(20000, kSession)["dnp3"];
    for (size_t i = 0; i < kSession.size(); ++i)
        for (const std::vector<Msg>& msgs : splits_of(kSession, i))
            if (msgs[0].bytes.size() >= 2) {
                EXPECT_EQ(tcp_exchange(20000, msgs)["dnp3"], want) << i;
            }
    std::vector<Msg> msgs = bytewise(std::vector<Msg>(kSession.begin() + 1, kSession.end()));
    msgs.insert(msgs.begin(), kSession[0]);
    EXPECT_EQ(tcp_exchange(20000, msgs)["dnp3"], want);
}

TEST(Dnp3, ContinuationsGarbageAndTruncation) {
    // A frame that continues a fragment (no FIR) has no function code; junk before a frame is skipped.
    nlohmann::json j =
        tcp_exchange(20000, {{0, app(0xc4, 1, 2, 1, "")}, {0, "zz"s + frame(0xc4, 1, 2, "\x01\xc1\x05\x00"s)}});
    EXPECT_EQ(j["dnp3"]["func"], nlohmann::json({1})) << j.dump();
    const std::string w = kSession[2].bytes;
    for (size_t i = 0; i < w.size(); ++i) {
        std::vector<Msg> bad = kSession;
        bad[2].bytes = w.substr(0, i);
        nlohmann::json t = tcp_exchange(20000, bad);
        for (const auto& v : t["dnp3"]["func"])
            EXPECT_TRUE(v == 1 || v == 129 || v == 2) << i;
        bad[2].bytes = w;
        bad[2].bytes[i] = static_cast<char>(bad[2].bytes[i] ^ 0x3c);
        tcp_exchange(20000, bad);
        udp_exchange(20000, {bad[0], bad[2]});
    }
}

TEST(Dnp3, UdpEveryPrefix) {
    const std::vector<Msg> msgs{{0, frame(0x00, 20000, 10, "") + app(0xc4, 20000, 10, 13, "")},
                                {1, app(0x44, 10, 20000, 129, "")}};
    for (size_t i = 0; i < msgs.size(); ++i)
        every_prefix(20000, msgs, i, "dnp3");
}

TEST(Dnp3, StreamCutAnywhere) {
    every_tcp_truncation(20000, kSession);
}

}  // namespace dnp3_test
}  // namespace flowdex::session::test
