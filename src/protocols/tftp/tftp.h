#pragma once
/// TFTP over UDP port 69 (RFC 1350, RFC 2347): every datagram of the session to port 69 → its
/// opcode name in `tftp.opcode` (rrq, wrq, data, ack, error, oack); a read or write request's
/// file name (up to its NUL, at most kMaxName bytes) → `tftp.filename`. Stateless.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::tftp {

constexpr size_t kMaxName = 512;

void register_tftp(Registries& r);

}  // namespace flowdex::protocols::tftp

namespace flowdex::protocols {
using tftp::register_tftp;
}
