#include <algorithm>

#include "core/byte_reader.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace {

constexpr uint32_t kHeader = 8;
constexpr uint32_t kMinTunnelPayload = 8;

PacketRC udp(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    if (len < kHeader) return d.note(Outcome::Truncated), PacketRC::Corrupt;
    p.l4Offset = offset_of(p, data);
    p.srcPort = load_be16(data);
    p.dstPort = load_be16(data + 2);
    uint32_t ulen = load_be16(data + 4);
    uint32_t avail = static_cast<uint32_t>(p.caplen - p.l4Offset);
    uint32_t dataLen = std::min(ulen, avail);
    dataLen = dataLen > kHeader ? dataLen - kHeader : 0;
    dataLen = std::min(dataLen, len - kHeader);
    if (dataLen > kMinTunnelPayload) {
        // A tunnel on the destination port decodes the inner packet; if it declines, this stays UDP.
        Packet saved = p;
        PacketRC rc = d.run_udp_port(p, data + kHeader, dataLen, p.dstPort);
        if (rc != PacketRC::UnknownIp && rc != PacketRC::UnknownEther) return rc;
        p = saved;
    }
    p.payloadOffset = offset_of(p, data + kHeader);
    p.payloadLen = dataLen;
    d.finish_ip(p, SessionKind::Udp);
    return PacketRC::DoProcess;
}

}  // namespace

void register_udp(Decoder& d) { d.set_ip_handler(ipproto::kUdp, {udp, nullptr, "udp"}); }

}  // namespace flowdex::decode
