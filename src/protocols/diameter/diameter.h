#pragma once
/// Diameter (RFC 6733) over TCP or SCTP. The name `diameter` comes from the signature table; this
/// module attaches its parser to every session so named and reads each message of each direction
/// (messages may be split anywhere or several per segment):
/// - Application-Id → `diameter.app` as "Name (id)" ("Common (0)", "3GPP-Gx (16777238)", …;
///   "Unknown (id)" when not in the table);
/// - Command-Code and the R bit → `diameter.cmd` as "Name-Request (code)" / "Name-Answer (code)"
///   ("Unknown-Request (code)" when not in the table);
/// - base AVPs (no vendor id): Session-Id (263) → `diameter.sessionId`, Origin-Host (264) →
///   `diameter.originHost`, Origin-Realm (296) → `diameter.originRealm`, Destination-Host (293) →
///   `diameter.destHost`, Destination-Realm (283) → `diameter.destRealm`, User-Name (1) →
///   `diameter.user`, Result-Code (268) → `diameter.resultCode`.
/// Bounds: at most kMaxMessage bytes of one message are kept (the AVPs after them are skipped); a
/// header that is not Diameter version 1 ends the parser for that direction. The bytes held count
/// against the session's parser budget (`maxParserBuffer`); when it refuses them the direction
/// ends and gives them back.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::diameter {

constexpr size_t kMaxMessage = 16384;

void register_diameter(Registries& r);

}  // namespace flowdex::protocols::diameter

namespace flowdex::protocols {
using diameter::register_diameter;
}
