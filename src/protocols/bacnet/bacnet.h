#pragma once
/// BACnet/IP (ASHRAE 135 Annex J) over UDP: each datagram is one BVLL message. The name `bacnet`
/// comes from the signature table; this module attaches its parser when a UDP session's first
/// datagram is a BACnet/IP BVLL (type 0x81, function 0x00–0x0c, length = datagram size) and
/// reads every later datagram of either direction that is one:
/// - the BVLC function → `bacnet.function` (result, write-bdt, …, original-unicast,
///   original-broadcast, secured-bvll);
/// - for functions carrying an NPDU (forwarded-npdu, distribute-broadcast, original-unicast,
///   original-broadcast): the NPDU header (version 1, optional destination/source network
///   address, hop count) is walked; network-layer messages stop there;
/// - the APDU type → `bacnet.apduType` (confirmed-request, unconfirmed-request, simple-ack,
///   complex-ack, segment-ack, error, reject, abort);
/// - the service choice of confirmed and unconfirmed requests → `bacnet.service` (ASHRAE 135
///   clause 21 names, e.g. read-property, who-is, i-am);
/// - object names (CharacterString, character set 0 = UTF-8) → `bacnet.objectName` from who-has
///   (object-name choice), i-have, and ReadProperty / ReadPropertyMultiple acknowledgements of
///   the object-name property (77).
/// BACnet/IPv6 (type 0x82) datagrams are not read. Nothing is kept between datagrams.
#include "protocols/protocols.h"

namespace flowdex::protocols::bacnet {

void register_bacnet(Registries& r);

}  // namespace flowdex::protocols::bacnet

namespace flowdex::protocols {
using bacnet::register_bacnet;
}
