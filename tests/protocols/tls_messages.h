// Shared by the TLS, DTLS and OpenVPN tests: TLS handshake messages and records built from
// parts, and a certificate made with OpenSSL at test time.
#pragma once

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace flowdex::session::test {

using namespace std::string_literals;

inline std::string u16(uint32_t v) {
    return std::string{static_cast<char>(v >> 8), static_cast<char>(v & 0xff)};
}
inline std::string u24(uint32_t v) {
    return std::string{static_cast<char>(v >> 16), static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}
inline std::string ext(uint32_t type, const std::string& body) {
    return u16(type) + u16(static_cast<uint32_t>(body.size())) + body;
}
inline std::string record(const std::string& hs) {
    return "\x16\x03\x01"s + u16(static_cast<uint32_t>(hs.size())) + hs;
}
inline std::string handshake(uint8_t type, const std::string& body) {
    return std::string(1, static_cast<char>(type)) + u24(static_cast<uint32_t>(body.size())) + body;
}

// ClientHello: TLS 1.2, ciphers GREASE,c02f,c030,009c; extensions GREASE, SNI, supported_versions,
// signature_algorithms, supported_groups (GREASE, 29, 23).
inline std::string client_hello() {
    std::string name = "Example.ORG";
    std::string sni =
        u16(static_cast<uint32_t>(name.size() + 3)) + "\x00"s + u16(static_cast<uint32_t>(name.size())) + name;
    std::string exts = ext(0x1a1a, "") + ext(0x0000, sni) + ext(0x002b, "\x02\x03\x03"s) +
                       ext(0x000d, u16(4) + "\x04\x01\x05\x01"s) +
                       ext(0x000a, u16(6) + u16(0x2a2a) + u16(29) + u16(23));
    std::string body = u16(0x0303) + std::string(32, 'r') + "\x00"s + u16(8) + u16(0x0a0a) + u16(0xc02f) + u16(0xc030) +
                       u16(0x009c) + "\x01\x00"s + u16(static_cast<uint32_t>(exts.size())) + exts;
    return record(handshake(1, body));
}
inline std::string server_hello() {
    std::string exts = ext(0x002b, u16(0x0303));
    std::string body = u16(0x0303) + std::string(32, 's') + "\x04"s + "\xcc\xcc\xcc\xcc"s + u16(0xc02f) + "\x00"s +
                       u16(static_cast<uint32_t>(exts.size())) + exts;
    return record(handshake(2, body)) + "\x14\x03\x03\x00\x01\x01"s;
}

/// A self-signed P-256 certificate: CN "Host.Example", O "Org", SAN www.example.org, serial 0x80
/// (DER adds a sign byte), valid 2020-01-01 .. 2020-01-31, basicConstraints CA:TRUE; with `ca`,
/// also the key usage keyCertSign (what makes a CA for Arkime).
inline std::string make_cert(bool ca = false) {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 0x80);
    ASN1_TIME_set(X509_getm_notBefore(x), 1577836800);
    ASN1_TIME_set(X509_getm_notAfter(x), 1577836800 + 30 * 86400);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Host.Example"), -1, -1,
                               0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Org"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509_set_pubkey(x, key);
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
    if (X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "DNS:WWW.example.org")) {
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
    }
    for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                              std::pair{NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : "digitalSignature"}}) {
        if (X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value)) {
            X509_add_ext(x, ext, -1);
            X509_EXTENSION_free(ext);
        }
    }
    X509_sign(x, key, EVP_sha256());
    unsigned char* der = nullptr;
    int n = i2d_X509(x, &der);
    std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(n > 0 ? n : 0));
    OPENSSL_free(der);
    X509_free(x);
    EVP_PKEY_free(key);
    return out;
}
inline std::string certificate_msg(const std::vector<std::string>& ders) {
    std::string list;
    for (const std::string& d : ders)
        list += u24(static_cast<uint32_t>(d.size())) + d;
    return handshake(11, u24(static_cast<uint32_t>(list.size())) + list);
}

}  // namespace flowdex::session::test
