#pragma once
/// DHCP (UDP 67/68) and DHCPv6 (UDP 546/547): every datagram of the session is read. The names
/// `dhcp`/`dhcpv6` come from the signature table; this module attaches its parser on the same ports.
/// - DHCP (BOOTP with the magic cookie): option 53 → `dhcp.type` (DISCOVER, OFFER, REQUEST…),
///   xid → `dhcp.id` (hex), chaddr (Ethernet, 6 bytes) → `dhcp.mac`, option 12 → `dhcp.host`,
///   option 60 → `dhcp.classId`, option 50 → `dhcp.requestIp`;
/// - DHCPv6: message type → `dhcp.type` (SOLICIT, …, RELAY_FORW, RELAY_REPL, LEASEQUERY…) and,
///   for client/server messages, the 3-byte transaction id → `dhcp.id` (hex).
/// `dhcp.oui` (vendor names) needs an OUI database and is not filled. Every option length is
/// checked against the datagram.
#include "protocols/protocols.h"

namespace flowdex::protocols::dhcp {

void register_dhcp(Registries& r);

}  // namespace flowdex::protocols::dhcp

namespace flowdex::protocols {
using dhcp::register_dhcp;
}
