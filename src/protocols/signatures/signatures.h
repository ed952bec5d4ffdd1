#pragma once
/// Data-driven protocol signatures (Suricata-like descriptors): one table entry per way of
/// recognising a protocol on the first payload of a direction, naming it on the session and
/// nothing else (no fields, no parsers).
///
/// An entry matches when
/// - one of its `patterns` (bytes at an offset) matches the payload, or, when it has no patterns,
///   one of its `ports` matches (port classifiers), or its SCTP payload protocol id matches; and
/// - when it has both patterns and ports, one end of the session uses one of those ports; and
/// - its `probe`, if any, accepts the payload (a length field that must agree, a version range…).
/// The byte/port/ppid facts mirror what Arkime checks for the same protocol names; the code is ours.
///
/// Besides first-payload names for protocols parsed elsewhere, the table holds Arkime's
/// classify-only protocols: databases and caches (mongo, redis, memcached, zookeeper, hbase,
/// hadoop, hdfs, elasticsearch, nzsql), remote access (vnc, x11, telnet, rmi), messaging and
/// logging (jabber, flap, syslog, splunk, zabbix, nsclient), discovery and routing (ssdp, bjnp,
/// rip, hsrp/hsrpv2, aruba-papi, dropbox-lan-sync), ONC RPC programs (nfs, portmap, mount, …),
/// and a few others (gh0st, lmtp, tacacs, pjl, opcua, sccp/Skinny, safet, steam/valve games).
#include <cstdint>
#include <span>
#include <string_view>

#include "protocols/protocols.h"

namespace flowdex::session {
struct Session;
}

namespace flowdex::protocols::signatures {

/// Transports an entry applies to.
enum TransportMask : uint8_t { kTcp = 0x1, kUdp = 0x2, kSctp = 0x4, kTcpUdp = kTcp | kUdp };

/// `bytes` at `offset` of the first payload.
struct Pattern {
    uint32_t offset = 0;
    std::string_view bytes;
};

/// A port and which ends/transports it applies to (classify::PortKind bits). With patterns it
/// only filters (either end); without, it is registered as a port classifier.
struct PortRule {
    uint16_t port = 0;
    uint8_t kinds = 0;
};

/// Extra check on the payload; `which` 0 is client→server.
using Probe = bool (*)(const session::Session& s, const uint8_t* data, uint32_t len, int which);

struct Signature {
    constexpr Signature(std::string_view n, uint8_t t, std::span<const Pattern> pats = {},
                        std::span<const PortRule> prts = {}, Probe p = nullptr, uint32_t ppid = 0,
                        std::string_view a = {})
        : name(n), transports(t), patterns(pats), ports(prts), probe(p), sctpPpid(ppid), also(a) {}

    std::string_view name;
    uint8_t transports = 0;  ///< TransportMask bits (ignored for ppid-only entries)
    std::span<const Pattern> patterns;
    std::span<const PortRule> ports;
    Probe probe = nullptr;
    uint32_t sctpPpid = 0;  ///< non-zero: also match SCTP DATA chunks with this payload protocol id
    std::string_view also;  ///< optional second protocol name added with `name`
};

/// An OpenVPN hard-reset packet (client or server, v1/v2; the bytes after TCP's length prefix):
/// opcode, non-zero session id, an optional HMAC + packet id + time (SHA-1/256/512), no ack, and
/// packet id 0 or 1 ending the packet. Shared with the OpenVPN parser.
bool openvpn_hard_reset(const uint8_t* d, uint32_t len);

/// The built-in table (static storage; entries are registered by address).
std::span<const Signature> table();

/// True when `sig` accepts this payload on this session (ports filter and probe; the pattern is
/// assumed to have matched already).
bool accepts(const Signature& sig, const session::Session& s, const uint8_t* data, uint32_t len, int which);

/// Registers every entry of table() with the classifier registry.
void register_signatures(Registries& r);

}  // namespace flowdex::protocols::signatures

namespace flowdex::protocols {
using signatures::register_signatures;
}
