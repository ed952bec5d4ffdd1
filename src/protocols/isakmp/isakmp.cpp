#include "protocols/isakmp/isakmp.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string_view>

#include "protocols/tls/certs.h"
#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::isakmp {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int authMethod = -1, dhGroup = -1, encryption = -1, exchangeType = -1, hash = -1, initiatorSpi = -1,
        responderSpi = -1, vendorId = -1, version = -1, cert = -1;
};

struct Name {
    uint16_t id;
    const char* name;
};

constexpr Name kV1Exchanges[] = {
    {0, "none"},       {1, "base"},          {2, "identity-protection"}, {3, "authentication-only"},
    {4, "aggressive"}, {5, "informational"}, {32, "quick-mode"},         {33, "new-group-mode"}};
constexpr Name kV2Exchanges[] = {{34, "ike-sa-init"}, {35, "ike-auth"}, {36, "create-child-sa"}, {37, "informational"}};
constexpr Name kV1Encryption[] = {{1, "des-cbc"},  {2, "idea-cbc"}, {3, "blowfish-cbc"}, {4, "rc5-r16-b64-cbc"},
                                  {5, "3des-cbc"}, {6, "cast-cbc"}, {7, "aes-cbc"},      {8, "camellia-cbc"}};
constexpr Name kV2Encryption[] = {{2, "des"},           {3, "3des"},          {5, "idea"},
                                  {6, "cast"},          {7, "blowfish"},      {11, "null"},
                                  {12, "aes-cbc"},      {13, "aes-ctr"},      {14, "aes-ccm-8"},
                                  {15, "aes-ccm-12"},   {16, "aes-ccm-16"},   {18, "aes-gcm-8"},
                                  {19, "aes-gcm-12"},   {20, "aes-gcm-16"},   {21, "null-auth-aes-gmac"},
                                  {23, "camellia-cbc"}, {24, "camellia-ctr"}, {28, "chacha20-poly1305"}};
constexpr Name kV1Hash[] = {{1, "md5"}, {2, "sha1"}, {3, "tiger"}, {4, "sha2-256"}, {5, "sha2-384"}, {6, "sha2-512"}};
constexpr Name kV1Auth[] = {{1, "psk"},     {2, "dss-sig"},        {3, "rsa-sig"},       {4, "rsa-enc"},
                            {5, "rsa-enc"}, {64221, "hybrid-rsa"}, {65001, "xauth-psk"}, {65005, "xauth-rsa"}};
constexpr Name kGroups[] = {{1, "modp768"},        {2, "modp1024"},       {5, "modp1536"},       {14, "modp2048"},
                            {15, "modp3072"},      {16, "modp4096"},      {17, "modp6144"},      {18, "modp8192"},
                            {19, "ecp256"},        {20, "ecp384"},        {21, "ecp521"},        {22, "modp1024s160"},
                            {23, "modp2048s224"},  {24, "modp2048s256"},  {25, "ecp192"},        {26, "ecp224"},
                            {27, "brainpoolp224"}, {28, "brainpoolp256"}, {29, "brainpoolp384"}, {30, "brainpoolp512"},
                            {31, "curve25519"},    {32, "curve448"}};
constexpr Name kV2Prf[] = {{1, "prf-hmac-md5"},      {2, "prf-hmac-sha1"},     {3, "prf-hmac-tiger"},
                           {4, "prf-aes128-xcbc"},   {5, "prf-hmac-sha2-256"}, {6, "prf-hmac-sha2-384"},
                           {7, "prf-hmac-sha2-512"}, {8, "prf-aes128-cmac"}};

/// Vendor IDs Arkime names, matched on their first 8 bytes.
struct Vid {
    uint8_t prefix[8];
    const char* name;
};
constexpr Vid kVendorIds[] = {{{0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45}, "rfc3947-nat-t"},
                              {{0x90, 0xcb, 0x80, 0x91, 0x3e, 0xbb, 0x69, 0x6e}, "draft-ietf-nat-t-02"},
                              {{0xcd, 0x60, 0x46, 0x43, 0x35, 0xdf, 0x21, 0xf8}, "draft-ietf-nat-t-03"},
                              {{0x7d, 0x94, 0x19, 0xa6, 0x53, 0x10, 0xca, 0x6f}, "draft-ietf-nat-t-rfc"},
                              {{0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9}, "dpd"},
                              {{0x12, 0xf5, 0xf2, 0x8c, 0x45, 0x71, 0x68, 0xa9}, "cisco-unity"},
                              {{0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7, 0x12}, "xauth"},
                              {{0x1f, 0x07, 0xf7, 0x0e, 0xaa, 0x65, 0x14, 0xd3}, "cisco-concentrator"},
                              {{0x40, 0x48, 0xb7, 0xd5, 0x6e, 0xbc, 0xe8, 0x85}, "ikev2"},
                              {{0x4d, 0x53, 0x2d, 0x4d, 0x61, 0x6d, 0x69, 0x65}, "ms-ikev2"},
                              {{0x1e, 0x2b, 0x51, 0x69, 0x05, 0x99, 0x1c, 0x7d}, "windows"},
                              {{0x4f, 0x45, 0x2e, 0x48, 0x4a, 0x52, 0x41, 0x4e}, "fortigate"},
                              {{0x16, 0x6f, 0x93, 0x2d, 0x55, 0xeb, 0x64, 0xd8}, "strongswan"},
                              {{0x69, 0x93, 0x69, 0x22, 0x87, 0x41, 0xc6, 0xd4}, "openswan"},
                              {{0x4f, 0x50, 0x45, 0x4e, 0x53, 0x77, 0x61, 0x6e}, "openswan2"},
                              {{0xfb, 0xf4, 0x76, 0x14, 0x98, 0x40, 0x31, 0xfa}, "checkpoint"},
                              {{0xf4, 0xed, 0x19, 0xe0, 0xc1, 0x14, 0xeb, 0x51}, "checkpoint-ng"}};

template <size_t N>
const char* lookup(const Name (&t)[N], uint32_t id) {
    for (const Name& n : t)
        if (n.id == id) return n.name;
    return nullptr;
}

constexpr size_t kHeader = 28;
constexpr uint16_t kNatTPort = 4500;
constexpr uint32_t kIpsecDoi = 1;
constexpr uint8_t kCertX509Signature = 4;
constexpr uint8_t kV1FlagEncrypted = 0x01;
enum class Payload : uint8_t {
    Sa = 1,
    Cert = 6,
    VendorId = 13,
    SaV2 = 33,
    CertV2 = 37,
    VendorIdV2 = 43,
    Encrypted = 46
};

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

/// A bounds-checked cursor: reads past the end leave `ok` false and return zeros.
struct Cursor {
    const uint8_t* p;
    size_t n;
    bool ok = true;
    size_t left() const { return ok ? n : 0; }
    uint8_t u8() {
        if (!ok || n < 1) return ok = false, 0;
        --n;
        return *p++;
    }
    uint16_t u16() {
        uint16_t hi = u8();
        return static_cast<uint16_t>(hi << 8 | u8());
    }
    uint32_t u32() {
        uint32_t hi = u16();
        return hi << 16 | u16();
    }
    void skip(size_t k) {
        if (!ok || n < k) {
            ok = false;
            return;
        }
        p += k, n -= k;
    }
    Cursor sub(size_t k) {
        Cursor c{p, ok && k <= n ? k : 0};
        if (!ok || k > n) c.ok = ok = false;
        skip(k);
        return c;
    }
};

struct Ctx {
    const Fields& f;
    const FieldRegistry& reg;
    Session& s;
};

/// IKEv1 transform: number, id, 2 reserved, then attributes (TV when the top bit is set, else TLV).
void v1_transform(Ctx& c, Cursor t) {
    if (t.left() < 4) return;
    t.skip(4);
    while (t.left() >= 4) {
        const uint16_t type = t.u16();
        if ((type & 0x8000) == 0) {
            t.skip(t.u16());
            continue;
        }
        const uint16_t v = t.u16();
        switch (type & 0x7fff) {
            case 1:
                add(c.reg, c.s, c.f.encryption, lookup(kV1Encryption, v));
                break;
            case 2:
                add(c.reg, c.s, c.f.hash, lookup(kV1Hash, v));
                break;
            case 3:
                add(c.reg, c.s, c.f.authMethod, lookup(kV1Auth, v));
                break;
            case 4:
                add(c.reg, c.s, c.f.dhGroup, lookup(kGroups, v));
                break;
        }
    }
}

/// IKEv1 proposal body: number, protocol, SPI size, transform count, SPI, transforms.
void v1_proposal(Ctx& c, Cursor p) {
    if (p.left() < 4) return;
    p.skip(2);
    const uint8_t spiSize = p.u8();
    const uint8_t count = p.u8();
    p.skip(spiSize);
    for (int i = 0; i < count && p.left() >= 4; ++i) {
        p.skip(2);
        const size_t len = p.u16();
        if (len < 4 || len > p.left() + 4) break;
        v1_transform(c, p.sub(len - 4));
    }
}

void v1_sa(Ctx& c, Cursor b) {
    if (b.left() < 8 || b.u32() != kIpsecDoi) return;
    b.skip(4);  // situation
    while (b.left() >= 4) {
        const uint8_t next = b.u8();
        b.skip(1);
        const size_t len = b.u16();
        if (len < 4 || len > b.left() + 4) break;
        v1_proposal(c, b.sub(len - 4));
        if (next == 0) break;
    }
}

void v2_proposal(Ctx& c, Cursor p) {
    if (p.left() < 8) return;
    p.skip(2);
    const uint8_t spiSize = p.u8();
    const uint8_t count = p.u8();
    p.skip(spiSize);
    for (int i = 0; i < count && p.left() >= 8; ++i) {
        p.skip(2);
        const size_t len = p.u16();
        if (len < 8 || len > p.left() + 4) break;
        Cursor t = p.sub(len - 4);
        const uint8_t type = t.u8();
        t.skip(1);
        const uint16_t id = t.u16();
        if (type == 1) add(c.reg, c.s, c.f.encryption, lookup(kV2Encryption, id));
        if (type == 2) add(c.reg, c.s, c.f.hash, lookup(kV2Prf, id));
        if (type == 4) add(c.reg, c.s, c.f.dhGroup, lookup(kGroups, id));
    }
}

void v2_sa(Ctx& c, Cursor b) {
    while (b.left() >= 8) {
        const uint8_t last = b.u8();
        b.skip(1);
        const size_t len = b.u16();
        if (len < 8 || len > b.left() + 4) break;
        v2_proposal(c, b.sub(len - 4));
        if (last == 0) break;
    }
}

void vendor_id(Ctx& c, Cursor b) {
    if (b.left() == 0) return;
    for (const Vid& v : kVendorIds)
        if (b.left() >= sizeof v.prefix && std::memcmp(b.p, v.prefix, sizeof v.prefix) == 0)
            return add(c.reg, c.s, c.f.vendorId, v.name);
    char buf[2 * 16 + 1];
    hex(b.p, std::min<size_t>(b.left(), 16), buf);
    add(c.reg, c.s, c.f.vendorId, buf);
}

/// A CERT payload holding a DER X.509 certificate, added to `cert` and tagged as TLS does
/// (tls::tag_certificate).
void certificate(Ctx& c, Cursor b) {
    if (c.f.cert < 0 || b.left() <= 1 || b.u8() != kCertX509Signature || b.left() == 0) return;
    if (b.left() > tls::kMaxCertBytes) return;
    tls::CertInfo info;
    if (!tls::decode_cert(b.p, b.left(), static_cast<int64_t>(c.s.firstUs / 1000000), info)) return;
    auto* objs = c.s.fields.object<tls::CertObjects>(c.reg, c.f.cert);
    if (!objs) return;
    tls::tag_certificate(c.s, info, objs->count() == 0);
    objs->add(std::move(info));
}

bool nat_t(const Session& s) {
    return s.port[0] == kNatTPort || s.port[1] == kNatTPort;
}

void message(Ctx& c, const uint8_t* d, size_t n) {
    if (nat_t(c.s)) {  // IKE on 4500 follows a 4-byte zero non-ESP marker; anything else is ESP
        if (n < 4 || std::memcmp(d, "\0\0\0\0", 4) != 0) return;
        d += 4, n -= 4;
    }
    if (n < kHeader) return;
    char buf[40];
    hex(d, 8, buf);
    add(c.reg, c.s, c.f.initiatorSpi, buf);
    static constexpr uint8_t kZero[8] = {};
    if (std::memcmp(d + 8, kZero, 8) != 0) {
        hex(d + 8, 8, buf);
        add(c.reg, c.s, c.f.responderSpi, buf);
    }
    const uint8_t major = d[17] >> 4, minor = d[17] & 15;
    std::snprintf(buf, sizeof buf, "%u.%u", major, minor);
    add(c.reg, c.s, c.f.version, buf);
    const bool v2 = major == 2;
    add(c.reg, c.s, c.f.exchangeType, v2 ? lookup(kV2Exchanges, d[18]) : lookup(kV1Exchanges, d[18]));
    if (!v2 && (d[19] & kV1FlagEncrypted)) return;  // IKEv2 is read up to its SK payload
    uint8_t next = d[16];
    Cursor b{d + kHeader, n - kHeader};
    while (next != 0 && b.left() >= 4) {
        const auto type = static_cast<Payload>(next);
        next = b.u8();
        b.skip(1);
        const size_t len = b.u16();
        if (len < 4 || len > b.left() + 4) break;
        Cursor body = b.sub(len - 4);
        switch (type) {
            case Payload::Sa:
                if (!v2) v1_sa(c, body);
                break;
            case Payload::SaV2:
                if (v2) v2_sa(c, body);
                break;
            case Payload::VendorId:
            case Payload::VendorIdV2:
                vendor_id(c, body);
                break;
            case Payload::Cert:
            case Payload::CertV2:
                certificate(c, body);
                break;
            case Payload::Encrypted:
                return;
        }
    }
}

int isakmp_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int) {
    Ctx c{*static_cast<const Fields*>(ctx), *s.table->context().registry, s};
    message(c, data, len);
    return 0;
}

/// Arkime's test for an IKE header: version 1 or 2, an exchange type of that version and no
/// undefined flag bits.
bool looks_like_ike(const Session& s, const uint8_t* d, uint32_t n) {
    if (nat_t(s)) {
        if (n < 4 || std::memcmp(d, "\0\0\0\0", 4) != 0) return false;
        d += 4, n -= 4;
    }
    if (n < kHeader) return false;
    const uint8_t major = d[17] >> 4, exch = d[18], flags = d[19];
    if (major == 1) return !((exch > 5 && exch < 32) || (exch > 33 && exch < 240)) && (flags & 0xf8) == 0;
    if (major == 2) return exch >= 34 && exch <= 37 && (flags & 0xc7) == 0;
    return false;
}

void isakmp_classify(void* ctx, Session& s, const uint8_t* data, uint32_t len, int) {
    if (!s.table || s.has_parser(isakmp_parse)) return;
    if (!s.table->has_protocol(s, "isakmp")) {
        if (!looks_like_ike(s, data, len)) return;
        s.table->add_protocol(s, "isakmp");
    }
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
    f.cert = r.fields.find_db("cert");
    // Port classifiers run in registration order: these come after the signature table's.
    constexpr uint8_t kUdpAny = classify::kPortUdpSrc | classify::kPortUdpDst;
    for (uint16_t port : {500, 4500})
        r.classifiers.add_port("isakmp-parser", port, kUdpAny, isakmp_classify, &f);
}

}  // namespace flowdex::protocols::isakmp
