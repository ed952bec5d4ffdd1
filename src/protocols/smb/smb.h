#pragma once
/// SMB over TCP (NetBIOS session framing, ports 445/139): Arkime's `smb.*` fields from the clear
/// parts of SMB1 and SMB2. The name `smb` comes from the signature table (`\xffSMB` / `\xfeSMB`
/// after the 4-byte NetBIOS header); this module attaches its parser on the same bytes.
///
/// SMB1 (strings ASCII or UTF-16LE by the Unicode flag, AndX chains followed):
/// - NEGOTIATE: the dialect the server picks (by index into the client's list) → `smb.dialect`;
/// - SESSION_SETUP_ANDX request: NativeOS → `smb.os`, NativeLanMan → `smb.version`, and without
///   extended security AccountName → `smb.user`, PrimaryDomain → `smb.domain`; with it the
///   PrimaryDomain after the security blob → `smb.domain`. Only the client's strings count, as in
///   Arkime's records;
/// - NTLMSSP, read as Arkime reads it: only from the security blob of a session setup flagged a
///   request (SMB1 or SMB2, whichever side sent it), when the blob is raw NTLMSSP or an SPNEGO
///   negTokenResp that opens with its responseToken. That message fills `ntlm.*` (ntlm::parse_message);
///   a wrapped AUTHENTICATE also gives `smb.user`, `smb.domain`, `smb.host`. A NEGOTIATE inside a
///   negTokenInit, a reply's blob and NTLMSSP anywhere else in the stream are not read (SMB sessions
///   get no ntlm scanner);
/// - TREE_CONNECT_ANDX request: the path → `smb.share`;
/// - OPEN_ANDX, NT_CREATE_ANDX and DELETE requests: the file name → `smb.filename` (for OPEN_ANDX
///   the byte before the name is skipped whatever it is, as Arkime does: an ASCII name loses its
///   first character, usually the leading backslash).
/// SMB2 (compound requests followed): SESSION_SETUP's NTLMSSP as above,
/// TREE_CONNECT → `smb.share`, CREATE → `smb.filename`.
///
/// Bounds: per direction the first kMaxKept bytes of each NetBIOS message are kept (the rest is
/// skipped), the client's dialect list holds at most kMaxDialects names, and every offset and
/// length is checked against what was kept. The kept bytes and the dialect names count against the
/// session's parser budget (`maxParserBuffer`): when refused, the direction reading that message
/// stops and gives its bytes back (fields already filled stay; the other direction goes on).
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::smb {

constexpr size_t kMaxKept = 8192;
constexpr size_t kMaxDialects = 24;
constexpr size_t kMaxString = 1024;

void register_smb(Registries& r);

}  // namespace flowdex::protocols::smb

namespace flowdex::protocols {
using smb::register_smb;
}
