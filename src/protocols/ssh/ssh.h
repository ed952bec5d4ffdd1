#pragma once
/// SSH over TCP: the version exchange and the clear-text key exchange. The name `ssh` comes from
/// the signature table (`SSH-` first payload); this module attaches its parser on the same bytes.
/// Per direction:
/// - the identification line (up to CR/LF) → `ssh.version` (lower-cased);
/// - binary packets until NEWKEYS: KEXINIT → HASSH, the MD5 of
///   "kex;encryption;mac;compression" (the client-to-server lists from the client: `ssh.hassh`,
///   the server-to-client lists from the server: `ssh.hasshServer`); the server's KEXDH/ECDH reply
///   (31) or DH-GEX reply (33) host key blob, base64 → `ssh.key`.
/// Bounds: at most kMaxLine bytes of identification and kMaxPacket bytes of one packet are kept;
/// anything larger or malformed ends that direction. The held bytes count against the session's
/// parser budget (`maxParserBuffer`); when it refuses them the direction ends and gives them back.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::ssh {

constexpr size_t kMaxLine = 255;
constexpr size_t kMaxPacket = 35000;

void register_ssh(Registries& r);

}  // namespace flowdex::protocols::ssh

namespace flowdex::protocols {
using ssh::register_ssh;
}
