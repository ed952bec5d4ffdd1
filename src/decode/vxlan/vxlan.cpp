#include "core/byte_reader.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace {

constexpr uint16_t kVxlanPort = 4789;
constexpr uint16_t kVxlanGpePort = 4790;
constexpr uint32_t kHeader = 8;
constexpr uint8_t kVniValid = 0x08;
enum class GpeNext : uint8_t { Ipv4 = 1, Ipv6 = 2, Ethernet = 3 };

uint32_t vni_of(const uint8_t* data) {
    return (uint32_t{data[4]} << 16) | (uint32_t{data[5]} << 8) | data[6];
}

PacketRC vxlan(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    if (len < kHeader || !(data[0] & kVniValid)) return PacketRC::UnknownIp;
    p.tunnel = p.tunnel | Tunnel::Vxlan;
    p.vni = vni_of(data);
    p.vniSet = true;
    return d.decode_ethernet(p, data + kHeader, len - kHeader);
}

PacketRC vxlan_gpe(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    if (len < kHeader) return PacketRC::UnknownIp;
    p.tunnel = p.tunnel | Tunnel::VxlanGpe;
    p.vni = vni_of(data);
    p.vniSet = true;
    switch (static_cast<GpeNext>(data[3])) {
        case GpeNext::Ipv4:
            return d.run_ethernet(p, data + kHeader, len - kHeader, ethertype::kIpv4);
        case GpeNext::Ipv6:
            return d.run_ethernet(p, data + kHeader, len - kHeader, ethertype::kIpv6);
        case GpeNext::Ethernet:
            return d.decode_ethernet(p, data + kHeader, len - kHeader);
    }
    return PacketRC::UnknownIp;
}

}  // namespace

void register_vxlan(Decoder& d) {
    d.set_udp_port_handler(kVxlanPort, {vxlan, nullptr, "vxlan"});
    d.set_udp_port_handler(kVxlanGpePort, {vxlan_gpe, nullptr, "vxlan-gpe"});
}

}  // namespace flowdex::decode
