#pragma once
/// SIP (RFC 3261) over UDP, TCP or SCTP. The name `sip` comes from the signature table (a status
/// line or a request line with a `sip:` URI); this module attaches its parser to every session so
/// named, from the payload that named it on (earlier messages are not seen, as in Arkime).
/// Per message:
/// - status line `SIP/2.0 NNN …` → `sip.statuscode`; request line `METHOD uri SIP/2.0` → `sip.method`;
/// - headers (long or compact names, case-insensitive): Via → `sip.via`, From → `sip.from`,
///   To → `sip.to`, Call-ID → `sip.callid`, Contact → `sip.contact`, User-Agent → `sip.useragent`
///   (values trimmed, kept as sent); the user part of a `sip:`/`sips:` URI in From and To, and the
///   `username="…"` of Authorization / Proxy-Authorization → `sip.user`;
/// - over a stream (TCP, SCTP) the body (Content-Length bytes) is skipped and the next message
///   read; a datagram is one message.
/// Bounds: a header line is kept up to kMaxLine bytes (the rest of a longer line is dropped); a
/// start line that is not SIP ends the parser for that direction. The line being read counts
/// against the session's parser budget (`maxParserBuffer`); when the budget refuses it, that
/// direction stops as for a start line that is not SIP (over UDP: for the rest of that datagram).
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::sip {

constexpr size_t kMaxLine = 2048;

void register_sip(Registries& r);

}  // namespace flowdex::protocols::sip

namespace flowdex::protocols {
using sip::register_sip;
}
