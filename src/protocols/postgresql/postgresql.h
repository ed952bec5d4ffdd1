#pragma once
/// PostgreSQL over TCP (frontend/backend protocol 3.0). The name `postgresql` comes from the
/// signature table; this module attaches a parser on the same first payload.
/// - SSLRequest (code 80877103): the server's one-byte answer decides: 'S' → TLS follows, so
///   classification restarts and this parser ends; 'N' → the StartupMessage follows in clear.
/// - StartupMessage (protocol 3.0): its parameters user → `postgresql.user`, database →
///   `postgresql.db`, application_name → `postgresql.app`.
/// Bounds: at most kMaxStartup bytes of the startup message are kept; anything else ends the parser.
/// Those bytes count against the session's parser budget (`maxParserBuffer`); when it refuses them
/// the parser ends and gives them back.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::postgresql {

constexpr size_t kMaxStartup = 4096;

void register_postgresql(Registries& r);

}  // namespace flowdex::protocols::postgresql

namespace flowdex::protocols {
using postgresql::register_postgresql;
}
