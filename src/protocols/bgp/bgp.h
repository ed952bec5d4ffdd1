#pragma once
/// BGP-4 over TCP (RFC 4271): the message types of both directions → `bgp.type`.
///
/// The name `bgp` comes from the signature table: as Arkime's destination-port classifier, a first
/// payload of at least a header opening with the 16-byte all-ones marker on a session whose server
/// port is 179. This module attaches its parser on the same payloads, using the same entry's
/// decision, so the parser runs exactly on the sessions named bgp.
///
/// Per direction the byte stream is cut into messages by their header: 16-byte marker (all ones),
/// 2-byte big-endian length (kMinMessage..kMaxMessage, header included), 1-byte type. Each
/// message's type is named as Arkime names it: 1 OPEN, 2 UPDATE, 3 NOTIFICATION, 4 KEEPALIVE.
/// Other types (5 ROUTE-REFRESH of RFC 2918 included: Arkime gives it no name) are framed and
/// skipped without a value. A header whose marker is not all ones or whose length is out of range
/// means the stream is not (or no longer) framed as BGP: that direction stops; when both have, the
/// parser is removed. (RFC 8654 extended messages above kMaxMessage count as out of range, as in Arkime.)
/// Quiet sessions are saved in pieces, as Arkime saves them: every message asks for a mid-save
/// when the session's next packet comes more than kIdleSaveSecs after it (FlowTable::save_when_idle),
/// so a peering that idles between keepalives is recorded before it ends.
/// Bounds: only the current header (kHeader bytes) is kept per direction; message bodies are
/// skipped, never copied.
#include <cstddef>
#include <cstdint>

#include "protocols/protocols.h"

namespace flowdex::protocols::bgp {

constexpr size_t kMarker = 16;
constexpr size_t kHeader = 19;
constexpr size_t kMinMessage = kHeader;
constexpr size_t kMaxMessage = 4096;
/// Seconds without a BGP message after which the session's next packet mid-saves it.
constexpr uint32_t kIdleSaveSecs = 10;

void register_bgp(Registries& r);

}  // namespace flowdex::protocols::bgp

namespace flowdex::protocols {
using bgp::register_bgp;
}
