#include "core/byte_reader.h"
#include "decode/ipv4/fragments.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace {

constexpr uint32_t kMinHeader = 20;
constexpr uint16_t kMoreFragments = 0x2000;
constexpr uint16_t kOffsetMask = 0x1fff;

PacketRC ipv4(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    if (len < kMinHeader) return d.note(Outcome::Truncated), PacketRC::Corrupt;
    if ((data[0] >> 4) != 4) return d.note(Outcome::BadHeader), PacketRC::Corrupt;
    uint32_t ihl = (data[0] & 0x0f) * 4u;
    uint32_t totlen = load_be16(data + 2);
    if (len < totlen || ihl < kMinHeader || len < ihl || totlen < ihl)
        return d.note(Outcome::BadHeader), PacketRC::Corrupt;
    // Only a sound header becomes the packet's IP layer; a bad inner one leaves the outer in place.
    if (p.ipOffset >= 0) {
        p.outerIpOffset = p.ipOffset;
        p.outerv6 = p.v6;
    }
    p.ipOffset = offset_of(p, data);
    p.v6 = false;
    p.ipProtocol = data[9];
    p.ttl = data[8];
    p.dscp = data[1] >> 2;
    uint16_t frag = load_be16(data + 6);
    if ((frag & kMoreFragments) || (frag & kOffsetMask)) {
        const uint8_t* whole;
        uint32_t wholeLen;
        switch (d.fragments().add(p, data, ihl, totlen, whole, wholeLen)) {
            case FragmentTable::Result::Held:
                d.note(Outcome::FragmentHeld);
                return PacketRC::DontProcess;
            case FragmentTable::Result::Dropped:
                d.note(Outcome::FragmentDropped);
                return PacketRC::DontProcess;
            case FragmentTable::Result::Complete:
                return d.redecode(p, whole, wholeLen);
        }
    }
    return d.run_ip(p, data + ihl, totlen - ihl, p.ipProtocol);
}

PacketRC ipip(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    return d.run_ethernet(p, data, len, ethertype::kIpv4);
}

}  // namespace

void register_ipv4(Decoder& d) {
    d.set_ether_handler(ethertype::kIpv4, {ipv4, nullptr, "ipv4"});
    d.set_ip_handler(ipproto::kIpip, {ipip, nullptr, "ipip"});
}

}  // namespace flowdex::decode
