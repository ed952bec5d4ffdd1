#pragma once
/// Hand-built frames for decoder and session tests.
///
/// Builders work inside-out: build the transport segment, wrap it in IP, wrap that in Ethernet
/// (or a link header). Every builder returns a fresh byte vector; `cat` joins pieces. Checksums
/// are left zero (the decoder never checks them).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/packet.h"
#include "decode/decoder.h"

namespace flowdex::testing {

using Bytes = std::vector<uint8_t>;

/// Appends `src` to `b`. The byte writers are out of line: inlined into the builders, GCC 12 at -O3
/// reports false stringop/array-bounds overflows on vector growth.
template <typename C>
[[gnu::noinline]] inline void append(Bytes& b, const C& src) {
    if (src.size() == 0) return;
    size_t n = b.size();
    b.resize(n + src.size());
    std::memcpy(b.data() + n, src.data(), src.size());
}

[[gnu::noinline]] inline void put16(Bytes& b, uint16_t v) {
    b.push_back(static_cast<uint8_t>(v >> 8));
    b.push_back(static_cast<uint8_t>(v));
}
[[gnu::noinline]] inline void put32(Bytes& b, uint32_t v) {
    put16(b, static_cast<uint16_t>(v >> 16));
    put16(b, static_cast<uint16_t>(v));
}
[[gnu::noinline]] inline void put_le16(Bytes& b, uint16_t v) {
    b.push_back(static_cast<uint8_t>(v));
    b.push_back(static_cast<uint8_t>(v >> 8));
}
inline void set16(Bytes& b, size_t at, uint16_t v) {
    b[at] = static_cast<uint8_t>(v >> 8);
    b[at + 1] = static_cast<uint8_t>(v);
}

inline Bytes cat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& p : parts)
        append(out, p);
    return out;
}
inline Bytes text(std::string_view s) {
    return Bytes(s.begin(), s.end());
}
inline Bytes zeros(size_t n, uint8_t fill = 0) {
    return Bytes(n, fill);
}

// ---------------------------------------------------------------- addresses

using Ip4 = std::array<uint8_t, 4>;
using Ip6 = std::array<uint8_t, 16>;
using Mac = std::array<uint8_t, 6>;

inline Ip4 ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    return {a, b, c, d};
}
/// 2001:db8::<last>
inline Ip6 ip6(uint8_t last) {
    Ip6 a{};
    a[0] = 0x20;
    a[1] = 0x01;
    a[2] = 0x0d;
    a[3] = 0xb8;
    a[15] = last;
    return a;
}
inline Mac mac(uint8_t last) {
    return {0x02, 0x00, 0x00, 0x00, 0x00, last};
}

constexpr Mac kMacA{0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};
constexpr Mac kMacB{0x02, 0x00, 0x00, 0x00, 0x00, 0x0b};

// ---------------------------------------------------------------- link layers

/// Ethernet header + payload.
inline Bytes eth(uint16_t type, const Bytes& payload, Mac dst = kMacB, Mac src = kMacA) {
    Bytes b(dst.begin(), dst.end());
    append(b, src);
    put16(b, type);
    append(b, payload);
    return b;
}

struct Tag {
    uint16_t tpid;  ///< 0x8100 or 0x88a8
    uint16_t id;
};
/// Ethernet with VLAN tags (outermost first), then `type`.
inline Bytes eth_tagged(std::initializer_list<Tag> tags, uint16_t type, const Bytes& payload, Mac dst = kMacB,
                        Mac src = kMacA) {
    Bytes b(dst.begin(), dst.end());
    append(b, src);
    for (const Tag& t : tags) {
        put16(b, t.tpid);
        put16(b, t.id);
    }
    put16(b, type);
    append(b, payload);
    return b;
}

/// Linux cooked (SLL, 16 bytes) with the given protocol.
inline Bytes sll(uint16_t proto, const Bytes& payload, uint16_t pktType = 0) {
    Bytes b;
    put16(b, pktType);
    put16(b, 1);  // ARPHRD_ETHER
    put16(b, 6);
    Bytes addr{0x02, 0, 0, 0, 0, 0x0a, 0, 0};
    append(b, addr);
    put16(b, proto);
    append(b, payload);
    return b;
}

/// Linux cooked v2 (SLL2, 20 bytes).
inline Bytes sll2(uint16_t proto, const Bytes& payload) {
    Bytes b;
    put16(b, proto);
    put16(b, 0);     // reserved
    put32(b, 2);     // interface index
    put16(b, 1);     // ARPHRD_ETHER
    b.push_back(0);  // packet type
    b.push_back(6);  // address length
    Bytes addr{0x02, 0, 0, 0, 0, 0x0a, 0, 0};
    append(b, addr);
    append(b, payload);
    return b;
}

/// BSD loopback: a 4-byte host-order (little-endian here) address family.
inline Bytes null_link(uint32_t family, const Bytes& payload) {
    Bytes b{static_cast<uint8_t>(family), static_cast<uint8_t>(family >> 8), static_cast<uint8_t>(family >> 16),
            static_cast<uint8_t>(family >> 24)};
    append(b, payload);
    return b;
}

/// NFLOG: header (family, version 0, resource id), a prefix TLV, then the payload TLV (type 9).
inline Bytes nflog(uint8_t family, const Bytes& ip) {
    Bytes b{family, 0, 0, 1};
    put_le16(b, 8);  // NFULA_PACKET_HDR: 4-byte TLV header + 4 bytes
    put_le16(b, 1);
    put32(b, 0x08000300);
    put_le16(b, static_cast<uint16_t>(4 + ip.size()));
    put_le16(b, 9);
    append(b, ip);
    while (b.size() % 4)
        b.push_back(0);
    return b;
}

/// Frame relay (Q.922 address, then a 2-byte type).
inline Bytes frame_relay(uint16_t type, const Bytes& payload) {
    Bytes b{0x18, 0x41};
    put16(b, type);
    append(b, payload);
    return b;
}

/// Radiotap (link type 127): a `rtLen`-byte radiotap header, a 24-byte 802.11 header with frame
/// control `fc` (0x08: data), LLC aa aa 03, the SNAP OUI `oui` and the ethertype.
inline Bytes radiotap(uint16_t type, const Bytes& payload, uint8_t fc = 0x08, uint8_t rtLen = 18, uint32_t oui = 0) {
    Bytes b{0, 0, rtLen, 0};
    b.resize(rtLen, 0);
    Bytes wlan{fc, 0x01, 0x2c, 0x00};
    append(wlan, zeros(20, 0x11));
    append(b, wlan);
    append(b, Bytes{0xaa, 0xaa, 0x03, uint8_t(oui >> 16), uint8_t(oui >> 8), uint8_t(oui)});
    put16(b, type);
    append(b, payload);
    return b;
}

// ---------------------------------------------------------------- network layers

struct Ip4Opts {
    uint16_t id = 0x1234;
    uint16_t frag = 0;  ///< flags (0x4000 DF, 0x2000 MF) | offset in 8-byte units
    uint8_t ttl = 64;
    uint8_t tos = 0;
    Bytes options;         ///< multiple of 4 bytes
    int totalLength = -1;  ///< override the length field
};

inline Bytes ipv4(Ip4 src, Ip4 dst, uint8_t proto, const Bytes& payload, const Ip4Opts& o = {}) {
    Bytes b;
    size_t ihl = 20 + o.options.size();
    b.push_back(static_cast<uint8_t>(0x40 | (ihl / 4)));
    b.push_back(o.tos);
    put16(b, static_cast<uint16_t>(o.totalLength >= 0 ? o.totalLength : static_cast<int>(ihl + payload.size())));
    put16(b, o.id);
    put16(b, o.frag);
    b.push_back(o.ttl);
    b.push_back(proto);
    put16(b, 0);  // checksum: not checked
    append(b, src);
    append(b, dst);
    append(b, o.options);
    append(b, payload);
    return b;
}

inline Bytes ipv6(Ip6 src, Ip6 dst, uint8_t next, const Bytes& payload, uint8_t hopLimit = 64) {
    Bytes b{0x60, 0x00, 0x00, 0x00};
    put16(b, static_cast<uint16_t>(payload.size()));
    b.push_back(next);
    b.push_back(hopLimit);
    append(b, src);
    append(b, dst);
    append(b, payload);
    return b;
}

/// An IPv6 extension header (hop-by-hop, dest opts, routing): next, length in 8-byte units − 1.
inline Bytes ipv6_ext(uint8_t next, size_t totalBytes, const Bytes& rest) {
    Bytes b(totalBytes + rest.size(), 0);
    b[0] = next;
    b[1] = static_cast<uint8_t>(totalBytes / 8 - 1);
    std::copy(rest.begin(), rest.end(), b.begin() + static_cast<std::ptrdiff_t>(totalBytes));
    return b;
}

// ---------------------------------------------------------------- transport

namespace tcpflag {
constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10;
}

inline Bytes tcp(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, const Bytes& payload = {},
                 uint16_t window = 8192) {
    Bytes b;
    put16(b, sport);
    put16(b, dport);
    put32(b, seq);
    put32(b, ack);
    b.push_back(0x50);  // data offset 5
    b.push_back(flags);
    put16(b, window);
    put16(b, 0);
    put16(b, 0);
    append(b, payload);
    return b;
}

inline Bytes udp(uint16_t sport, uint16_t dport, const Bytes& payload, int lengthOverride = -1) {
    Bytes b;
    put16(b, sport);
    put16(b, dport);
    put16(b, static_cast<uint16_t>(lengthOverride >= 0 ? lengthOverride : static_cast<int>(8 + payload.size())));
    put16(b, 0);
    append(b, payload);
    return b;
}

inline Bytes icmp(uint8_t type, uint8_t code, const Bytes& rest = {0, 1, 0, 1}) {
    Bytes b{type, code, 0, 0};
    append(b, rest);
    return b;
}

// ---------------------------------------------------------------- tunnels and others

/// GRE version 0 with optional checksum, key and sequence fields (present when the flag is set).
inline Bytes gre(uint16_t flags, uint16_t type, const Bytes& payload) {
    Bytes b;
    put16(b, flags);
    put16(b, type);
    if (flags & 0x8000) put32(b, 0);           // checksum + reserved
    if (flags & 0x2000) put32(b, 0xabcdef01);  // key
    if (flags & 0x1000) put32(b, 7);           // sequence
    append(b, payload);
    return b;
}

inline Bytes vxlan(uint32_t vni, const Bytes& inner, uint8_t flags = 0x08) {
    Bytes b{flags, 0, 0, 0, static_cast<uint8_t>(vni >> 16), static_cast<uint8_t>(vni >> 8), static_cast<uint8_t>(vni),
            0};
    append(b, inner);
    return b;
}

inline Bytes vxlan_gpe(uint32_t vni, uint8_t next, const Bytes& inner) {
    Bytes b{
        0x0c, 0, 0, next, static_cast<uint8_t>(vni >> 16), static_cast<uint8_t>(vni >> 8), static_cast<uint8_t>(vni),
        0};
    append(b, inner);
    return b;
}

inline Bytes geneve(uint32_t vni, uint16_t proto, const Bytes& inner, size_t optWords = 0, uint8_t version = 0) {
    Bytes b{static_cast<uint8_t>((version << 6) | optWords), 0};
    put16(b, proto);
    b.push_back(static_cast<uint8_t>(vni >> 16));
    b.push_back(static_cast<uint8_t>(vni >> 8));
    b.push_back(static_cast<uint8_t>(vni));
    b.push_back(0);
    b.resize(b.size() + optWords * 4, 0xee);
    append(b, inner);
    return b;
}

/// GTP-U: flags byte (0x30 = version 1, PT), message type (0xff T-PDU), then optional fields.
inline Bytes gtpu(const Bytes& inner, uint8_t flags = 0x30, uint8_t msgType = 0xff, const Bytes& optional = {}) {
    Bytes b{flags, msgType};
    put16(b, static_cast<uint16_t>(optional.size() + inner.size()));
    put32(b, 0x11223344);  // TEID
    append(b, optional);
    append(b, inner);
    return b;
}

/// One MPLS label stack entry.
inline Bytes mpls_label(uint32_t label, bool bottom, uint8_t ttl = 64) {
    Bytes b;
    put32(b, (label << 12) | (bottom ? 0x100u : 0u) | ttl);
    return b;
}

inline Bytes pppoe_session(uint16_t pppProto, const Bytes& payload) {
    Bytes b{0x11, 0x00};
    put16(b, 0x0001);  // session id
    put16(b, static_cast<uint16_t>(payload.size() + 2));
    put16(b, pppProto);
    append(b, payload);
    return b;
}

/// ARP for IPv4 over Ethernet (28 bytes).
inline Bytes arp(uint16_t op, Mac sha, Ip4 spa, Mac tha, Ip4 tpa) {
    Bytes b;
    put16(b, 1);
    put16(b, 0x0800);
    b.push_back(6);
    b.push_back(4);
    put16(b, op);
    append(b, sha);
    append(b, spa);
    append(b, tha);
    append(b, tpa);
    return b;
}

/// A BOOTP/DHCP message (the fixed 236 bytes plus the magic cookie) with the client MAC.
inline Bytes dhcp(uint8_t op, Mac chaddr, uint32_t xid = 0x3903f326) {
    Bytes b{op, 1, 6, 0};
    put32(b, xid);
    b.resize(28, 0);
    append(b, chaddr);
    b.resize(236, 0);
    put32(b, 0x63825363);
    b.push_back(255);
    return b;
}

// ---------------------------------------------------------------- packets

/// A Packet over `frame` (which must outlive it).
inline Packet packet_of(const Bytes& frame, uint16_t linkType = 1, uint64_t tsUs = 0, size_t caplen = SIZE_MAX) {
    Packet p;
    p.data = frame.data();
    p.caplen = static_cast<uint32_t>(caplen < frame.size() ? caplen : frame.size());
    p.wirelen = static_cast<uint32_t>(frame.size());
    p.linkType = linkType;
    p.tsUs = tsUs;
    return p;
}

/// Common fixture: 10.0.0.1:40000 → 10.0.0.2:80 TCP over Ethernet with `payload`.
inline Bytes eth_tcp4(const Bytes& payload = text("hello"), uint8_t flags = tcpflag::kAck | tcpflag::kPsh) {
    return eth(0x0800, ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 6, tcp(40000, 80, 1000, 2000, flags, payload)));
}

}  // namespace flowdex::testing
