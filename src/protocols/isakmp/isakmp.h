#pragma once
/// ISAKMP / IKEv1 (RFC 2408/2409) and IKEv2 (RFC 7296) over UDP 500 and 4500 (after the 4-byte
/// non-ESP marker). The name `isakmp` comes from the signature table; this module attaches its
/// parser to every session so named and reads each datagram:
/// - header: initiator SPI → `isakmp.initiatorSpi`, a non-zero responder SPI →
///   `isakmp.responderSpi` (hex), version → `isakmp.version` ("1.0", "2.0"), exchange type →
///   `isakmp.exchangeType` (identity-protection, aggressive, quick-mode, ike-sa-init, ike-auth, …);
/// - unencrypted payloads (IKEv1 without the encryption flag; IKEv2 until an SK payload):
///   SA proposals' transforms → `isakmp.encryption`, `isakmp.hash` (IKEv1 hash, IKEv2 PRF),
///   `isakmp.dhGroup`, `isakmp.authMethod` (IKEv1 attributes: psk, rsa-sig, …); Vendor ID payloads
///   → `isakmp.vendorId`: a short name for the few IDs Arkime names (RFC 3706 DPD → "dpd"; the
///   4048b7d5… IKE fragmentation ID, which Arkime labels "ikev2"), else the first 16 bytes in hex.
/// Every payload length is checked against the datagram; nothing is kept between datagrams.
#include "protocols/protocols.h"

namespace flowdex::protocols::isakmp {

void register_isakmp(Registries& r);

}  // namespace flowdex::protocols::isakmp

namespace flowdex::protocols {
using isakmp::register_isakmp;
}
