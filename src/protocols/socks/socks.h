#pragma once
/// SOCKS 4/4a and 5 over TCP: follows the handshake for the `socks.*` fields and hands the stream
/// that follows to the classifiers again (restart_classification), so `http`, `tls`, `rdp`… carried
/// through the proxy are named and parsed too.
///
/// The protocol name `socks` comes from the signature table (named on the server's reply) and, for
/// SOCKS 5, from the parser on a valid method choice. This module attaches a parser on a client
/// first payload that looks like a SOCKS 4 request (`04`, command 1 or 2, a NUL-ended user id) or
/// on either side's first payload that is a SOCKS 5 greeting (`05`, 1..9 methods, nothing else):
/// as Arkime, the side that sends the greeting is the SOCKS client even when it answered the
/// connection (a reverse proxy, where the connection's initiator serves the tunnel). It then
/// reads (db names):
/// - SOCKS 4: `socks.ip` and `socks.port` of the request, `socks.host` for 4a (address 0.0.0.x),
///   `socks.user` for a non-empty user id; the tunnel starts after a granted reply (0x5a);
/// - SOCKS 5: the username/password sub-negotiation's user → `socks.user`; the request's address
///   (`socks.ip` for IPv4/IPv6, `socks.host` for a domain name) and `socks.port`; the tunnel starts
///   after a success reply.
/// Each side buffers at most kMaxMessage bytes; anything unexpected ends the parser. The bytes held
/// count against the session's parser budget (`maxParserBuffer`); when it refuses them the parser
/// ends and gives them back (fields of the steps before stay; the tunnel is not followed).
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::socks {

constexpr size_t kMaxMessage = 600;

void register_socks(Registries& r);

}  // namespace flowdex::protocols::socks

namespace flowdex::protocols {
using socks::register_socks;
}
