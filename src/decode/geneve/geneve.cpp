#include "core/byte_reader.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace {

constexpr uint16_t kGenevePort = 6081;
constexpr uint32_t kHeader = 8;

PacketRC geneve(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    if (len < kHeader || (data[0] >> 6) != 0) return PacketRC::UnknownIp;
    uint32_t hlen = kHeader + (data[0] & 0x3fu) * 4;
    if (hlen > len) return PacketRC::UnknownIp;
    p.tunnel = p.tunnel | Tunnel::Geneve;
    p.vni = (uint32_t{data[4]} << 16) | (uint32_t{data[5]} << 8) | data[6];
    p.vniSet = true;
    return d.run_ethernet(p, data + hlen, len - hlen, load_be16(data + 2));
}

}  // namespace

void register_geneve(Decoder& d) {
    d.set_udp_port_handler(kGenevePort, {geneve, nullptr, "geneve"});
}

}  // namespace flowdex::decode
