#include "core/byte_reader.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace {

constexpr uint32_t kArpIpv4Length = 28;

// The session is keyed by the address being asked about: the target of a request, the sender
// of anything else (the reply names the answer's owner there). Session code reads it at
// payloadOffset + arp_key_offset().
PacketRC arp(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    if (len < kArpIpv4Length) return d.note(Outcome::Truncated), PacketRC::Corrupt;
    if (load_be16(data) != 1 || load_be16(data + 2) != ethertype::kIpv4 || data[4] != 6 || data[5] != 4)
        return d.note(Outcome::BadHeader), PacketRC::Corrupt;
    p.payloadOffset = offset_of(p, data);
    p.payloadLen = kArpIpv4Length;
    if (p.ipOffset >= 0) {
        // ARP inside a tunnel: Arkime keeps it on the tunnel's IP pair.
        d.finish_ip(p, SessionKind::OtherIp, "arp");
        return PacketRC::DoProcess;
    }
    p.kind = SessionKind::Arp;
    p.kindName = "arp";
    return PacketRC::DoProcess;
}

}  // namespace

void register_arp(Decoder& d) {
    d.set_ether_handler(ethertype::kArp, {arp, nullptr, "arp"});
}

}  // namespace flowdex::decode
