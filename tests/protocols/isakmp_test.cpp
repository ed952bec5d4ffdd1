// ISAKMP/IKE datagrams: isakmp.* fields from IKEv1 main mode and IKEv2 SA_INIT headers, SA
// proposals and vendor ids; encrypted payloads are not read; cut or corrupt datagrams are harmless.
#include "protocols/isakmp/isakmp.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace isakmp_test {

using namespace std::string_literals;

std::string be16(uint32_t v) {
    return {static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}
std::string be32(uint32_t v) {
    return be16(v >> 16) + be16(v & 0xffff);
}
std::string payload(uint8_t next, const std::string& body) {
    return std::string(1, static_cast<char>(next)) + "\x00"s + be16(static_cast<uint32_t>(body.size()) + 4) + body;
}
std::string header(const std::string& ispi, const std::string& rspi, uint8_t next, uint8_t version, uint8_t exch,
                   uint8_t flags, const std::string& payloads) {
    return ispi + rspi +
           std::string{static_cast<char>(next), static_cast<char>(version), static_cast<char>(exch),
                       static_cast<char>(flags)} +
           be32(0) + be32(28 + static_cast<uint32_t>(payloads.size())) + payloads;
}
const std::string kIspi = "\x11\x22\x33\x44\x55\x66\x77\x88"s,
                  kZero(8, '\0'), kRspi = "\xaa\xbb\xcc\xdd\xee\xff\x00\x11"s;

std::string ikev1_main() {
    const std::string attrs = "\x80\x01\x00\x07"s + "\x80\x02\x00\x02"s + "\x80\x03\x00\x01"s + "\x80\x04\x00\x0e"s +
                              "\x00\x0b\x00\x02\xff\xff"s;  // a TLV attribute is skipped
    const std::string transform =
        "\x00\x00"s + be16(8 + static_cast<uint32_t>(attrs.size())) + "\x01\x01\x00\x00"s + attrs;
    const std::string proposal =
        "\x00\x00"s + be16(8 + static_cast<uint32_t>(transform.size())) + "\x01\x01\x00\x01"s + transform;
    const std::string sa = be32(1) + be32(1) + proposal;
    const std::string dpd = "\xaf\xca\xd7\x13\x68\xa1\xf1\xc9\x6b\x86\x96\xfc\x77\x57\x01\x00"s;
    return header(kIspi, kZero, 1, 0x10, 2, 0,
                  payload(13, sa) + payload(13, dpd) + payload(0, "MS-Negotiation Discovery Capable"));
}

std::string ikev2_init() {
    auto tr = [](bool last, uint8_t type, uint16_t id) {
        return std::string(1, last ? '\0' : '\x03') + "\x00\x00\x08"s + std::string(1, static_cast<char>(type)) +
               "\x00"s + be16(id);
    };
    const std::string ts = tr(false, 1, 20) + tr(false, 2, 5) + tr(false, 3, 12) + tr(true, 4, 31);
    const std::string proposal = "\x00\x00"s + be16(8 + static_cast<uint32_t>(ts.size())) + "\x01\x01\x00\x04"s + ts;
    return header(kIspi, kRspi, 33, 0x20, 34, 0x20, payload(46, proposal) + payload(0, "sealed"));
}

TEST(Isakmp, IkeV1MainModeAndIkeV2Init) {
    std::string encrypted = header(kIspi, kRspi, 5, 0x10, 32, 1, std::string(40, '\x13'));
    nlohmann::json j = udp_exchange(500, {{0, ikev1_main()}, {1, ikev2_init()}, {0, encrypted}}, 500);
    ASSERT_TRUE(j.contains("isakmp")) << j.dump();
    const auto& k = j["isakmp"];
    EXPECT_EQ(k["initiatorSpi"], nlohmann::json({"1122334455667788"}));
    EXPECT_EQ(k["responderSpi"], nlohmann::json({"aabbccddeeff0011"}));
    EXPECT_EQ(k["version"], nlohmann::json({"1.0", "2.0"}));
    EXPECT_EQ(k["exchangeType"], nlohmann::json({"identity-protection", "ike-sa-init", "quick-mode"}));
    EXPECT_EQ(k["encryption"], nlohmann::json({"aes-cbc", "aes-gcm-16"}));
    EXPECT_EQ(k["hash"], nlohmann::json({"sha1", "prf-hmac-sha2-256"}));
    EXPECT_EQ(k["authMethod"], nlohmann::json({"psk"}));
    EXPECT_EQ(k["dhGroup"], nlohmann::json({"modp2048", "curve25519"}));
    EXPECT_EQ(k["vendorId"], nlohmann::json({"dpd", "4d532d4e65676f74696174696f6e2044"}));
}

TEST(Isakmp, TruncatedAndCorrupt) {
    const std::string m = ikev1_main();
    for (size_t i = 0; i < m.size(); ++i) {
        nlohmann::json j = udp_exchange(500, {{0, m.substr(0, i)}}, 500);
        if (i < 28 && j.contains("isakmp")) {
            EXPECT_FALSE(j["isakmp"].contains("initiatorSpi")) << i;
        }
        std::string bad = m;
        bad[i] = static_cast<char>(bad[i] ^ 0xff);
        udp_exchange(500, {{0, bad}}, 500);
    }
    // A payload longer than the message: the ones before it count.
    std::string bad = m;
    bad[28 + 2] = '\x7f';
    nlohmann::json j = udp_exchange(500, {{0, bad}}, 500);
    ASSERT_TRUE(j.contains("isakmp")) << j.dump();
    EXPECT_FALSE(j["isakmp"].contains("encryption"));
    EXPECT_FALSE(j["isakmp"].contains("vendorId"));
}

}  // namespace isakmp_test
}  // namespace flowdex::session::test
