#pragma once
/// Android Debug Bridge over TCP. The name `adb` comes from the signature table; this module
/// attaches a parser on the same first payloads and fills the `adb.*` fields.
///
/// Transport protocol (device port 5555): 24-byte little-endian message headers (command, arg0,
/// arg1, data length, data CRC, magic = ~command) followed by the data.
/// - every known command → `adb.command` (lower-cased: cnxn, auth, open, okay, clse, wrte, sync, stls);
/// - CNXN: arg0 → `adb.version` ("0x%08x"), arg1 → `adb.maxpayload` (decimal); the data
///   "systemtype:serial:banner" → `adb.systemtype` and (when not empty) `adb.serial`;
/// - AUTH: arg0 1/2/3 → `adb.authtype` token/signature/rsapublickey;
/// - OPEN: the destination up to ':' or ',' → `adb.service`; arg0 → `adb.streamid`;
///   "forward:L;R" and "reverse:forward:L;R" (optionally with "norebind:") → `adb.forward.direction`,
///   `adb.forward.local`, `adb.forward.remote`;
/// - OKAY, WRTE, CLSE: "arg0-arg1" → `adb.streamid`;
/// - WRTE on a "sync:" stream: the sync requests and replies (4-byte id, 4-byte length) →
///   `adb.sync.operation`, paths of STAT/LIST/SEND/RECV → `adb.sync.path` (SEND's ",mode" cut off);
/// - WRTE from the peer on a "shell,v2" stream: the shell protocol's exit packet (id 3) →
///   `adb.shell.exitcode`;
/// - STLS from both sides: TLS follows, so classification restarts and this parser ends.
/// Smart-socket protocol (adb server port 5037): the client's requests are 4 hex digits of
/// length then the request; "host:…" → `adb.service` and the forward fields as above.
///
/// Bounds: at most kMaxData bytes of one message's data are kept (the rest is skipped), at most
/// kMaxStreams streams are tracked for sync/shell decoding; a bad magic or length ends that direction.
/// The kept header and data count against the session's parser budget (`maxParserBuffer`): when
/// refused, that direction ends too and gives its bytes back (fields already filled stay).
/// Sync and shell packets are decoded within one WRTE; a packet's data running into the next WRTE is
/// skipped, a header split across WRTEs is not decoded.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::adb {

constexpr size_t kHeader = 24;
constexpr size_t kMaxData = 4096;
constexpr size_t kMaxStreams = 32;
constexpr size_t kMaxRequest = 1024;

void register_adb(Registries& r);

}  // namespace flowdex::protocols::adb

namespace flowdex::protocols {
using adb::register_adb;
}
