#pragma once
/// TDS (Tabular Data Stream) over TCP: Microsoft SQL Server (TDS 7.x, [MS-TDS]) and Sybase (TDS 5.0).
/// The name `tds` comes from the signature table; this module attaches a parser to sessions so
/// named (on the client's first payload) and reads the user name of the client's login message
/// → `user` (the general field, lower-cased by its kind).
/// - The client stream is a run of packets: an 8-byte header (type, status whose bit 0 ends the
///   message, length big-endian including the header, spid, packet id, window) and a body; a
///   message is the bodies of its packets up to the one that ends it.
/// - TDS 7 LOGIN7 (type 0x10): the fixed part is 36 bytes, then the offset/length table whose
///   third and fourth 16-bit little-endian words (bytes 40..43) are ibUserName (offset from the
///   start of the LOGIN7 body) and cchUserName (UTF-16 code units); the name is UTF-16LE, converted
///   to UTF-8 (up to a NUL). A name that runs past the LOGIN7 length or kMaxLogin gives nothing.
/// - TDS 5 login (type 0x02): the login record starts with host name [30] and its length byte,
///   then user name [30] at body offset 31 and its length byte at 61; the name is the first
///   `length` bytes (up to a NUL); a length above 30 gives nothing.
/// - PRELOGIN (0x12) messages before the login are skipped. Any other packet type (SQL batch,
///   TLS records of an encrypted login, …), a header length below 8, or a login message of another
///   type than the one started ends the parser, as does the end of the login message.
/// Bounds: the first kMaxLogin bytes of the login message are kept; at most kMaxPackets packets are
/// read. The kept bytes count against the session's parser budget (`maxParserBuffer`): when refused,
/// the parser ends without a user name and gives them back.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::tds {

constexpr size_t kMaxLogin = 1024;
constexpr size_t kMaxPackets = 16;

void register_tds(Registries& r);

}  // namespace flowdex::protocols::tds

namespace flowdex::protocols {
using tds::register_tds;
}
