#pragma once
/// The session key: protocol, both endpoints and (optionally) the VLAN or VNI.
///
/// Keys are stored in canonical order (the lower endpoint first) so both directions of a flow
/// map to the same session; `hash()` is cheap and well mixed so per-thread tables can use it
/// directly and the reader can pick the owning packet thread with `hash % threads`.
#include <cstdint>
#include <cstring>

#include "core/packet.h"

namespace flowdex {

struct FlowKey {
    uint8_t addr[2][16];  ///< IPv4 in the first 4 bytes; MACs for Ether sessions
    uint16_t port[2];
    uint16_t ethertype;  ///< Ether sessions only
    uint16_t vlan;
    uint32_t vni;
    uint8_t proto;  ///< IP protocol
    uint8_t kind;   ///< SessionKind
    uint8_t v6;
    uint8_t mode;  ///< KeyMode

    FlowKey() { std::memset(this, 0, sizeof *this); }
    bool operator==(const FlowKey& o) const { return std::memcmp(this, &o, sizeof *this) == 0; }

    /// Swaps endpoints if needed so that the key is canonical; returns true when it swapped.
    bool canonicalize() {
        int c = std::memcmp(addr[0], addr[1], 16);
        if (c > 0 || (c == 0 && port[0] > port[1])) {
            uint8_t tmp[16];
            std::memcpy(tmp, addr[0], 16);
            std::memcpy(addr[0], addr[1], 16);
            std::memcpy(addr[1], tmp, 16);
            uint16_t p = port[0];
            port[0] = port[1];
            port[1] = p;
            return true;
        }
        return false;
    }

    uint32_t hash() const {
        // 64-bit multiply-xorshift over the key words; the key is a whole number of 8-byte words.
        static_assert(sizeof(FlowKey) % 8 == 0);
        uint64_t h = 0x9E3779B97F4A7C15ull;
        const auto* b = reinterpret_cast<const uint8_t*>(this);
        for (size_t i = 0; i < sizeof(FlowKey); i += 8) {
            uint64_t w;
            std::memcpy(&w, b + i, 8);
            h ^= w;
            h *= 0xBF58476D1CE4E5B9ull;
            h ^= h >> 31;
        }
        return static_cast<uint32_t>(h ^ (h >> 32));
    }
};

}  // namespace flowdex
