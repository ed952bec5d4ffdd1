#pragma once
/// RDP connection negotiation (X.224 over TPKT), read from the first payload of each direction
/// (the name `rdp` comes from the signature table):
/// - client Connection Request: `Cookie: mstshash=NAME` → `user` (lower-cased, as Arkime stores it); RDP_NEG_REQ's
///   requested protocols → `rdp.requestedProtocols` (rdp when none, else ssl, nla, rdstls, nla_ex…);
/// - server Connection Confirm: RDP_NEG_RSP's selected protocol → `rdp.selectedProtocol`.
/// Only bytes inside the TPKT length are read.
#include "protocols/protocols.h"

namespace flowdex::protocols::rdp {

void register_rdp(Registries& r);

}  // namespace flowdex::protocols::rdp

namespace flowdex::protocols {
using rdp::register_rdp;
}
