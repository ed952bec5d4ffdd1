#pragma once
/// Content types of payload bytes (Arkime's `*.bodyMagic`), by libmagic: the MIME type of the
/// first bytes of a body. One libmagic handle per thread (handles are not thread-safe), opened on
/// first use with the system's compiled magic database (checks for archives, compressed data, ELF,
/// CDF, CSV and application types off); when it cannot be opened no type is given. At most the
/// first 256 bytes are typed, and identical byte strings are answered from a per-thread cache.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace flowdex::protocols {

/// The MIME type of `p[0..n)` ("text/html", "application/zip"…; lower-cased, gzip named
/// application/x-gzip as Arkime's libmagic does), empty when unknown or n is 0. Plain text is not
/// reported either: Arkime's records never carry text/plain (its HTTP request bodies and mail
/// parts typed text/plain get no body type), so neither do ours.
/// The view stays valid until the next call on the same thread.
std::string_view body_magic(const uint8_t* p, size_t n);

}  // namespace flowdex::protocols
