#pragma once
/// STUN (RFC 5389, classic RFC 3489) and TURN (RFC 5766, RFC 6062) over UDP or TCP. The name
/// `stun` comes from the signature table; this module attaches its parser to every session so
/// named. A datagram is one message; over TCP messages follow each other (TURN ChannelData
/// frames, padded to 4 bytes, are skipped). Per message:
/// - method and class → `stun.type` ("Binding Request", "Allocate Response", "Allocate Error",
///   "Send Indication", …);
/// - attributes: USERNAME → `stun.username`, REALM → `stun.realm`, SOFTWARE → `stun.software`
///   (text up to the first NUL); ERROR-CODE → `stun.error` (class × 100 + number);
///   MAPPED-ADDRESS → `stun.mappedIp`/`stun.mappedPort`; XOR-MAPPED-ADDRESS, XOR-PEER-ADDRESS and
///   XOR-RELAYED-ADDRESS (un-XORed with the magic cookie and transaction id) →
///   `stun.xorMappedIp`/`Port`, `stun.xorPeerIp`/`Port`, `stun.xorRelayedIp`/`Port`.
/// Bounds: at most kMaxMessage bytes of a TCP message are kept (the attributes after them are
/// skipped); bytes that are neither STUN nor ChannelData end the parser for that direction. Those
/// held bytes count against the session's parser budget (`maxParserBuffer`); when it refuses them
/// the direction ends and gives them back. A datagram is parsed in place and holds nothing.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::stun {

constexpr size_t kMaxMessage = 4096;

void register_stun(Registries& r);

}  // namespace flowdex::protocols::stun

namespace flowdex::protocols {
using stun::register_stun;
}
