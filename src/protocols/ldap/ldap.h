#pragma once
/// LDAP over TCP (RFC 4511): the client's BindRequests. The name `ldap` comes from the signature
/// table; this module attaches a parser on the same first payload.
/// Per BindRequest ([APPLICATION 0] inside an LDAPMessage):
/// - the name → `ldap.bindname` ("<ROOT>" when empty);
/// - the authentication choice → `ldap.authtype`: simple [0] ("simple", or "none" with an empty
///   password), sasl [3] ("sasl"), and Microsoft's Sicily tags [9] sicilyPackageDiscovery,
///   [10] ntlmsspNegotiate, [11] ntlmsspAuth.
/// Each field is taken as soon as its bytes are in, so a message cut short by the capture still
/// gives its name. Other operations are skipped by their length.
/// Bounds: at most kMaxMessage bytes of one message are kept; the rest of a longer message is
/// skipped. Anything that is not BER (e.g. SASL-wrapped traffic after a signing bind) ends the
/// parser for that direction. The bytes held count against the session's parser budget
/// (`maxParserBuffer`); when it refuses them the parser ends and gives them back (the fields of
/// the messages before stay).
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::ldap {

constexpr size_t kMaxMessage = 4096;

void register_ldap(Registries& r);

}  // namespace flowdex::protocols::ldap

namespace flowdex::protocols {
using ldap::register_ldap;
}
