#include "core/byte_reader.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace {

constexpr uint32_t kCommonHeader = 12;

PacketRC sctp(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    if (len < kCommonHeader) return d.note(Outcome::Truncated), PacketRC::Corrupt;
    p.l4Offset = offset_of(p, data);
    p.srcPort = load_be16(data);
    p.dstPort = load_be16(data + 2);
    p.payloadOffset = offset_of(p, data + kCommonHeader);
    p.payloadLen = len - kCommonHeader;
    d.finish_ip(p, SessionKind::Sctp);
    return PacketRC::DoProcess;
}

}  // namespace

void register_sctp(Decoder& d) {
    d.set_ip_handler(ipproto::kSctp, {sctp, nullptr, "sctp"});
}

}  // namespace flowdex::decode
