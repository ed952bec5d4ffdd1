#include "core/byte_reader.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace {

constexpr uint32_t kHeader = 40;

PacketRC ipv6(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    if (len < kHeader) return d.note(Outcome::Truncated), PacketRC::Corrupt;
    if ((data[0] >> 4) != 6) return d.note(Outcome::BadHeader), PacketRC::Corrupt;
    uint32_t plen = load_be16(data + 4);
    if (len < kHeader + plen) return d.note(Outcome::BadHeader), PacketRC::Corrupt;
    if (p.ipOffset >= 0) {
        p.outerIpOffset = p.ipOffset;
        p.outerv6 = p.v6;
    }
    p.ipOffset = offset_of(p, data);
    p.v6 = true;
    p.ttl = data[7];
    p.dscp = data[0] & 0x0f;
    uint8_t next = data[6];
    p.ipProtocol = next;
    uint32_t n = kHeader, end = kHeader + plen;
    while (next == ipproto::kIpv6HopByHop || next == ipproto::kIpv6DstOpts || next == ipproto::kIpv6Route) {
        if (n + 2 > end) return d.note(Outcome::Truncated), PacketRC::Corrupt;
        uint32_t hlen = (data[n + 1] + 1u) * 8;
        next = data[n];
        p.ipProtocol = next;
        if (n + hlen > end) return d.note(Outcome::Truncated), PacketRC::Corrupt;
        n += hlen;
    }
    p.ipProtocol = next;
    if (next == ipproto::kIpv6Frag) return d.note(Outcome::Unsupported), PacketRC::DontProcess;
    return d.run_ip(p, data + n, end - n, next);
}

PacketRC ip6in(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    return d.run_ethernet(p, data, len, ethertype::kIpv6);
}

}  // namespace

void register_ipv6(Decoder& d) {
    d.set_ether_handler(ethertype::kIpv6, {ipv6, nullptr, "ipv6"});
    d.set_ip_handler(ipproto::kIpv6, {ip6in, nullptr, "ip6in"});
}

}  // namespace flowdex::decode
