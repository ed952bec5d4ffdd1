#pragma once
/// The decoder: link layer → tunnels → network → transport, by registration tables.
///
/// Every layer is a handler `PacketRC(Decoder&, Packet&, const uint8_t* data, uint32_t len, void* ctx)`
/// registered for an ethertype, an IP protocol or a UDP destination port (tunnels). `data` starts
/// right after the field that selected the handler (after the ethertype and any VLAN tags; after
/// the IP header). A handler fills the Packet's offsets and either finishes (sets Packet::kind) or
/// continues with run_ethernet()/run_ip()/decode_ethernet(). Handlers may be replaced at start-up
/// (the Python layer does this for arkime_packet.set_ethernet_cb) and may re-enter the decoder;
/// nesting is capped at kMaxDepth, past which the packet is Corrupt.
///
/// The decoder never allocates per packet and never reads outside [data, data+len). IPv4
/// fragments are the exception to zero-copy: FragmentTable (ipv4/fragments.h) keeps copies until
/// a datagram completes.
#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "core/packet.h"

namespace flowdex::decode {

class Decoder;
class FragmentTable;

using Handler = PacketRC (*)(Decoder&, Packet&, const uint8_t* data, uint32_t len, void* ctx);

struct HandlerEntry {
    Handler fn = nullptr;
    void* ctx = nullptr;
    const char* name = nullptr;
};

/// Why packets did not become (normal) sessions; the run summary prints these.
enum class Outcome : uint8_t {
    Ok,               ///< decoded into a session
    CorruptSession,   ///< malformed, but kept as a corrupt-ip / corrupt-ether session
    UnknownSession,   ///< unknown ethertype or IP protocol, kept as an unknown-* session
    Truncated,        ///< link or network header cut short: dropped
    BadHeader,        ///< impossible header values: dropped
    UnknownLink,      ///< unsupported link type: dropped
    Unsupported,      ///< e.g. IPv6 fragments: dropped
    FragmentHeld,     ///< IPv4 fragment waiting for the rest of its datagram
    FragmentDropped,  ///< fragment set abandoned (too many pieces, timed out, overlap)
    TooDeep,          ///< nesting over kMaxDepth
    Dropped,          ///< a handler asked not to process it
    Count
};
const char* to_string(Outcome o);

struct DecodeStats {
    std::array<uint64_t, static_cast<size_t>(Outcome::Count)> counts{};
    void add(Outcome o) { ++counts[static_cast<size_t>(o)]; }
    uint64_t get(Outcome o) const { return counts[static_cast<size_t>(o)]; }
    void merge(const DecodeStats& o) {
        for (size_t i = 0; i < counts.size(); ++i)
            counts[i] += o.counts[i];
    }
};

struct DecoderOptions {
    bool trackEsp = true;
    uint32_t fragsTimeoutSecs = 480;
    uint32_t maxFrags = 10000;
};

/// Common link types (pcap LINKTYPE_ values).
enum class LinkType : uint16_t {
    Null = 0,
    Ethernet = 1,
    Raw = 12,
    RawAlt = 14,
    LinuxRaw = 101,
    FrameRelay = 107,
    Loop = 108,
    LinuxSll = 113,
    Radiotap = 127,  ///< 802.11 with a radiotap header: only plain data frames carrying LLC/SNAP
    Ipv4 = 228,
    Ipv6 = 229,
    Nflog = 239,
    LinuxSll2 = 276,
};

class Decoder {
  public:
    static constexpr int kMaxDepth = 12;

    explicit Decoder(const DecoderOptions& opts = {});
    ~Decoder();
    Decoder(const Decoder&) = delete;
    Decoder& operator=(const Decoder&) = delete;

    /// Decodes one packet from its link layer. Returns DoProcess when Packet::kind names a session
    /// table; otherwise the packet is dropped or held and `outcome()` says why.
    PacketRC decode(Packet& p);
    Outcome last_outcome() const { return outcome_; }

    /// Continue at the network layer named by `ethertype`; data starts after the ethertype field.
    PacketRC run_ethernet(Packet& p, const uint8_t* data, uint32_t len, uint16_t ethertype);
    /// Continue at the transport layer named by `proto`; data starts after the IP header.
    PacketRC run_ip(Packet& p, const uint8_t* data, uint32_t len, uint8_t proto);
    /// Decode an Ethernet frame starting at data (inner frames of tunnels too).
    PacketRC decode_ethernet(Packet& p, const uint8_t* data, uint32_t len);
    /// Decode an IPv4 or IPv6 header chosen by the version nibble.
    PacketRC decode_ip(Packet& p, const uint8_t* data, uint32_t len);
    /// Starts decoding again from the link layer over other bytes (a reassembled datagram).
    PacketRC redecode(Packet& p, const uint8_t* data, uint32_t len);
    /// Hands UDP payload to a tunnel registered on the destination port; UnknownIp when none.
    PacketRC run_udp_port(Packet& p, const uint8_t* data, uint32_t len, uint16_t port);

    void set_ether_handler(uint16_t type, HandlerEntry h) { ether_[type] = h; }
    void set_ip_handler(uint8_t proto, HandlerEntry h) { ip_[proto] = h; }
    void set_udp_port_handler(uint16_t port, HandlerEntry h);
    const HandlerEntry& ether_handler(uint16_t type) const { return ether_[type]; }
    const HandlerEntry& ip_handler(uint8_t proto) const { return ip_[proto]; }

    /// Marks the packet as belonging to an IP session kind once the transport is known.
    void finish_ip(Packet& p, SessionKind kind, const char* name = nullptr) {
        p.kind = kind;
        p.kindName = name;
    }
    /// Records why a layer failed (kept if the packet ends up dropped).
    void note(Outcome o) { outcome_ = o; }

    const DecoderOptions& options() const { return opts_; }
    FragmentTable& fragments() { return *frags_; }
    DecodeStats& stats() { return stats_; }
    const DecodeStats& stats() const { return stats_; }

    /// Packets whose handler chain ended in a handler that consumed them (DontProcess) and the
    /// decoder's own bookkeeping may need the current link depth.
    int depth() const { return depth_; }

  private:
    PacketRC decode_link(Packet& p);
    PacketRC finish(Packet& p, PacketRC rc);

    DecoderOptions opts_;
    std::array<HandlerEntry, 65536> ether_{};
    std::array<HandlerEntry, 256> ip_{};
    struct PortEntry {
        uint16_t port;
        HandlerEntry h;
    };
    std::array<PortEntry, 16> udpPorts_{};
    int udpPortCount_ = 0;
    std::unique_ptr<FragmentTable> frags_;
    DecodeStats stats_;
    Outcome outcome_ = Outcome::Ok;
    int depth_ = 0;
};

/// RAII guard for the nesting depth of re-entrant decoding.
class DepthGuard {
  public:
    explicit DepthGuard(int& d) : d_(d) { ++d_; }
    ~DepthGuard() { --d_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

  private:
    int& d_;
};

/// Registers every built-in layer (called by the Decoder constructor).
void register_builtin_layers(Decoder& d);

}  // namespace flowdex::decode
