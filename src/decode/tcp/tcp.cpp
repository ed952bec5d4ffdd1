#include "core/byte_reader.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace {

constexpr uint32_t kHeader = 20;

// A header whose data offset is impossible still makes a TCP packet (flags and window count),
// but it carries no payload.
PacketRC tcp(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    if (len < kHeader) return d.note(Outcome::Truncated), PacketRC::Corrupt;
    p.l4Offset = offset_of(p, data);
    p.srcPort = load_be16(data);
    p.dstPort = load_be16(data + 2);
    p.tcpFlags = data[13];
    uint32_t doff = (data[12] >> 4) * 4u;
    if (doff < kHeader || doff > len) {
        p.payloadOffset = offset_of(p, data + len);
        p.payloadLen = 0;
    } else {
        p.payloadOffset = offset_of(p, data + doff);
        p.payloadLen = len - doff;
    }
    d.finish_ip(p, SessionKind::Tcp);
    return PacketRC::DoProcess;
}

}  // namespace

void register_tcp(Decoder& d) {
    d.set_ip_handler(ipproto::kTcp, {tcp, nullptr, "tcp"});
}

}  // namespace flowdex::decode
