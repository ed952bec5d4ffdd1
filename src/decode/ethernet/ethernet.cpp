#include "core/byte_reader.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace {

constexpr uint32_t kEthernetHeader = 14;
constexpr uint8_t kLlcOsi = 0xfe;
constexpr uint8_t kLlcUi = 0x03;
constexpr uint8_t kLlcXid = 0xaf;
constexpr uint8_t kLlcXidPoll = 0xbf;

// An 802.3 frame: the type field is a length. OSI LLC frames continue by NLPID; XID frames and
// everything else become sessions of their own keyed by that length value.
PacketRC decode_8023(Decoder& d, Packet& p, const uint8_t* llc, uint32_t len, uint16_t length) {
    if (p.ipOffset >= 0) return d.note(Outcome::BadHeader), PacketRC::Corrupt;  // inside a tunnel: corrupt-ip
    p.ethertype = length;
    if (!p.haveEthertype) {
        p.haveEthertype = true;
        p.firstEthertype = length;
    }
    if (len >= 4 && llc[0] == kLlcOsi && llc[1] == kLlcOsi && llc[2] == kLlcUi && length <= len) {
        PacketRC rc = d.run_ethernet(p, llc + 4, len - 4, llc[3]);
        if (rc != PacketRC::UnknownEther) return rc;
    }
    p.kind = SessionKind::Ether;
    p.kindName = len >= 3 && llc[0] == 0 && (llc[2] == kLlcXid || llc[2] == kLlcXidPoll) ? "xid" : "corrupt-ether";
    p.keyMode = KeyMode::MacPair;
    p.ethertype = length;
    return PacketRC::DoProcess;
}

PacketRC teb(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    return d.decode_ethernet(p, data, len);
}

}  // namespace

PacketRC Decoder::decode_ethernet(Packet& p, const uint8_t* data, uint32_t len) {
    if (len < kEthernetHeader) return note(Outcome::Truncated), PacketRC::Corrupt;
    p.outerEtherOffset = p.etherOffset;
    p.etherOffset = offset_of(p, data);
    uint16_t type = load_be16(data + 12);
    if (type <= ethertype::kMax8023Length)
        return decode_8023(*this, p, data + kEthernetHeader, len - kEthernetHeader, type);
    bool isVlan = type == ethertype::kVlan || type == ethertype::kQinQ || type == ethertype::kQinQOld;
    if (!p.haveEthertype && !isVlan) {
        p.haveEthertype = true;
        p.firstEthertype = type;
    }
    return run_ethernet(p, data + kEthernetHeader, len - kEthernetHeader, type);
}

void register_ethernet(Decoder& d) {
    d.set_ether_handler(ethertype::kTeb, {teb, nullptr, "teb"});
}

}  // namespace flowdex::decode
