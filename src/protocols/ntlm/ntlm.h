#pragma once
/// NTLMSSP inside other protocols (HTTP, LDAP, DCE/RPC, SMTP, IMAP, POP3, TDS): the carrier's
/// classifier calls attach(), which adds a scanner to the session. The scanner looks through each
/// direction's payload for a raw NTLMSSP message (`NTLMSSP\0`) or a base64 one (`TlRMTVNTUA`, as
/// in HTTP `Authorization: NTLM …` or SMTP/IMAP/POP3 `AUTH NTLM`), reassembles it across payload
/// pieces (bounded: kMaxMessage bytes raw, kMaxBase64 encoded), and fills (db names):
/// - `ntlm.type`: "1" negotiate, "2" challenge, "3" authenticate;
/// - `ntlm.version`: "major.minor.build" of the Version structure when the flags announce one;
/// - `ntlm.domain`, `ntlm.host` (workstation): from negotiate (OEM strings) and authenticate;
/// - `ntlm.targetName`: from challenge;
/// - `user`: the authenticate message's user name, case kept;
/// and names the protocol `ntlm` on the first message that parses.
/// A security buffer whose length or offset is beyond any message (over kMaxMessage) is skipped and
/// the others are still read, as Arkime reads a crafted AUTHENTICATE (smbtorture's junk responses).
/// SMB does not use the scanner: its parser hands parse_message the blobs Arkime reads (smb/smb.h).
/// Scanning stops after kMaxScan bytes per direction (authentication comes early in a session).
/// The message being collected counts against the session's parser budget (`maxParserBuffer`):
/// when the budget refuses it, that direction gives it back and is scanned no more.
#include <cstddef>
#include <cstdint>

#include "protocols/protocols.h"

namespace flowdex::session {
struct Session;
}

namespace flowdex::protocols::ntlm {

constexpr size_t kMaxMessage = 4096;
constexpr size_t kMaxBase64 = 8192;
constexpr size_t kMaxScan = 65536;

enum class Parse : uint8_t { Done, NeedMore, Bad };

/// Parses one raw NTLMSSP message starting at `p` (signature included) and fills the fields.
/// NeedMore when a length or offset in it points past `n`; Bad when it is not NTLMSSP.
Parse parse_message(session::Session& s, const uint8_t* p, size_t n);

/// Adds the NTLMSSP scanner to `s` (once per session). No-op when the ntlm fields were never registered.
void attach(session::Session& s);

/// Resolves the ntlm fields of this registry (they are built-in).
void register_ntlm(Registries& r);

}  // namespace flowdex::protocols::ntlm

namespace flowdex::protocols {
using ntlm::register_ntlm;
}
