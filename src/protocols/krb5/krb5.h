#pragma once
/// Kerberos 5 (RFC 4120) over UDP and TCP port 88 (TCP messages carry a 4-byte length first).
/// The name `krb5` comes from the signature table; this module attaches a parser on port 88.
/// - AS-REQ / TGS-REQ: the request body's cname and sname (name strings joined with '/') →
///   `krb5.cname`, `krb5.sname`; realm → `krb5.realm`; the encryption types → `krb5.etype` by name
///   (aes256-cts-hmac-sha1-96, rc4-hmac, …; unnamed and private negative types are left out);
/// - AS-REP / TGS-REP: crealm, cname and the ticket's realm and sname;
/// - KRB-ERROR: error-code → `krb5.error` by name (KDC_ERR_PREAUTH_REQUIRED, …), crealm/realm,
///   cname, sname.
/// Bounds: a TCP message over kMaxMessage bytes is skipped; BER lengths are checked against the
/// message, so a malformed message adds only what was complete before the damage. A TCP message
/// held while it arrives counts against the session's parser budget (`maxParserBuffer`); when it
/// refuses the bytes that direction ends and gives them back. A datagram is read in place.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::krb5 {

constexpr size_t kMaxMessage = 16384;

void register_krb5(Registries& r);

}  // namespace flowdex::protocols::krb5

namespace flowdex::protocols {
using krb5::register_krb5;
}
