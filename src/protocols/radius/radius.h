#pragma once
/// RADIUS (RFC 2865/2866/5176) and PANA (RFC 5191), both over UDP, one datagram per message. The
/// names `radius` and `pana` come from the signature table; this module attaches a parser to
/// every session so named.
/// RADIUS, per datagram (attributes read up to the header's length; the walk stops at the first
/// attribute whose length is below 2 or runs past it):
/// - code → `radius.msgType` (access-request, access-accept, accounting-request, coa-request, …);
/// - User-Name (1) → `radius.user`; NAS-IP-Address (4) → `radius.nasIp`; NAS-Port (5) →
///   `radius.nasPort`; Framed-IP-Address (8, exactly 4 bytes) → `radius.framedIp`;
///   Calling-Station-Id (31) holding a MAC (12 hex digits, any separators) → `radius.mac`
///   (aa:bb:cc:dd:ee:ff); Tunnel-Client-Endpoint (66, optional tag, text address) →
///   `radius.endpointIp`.
/// PANA, per datagram: message type → `pana.msgType` (client-initiation, auth, termination,
/// notification); a non-zero session id → `pana.sessionId` (8 hex digits); the identity of an
/// EAP-Response/Identity in an EAP-Payload AVP → `pana.user`. AVP lengths are checked against the
/// message; an AVP with the vendor bit whose value does not fit with a vendor id is read without
/// one (senders that set the bit without the field).
#include "protocols/protocols.h"

namespace flowdex::protocols::radius {

void register_radius(Registries& r);

}  // namespace flowdex::protocols::radius

namespace flowdex::protocols {
using radius::register_radius;
}
