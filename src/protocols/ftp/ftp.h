#pragma once
/// FTP control connection over TCP (RFC 959). The name `ftp` comes from the signature table; this
/// module attaches a parser on port 21.
/// - server replies "ddd text" / "ddd-text": each code → `ftp.responseCode`; the text of the first
///   220 reply's first line → `ftp.banner`;
/// - client lines: the command verb (3-4 letters, upper-cased) → `ftp.command`; the argument of
///   USER (spaces around it trimmed, non-empty) → `user` (the general field, lower-cased by its kind);
/// - "AUTH TLS"/"AUTH SSL" answered with 234: TLS follows, classification restarts and this parser ends.
/// Bounds: lines are at most kMaxLine bytes; a longer line is skipped. The line being read counts
/// against the session's parser budget (`maxParserBuffer`); when the budget refuses it the parser
/// stops (fields already filled stay).
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::ftp {

constexpr size_t kMaxLine = 1024;

void register_ftp(Registries& r);

}  // namespace flowdex::protocols::ftp

namespace flowdex::protocols {
using ftp::register_ftp;
}
