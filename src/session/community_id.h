#pragma once
/// Community ID v1 (https://github.com/corelight/community-id-spec): "1:" + base64(SHA-1(seed,
/// addresses, protocol, ports)) with the endpoints ordered so both directions hash alike. ICMP
/// and ICMPv6 use type/code as ports, with the request/reply counterpart pairs of the spec.
#include <cstdint>
#include <string>

namespace flowdex::session {

/// `src`/`dst` are 4 or 16 bytes. `hasPorts` is false for protocols without ports (ESP, …).
std::string community_id(const uint8_t* src, const uint8_t* dst, bool v6, uint8_t proto, uint16_t sport, uint16_t dport,
                         bool hasPorts, uint16_t seed = 0);

/// Same for ICMP/ICMPv6 (proto 1 or 58) from the first packet's type and code.
std::string community_id_icmp(const uint8_t* src, const uint8_t* dst, bool v6, uint8_t proto, uint8_t type,
                              uint8_t code, uint16_t seed = 0);

}  // namespace flowdex::session
