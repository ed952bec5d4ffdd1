#pragma once
/// DNS, LLMNR, mDNS and NBNS: Arkime's `dns` object array (with `dnsCnt`) and `nbns.*` fields.
///
/// Classification, as Arkime does it:
/// - UDP port 53 (either end) → "dns", 5355 → "llmnr", 5353 → "mdns": each registers a parser
///   that reads every datagram as one DNS message. An LLMNR/mDNS parser stays quiet when either
///   port is 53 (the "dns" parser reads those). The protocol is named by the first message that
///   parses (at least 17 bytes, opcode 0-5).
/// - TCP server port 53 → "dns": messages are length-prefixed and may be split anywhere; a prefix
///   below 17 ends parsing for the session. The unread bytes of each direction (at most
///   65535 + 2 + 65535) count against the session's parser budget (`maxParserBuffer`); when
///   refused, the parser stops for the session and gives them back (messages read stay).
/// - UDP port 137 → "nbns" when a first payload holds an encoded NetBIOS name; then every
///   datagram of 50 bytes or more fills nbns.name / queryHost / queryType / host / ip.
///
/// Objects of one segment of a long session are written with that segment only (Arkime's save
/// empties them), see DnsObjects::segment.
#include "protocols/dns/dns_message.h"
#include "protocols/protocols.h"

namespace flowdex::protocols {

/// Registers the fields (defining `dns` if the registry lacks it), classifiers and parsers.
/// `opts`: Arkime's parseDNSRecordAll / dnsOutputAnswers (the regression settings by default).
void register_dns(Registries& r, const dns::Options& opts = {});

}  // namespace flowdex::protocols
