#include "core/byte_reader.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace {

constexpr uint8_t kBottomOfStack = 0x01;

PacketRC mpls(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    p.tunnel = p.tunnel | Tunnel::Mpls;
    uint32_t n = 0;
    while (true) {
        if (n + 4 > len) return d.note(Outcome::Truncated), PacketRC::Corrupt;
        bool bottom = (data[n + 2] & kBottomOfStack) != 0;
        n += 4;
        if (bottom) break;
    }
    if (n >= len) return d.note(Outcome::Truncated), PacketRC::Corrupt;
    uint8_t version = data[n] >> 4;
    if (version == 4) return d.run_ethernet(p, data + n, len - n, ethertype::kIpv4);
    if (version == 6) return d.run_ethernet(p, data + n, len - n, ethertype::kIpv6);
    return d.note(Outcome::BadHeader), PacketRC::Corrupt;
}

}  // namespace

void register_mpls(Decoder& d) {
    d.set_ether_handler(ethertype::kMplsUnicast, {mpls, nullptr, "mpls"});
    d.set_ether_handler(ethertype::kMplsMulticast, {mpls, nullptr, "mpls"});
}

}  // namespace flowdex::decode
