#pragma once
/// OPC UA Binary (IEC 62541) over TCP, on sessions the signature table named `opcua` (a Hello
/// first): every message has an 8-byte header (3-letter type, chunk type F/C/A, little-endian total
/// length). From the final chunk of
/// - HEL: the EndpointUrl (after five 32-bit fields) → `opcua.endpointUrl`;
/// - OPN: the SecurityPolicyUri → `opcua.securityPolicyUri`, and the SenderCertificate, decoded into
///   `cert` and tagged as TLS does (tls/certs.h).
/// Strings longer than kMaxString or a certificate longer than kMaxCert are not reported.
///
/// Bounds: the first kMaxMessages messages of each direction are read; a message is held until it
/// is complete (at most kMaxHeld bytes, under the session's parser budget, `maxParserBuffer`). A bad
/// header, a longer message or a refused one ends the parser.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols {

namespace opcua {
inline constexpr size_t kHeader = 8;
inline constexpr size_t kMaxMessages = 4;
inline constexpr size_t kMaxHeld = 32768;
inline constexpr size_t kMaxString = 4096;
inline constexpr size_t kMaxCert = 16384;
}  // namespace opcua

/// Registers the parser (after the signature table: its classifier checks the `opcua` name).
void register_opcua(Registries& r);

}  // namespace flowdex::protocols
