#pragma once
/// Text forms of addresses: IPv4 dotted quad, IPv6 compressed (RFC 5952, as inet_ntop writes it).
#include <arpa/inet.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace flowdex {

/// Writes the address at `addr` (4 or 16 bytes) into `out` (at least 46 bytes); returns the length.
inline size_t format_ip(const uint8_t* addr, bool v6, char* out) {
    if (!inet_ntop(v6 ? AF_INET6 : AF_INET, addr, out, 46)) {
        out[0] = '\0';
        return 0;
    }
    return std::strlen(out);
}

}  // namespace flowdex
