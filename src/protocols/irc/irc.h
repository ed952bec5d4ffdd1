#pragma once
/// IRC over TCP (RFC 2812): the client's command lines. The name `irc` comes from the signature
/// table; this module attaches a parser on the client's NICK, CAP or USER first line.
/// - "NICK <nick>" → `irc.nick`;
/// - "JOIN <channels> [keys]" → `irc.channel` (the channel list as sent, e.g. "#a,#b").
/// Bounds: lines are at most kMaxLine bytes (IRC's own limit is 512); a longer line is skipped.
/// The line being read counts against the session's parser budget (`maxParserBuffer`); when the
/// budget refuses it the parser stops (fields already filled stay).
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::irc {

constexpr size_t kMaxLine = 1024;

void register_irc(Registries& r);

}  // namespace flowdex::protocols::irc

namespace flowdex::protocols {
using irc::register_irc;
}
