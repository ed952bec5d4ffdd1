#include "decode/layers.h"

namespace flowdex::decode {
namespace {

constexpr uint32_t kEspHeader = 8;  // SPI and sequence number
constexpr uint32_t kAhFixed = 12;

PacketRC esp(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    if (!d.options().trackEsp) return PacketRC::UnknownIp;
    p.l4Offset = offset_of(p, data);
    p.payloadOffset = offset_of(p, data);
    p.payloadLen = len > kEspHeader ? len - kEspHeader : 0;
    d.finish_ip(p, SessionKind::Esp);
    return PacketRC::DoProcess;
}

// AH in front of ESP is tracked as an ESP session; AH over anything else is an unknown protocol.
PacketRC ah(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    if (!d.options().trackEsp || len < kAhFixed) return PacketRC::UnknownIp;
    uint32_t ahLen = (data[1] + 2u) * 4;
    if (data[0] != ipproto::kEsp || ahLen > len) return PacketRC::UnknownIp;
    PacketRC rc = esp(d, p, data + ahLen, len - ahLen, nullptr);
    p.payloadLen = len > kEspHeader ? len - kEspHeader : 0;
    return rc;
}

}  // namespace

void register_esp(Decoder& d) {
    d.set_ip_handler(ipproto::kEsp, {esp, nullptr, "esp"});
    d.set_ip_handler(ipproto::kAh, {ah, nullptr, "ah"});
}

}  // namespace flowdex::decode
