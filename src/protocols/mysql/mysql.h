#pragma once
/// MySQL over TCP: the connection handshake. The name `mysql` comes from the signature table;
/// this module attaches its parser on a server greeting (sequence 0, protocol version 10) and reads:
/// - the greeting's server version → `mysql.version`;
/// - the client's handshake response (sequence 1): the user name → `mysql.user`; a 32-byte SSL
///   request (CLIENT_SSL) instead starts TLS: classification restarts and the parser stops.
/// At most kMaxPacket bytes of each of these two packets are kept, and only until the packet is
/// read. They count against the session's parser budget (`maxParserBuffer`); when it refuses them
/// that direction gives up and gives its bytes back.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::mysql {

constexpr size_t kMaxPacket = 1024;

void register_mysql(Registries& r);

}  // namespace flowdex::protocols::mysql

namespace flowdex::protocols {
using mysql::register_mysql;
}
