#pragma once
/// SS7 over SIGTRAN (SCTP payload protocol ids 3 = M3UA and 2 = M2UA): each DATA message is
/// unpacked down to the user part it carries. The names `m3ua`/`m2ua` come from the signature
/// table; this module attaches a parser on the same first payloads and reads, per message:
/// - M3UA DATA (class 1 type 1) Protocol Data (tag 0x0210; tags 2 and 3 of early drafts carry the
///   MTP3 message as sent) or M2UA DATA (class 6 type 1) Protocol
///   Data 1 / 2 (tag 0x0300, or 0x0301 after a priority octet: an MTP3 SIO + ITU routing label): the service indicator
///   → `m3ua.si`, and protocol `sccp` (SI 3, when the SCCP message parses), `isup` (5) or `tup` (4);
/// - SCCP UDT/XUDT: calling / called party point codes (ITU 14-bit) → `sccp.src` / `sccp.dst`;
///   the user data as TCAP;
/// - TCAP begin/continue/end/unidirectional: each component's local operation code →
///   `tcap.opcode`; with a CAMEL application context (0.4.0.0.1.0.50–53, 0.4.0.0.1.21…) the protocol
///   `camel`, `camel.op` (operation name) and, for InitialDP, the calling party number's digits →
///   `camel.calling`.
/// Every length is checked against the message.
///
/// SCTP delivers each DATA chunk on its own, so a user message that the sender fragmented (B and
/// E chunk flags) arrives in pieces: a chunk shorter than the length its common header declares is
/// held, per direction, and the chunks after it are appended until that length is reached; the
/// whole message is then parsed. A chunk that does not fit what is missing, or that is a whole
/// message itself (version 1, reserved 0, declared length equal to its size), drops the held piece
/// (its end was lost). Bounds: at most kMaxReassembly bytes are held per direction; a message
/// declaring more is read from its first chunk alone. The held bytes count against the session's
/// parser budget (`maxParserBuffer`): when refused, that direction stops and gives them back (fields
/// of the messages read before stay).
#include <cstddef>
#include <cstdint>

#include "protocols/protocols.h"

namespace flowdex::session {
struct Session;
}

namespace flowdex::protocols::sigtran {

constexpr size_t kCommonHeader = 8;  ///< version, reserved, class, type, 32-bit length
constexpr size_t kMaxReassembly = 16384;

/// Parses one M3UA (`m2ua` false) or M2UA message and fills the fields of `s`.
void parse_message(session::Session& s, const uint8_t* p, size_t n, bool m2ua);

void register_sigtran(Registries& r);

}  // namespace flowdex::protocols::sigtran

namespace flowdex::protocols {
using sigtran::register_sigtran;
}
