#pragma once
/// OSPF (IP protocol 89; RFC 2328 for version 2, RFC 5340 for version 3), as Arkime reports it.
/// The session (addresses, no ports) is named `ospf` by the decoder; this parser reads the common
/// header of each of the session's first kMaxPackets packets whose payload holds at least
/// kMinHeader bytes and whose version is 2 or 3:
/// - the packet type → `ospf.msgType`: Hello, DBDesc, LSReq, LSUpdate, LSAck, else `unk-<n>`;
/// - the router id (bytes 4-7) → `ospf.routerId` and the area id (bytes 8-11) → `ospf.areaId`,
///   both dotted quads;
/// - OSPFv2 with 16 bytes or more: the authentication type (bytes 14-15) tags the session
///   `ospf:auth-null` (0) or `ospf:auth-simple` (1, a clear-text password).
/// Stateless per packet; nothing is kept.
#include <cstddef>
#include <cstdint>

#include "protocols/protocols.h"

namespace flowdex::protocols::ospf {

/// IP protocol number of OSPF.
constexpr uint8_t kIpProtocol = 89;
/// Bytes of the common header read: version, type, length, router id, area id.
constexpr size_t kMinHeader = 12;
/// Packets of a session that are read (identifiers do not change after the first Hellos).
constexpr uint64_t kMaxPackets = 10;

void register_ospf(Registries& r);

}  // namespace flowdex::protocols::ospf

namespace flowdex::protocols {
using ospf::register_ospf;
}
