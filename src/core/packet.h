#pragma once
/// One captured frame and what decoding learned about it.
///
/// A Packet never owns its bytes: `data` points into the reader's batch arena (or, for a
/// reassembled IP datagram, into the arena slot the fragment table filled), so decoding is
/// zero-copy and a batch of packets costs no heap allocation once the arena is warm.
/// Offsets are from `data`; they match the names `arkime_packet.get` reports.
#include <cstdint>

namespace flowdex {

/// What a layer handler tells the decoder; the numbers are the ones `arkime_packet` exposes.
enum class PacketRC : uint8_t {
    DoProcess = 0,
    IpDropped = 1,
    Overload = 2,
    Corrupt = 3,
    UnknownEther = 4,
    UnknownIp = 5,
    IpPortDropped = 6,
    DontProcess = 7,
    DontProcessOrFree = 8,
    DuplicateDropped = 9,
};

/// Bits of Packet::tunnel (arkime_packet's `tunnel`).
enum class Tunnel : uint8_t {
    Gre = 0x01,
    Pppoe = 0x02,
    Mpls = 0x04,
    Ppp = 0x08,
    Gtp = 0x10,
    Vxlan = 0x20,
    VxlanGpe = 0x40,
    Geneve = 0x80,
};
constexpr uint8_t operator|(uint8_t bits, Tunnel t) {
    return bits | static_cast<uint8_t>(t);
}
constexpr bool has_tunnel(uint8_t bits, Tunnel t) {
    return (bits & static_cast<uint8_t>(t)) != 0;
}

/// Which session table a decoded packet belongs to (Arkime's "mProtocol"). Each kind has its own
/// key rule and idle timeout; the same addresses under two kinds are two sessions.
enum class SessionKind : uint8_t {
    None = 0,  ///< not decoded into a session (dropped, counted by reason)
    Tcp,
    Udp,
    Icmp,  ///< ICMP and ICMPv6: keyed by addresses only
    Sctp,
    Esp,      ///< ESP and AH (trackESP): keyed by addresses only
    OtherIp,  ///< any other IP protocol, corrupt-ip and unknown-ip: addresses and protocol
    Arp,      ///< keyed by the IPv4 address being asked about
    Ether,    ///< non-IP frames (LLDP, XID, unknown and corrupt ethertypes): keyed by ethertype
};
constexpr int kSessionKinds = 9;

/// How the session key is formed beyond the kind's default (addresses and ports).
enum class KeyMode : uint8_t {
    Normal = 0,
    Lumped,       ///< one session per protocol (IGMP, PIM, LLDP): no addresses in the key
    MacPair,      ///< 802.3 frames: the two MACs
    MacPairType,  ///< unknown ethertypes: the two MACs and the ethertype
    Dhcp,         ///< DHCP: the client hardware address, so replies join the request
    Dhcpv6,       ///< DHCPv6: the transaction id
};

/// Limits on what one packet remembers of the layers it crossed.
constexpr int kMaxVlans = 4;
constexpr uint16_t kVlanIdMask = 0x0fff;
constexpr uint16_t kVlanIsQinQ = 0x8000;  ///< bit set in Packet::vlans for an 802.1ad (0x88a8) tag

struct Packet {
    // --- from the reader
    const uint8_t* data = nullptr;  ///< first byte of the frame
    uint32_t caplen = 0;            ///< bytes present at `data`
    uint32_t wirelen = 0;           ///< length on the wire
    uint64_t tsUs = 0;              ///< packet time, microseconds since the epoch
    int64_t readerPos = 0;          ///< offset of the record in its file
    uint32_t fileIndex = 0;         ///< index of the input file in the run
    uint16_t linkType = 0;          ///< DLT of the source
    uint64_t clockUs = 0;           ///< time of the packet read just before this one (drives timers)

    // --- from the decoder
    int32_t etherOffset = -1;  ///< start of the innermost Ethernet header, -1 when none
    int32_t outerEtherOffset = -1;
    int32_t ipOffset = -1;  ///< start of the innermost IP header
    int32_t outerIpOffset = -1;
    int32_t l4Offset = -1;      ///< start of the TCP/UDP/SCTP/ICMP header
    int32_t payloadOffset = 0;  ///< transport payload (or IP payload for other protocols)
    uint32_t payloadLen = 0;
    uint32_t vni = 0;
    uint16_t ethertype = 0;  ///< ethertype of the innermost network layer
    uint16_t vlan = 0;       ///< innermost 802.1Q/802.1ad id, 0 when none (the session key's VLAN)
    uint16_t srcPort = 0, dstPort = 0;
    uint8_t ipProtocol = 0;
    uint8_t tunnel = 0;     ///< Tunnel bits
    uint8_t mProtocol = 0;  ///< session kind as a small int (SessionKind)
    uint8_t direction = 0;  ///< 0 client→server, 1 server→client (set by the session layer)
    uint8_t ttl = 0;
    uint8_t dscp = 0;
    uint8_t tcpFlags = 0;
    bool v6 = false;
    bool outerv6 = false;
    bool wasfrag = false;
    bool copied = false;  ///< bytes live in a reassembly slot, not the reader's buffer
    bool vniSet = false;
    SessionKind kind = SessionKind::None;
    bool haveEthertype = false;
    uint16_t firstEthertype = 0;  ///< first ethertype after the outermost Ethernet (record `ethertype`)
    KeyMode keyMode = KeyMode::Normal;
    const char* kindName = nullptr;  ///< protocol name for OtherIp/Ether/Arp sessions ("igmp", "corrupt-ip", …)
    uint8_t vlanCount = 0;
    uint16_t vlans[kMaxVlans] = {};  ///< every tag's id, outermost first, kVlanIsQinQ for 802.1ad
    uint32_t hash = 0;               ///< flow hash, set once the key is known
};

}  // namespace flowdex
