#pragma once
/// ISAKMP / IKEv1 (RFC 2408/2409) and IKEv2 (RFC 7296) over UDP 500 and 4500, following Arkime's
/// isakmp parser. A session is named `isakmp` by the signature table or, on ports 500/4500, by this
/// module's header check on the first datagram of either direction (version 1 or 2; an exchange type
/// of that version; no undefined flag bits). When either port is 4500 only datagrams behind the
/// 4-byte zero non-ESP marker are IKE (others are ESP and skipped). Each IKE datagram gives:
/// - header: initiator SPI → `isakmp.initiatorSpi`, a non-zero responder SPI →
///   `isakmp.responderSpi` (hex), version → `isakmp.version` ("1.0", "2.0"), exchange type →
///   `isakmp.exchangeType` (IKEv1 names for major 1, IKEv2 names 34..37 for major 2);
/// - payloads (IKEv1 without the encryption flag; IKEv2 until an SK payload): SA transforms →
///   `isakmp.encryption` (IKEv1 and IKEv2 ids each by their own IANA table), `isakmp.hash` (IKEv1
///   hash, IKEv2 PRF), `isakmp.dhGroup`,
///   `isakmp.authMethod`; Vendor ID payloads → `isakmp.vendorId` (a name when the first 8 bytes are
///   one Arkime knows, else up to 16 bytes in hex); CERT payloads with X.509 signature encoding →
///   `cert` (decoded as TLS does, protocols/tls/certs.h), and the session's first certificate, when
///   not a CA and with one equal subject/issuer common name and equal (or no) organization names,
///   tags the session `cert:self-signed`.
/// Every length is checked against its container; nothing is kept between datagrams.
#include "protocols/protocols.h"

namespace flowdex::protocols::isakmp {

void register_isakmp(Registries& r);

}  // namespace flowdex::protocols::isakmp

namespace flowdex::protocols {
using isakmp::register_isakmp;
}
