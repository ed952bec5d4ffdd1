#include "session/community_id.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstring>

namespace flowdex::session {
namespace {

constexpr uint8_t kIcmp = 1;
[[maybe_unused]] constexpr uint8_t kIcmpv6 = 58;

std::string hash(const uint8_t* src, const uint8_t* dst, bool v6, uint8_t proto, uint16_t sport, uint16_t dport,
                 bool hasPorts, bool oneWay, uint16_t seed) {
    size_t alen = v6 ? 16 : 4;
    int c = std::memcmp(src, dst, alen);
    if (!oneWay && (c > 0 || (c == 0 && hasPorts && sport > dport))) {
        std::swap(src, dst);
        std::swap(sport, dport);
    }
    uint8_t buf[2 + 32 + 2 + 4];
    size_t n = 0;
    buf[n++] = static_cast<uint8_t>(seed >> 8);
    buf[n++] = static_cast<uint8_t>(seed);
    std::memcpy(buf + n, src, alen);
    n += alen;
    std::memcpy(buf + n, dst, alen);
    n += alen;
    buf[n++] = proto;
    buf[n++] = 0;
    if (hasPorts) {
        buf[n++] = static_cast<uint8_t>(sport >> 8);
        buf[n++] = static_cast<uint8_t>(sport);
        buf[n++] = static_cast<uint8_t>(dport >> 8);
        buf[n++] = static_cast<uint8_t>(dport);
    }
    uint8_t digest[SHA_DIGEST_LENGTH];
    SHA1(buf, n, digest);
    char b64[32];
    int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64), digest, SHA_DIGEST_LENGTH);
    return "1:" + std::string(b64, static_cast<size_t>(len));
}

// The spec's counterpart types; -1 when the type has none (a one-way message).
int icmp_counterpart(uint8_t proto, uint8_t type) {
    if (proto == kIcmp) {
        switch (type) {
            case 8:
                return 0;
            case 0:
                return 8;
            case 13:
                return 14;
            case 14:
                return 13;
            case 15:
                return 16;
            case 16:
                return 15;
            case 10:
                return 9;
            case 9:
                return 10;
            case 17:
                return 18;
            case 18:
                return 17;
        }
    } else {
        switch (type) {
            case 128:
                return 129;
            case 129:
                return 128;
            case 133:
                return 134;
            case 134:
                return 133;
            case 135:
                return 136;
            case 136:
                return 135;
            case 130:
                return 131;
            case 131:
                return 130;
            case 144:
                return 145;
            case 145:
                return 144;
        }
    }
    return -1;
}

}  // namespace

std::string community_id(const uint8_t* src, const uint8_t* dst, bool v6, uint8_t proto, uint16_t sport, uint16_t dport,
                         bool hasPorts, uint16_t seed) {
    return hash(src, dst, v6, proto, sport, dport, hasPorts, false, seed);
}

std::string community_id_icmp(const uint8_t* src, const uint8_t* dst, bool v6, uint8_t proto, uint8_t type,
                              uint8_t code, uint16_t seed) {
    int other = icmp_counterpart(proto, type);
    if (other < 0) return hash(src, dst, v6, proto, type, code, true, true, seed);
    return hash(src, dst, v6, proto, type, static_cast<uint16_t>(other), true, false, seed);
}

}  // namespace flowdex::session
