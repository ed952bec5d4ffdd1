#include "core/byte_reader.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace {

constexpr uint32_t kPppoeHeader = 6;
constexpr uint16_t kPppIpv4 = 0x0021;
constexpr uint16_t kPppIpv6 = 0x0057;
constexpr uint8_t kPppAddress = 0xff;
constexpr uint8_t kPppControl = 0x03;

PacketRC ppp_payload(Decoder& d, Packet& p, const uint8_t* data, uint32_t len) {
    uint32_t n = 0;
    if (len >= 2 && data[0] == kPppAddress && data[1] == kPppControl) n = 2;
    if (n >= len) return d.note(Outcome::Truncated), PacketRC::Corrupt;
    uint16_t proto;
    if (data[n] & 0x01) {  // compressed one-byte protocol field
        proto = data[n];
        n += 1;
    } else {
        if (n + 2 > len) return d.note(Outcome::Truncated), PacketRC::Corrupt;
        proto = load_be16(data + n);
        n += 2;
    }
    if (proto == kPppIpv4) return d.run_ethernet(p, data + n, len - n, ethertype::kIpv4);
    if (proto == kPppIpv6) return d.run_ethernet(p, data + n, len - n, ethertype::kIpv6);
    return PacketRC::UnknownEther;
}

PacketRC pppoe(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    p.tunnel = p.tunnel | Tunnel::Pppoe;
    if (len < kPppoeHeader + 2) return d.note(Outcome::Truncated), PacketRC::Corrupt;
    uint16_t proto = load_be16(data + kPppoeHeader);
    const uint8_t* next = data + kPppoeHeader + 2;
    uint32_t rest = len - kPppoeHeader - 2;
    if (proto == kPppIpv4) return d.run_ethernet(p, next, rest, ethertype::kIpv4);
    if (proto == kPppIpv6) return d.run_ethernet(p, next, rest, ethertype::kIpv6);
    return PacketRC::UnknownEther;
}

PacketRC ppp(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    p.tunnel = p.tunnel | Tunnel::Ppp;
    return ppp_payload(d, p, data, len);
}

}  // namespace

void register_pppoe(Decoder& d) {
    d.set_ether_handler(ethertype::kPppoeSession, {pppoe, nullptr, "pppoe"});
    d.set_ether_handler(ethertype::kPpp, {ppp, nullptr, "ppp"});
}

}  // namespace flowdex::decode
