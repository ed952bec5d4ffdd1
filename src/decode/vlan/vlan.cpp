#include "core/byte_reader.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace {

// data: TCI (2 bytes) then the next ethertype.
PacketRC vlan(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void* ctx) {
    if (len < 4) return d.note(Outcome::Truncated), PacketRC::Corrupt;
    uint16_t id = load_be16(data) & kVlanIdMask;
    bool qinq = ctx != nullptr;
    if (p.vlanCount < kMaxVlans) p.vlans[p.vlanCount++] = static_cast<uint16_t>(id | (qinq ? kVlanIsQinQ : 0));
    if (qinq) p.vlan = id;  // Arkime keys sessions on the 802.1ad tag; plain 802.1Q tags may differ per direction
    uint16_t type = load_be16(data + 2);
    bool isVlan = type == ethertype::kVlan || type == ethertype::kQinQ || type == ethertype::kQinQOld;
    if (!p.haveEthertype && !isVlan) {
        p.haveEthertype = true;
        p.firstEthertype = type;
    }
    return d.run_ethernet(p, data + 4, len - 4, type);
}

int qinqTag;

}  // namespace

void register_vlan(Decoder& d) {
    d.set_ether_handler(ethertype::kVlan, {vlan, nullptr, "vlan"});
    d.set_ether_handler(ethertype::kQinQ, {vlan, &qinqTag, "qinq"});
    d.set_ether_handler(ethertype::kQinQOld, {vlan, &qinqTag, "qinq"});
}

}  // namespace flowdex::decode
