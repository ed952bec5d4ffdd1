#pragma once
/// Oracle TNS over TCP. The name `oracle` comes from the signature table; this module attaches a
/// parser on the client's first payload when it is a TNS CONNECT packet (type 1).
/// The connect descriptor "(DESCRIPTION=…(HOST=h)…(USER=u)…(SERVICE_NAME=s)…)" of the client's
/// first kMaxPackets TNS packets: the first HOST= value → `oracle.host`, USER= → `oracle.user`,
/// SERVICE_NAME= → `oracle.service` (the fields are lower-case terms).
/// Bounds: a TNS packet is kept whole up to kMaxPacket bytes (the rest is skipped). The bytes held
/// count against the session's parser budget (`maxParserBuffer`); when it refuses them the parser
/// ends and gives them back (the fields of earlier packets stay).
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::oracle {

constexpr size_t kMaxPacket = 8192;
constexpr size_t kMaxPackets = 4;

void register_oracle(Registries& r);

}  // namespace flowdex::protocols::oracle

namespace flowdex::protocols {
using oracle::register_oracle;
}
