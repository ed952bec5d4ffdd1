// ISAKMP/IKE datagrams: isakmp.* fields from IKEv1 main mode and IKEv2 SA_INIT headers, SA
// proposals and vendor ids; encrypted payloads are not read; cut or corrupt datagrams are harmless.
#include "protocols/isakmp/isakmp.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"
#include "protocols/tls_messages.h"

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

std::string v2_transforms(uint8_t flags, uint16_t encId) {
    auto tr = [](bool last, uint8_t type, uint16_t id) {
        return std::string(1, last ? '\0' : '\x03') + "\x00\x00\x08"s + std::string(1, static_cast<char>(type)) +
               "\x00"s + be16(id);
    };
    const std::string ts = tr(false, 1, encId) + tr(false, 2, 7) + tr(true, 4, 20);
    const std::string proposal = "\x00\x00"s + be16(8 + static_cast<uint32_t>(ts.size())) + "\x01\x01\x00\x03"s + ts;
    return header(kIspi, kRspi, 33, 0x20, 34, flags, payload(0, proposal));
}

// IKEv2 transform ids by the IKEv2 table (13 AES-CTR, 28 ChaCha20) from both ends; exchange names
// depend on the major version.
TEST(Isakmp, IkeV2NamesAndVersionedExchanges) {
    nlohmann::json j = udp_exchange(500, {{0, v2_transforms(0x08, 13)}, {1, v2_transforms(0x20, 28)}}, 500);
    ASSERT_TRUE(j.contains("isakmp")) << j.dump();
    const auto& k = j["isakmp"];
    EXPECT_EQ(k["encryption"], nlohmann::json({"aes-ctr", "chacha20-poly1305"}));
    EXPECT_EQ(k["hash"], nlohmann::json({"prf-hmac-sha2-512"}));
    EXPECT_EQ(k["dhGroup"], nlohmann::json({"ecp384"}));
    EXPECT_EQ(k["exchangeType"], nlohmann::json({"ike-sa-init"}));

    // IKEv1 header with an IKEv2 exchange number: no exchange name; IKEv1 "transaction" (6) neither.
    nlohmann::json v1 = udp_exchange(
        500, {{0, header(kIspi, kZero, 0, 0x10, 34, 0, "")}, {1, header(kIspi, kRspi, 0, 0x10, 6, 0, "")}}, 500);
    EXPECT_FALSE(v1.contains("isakmp") && v1["isakmp"].contains("exchangeType")) << v1.dump();
}

TEST(Isakmp, VendorIdsByEightBytePrefix) {
    const std::string natt = "\x4a\x13\x1c\x81\x07\x03\x58\x45\x5c\x57\x28\xf2\x0e\x95\x45\x2f"s;
    const std::string strongswan = "\x16\x6f\x93\x2d\x55\xeb\x64\xd8\xe4\xdf\x4c\xfd\x00\x00\x00\x00"s;
    const std::string dpdShort = "\xaf\xca\xd7\x13\x68\xa1\xf1\xc9"s;
    nlohmann::json j = udp_exchange(
        500,
        {{0, header(kIspi, kZero, 13, 0x10, 2, 0, payload(13, natt) + payload(13, strongswan) + payload(0, dpdShort))}},
        500);
    ASSERT_TRUE(j.contains("isakmp")) << j.dump();
    EXPECT_EQ(j["isakmp"]["vendorId"], nlohmann::json({"rfc3947-nat-t", "strongswan", "dpd"}));
}

// A CERT payload first: the signature table does not know that next-payload value; the module's
// own header check names the session, and the certificate is decoded as TLS does.
TEST(Isakmp, CertificatePayloadAndSelfSignedTag) {
    const std::string der = make_cert();
    for (uint8_t version : {0x10, 0x20}) {
        const uint8_t certType = version == 0x10 ? 6 : 37;
        const uint8_t exch = version == 0x10 ? 2 : 34;
        const std::string msg =
            header(kIspi, kRspi, certType, version, exch, version == 0x10 ? 0 : 0x20, payload(0, "\x04"s + der));
        nlohmann::json j = udp_exchange(500, {{0, msg}}, 500);
        ASSERT_TRUE(has_protocol(j, "isakmp")) << j.dump();
        ASSERT_TRUE(j.contains("cert")) << j.dump();
        EXPECT_EQ(j["certCnt"], 1);
        EXPECT_EQ(j["cert"][0]["subjectCN"], nlohmann::json({"host.example"}));
        EXPECT_EQ(j["tags"], nlohmann::json({"cert:self-signed"}));
    }
    // Another encoding (PKCS #7 = 1) is not decoded.
    nlohmann::json j = udp_exchange(500, {{0, header(kIspi, kRspi, 6, 0x10, 2, 0, payload(0, "\x01"s + der))}}, 500);
    EXPECT_FALSE(j.contains("cert")) << j.dump();
}

// NAT-T: on port 4500 only datagrams behind the zero non-ESP marker are IKE; the server's reply
// names the session even though the client's first datagram was ESP.
TEST(Isakmp, NatTMarkerOnEitherPort) {
    const std::string esp = "\xde\xad\xbe\xef\x00\x00\x00\x01"s + std::string(24, '\x55');
    const std::string ike = "\0\0\0\0"s + header("\x11\x11\x11\x11\x11\x11\x11\x11"s,
                                                 "\x22\x22\x22\x22\x22\x22\x22\x22"s, 0, 0x10, 2, 0, "");
    nlohmann::json j = udp_exchange(4500, {{0, esp}, {1, ike}, {0, esp}}, 51000);
    ASSERT_TRUE(has_protocol(j, "isakmp")) << j.dump();
    EXPECT_EQ(j["isakmp"]["initiatorSpi"], nlohmann::json({"1111111111111111"}));
    EXPECT_EQ(j["isakmp"]["responderSpi"], nlohmann::json({"2222222222222222"}));
    EXPECT_EQ(j["isakmp"]["exchangeType"], nlohmann::json({"identity-protection"}));
    // The client port is 4500 and the server's is not: still NAT-T.
    nlohmann::json k = udp_exchange(4501, {{0, ike}}, 4500);
    EXPECT_TRUE(has_protocol(k, "isakmp")) << k.dump();
    // Without the marker nothing is read on 4500.
    nlohmann::json e = udp_exchange(4500, {{0, esp}, {1, ike.substr(4)}}, 51000);
    EXPECT_FALSE(e.contains("isakmp")) << e.dump();
}

TEST(Isakmp, EveryPrefixOfEachDatagram) {
    const std::vector<Msg> msgs{{0, ikev1_main()}, {1, ikev2_init()}};
    for (size_t i = 0; i < msgs.size(); ++i)
        every_prefix(500, msgs, i, "isakmp", true, 500);
}

}  // namespace isakmp_test
}  // namespace flowdex::session::test
