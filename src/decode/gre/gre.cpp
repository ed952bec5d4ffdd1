#include "core/byte_reader.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace {

constexpr uint16_t kChecksum = 0x8000;
constexpr uint16_t kRouting = 0x4000;
constexpr uint16_t kKey = 0x2000;
constexpr uint16_t kSequence = 0x1000;
constexpr uint16_t kAck = 0x0080;
constexpr uint16_t kVersionMask = 0x0007;
constexpr uint32_t kErspan2Header = 8;
constexpr uint32_t kErspan3Header = 12;
constexpr uint32_t kErspan3Platform = 8;
constexpr uint8_t kErspan3PlatformFlag = 0x01;

/// ERSPAN II/III headers start with version (4 bits) and the mirrored frame's VLAN (12 bits):
/// a non-zero VLAN counts as an 802.1Q tag of the packet, as Arkime records it.
void erspan_vlan(Packet& p, const uint8_t* h) {
    const uint16_t id = load_be16(h) & kVlanIdMask;
    if (id != 0 && p.vlanCount < kMaxVlans) p.vlans[p.vlanCount++] = id;
}

PacketRC gre(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    p.tunnel = p.tunnel | Tunnel::Gre;
    if (len < 4) return d.note(Outcome::Truncated), PacketRC::Corrupt;
    uint16_t flags = load_be16(data);
    uint16_t type = load_be16(data + 2);
    uint32_t n = 4;
    switch (flags & kVersionMask) {
        case 0:
            if (flags & (kChecksum | kRouting)) n += 4;
            if (flags & kKey) n += 4;
            if (flags & kSequence) n += 4;
            if (flags & kRouting) {
                while (true) {  // source route entries: af(2) offset(1) length(1) data
                    if (n + 4 > len) return d.note(Outcome::Truncated), PacketRC::Corrupt;
                    uint8_t sreLen = data[n + 3];
                    n += 4;
                    if (sreLen == 0) break;
                    n += sreLen;
                }
            }
            break;
        case 1:
            n += 4;
            if (flags & kSequence) n += 4;
            if (flags & kAck) n += 4;
            break;
        default:
            return PacketRC::UnknownEther;
    }
    if (n > len) return d.note(Outcome::Truncated), PacketRC::Corrupt;
    const uint8_t* inner = data + n;
    uint32_t rest = len - n;
    if (type == ethertype::kErspan2) {
        if (!(flags & kSequence)) return d.decode_ethernet(p, inner, rest);  // ERSPAN type I
        if (rest < kErspan2Header) return d.note(Outcome::Truncated), PacketRC::Corrupt;
        erspan_vlan(p, inner);
        return d.decode_ethernet(p, inner + kErspan2Header, rest - kErspan2Header);
    }
    if (type == ethertype::kErspan3) {
        if (rest < kErspan3Header) return d.note(Outcome::Truncated), PacketRC::Corrupt;
        uint32_t h = kErspan3Header + ((inner[11] & kErspan3PlatformFlag) ? kErspan3Platform : 0);
        if (rest < h) return d.note(Outcome::Truncated), PacketRC::Corrupt;
        erspan_vlan(p, inner);
        return d.decode_ethernet(p, inner + h, rest - h);
    }
    return d.run_ethernet(p, inner, rest, type);
}

// ERSPAN type II carried straight over Ethernet (no GRE): 8-byte header, then the mirrored frame.
PacketRC erspan_ether(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    if (len < kErspan2Header) return d.note(Outcome::Truncated), PacketRC::Corrupt;
    return d.decode_ethernet(p, data + kErspan2Header, len - kErspan2Header);
}

}  // namespace

void register_gre(Decoder& d) {
    d.set_ip_handler(ipproto::kGre, {gre, nullptr, "gre"});
    d.set_ether_handler(ethertype::kErspan2, {erspan_ether, nullptr, "erspan"});
}

}  // namespace flowdex::decode
