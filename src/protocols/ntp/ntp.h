#pragma once
/// NTP over UDP port 123 (RFC 5905): every datagram of at least 48 bytes whose version is 1..4 →
/// `ntp.version`, the mode (client, server, symmetric-active, …) → `ntp.mode`, the stratum as a
/// class (0 unspecified, 1 primary, 2..15 secondary, 16 unsynchronized, above reserved) →
/// `ntp.stratum`, and a non-zero reference id → `ntp.refId`: the ASCII code at stratum 0 or 1
/// (kiss code or reference clock, NULs cut), eight hex digits above (an IPv4 address or hash).
/// Stateless: nothing is kept between datagrams.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::ntp {

constexpr size_t kMinPacket = 48;

void register_ntp(Registries& r);

}  // namespace flowdex::protocols::ntp

namespace flowdex::protocols {
using ntp::register_ntp;
}
