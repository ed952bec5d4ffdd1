#pragma once
/// ANSI C12.22 over TCP and UDP port 1153: the ACSE APDU ([APPLICATION 0]) of each message.
/// - called-AP-title [2] and calling-AP-title [6] (an OBJECT IDENTIFIER, dotted; a RELATIVE-OID
///   as its dotted arcs) → `c1222.calledApTitle`, `c1222.callingApTitle`;
/// - called-AP-invocation-id [4] and calling-AP-invocation-id [8] (INTEGER) →
///   `c1222.calledApInvocationId`, `c1222.callingApInvocationId`.
/// The security mode and response control of the calling authentication value are not decoded.
/// Bounds: a TCP message is kept up to kMaxMessage bytes; a longer or malformed one ends that direction.
/// The bytes held count against the session's parser budget (`maxParserBuffer`); when it refuses
/// them that direction ends and gives them back. A datagram is read in place.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::c1222 {

constexpr size_t kMaxMessage = 4096;

void register_c1222(Registries& r);

}  // namespace flowdex::protocols::c1222

namespace flowdex::protocols {
using c1222::register_c1222;
}
