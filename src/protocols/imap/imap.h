#pragma once
/// IMAP over TCP: the mailbox a client selects and the headers of the messages the server sends,
/// filling Arkime's `email.*` fields. The name `imap` comes from the signature table (a `* OK`
/// greeting that mentions IMAP); this module attaches its parser on the same greeting.
///
/// Client commands: `SELECT`/`EXAMINE` mailbox (quoted or atom) → `email.folder`.
/// Server responses: a line that ends in a literal `{N}` announces N bytes of message data. In a
/// literal, header lines are read until the first empty line (the rest is the body and is skipped):
/// From → `email.src`, To/Cc → `email.dst` (each address of the list: the part in <>, or a bare
/// address; pieces with no '@' are dropped), Subject → `email.subject` (RFC 2047 words decoded).
/// As Arkime does, header lines are taken one at a time: a folded continuation line is not joined
/// to its header and adds nothing, and blanks after the colon are dropped.
///
/// Bounds: one line buffer per direction (kMaxLine, longer lines are cut); literal byte counts are
/// followed exactly, so a body line that looks like a header is never read as one. The lines being
/// read count against the session's parser budget (`maxParserBuffer`); when the budget refuses
/// one the parser stops (fields already filled stay).
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::imap {

constexpr size_t kMaxLine = 8192;

void register_imap(Registries& r);

}  // namespace flowdex::protocols::imap

namespace flowdex::protocols {
using imap::register_imap;
}
