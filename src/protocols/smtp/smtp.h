#pragma once
/// SMTP over TCP: the command dialogue and the top-level headers of each message, filling
/// Arkime's `email.*` fields. The protocol name `smtp` comes from the signature table; this module
/// attaches its parser on the same first payloads (a 220 banner naming SMTP, or EHLO/HELO).
///
/// Client commands: EHLO/HELO → `email.smtpHello`; MAIL FROM:<a> → `email.src`; RCPT TO:<a> →
/// `email.dst`; AUTH PLAIN / AUTH LOGIN (inline or on the next line, base64) → `user`; STARTTLS
/// answered by 220 → the parser stops and classification restarts (TLS is named and parsed);
/// DATA answered by 354 → the message follows, up to the line ".".
/// Message headers (folded lines joined with their CRLF dropped): every name lower-cased →
/// `email.header`; Subject → `email.subject` (RFC 2047 B/Q words decoded to UTF-8 with iconv, one
/// blank between two words dropped; raw text that is not UTF-8 is read as windows-1252); From →
/// `email.src`, To/Cc → `email.dst` (the <address> or the bare value); Message-ID → `email.id`
/// (without <>); Content-Type → `email.contentType`; MIME-Version → `email.mimeVersion`;
/// User-Agent/X-Mailer → `email.useragent`; Received → `email.host` (the words after "from" and
/// "by", the part after an '@') and `email.ip` (bracketed addresses); X-Originating-IP →
/// `email.ip`; any other header → `email.headerField` (name) and `email.headerValue` (value as sent).
/// Bodies: the MIME parts (protocols/smtp/mime.h) → `email.filename`, and for base64 parts
/// `email.md5`, `email.sha256` and `email.bodyMagic`.
///
/// Bounds: one line buffer per direction (kMaxLine, longer lines are cut) and one header value
/// (kMaxHeader); at most kMaxHeaders headers per message. These bytes, and the MIME reader's, count
/// against the session's parser budget (`maxParserBuffer`): when it refuses them the parser stops
/// (what it held goes back; fields already filled stay, the message being read adds no more).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/protocols.h"

namespace flowdex::protocols::smtp {

constexpr size_t kMaxLine = 8192;
constexpr size_t kMaxHeader = 16384;
constexpr size_t kMaxHeaders = 256;

void register_smtp(Registries& r);

/// RFC 2047 decoding of a header value: encoded words (B or Q, any charset iconv knows) anywhere,
/// one blank between two words dropped; text that is not UTF-8 is read as windows-1252. Shared
/// with IMAP.
std::string decode_header_words(std::string_view v);

/// The addresses of a From/To/Cc value: the list is split at commas outside quotes and <>, and
/// each piece gives the part in <> or, without one, the piece trimmed. Views into `v`.
std::vector<std::string_view> address_list(std::string_view v);

}  // namespace flowdex::protocols::smtp

namespace flowdex::protocols {
using smtp::register_smtp;
}
