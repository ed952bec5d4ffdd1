#include "decode/layers.h"

namespace flowdex::decode {
namespace {

// ICMP data bytes are everything from the ICMP header to the end of the frame (padding included).
PacketRC icmp(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void* ctx) {
    bool v6 = ctx != nullptr;
    if (v6 != p.v6) return d.note(Outcome::BadHeader), PacketRC::Corrupt;
    p.l4Offset = offset_of(p, data);
    p.payloadOffset = p.l4Offset;
    p.payloadLen = p.caplen - static_cast<uint32_t>(p.payloadOffset);
    d.finish_ip(p, SessionKind::Icmp);
    return PacketRC::DoProcess;
}

int v6Tag;

}  // namespace

void register_icmp(Decoder& d) {
    d.set_ip_handler(ipproto::kIcmp, {icmp, nullptr, "icmp"});
    d.set_ip_handler(ipproto::kIcmpv6, {icmp, &v6Tag, "icmpv6"});
}

}  // namespace flowdex::decode
