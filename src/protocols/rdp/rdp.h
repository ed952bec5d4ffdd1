#pragma once
/// RDP connection negotiation (X.224 over TPKT), read from the first TPKT of each direction (the name
/// `rdp` comes from the signature table). A first payload starting 03 00 attaches the parser, which
/// puts that TPKT together from any number of segments and reads:
/// - client Connection Request: `Cookie: mstshash=NAME` → `user` (lower-cased, as Arkime stores it); RDP_NEG_REQ's
///   requested protocols → `rdp.requestedProtocols` (rdp when none, else ssl, nla, rdstls, nla_ex…);
/// - server Connection Confirm: RDP_NEG_RSP's selected protocol → `rdp.selectedProtocol`.
/// Only bytes inside the TPKT length are read, and only TPKTs of at most kMaxTpkt bytes; they are held
/// until whole under the session's parser budget (`maxParserBuffer`), which when it refuses them
/// ends that direction. A TPKT cut short gives nothing.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::rdp {

constexpr size_t kMaxTpkt = 1024;

void register_rdp(Registries& r);

}  // namespace flowdex::protocols::rdp

namespace flowdex::protocols {
using rdp::register_rdp;
}
