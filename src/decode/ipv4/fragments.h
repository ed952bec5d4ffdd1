#pragma once
/// IPv4 fragment reassembly (Arkime's rules).
///
/// Fragments are keyed by (source, destination, IP id) and kept as copies. Reassembly is tried
/// once the fragment carrying neither MF nor DF has arrived: the pieces must then tile the
/// datagram from offset 0 without holes. The rebuilt packet is the completing fragment's
/// headers followed by the joined payload, so it is counted once, at its full length.
/// Limits: 50 pieces per datagram, `maxFrags` datagrams in progress (oldest dropped first),
/// and a datagram older than `fragsTimeout` seconds is dropped when the next fragment arrives.
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include "decode/decoder.h"

namespace flowdex::decode {

class FragmentTable {
  public:
    explicit FragmentTable(const DecoderOptions& opts) : opts_(opts) {}

    enum class Result : uint8_t { Held, Dropped, Complete };

    /// Adds the fragment whose IPv4 header starts at `ip` (header length `ihl`, datagram bytes
    /// `totlen`). On Complete, `out`/`outLen` hold the rebuilt frame (valid until the next call).
    Result add(const Packet& p, const uint8_t* ip, uint32_t ihl, uint32_t totlen, const uint8_t*& out,
               uint32_t& outLen);

    size_t pending() const { return table_.size(); }
    uint64_t dropped() const { return dropped_; }

  private:
    static constexpr size_t kMaxPieces = 50;
    struct Key {
        uint32_t src, dst;
        uint16_t id;
        bool operator==(const Key& o) const { return src == o.src && dst == o.dst && id == o.id; }
    };
    struct KeyHash {
        size_t operator()(const Key& k) const {
            return (uint64_t{k.src} * 0x9E3779B97F4A7C15ull) ^ (uint64_t{k.dst} << 16) ^ k.id;
        }
    };
    struct Piece {
        uint32_t offset;  // bytes
        bool more;
        std::vector<uint8_t> payload;
    };
    struct Entry {
        uint64_t firstSecs = 0;
        bool haveLast = false;
        std::vector<Piece> pieces;  // sorted by offset
    };
    void expire(uint64_t nowSecs);

    DecoderOptions opts_;
    std::unordered_map<Key, Entry, KeyHash> table_;
    std::deque<std::pair<Key, uint64_t>> order_;  // insertion order, for timeouts and the cap
    std::vector<uint8_t> out_;
    uint64_t dropped_ = 0;
};

}  // namespace flowdex::decode
