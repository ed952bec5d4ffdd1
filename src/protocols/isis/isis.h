#pragma once
/// IS-IS (ISO 10589) over OSI LLC: the decoder lumps every IS-IS frame of a capture into one `isis`
/// session (decode/other); this parser names each PDU's type in `isis.msgType`, as Arkime does:
/// lan-l1-hello, lan-l2-hello, p2p-hello, l1-lsp, l2-lsp, l1-csnp, l2-csnp, l1-psnp, l2-psnp,
/// `unk-<n>` for another type and `err-len-<n>` for a PDU too short to have one.
///
/// The payload it sees starts after the NLPID byte (0x83): length indicator, version, ID length,
/// then the PDU type in the low five bits. Nothing is held between frames.
#include <cstdint>

#include "protocols/protocols.h"

namespace flowdex::protocols {

namespace isis {
inline constexpr uint16_t kNlpid = 0x83;  ///< the "ethertype" the 802.3 decoder dispatches IS-IS by
}

void register_isis(Registries& r);

}  // namespace flowdex::protocols
