// S7 and CIP named on later messages of TPKT / EtherNet/IP streams, whatever the segmentation.
#include "protocols/ics/ics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "session/session_harness.h"

namespace flowdex::session::test {
namespace ics_test {

using namespace std::string_literals;

constexpr uint64_t T0 = 1700000000 * kSec;

std::string tpkt(const std::string& cotp) {
    size_t n = cotp.size() + 4;
    return "\x03\x00"s + static_cast<char>(n >> 8) + static_cast<char>(n & 0xff) + cotp;
}
const std::string kCr = tpkt("\x11\xe0\x00\x00\x00\x01\x00\xc1\x02\x01\x00\xc2\x02\x01\x02\xc0\x01\x0a"s);
const std::string kS7 = tpkt("\x02\xf0\x80\x32\x01\x00\x00\x00\x01\x00\x08\x00\x00\xf0\x00\x00\x01\x00\x01\x01\xe0"s);
const std::string kS7Plus = tpkt("\x02\xf0\x80\x72\x01\x00\x10"s);
std::string enip(uint8_t cmd, const std::string& body) {
    return std::string(1, static_cast<char>(cmd)) + "\x00"s + static_cast<char>(body.size()) + "\x00"s +
           std::string(20, '\0') + body;
}

nlohmann::json protocols_of(uint16_t port, const std::vector<std::string>& client) {
    Harness h;
    protocols::Registries regs{h.registry, h.classifiers, h.hooks};
    protocols::register_builtin_protocols(regs);
    h.start();
    TcpFlow f;
    f.sport = port;
    uint64_t t = T0;
    h.feed(f.syn(), t += 1000);
    h.feed(f.synack(), t += 1000);
    h.feed(f.ack(), t += 1000);
    uint32_t off = 0;
    for (const std::string& b : client) {
        h.feed(f.cdata(off, b), t += 1000);
        off += static_cast<uint32_t>(b.size());
    }
    h.table->flush_all();
    const Saved* s = h.find_saved("10.0.0.1");
    EXPECT_NE(s, nullptr);
    nlohmann::json p = s ? s->at("protocol") : nlohmann::json::array();
    std::sort(p.begin(), p.end());
    return p;
}

TEST(Ics, S7AfterConnectionRequest) {
    EXPECT_EQ(protocols_of(102, {kCr, kS7}), nlohmann::json({"s7comm", "tcp"}));
    EXPECT_EQ(protocols_of(102, {kCr, kS7 + kS7Plus}), nlohmann::json({"s7comm", "s7comm-plus", "tcp"}));
    EXPECT_EQ(protocols_of(102, {kCr, tpkt("\x02\xf0\x80\x7f\x65"s)}), nlohmann::json({"tcp"}));
}

TEST(Ics, CipAfterRegisterSession) {
    const std::string reg = enip(0x65, "\x01\x00\x00\x00"s), rr = enip(0x6f, std::string(16, '\0'));
    EXPECT_EQ(protocols_of(44818, {reg, rr}), nlohmann::json({"cip", "enip", "tcp"}));
    EXPECT_EQ(protocols_of(44818, {reg, enip(0x04, "")}), nlohmann::json({"enip", "tcp"}));
}

TEST(Ics, SplitAtEveryByte) {
    const std::string stream = kS7 + kS7Plus;
    for (size_t i = 1; i < stream.size(); ++i)
        EXPECT_EQ(protocols_of(102, {kCr, stream.substr(0, i), stream.substr(i)}),
                  nlohmann::json({"s7comm", "s7comm-plus", "tcp"}))
            << i;
}

TEST(Ics, MalformedFraming) {
    // A TPKT length of 0, then garbage: the follower stops, nothing is named.
    EXPECT_EQ(protocols_of(102, {kCr, "\x03\x00\x00\x00\x02\xf0\x80\x32"s}), nlohmann::json({"tcp"}));
    for (size_t i = 0; i < kS7.size(); ++i) {
        std::string bad = kS7;
        bad[i] = static_cast<char>(bad[i] ^ 0x5a);
        protocols_of(102, {kCr, bad, kS7Plus});
    }
}

}  // namespace ics_test
}  // namespace flowdex::session::test
