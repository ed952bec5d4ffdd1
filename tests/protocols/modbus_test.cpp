// Modbus/TCP: unit and protocol id, request transaction ids and function codes, exception codes.
#include "protocols/modbus/modbus.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace modbus_test {

using namespace std::string_literals;

std::string adu(unsigned tid, unsigned unit, const std::string& pdu) {
    const size_t n = pdu.size() + 1;
    return std::string{static_cast<char>(tid >> 8), static_cast<char>(tid & 0xff), 0, 0, static_cast<char>(n >> 8),
                       static_cast<char>(n & 0xff), static_cast<char>(unit)} +
           pdu;
}
const std::vector<Msg> kSession = {
    {0, adu(1, 10, "\x03\x00\x00\x00\x02"s)},
    {1, adu(1, 10, "\x03\x04\x00\x01\x00\x02"s)},
    {0, adu(2, 10, "\x06\x00\x01\x00\x03"s) + adu(3, 10, "\x08\x00\x00\x12\x34"s)},
    {1, adu(2, 10, "\x86\x02"s) + adu(3, 10, "\x88\x0b"s)},
};

TEST(Modbus, RequestsAndExceptions) {
    nlohmann::json j = tcp_exchange(502, kSession);
    ASSERT_TRUE(j.contains("modbus")) << j.dump();
    const nlohmann::json& m = j["modbus"];
    EXPECT_EQ(m["unitid"], 10);
    EXPECT_EQ(m["protocolid"], 0);
    EXPECT_EQ(m["transactionid"], nlohmann::json({1, 2, 3}));
    EXPECT_EQ(m["funccode"], nlohmann::json({3, 6, 8}));
    EXPECT_EQ(m["exccode"], nlohmann::json({2, 11}));
}

TEST(Modbus, ServerSideFirst) {
    // Only the server talks: its frames are responses (sent from 502), never requests.
    nlohmann::json j = tcp_exchange(502, {{1, adu(5, 7, "\x81\x06"s)}, {1, adu(6, 7, "\x2a\x0e\x04"s)}});
    EXPECT_EQ(j["modbus"]["exccode"], nlohmann::json({6})) << j.dump();
    EXPECT_FALSE(j["modbus"].contains("funccode"));
    EXPECT_EQ(j["modbus"]["unitid"], 7);
}

TEST(Modbus, SplitAtEveryByte) {
    const nlohmann::json want = tcp_exchange(502, kSession)["modbus"];
    for (size_t i = 1; i < kSession.size(); ++i)
        for (const std::vector<Msg>& msgs : splits_of(kSession, i))
            EXPECT_EQ(tcp_exchange(502, msgs)["modbus"], want) << i;
    std::vector<Msg> msgs = bytewise(std::vector<Msg>(kSession.begin() + 1, kSession.end()));
    msgs.insert(msgs.begin(), kSession[0]);
    EXPECT_EQ(tcp_exchange(502, msgs)["modbus"], want);
}

TEST(Modbus, NotModbus) {
    // A first payload that is not one whole MBAP frame: no parser; a bad later frame ends the direction.
    EXPECT_FALSE(tcp_exchange(502, {{0, "\x00\x01\x00\x00\x88\x04\x05\x07\x08"s}}).contains("modbus"));
    nlohmann::json j = tcp_exchange(502, {{0, adu(1, 1, "\x03\x00\x00\x00\x01"s)},
                                          {0, "\x00\x02\x00\x07\x00\x06\x01\x03\x00\x00\x00\x01"s},
                                          {0, adu(3, 1, "\x04\x00\x00\x00\x01"s)}});
    EXPECT_EQ(j["modbus"]["transactionid"], nlohmann::json({1})) << j.dump();
    for (size_t i = 0; i < kSession[2].bytes.size(); ++i) {
        std::vector<Msg> bad = kSession;
        bad[2].bytes[i] = static_cast<char>(bad[2].bytes[i] ^ 0xff);
        tcp_exchange(502, bad);
        bad[2].bytes.resize(i);
        tcp_exchange(502, bad);
    }
}

TEST(Modbus, StreamCutAnywhere) {
    every_tcp_truncation(502, kSession);
}

}  // namespace modbus_test
}  // namespace flowdex::session::test
