#include "protocols/isakmp/isakmp.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string_view>

#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::isakmp {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int authMethod = -1, dhGroup = -1, encryption = -1, exchangeType = -1, hash = -1, initiatorSpi = -1,
        responderSpi = -1, vendorId = -1, version = -1;
};

struct Name {
    uint16_t id;
    const char* name;
};

constexpr Name kExchanges[] = {{1, "base"},        {2, "identity-protection"}, {3, "authentication-only"},
                               {4, "aggressive"},  {5, "informational"},       {6, "transaction"},
                               {32, "quick-mode"}, {33, "new-group-mode"},     {34, "ike-sa-init"},
                               {35, "ike-auth"},   {36, "create-child-sa"},    {37, "informational"}};
constexpr Name kV1Encryption[] = {{1, "des-cbc"},  {2, "idea-cbc"}, {3, "blowfish-cbc"}, {4, "rc5-r16-b64-cbc"},
                                  {5, "3des-cbc"}, {6, "cast-cbc"}, {7, "aes-cbc"},      {8, "camellia-cbc"}};
constexpr Name kV1Hash[] = {{1, "md5"}, {2, "sha1"}, {3, "tiger"}, {4, "sha2-256"}, {5, "sha2-384"}, {6, "sha2-512"}};
constexpr Name kV1Auth[] = {{1, "psk"},
                            {2, "dss-sig"},
                            {3, "rsa-sig"},
                            {4, "rsa-enc"},
                            {5, "rsa-rev-enc"},
                            {8, "ecdsa-sig"},
                            {9, "ecdsa-p256-sha256"},
                            {10, "ecdsa-p384-sha384"},
                            {11, "ecdsa-p521-sha512"}};
constexpr Name kGroups[] = {{1, "modp768"},        {2, "modp1024"},       {5, "modp1536"},       {14, "modp2048"},
                            {15, "modp3072"},      {16, "modp4096"},      {17, "modp6144"},      {18, "modp8192"},
                            {19, "ecp256"},        {20, "ecp384"},        {21, "ecp521"},        {22, "modp1024s160"},
                            {23, "modp2048s224"},  {24, "modp2048s256"},  {25, "ecp192"},        {26, "ecp224"},
                            {27, "brainpoolp224"}, {28, "brainpoolp256"}, {29, "brainpoolp384"}, {30, "brainpoolp512"},
                            {31, "curve25519"},    {32, "curve448"}};
constexpr Name kV2Encryption[] = {{2, "des"},           {3, "3des"},          {5, "idea"},
                                  {6, "cast"},          {7, "blowfish"},      {11, "null"},
                                  {12, "aes-cbc"},      {13, "aes-ctr"},      {14, "aes-ccm-8"},
                                  {15, "aes-ccm-12"},   {16, "aes-ccm-16"},   {18, "aes-gcm-8"},
                                  {19, "aes-gcm-12"},   {20, "aes-gcm-16"},   {21, "null-auth-aes-gmac"},
                                  {23, "camellia-cbc"}, {24, "camellia-ctr"}, {28, "chacha20-poly1305"}};
constexpr Name kV2Prf[] = {{1, "prf-hmac-md5"},      {2, "prf-hmac-sha1"},     {3, "prf-hmac-tiger"},
                           {4, "prf-aes128-xcbc"},   {5, "prf-hmac-sha2-256"}, {6, "prf-hmac-sha2-384"},
                           {7, "prf-hmac-sha2-512"}, {8, "prf-aes128-cmac"}};

struct Vid {
    const char* hex;
    const char* name;
};
constexpr Vid kVendorIds[] = {{"afcad71368a1f1c96b8696fc77570100", "dpd"},
                              {"4048b7d56ebce88525e7de7f00d6c2d3", "ikev2"}};

template <size_t N>
const char* lookup(const Name (&t)[N], uint32_t id) {
    for (const Name& n : t)
        if (n.id == id) return n.name;
    return nullptr;
}

uint16_t be16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

constexpr size_t kHeader = 28;
enum class Payload : uint8_t { Sa = 1, VendorId = 13, SaV2 = 33, VendorIdV2 = 43, Encrypted = 46 };

void add(const FieldRegistry& reg, Session& s, int pos, const char* v) {
    if (pos >= 0 && v && *v) s.fields.add_string(reg, pos, v);
}

size_t hex(const uint8_t* p, size_t n, char* out) {
    static const char* k = "0123456789abcdef";
    for (size_t i = 0; i < n; ++i) {
        out[2 * i] = k[p[i] >> 4];
        out[2 * i + 1] = k[p[i] & 15];
    }
    out[2 * n] = '\0';
    return 2 * n;
}

/// IKEv1 transform attributes (TV when the top bit is set, else TLV).
void v1_attributes(const Fields& f, const FieldRegistry& reg, Session& s, const uint8_t* p, size_t n) {
    size_t at = 0;
    while (at + 4 <= n) {
        const uint16_t t = be16(p + at);
        const bool tv = (t & 0x8000) != 0;
        const uint16_t type = t & 0x7fff;
        if (!tv) {
            const size_t len = be16(p + at + 2);
            if (len > n - at - 4) return;
            at += 4 + len;
            continue;
        }
        const uint16_t v = be16(p + at + 2);
        switch (type) {
            case 1:
                add(reg, s, f.encryption, lookup(kV1Encryption, v));
                break;
            case 2:
                add(reg, s, f.hash, lookup(kV1Hash, v));
                break;
            case 3:
                add(reg, s, f.authMethod, lookup(kV1Auth, v));
                break;
            case 4:
                add(reg, s, f.dhGroup, lookup(kGroups, v));
                break;
        }
        at += 4;
    }
}

/// The proposals of an SA payload body (after the generic payload header).
void sa(const Fields& f, const FieldRegistry& reg, Session& s, const uint8_t* p, size_t n, bool v2) {
    size_t at = v2 ? 0 : 8;  // IKEv1: DOI and situation first
    while (at + 8 <= n) {
        const size_t plen = be16(p + at + 2);
        if (plen < 8 || plen > n - at) return;
        const uint8_t spiSize = p[at + 6];
        size_t t = at + 8 + spiSize;
        const size_t pend = at + plen;
        while (t + 8 <= pend) {
            const size_t tlen = be16(p + t + 2);
            if (tlen < 8 || tlen > pend - t) break;
            if (v2) {
                const uint8_t type = p[t + 4];
                const uint16_t id = be16(p + t + 6);
                if (type == 1) add(reg, s, f.encryption, lookup(kV2Encryption, id));
                if (type == 2) add(reg, s, f.hash, lookup(kV2Prf, id));
                if (type == 4) add(reg, s, f.dhGroup, lookup(kGroups, id));
            } else {
                v1_attributes(f, reg, s, p + t + 8, tlen - 8);
            }
            t += tlen;
        }
        at += plen;
    }
}

void vendor_id(const Fields& f, const FieldRegistry& reg, Session& s, const uint8_t* p, size_t n) {
    if (n == 0) return;
    char buf[2 * 16 + 1];
    hex(p, std::min<size_t>(n, 16), buf);
    for (const Vid& v : kVendorIds)
        if (n >= 16 && std::strcmp(v.hex, buf) == 0) return add(reg, s, f.vendorId, v.name);
    add(reg, s, f.vendorId, buf);
}

void message(const Fields& f, const FieldRegistry& reg, Session& s, const uint8_t* d, size_t n) {
    if (n >= 4 && s.port[1] == 4500 && std::memcmp(d, "\0\0\0\0", 4) == 0) d += 4, n -= 4;  // non-ESP marker
    if (n < kHeader) return;
    char buf[40];
    hex(d, 8, buf);
    add(reg, s, f.initiatorSpi, buf);
    static constexpr uint8_t kZero[8] = {};
    if (std::memcmp(d + 8, kZero, 8) != 0) {
        hex(d + 8, 8, buf);
        add(reg, s, f.responderSpi, buf);
    }
    const uint8_t major = d[17] >> 4, minor = d[17] & 15;
    std::snprintf(buf, sizeof buf, "%u.%u", major, minor);
    add(reg, s, f.version, buf);
    add(reg, s, f.exchangeType, lookup(kExchanges, d[18]));
    const bool v2 = major == 2;
    if (!v2 && (d[19] & 1)) return;  // IKEv1 encrypted: payloads unreadable
    const size_t end = std::min<size_t>(n, uint32_t(d[24]) << 24 | uint32_t(d[25]) << 16 | be16(d + 26));
    uint8_t next = d[16];
    size_t at = kHeader;
    while (next != 0 && at + 4 <= end) {
        const size_t plen = be16(d + at + 2);
        if (plen < 4 || plen > end - at) return;
        const uint8_t* body = d + at + 4;
        const size_t blen = plen - 4;
        switch (static_cast<Payload>(next)) {
            case Payload::Sa:
                sa(f, reg, s, body, blen, false);
                break;
            case Payload::SaV2:
                sa(f, reg, s, body, blen, true);
                break;
            case Payload::VendorId:
            case Payload::VendorIdV2:
                vendor_id(f, reg, s, body, blen);
                break;
            case Payload::Encrypted:
                return;
        }
        next = d[at];
        at += plen;
    }
}

int isakmp_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int) {
    message(*static_cast<const Fields*>(ctx), *s.table->context().registry, s, data, len);
    return 0;
}

void isakmp_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table || !s.table->has_protocol(s, "isakmp")) return;
    if (s.has_parser(isakmp_parse)) return;
    s.table->register_parser(s, session::ParserEntry{isakmp_parse, nullptr, nullptr, ctx});
}

}  // namespace

void register_isakmp(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.authMethod = r.fields.find_db("isakmp.authMethod");
    f.dhGroup = r.fields.find_db("isakmp.dhGroup");
    f.encryption = r.fields.find_db("isakmp.encryption");
    f.exchangeType = r.fields.find_db("isakmp.exchangeType");
    f.hash = r.fields.find_db("isakmp.hash");
    f.initiatorSpi = r.fields.find_db("isakmp.initiatorSpi");
    f.responderSpi = r.fields.find_db("isakmp.responderSpi");
    f.vendorId = r.fields.find_db("isakmp.vendorId");
    f.version = r.fields.find_db("isakmp.version");
    // Port classifiers run in registration order: these come after the signature table's.
    constexpr uint8_t kUdpAny = classify::kPortUdpSrc | classify::kPortUdpDst;
    for (uint16_t port : {500, 4500})
        r.classifiers.add_port("isakmp-parser", port, kUdpAny, isakmp_classify, &f);
}

}  // namespace flowdex::protocols::isakmp
