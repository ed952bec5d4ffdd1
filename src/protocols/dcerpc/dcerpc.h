#pragma once
/// DCE/RPC over TCP (connection-oriented PDUs, version 5.0): names `dcerpc` on the first payload
/// and parses every PDU of both directions for the `dcerpc.*` fields (message type, interface
/// UUID/version/name of bind and alter-context requests, request opnum). A bound interface that
/// is known (the UUID table mirrors Arkime's) is also added as a protocol name: `samr`, `lsarpc`…
///
/// Each direction holds at most one fragment (8192 bytes) plus the segment being read; those bytes
/// count against the session's parser budget (`maxParserBuffer`). When refused, that direction stops
/// and gives them back; the other direction and the fields already read stay.
#include <cstdint>
#include <string_view>

#include "protocols/protocols.h"

namespace flowdex::protocols::dcerpc {

/// The name of a known interface UUID (lower-case text form), or empty.
std::string_view interface_name(std::string_view uuid);

/// Text form (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`) of the 16-byte UUID at `p`, whose first three
/// fields are little-endian when `le`.
std::string format_uuid(const uint8_t* p, bool le);

void register_dcerpc(Registries& r);

}  // namespace flowdex::protocols::dcerpc

namespace flowdex::protocols {
using dcerpc::register_dcerpc;
}
