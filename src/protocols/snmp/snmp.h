#pragma once
/// SNMP (RFC 1157 v1, RFC 3416 v2c, RFC 3412/3414 v3) over UDP. The name `snmp` comes from the
/// signature table; this module attaches its parser to every UDP session so named and reads each
/// datagram with the lenient BER reader (core/ber.h, Clamp mode: a length past the end of the
/// datagram is cut there, as Arkime does):
/// - version 0/1/3 → `snmp.version` 1/2/3;
/// - v1/v2c: community → `snmp.community`; the PDU tag → `snmp.type` (GetRequest, GetNextRequest,
///   GetResponse, SetRequest, Trap, GetBulkRequest, InformRequest, SNMPv2-Trap, Report); a non-zero
///   error-status → `snmp.error` (noSuchName, …; not for GetBulkRequest whose fields differ);
///   each variable binding that is a SEQUENCE starting with an OID → `snmp.variable` (dotted); the
///   value of snmpTrapOID.0 (1.3.6.1.6.3.1.1.4.1.0) → `snmp.trapOid`;
/// - v3: msgFlags → `snmp.secLevel` (noAuthNoPriv, authNoPriv, authPriv); from the USM security
///   parameters (RFC 3414: an OCTET STRING holding SEQUENCE {engineID, engineBoots, engineTime,
///   userName, …}) a non-empty authoritative engine id → `snmp.engineId` (hex) and a non-empty
///   msgUserName → `user` (the general field, lower-cased by its kind; cut to kMaxUserName bytes;
///   not when its length runs past the datagram); the scoped PDU is not read.
/// Nothing is kept between datagrams; every TLV is bounded by its container.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::snmp {

/// RFC 3414 limits msgUserName to 32 octets; longer names are cut here.
constexpr size_t kMaxUserName = 32;

void register_snmp(Registries& r);

}  // namespace flowdex::protocols::snmp

namespace flowdex::protocols {
using snmp::register_snmp;
}
