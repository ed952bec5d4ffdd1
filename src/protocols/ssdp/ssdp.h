#pragma once
/// SSDP (UPnP discovery, UDP): the headers a passive inventory wants, from every M-SEARCH, NOTIFY
/// and HTTP-style reply of a session the signature table named `ssdp`:
/// SERVER → `ssdp.server`, USER-AGENT → `ssdp.userAgent`, ST → `ssdp.st`, NT → `ssdp.nt`,
/// USN → `ssdp.usn`, LOCATION → `ssdp.location` (Arkime's fields; names matched without case,
/// values trimmed and cut at kMaxValue bytes). Each datagram is read on its own, up to the blank
/// line that ends its headers; a last line without its line end (a datagram cut short) is not read,
/// so that a cut value is never stored. Nothing is held between datagrams.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols {

namespace ssdp {
inline constexpr size_t kMaxValue = 1023;
}

/// Registers the parser (after the signature table: its classifiers check the `ssdp` name).
void register_ssdp(Registries& r);

}  // namespace flowdex::protocols
