#include "core/byte_reader.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace {

constexpr uint16_t kNsh = 0x894f;
constexpr uint32_t kMinHeader = 8;
enum class NshNext : uint8_t { Ipv4 = 1, Ipv6 = 2, Ethernet = 3 };

// Network Service Header (RFC 8300): length in 4-byte words in the low 6 bits of byte 1.
PacketRC nsh(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    if (len < kMinHeader) return d.note(Outcome::Truncated), PacketRC::Corrupt;
    uint32_t hlen = (data[1] & 0x3fu) * 4;
    if (hlen < kMinHeader || hlen > len) return d.note(Outcome::BadHeader), PacketRC::Corrupt;
    switch (static_cast<NshNext>(data[3])) {
        case NshNext::Ipv4:
            return d.run_ethernet(p, data + hlen, len - hlen, ethertype::kIpv4);
        case NshNext::Ipv6:
            return d.run_ethernet(p, data + hlen, len - hlen, ethertype::kIpv6);
        case NshNext::Ethernet:
            return d.decode_ethernet(p, data + hlen, len - hlen);
    }
    return PacketRC::UnknownEther;
}

}  // namespace

void register_nsh(Decoder& d) {
    d.set_ether_handler(kNsh, {nsh, nullptr, "nsh"});
}

}  // namespace flowdex::decode
