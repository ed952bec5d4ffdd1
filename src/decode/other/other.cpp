#include "decode/layers.h"

namespace flowdex::decode {
namespace {

// Protocols that make a session of their own without ports: the handler's context is the name.
PacketRC named_ip(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void* ctx) {
    p.payloadOffset = offset_of(p, data);
    p.payloadLen = len;
    d.finish_ip(p, SessionKind::OtherIp, static_cast<const char*>(ctx));
    return PacketRC::DoProcess;
}

// Multicast control protocols: Arkime keeps one session per protocol, whatever the addresses.
PacketRC lumped_ip(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void* ctx) {
    named_ip(d, p, data, len, ctx);
    p.keyMode = KeyMode::Lumped;
    return PacketRC::DoProcess;
}

PacketRC named_ether(Decoder&, Packet& p, const uint8_t* data, uint32_t len, void* ctx) {
    p.payloadOffset = offset_of(p, data);
    p.payloadLen = len;
    p.kind = SessionKind::Ether;
    p.kindName = static_cast<const char*>(ctx);
    p.keyMode = KeyMode::Lumped;
    return PacketRC::DoProcess;
}

char kIgmp[] = "igmp";
char kOspf[] = "ospf";
char kPim[] = "pim";
char kVrrp[] = "vrrp";
char kLldp[] = "lldp";
char kIsis[] = "isis";
// IS-IS runs over OSI LLC (fe fe 03); the 802.3 decoder dispatches its NLPID as the "ethertype".
constexpr uint16_t kNlpidIsis = 0x83;

}  // namespace

void register_other(Decoder& d) {
    d.set_ip_handler(ipproto::kIgmp, {lumped_ip, kIgmp, "igmp"});
    d.set_ip_handler(ipproto::kOspf, {named_ip, kOspf, "ospf"});
    d.set_ip_handler(ipproto::kPim, {lumped_ip, kPim, "pim"});
    d.set_ip_handler(ipproto::kVrrp, {named_ip, kVrrp, "vrrp"});
    d.set_ether_handler(ethertype::kLldp, {named_ether, kLldp, "lldp"});
    d.set_ether_handler(kNlpidIsis, {named_ether, kIsis, "isis"});
}

}  // namespace flowdex::decode
