#include "decode/ipv4/fragments.h"

#include <algorithm>
#include <cstring>

#include "core/byte_reader.h"

namespace flowdex::decode {
namespace {
constexpr uint16_t kMoreFragments = 0x2000;
constexpr uint16_t kDontFragment = 0x4000;
constexpr uint16_t kOffsetMask = 0x1fff;
constexpr uint32_t kMaxDatagram = 65535;
}  // namespace

void FragmentTable::expire(uint64_t nowSecs) {
    while (!order_.empty()) {
        auto& [key, first] = order_.front();
        auto it = table_.find(key);
        if (it == table_.end() || it->second.firstSecs != first) {
            order_.pop_front();  // entry already finished or replaced
            continue;
        }
        if (first + opts_.fragsTimeoutSecs < nowSecs || table_.size() > opts_.maxFrags) {
            table_.erase(it);
            ++dropped_;
            order_.pop_front();
            continue;
        }
        break;
    }
}

FragmentTable::Result FragmentTable::add(const Packet& p, const uint8_t* ip, uint32_t ihl, uint32_t totlen,
                                         const uint8_t*& out, uint32_t& outLen) {
    uint64_t nowSecs = p.tsUs / 1000000;
    expire(nowSecs);
    Key key{load_be32(ip + 12), load_be32(ip + 16), load_be16(ip + 4)};
    uint16_t flags = load_be16(ip + 6);
    uint32_t offset = uint32_t{static_cast<uint16_t>(flags & kOffsetMask)} * 8;
    bool more = (flags & kMoreFragments) != 0;
    auto [it, fresh] = table_.try_emplace(key);
    Entry& e = it->second;
    if (fresh) {
        e.firstSecs = nowSecs;
        order_.emplace_back(key, nowSecs);
    }
    if (e.pieces.size() >= kMaxPieces || offset + (totlen - ihl) > kMaxDatagram) {
        table_.erase(it);
        ++dropped_;
        return Result::Dropped;
    }
    Piece piece{offset, more, std::vector<uint8_t>(ip + ihl, ip + totlen)};
    auto pos = std::upper_bound(e.pieces.begin(), e.pieces.end(), offset,
                                [](uint32_t off, const Piece& pc) { return off < pc.offset; });
    e.pieces.insert(pos, std::move(piece));
    if (!more && !(flags & kDontFragment)) e.haveLast = true;
    if (!e.haveLast) return Result::Held;

    // Walk every piece from offset 0: each must start where the previous one ended (so a
    // duplicate piece counts as a hole, as in Arkime), and the last must carry no MF.
    uint32_t expect = 0, total = 0;
    for (const Piece& pc : e.pieces) {
        if (pc.offset != expect) return Result::Held;
        expect = pc.offset + static_cast<uint32_t>(pc.payload.size());
        total = std::max(total, expect);
    }
    if (e.pieces.back().more) return Result::Held;

    // Rebuild: the completing fragment's frame up to the end of its IP header, then the payload.
    uint32_t prefix = static_cast<uint32_t>(ip - p.data) + ihl;
    out_.resize(prefix + total);
    std::memcpy(out_.data(), p.data, prefix);
    for (const Piece& pc : e.pieces) {
        if (pc.offset >= total) break;
        size_t n = std::min<size_t>(pc.payload.size(), total - pc.offset);
        std::memcpy(out_.data() + prefix + pc.offset, pc.payload.data(), n);
    }
    uint8_t* hdr = out_.data() + (ip - p.data);
    uint32_t newLen = ihl + total;
    hdr[2] = static_cast<uint8_t>(newLen >> 8);
    hdr[3] = static_cast<uint8_t>(newLen);
    hdr[6] = 0;
    hdr[7] = 0;
    table_.erase(it);
    out = out_.data();
    outLen = static_cast<uint32_t>(out_.size());
    return Result::Complete;
}

}  // namespace flowdex::decode
