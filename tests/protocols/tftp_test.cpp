// TFTP: the request's opcode and file name; malformed requests add no file name.
#include "protocols/tftp/tftp.h"

#include <gtest/gtest.h>

#include <string>

#include "exchange.h"

namespace flowdex::session::test {
namespace tftp_test {

using namespace std::string_literals;

TEST(Tftp, ReadRequest) {
    nlohmann::json j = udp_exchange(69, {{0, "\0\x01rfc1350.txt\0octet\0"s}});
    EXPECT_TRUE(has_protocol(j, "tftp"));
    EXPECT_EQ(j["tftp"]["opcode"], nlohmann::json::array({"rrq"}));
    EXPECT_EQ(j["tftp"]["filename"], nlohmann::json::array({"rfc1350.txt"}));
}

TEST(Tftp, WriteRequestThenError) {
    nlohmann::json j = udp_exchange(69, {{0, "\0\x02up.bin\0netascii\0"s}, {1, "\0\x05\0\x01nope\0"s}});
    EXPECT_EQ(j["tftp"]["opcode"], nlohmann::json::array({"wrq", "error"}));
    EXPECT_EQ(j["tftp"]["filename"], nlohmann::json::array({"up.bin"}));
}

TEST(Tftp, MalformedAddsNoName) {
    nlohmann::json j = udp_exchange(69, {{0, "\0\x01no-terminator"s}, {0, "\0\x09x\0octet\0"s}, {0, "\0"s}});
    EXPECT_FALSE(j.contains("tftp") && j["tftp"].contains("filename"));
}

TEST(Tftp, EveryPrefixOfEachDatagram) {
    const std::vector<Msg> msgs{{0, "\0\x02up.bin\0netascii\0"s}, {1, "\0\x05\0\x01nope\0"s}};
    for (size_t i = 0; i < msgs.size(); ++i)
        every_prefix(69, msgs, i, "tftp");
}

}  // namespace tftp_test
}  // namespace flowdex::session::test
