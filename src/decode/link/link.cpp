#include "core/byte_reader.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace {

constexpr uint8_t kAfInet6Bsd = 30;
constexpr uint8_t kNflogAfInet = 2;
constexpr uint8_t kNflogAfInet6 = 10;
constexpr uint16_t kNflogTlvPayload = 9;
constexpr uint32_t kSllHeader = 16;
constexpr uint32_t kSll2Header = 20;
constexpr uint16_t kFrameRelayIpv4 = 0x03cc;
constexpr uint32_t kRadiotapMin = 36;
constexpr uint32_t kWlanHeader = 24;
constexpr uint32_t kLlcHeader = 3;
constexpr uint32_t kSnapOui = 3;
constexpr uint8_t kWlanDataFrame = 0x08;

PacketRC decode_null(Decoder& d, Packet& p) {
    if (p.caplen <= 4) return d.note(Outcome::Truncated), PacketRC::Corrupt;
    uint16_t type = p.data[0] == kAfInet6Bsd || p.data[3] == kAfInet6Bsd ? ethertype::kIpv6 : ethertype::kIpv4;
    return d.run_ethernet(p, p.data + 4, p.caplen - 4, type);
}

PacketRC decode_sll(Decoder& d, Packet& p) {
    if (p.caplen < kSllHeader) return d.note(Outcome::Truncated), PacketRC::Corrupt;
    uint16_t proto = load_be16(p.data + 14);
    if (proto == ethertype::kVlan) {
        if (p.caplen < kSllHeader + 4) return d.note(Outcome::Truncated), PacketRC::Corrupt;
        return d.decode_ip(p, p.data + kSllHeader + 4, p.caplen - kSllHeader - 4);
    }
    return d.run_ethernet(p, p.data + kSllHeader, p.caplen - kSllHeader, proto);
}

PacketRC decode_nflog(Decoder& d, Packet& p) {
    if (p.caplen < 14 || (p.data[0] != kNflogAfInet && p.data[0] != kNflogAfInet6) || p.data[1] != 0)
        return d.note(Outcome::BadHeader), PacketRC::Corrupt;
    uint32_t n = 4;
    while (n + 4 <= p.caplen) {
        uint16_t tlen = load_le16(p.data + n);
        uint16_t ttype = load_le16(p.data + n + 2);
        if (tlen < 4 || n + tlen > p.caplen) break;
        if (ttype == kNflogTlvPayload) {
            uint16_t type = p.data[0] == kNflogAfInet6 ? ethertype::kIpv6 : ethertype::kIpv4;
            return d.run_ethernet(p, p.data + n + 4, tlen - 4u, type);
        }
        n += (tlen + 3u) & ~3u;
    }
    return d.note(Outcome::BadHeader), PacketRC::Corrupt;
}

PacketRC decode_frame_relay(Decoder& d, Packet& p) {
    if (p.caplen < 4) return d.note(Outcome::Truncated), PacketRC::Corrupt;
    uint16_t type = load_be16(p.data + 2);
    if (type == kFrameRelayIpv4) return d.run_ethernet(p, p.data + 4, p.caplen - 4, ethertype::kIpv4);
    return d.run_ethernet(p, p.data + 4, p.caplen - 4, type);
}

// Arkime's rule: the radiotap length is read from byte 2 only, the 802.11 header must be a plain
// (non-QoS) data frame and the SNAP OUI zero; anything else is an unknown packet, not a session.
PacketRC decode_radiotap(Decoder& d, Packet& p) {
    if (p.caplen < kRadiotapMin || p.data[0] != 0) return d.note(Outcome::Unsupported), PacketRC::UnknownEther;
    uint32_t n = p.data[2];
    if (n + kWlanHeader + 8 >= p.caplen || p.data[n] != kWlanDataFrame)
        return d.note(Outcome::Unsupported), PacketRC::UnknownEther;
    n += kWlanHeader + kLlcHeader;
    if (p.data[n] != 0 || p.data[n + 1] != 0 || p.data[n + 2] != 0)
        return d.note(Outcome::Unsupported), PacketRC::UnknownEther;
    n += kSnapOui;
    return d.run_ethernet(p, p.data + n + 2, p.caplen - n - 2, load_be16(p.data + n));
}

}  // namespace

PacketRC Decoder::decode_link(Packet& p) {
    switch (static_cast<LinkType>(p.linkType)) {
        case LinkType::Ethernet:
            return decode_ethernet(p, p.data, p.caplen);
        case LinkType::Null:
        case LinkType::Loop:
            return decode_null(*this, p);
        case LinkType::Raw:
        case LinkType::RawAlt:
        case LinkType::LinuxRaw:
            if (p.caplen < 1) return note(Outcome::Truncated), PacketRC::Corrupt;
            return decode_ip(p, p.data, p.caplen);
        case LinkType::Ipv4:
            return run_ethernet(p, p.data, p.caplen, ethertype::kIpv4);
        case LinkType::Ipv6:
            return run_ethernet(p, p.data, p.caplen, ethertype::kIpv6);
        case LinkType::LinuxSll:
            if (p.caplen >= 2 && p.data[0] == 0 && p.data[1] <= 4) return decode_sll(*this, p);
            return run_ethernet(p, p.data, p.caplen, ethertype::kIpv4);
        case LinkType::LinuxSll2:
            if (p.caplen < kSll2Header) return note(Outcome::Truncated), PacketRC::Corrupt;
            return run_ethernet(p, p.data + kSll2Header, p.caplen - kSll2Header, load_be16(p.data));
        case LinkType::Nflog:
            return decode_nflog(*this, p);
        case LinkType::FrameRelay:
            return decode_frame_relay(*this, p);
        case LinkType::Radiotap:
            return decode_radiotap(*this, p);
    }
    note(Outcome::UnknownLink);
    return PacketRC::Corrupt;
}

PacketRC Decoder::decode_ip(Packet& p, const uint8_t* data, uint32_t len) {
    if (len < 1) return note(Outcome::Truncated), PacketRC::Corrupt;
    return run_ethernet(p, data, len, (data[0] >> 4) == 6 ? ethertype::kIpv6 : ethertype::kIpv4);
}

}  // namespace flowdex::decode
