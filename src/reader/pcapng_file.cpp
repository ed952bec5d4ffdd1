#include "reader/pcapng_file.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <sys/stat.h>

namespace flowdex::reader {
namespace {
enum class BlockType : uint32_t { Interface = 1, ObsoletePacket = 2, SimplePacket = 3, EnhancedPacket = 6 };
enum class Option : uint16_t { End = 0, TsResol = 9, TsOffset = 14 };
constexpr uint32_t kBlockOverhead = 12;  // type, leading and trailing length
constexpr uint32_t kShbMinBody = 16;     // byte-order magic, version, section length
constexpr uint32_t kIdbMinBody = 8;
constexpr uint32_t kEpbMinBody = 20;
constexpr uint32_t kSpbMinBody = 4;
constexpr uint8_t kLeMagic[4] = {0x4d, 0x3c, 0x2b, 0x1a};
constexpr uint8_t kBeMagic[4] = {0x1a, 0x2b, 0x3c, 0x4d};
constexpr uint16_t kLinktypeRaw = 101;
constexpr uint16_t kDltRaw = 12;
constexpr uint8_t kDefaultResolution = 6;
constexpr uint8_t kMaxDecimalResolution = 19;  // 10^19 still fits in 64 bits
constexpr uint64_t kUsPerSec = 1000000;

uint64_t pow10(uint8_t n) {
    uint64_t v = 1;
    while (n--)
        v *= 10;
    return v;
}
}  // namespace

uint16_t PcapngFile::u16(const uint8_t* p) const {
    return bigEndian_ ? static_cast<uint16_t>(p[0] << 8 | p[1]) : static_cast<uint16_t>(p[1] << 8 | p[0]);
}

uint32_t PcapngFile::u32(const uint8_t* p) const {
    return bigEndian_ ? uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3]
                      : uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0];
}

bool PcapngFile::fail(const std::string& why) {
    error_ = why + " (pcapng block at offset " + std::to_string(blockStart_) + ")";
    return false;
}

PcapngFile::Block PcapngFile::read_block(uint32_t& type) {
    blockStart_ = offset_;
    uint8_t head[8];
    size_t got = std::fread(head, 1, sizeof head, f_);
    if (got == 0 && std::feof(f_)) return Block::End;
    if (got < sizeof head) return fail("truncated block header"), Block::Error;
    offset_ += sizeof head;
    size_t have = 0;                  // body bytes already read
    if (u32(head) == kPcapngMagic) {  // the type reads the same in both byte orders
        // A section header: its byte-order magic decides how every length in the section reads.
        uint8_t bom[4];
        if (std::fread(bom, 1, sizeof bom, f_) < sizeof bom) return fail("truncated section header"), Block::Error;
        offset_ += sizeof bom;
        if (std::memcmp(bom, kLeMagic, 4) == 0) {
            bigEndian_ = false;
        } else if (std::memcmp(bom, kBeMagic, 4) == 0) {
            bigEndian_ = true;
        } else {
            return fail("bad byte-order magic"), Block::Error;
        }
        body_.resize(sizeof bom);
        std::memcpy(body_.data(), bom, sizeof bom);
        have = sizeof bom;
    }
    type = u32(head);
    const uint32_t len = u32(head + 4);
    if (len < kBlockOverhead + have || len % 4 != 0 || len > kMaxBlock)
        return fail("bad block length " + std::to_string(len)), Block::Error;
    // A length past the end of a regular file is a cut-off block: refuse it before growing the buffer,
    // so a short hostile file cannot make the reader take kMaxBlock bytes.
    if (fileSize_ >= 0 && blockStart_ + static_cast<int64_t>(len) > fileSize_)
        return fail("truncated block"), Block::Error;
    body_.resize(len - kBlockOverhead);
    const size_t want = body_.size() - have;
    if (want && std::fread(body_.data() + have, 1, want, f_) < want) return fail("truncated block"), Block::Error;
    uint8_t tail[4];
    if (std::fread(tail, 1, sizeof tail, f_) < sizeof tail) return fail("truncated block"), Block::Error;
    offset_ += static_cast<int64_t>(want + sizeof tail);
    if (u32(tail) != len) return fail("block lengths differ"), Block::Error;
    return Block::Ok;
}

bool PcapngFile::section_header() {
    if (body_.size() < kShbMinBody) return fail("section header too short");
    if (u16(body_.data() + 4) != 1) return fail("unsupported pcapng major version");
    interfaces_.clear();  // interface ids count from zero again in every section
    return true;
}

bool PcapngFile::interface(const uint8_t* b, uint32_t n) {
    if (n < kIdbMinBody) return fail("interface description too short");
    Interface itf;
    itf.linkType = u16(b);
    if (itf.linkType == kLinktypeRaw) itf.linkType = kDltRaw;  // as libpcap reports it
    itf.snaplen = u32(b + 4);
    for (uint32_t at = kIdbMinBody; at + 4 <= n;) {
        const auto code = static_cast<Option>(u16(b + at));
        const uint16_t olen = u16(b + at + 2);
        at += 4;
        if (code == Option::End || olen > n - at) break;
        if (code == Option::TsResol && olen >= 1) {
            itf.binaryResolution = b[at] & 0x80;
            itf.resolution = b[at] & 0x7f;
        } else if (code == Option::TsOffset && olen >= 8) {
            const uint64_t hi = u32(b + at), lo = u32(b + at + 4);
            itf.offsetSeconds = static_cast<int64_t>(bigEndian_ ? hi << 32 | lo : lo << 32 | hi);
        }
        at += (olen + 3u) & ~3u;
    }
    if (firstLinkType_ < 0) firstLinkType_ = itf.linkType;
    interfaces_.push_back(itf);
    return true;
}

uint64_t PcapngFile::to_us(const Interface& itf, uint64_t ts) const {
    uint64_t us = 0;
    if (!itf.binaryResolution) {
        if (itf.resolution == kDefaultResolution) {
            us = ts;
        } else if (itf.resolution < kDefaultResolution) {
            us = ts * pow10(static_cast<uint8_t>(kDefaultResolution - itf.resolution));
        } else if (itf.resolution <= kMaxDecimalResolution) {
            us = ts / pow10(static_cast<uint8_t>(itf.resolution - kDefaultResolution));
        }
    } else if (itf.resolution < 64) {
        const uint64_t sec = ts >> itf.resolution;
        const uint64_t frac = ts & ((uint64_t{1} << itf.resolution) - 1);
        us = sec * kUsPerSec +
             static_cast<uint64_t>(std::ldexp(static_cast<long double>(frac), -itf.resolution) * kUsPerSec);
    }
    return us + static_cast<uint64_t>(itf.offsetSeconds) * kUsPerSec;
}

PcapngFile::Next PcapngFile::packet(Record& rec, uint32_t ifId, uint64_t ts, uint32_t caplen, uint32_t wirelen,
                                    uint32_t dataAt) {
    if (ifId >= interfaces_.size()) return fail("packet for unknown interface " + std::to_string(ifId)), Next::Error;
    if (caplen > body_.size() - dataAt) return fail("captured length past the block"), Next::Error;
    const Interface& itf = interfaces_[ifId];
    rec.data = body_.data() + dataAt;
    rec.caplen = caplen;
    rec.wirelen = wirelen;
    rec.tsUs = to_us(itf, ts);
    rec.linkType = itf.linkType;
    rec.blockOffset = blockStart_;
    return Next::Packet;
}

bool PcapngFile::open() {
    struct stat st {};
    if (fileSize_ < 0 && fstat(fileno(f_), &st) == 0 && S_ISREG(st.st_mode))
        fileSize_ = static_cast<int64_t>(st.st_size);
    uint32_t type = 0;
    if (read_block(type) != Block::Ok) return error_.empty() ? fail("empty file") : false;
    if (type != kPcapngMagic) return fail("not a pcapng file");
    if (!section_header()) return false;
    while (interfaces_.empty()) {
        const Block b = read_block(type);
        if (b == Block::End) return fail("no interface description");
        if (b == Block::Error) return false;
        const auto* d = body_.data();
        const auto n = static_cast<uint32_t>(body_.size());
        if (type == kPcapngMagic) {
            if (!section_header()) return false;
        } else if (type == static_cast<uint32_t>(BlockType::Interface)) {
            if (!interface(d, n)) return false;
        } else if (type == static_cast<uint32_t>(BlockType::EnhancedPacket) ||
                   type == static_cast<uint32_t>(BlockType::SimplePacket) ||
                   type == static_cast<uint32_t>(BlockType::ObsoletePacket)) {
            return fail("packet before any interface description");
        }
    }
    return true;
}

PcapngFile::Next PcapngFile::next(Record& rec) {
    for (;;) {
        uint32_t type = 0;
        const Block b = read_block(type);
        if (b == Block::End) return Next::End;
        if (b == Block::Error) return Next::Error;
        const auto* d = body_.data();
        const auto n = static_cast<uint32_t>(body_.size());
        switch (type) {
            case kPcapngMagic:
                if (!section_header()) return Next::Error;
                continue;
            case static_cast<uint32_t>(BlockType::Interface):
                if (!interface(d, n)) return Next::Error;
                continue;
            case static_cast<uint32_t>(BlockType::EnhancedPacket): {
                if (n < kEpbMinBody) return fail("enhanced packet block too short"), Next::Error;
                const uint64_t ts = uint64_t{u32(d + 4)} << 32 | u32(d + 8);
                return packet(rec, u32(d), ts, u32(d + 12), u32(d + 16), kEpbMinBody);
            }
            case static_cast<uint32_t>(BlockType::ObsoletePacket): {
                if (n < kEpbMinBody) return fail("packet block too short"), Next::Error;
                const uint64_t ts = uint64_t{u32(d + 4)} << 32 | u32(d + 8);
                return packet(rec, u16(d), ts, u32(d + 12), u32(d + 16), kEpbMinBody);
            }
            case static_cast<uint32_t>(BlockType::SimplePacket): {
                if (n < kSpbMinBody) return fail("simple packet block too short"), Next::Error;
                if (interfaces_.empty()) return fail("packet for unknown interface 0"), Next::Error;
                const uint32_t wire = u32(d);
                uint32_t cap = std::min(wire, n - kSpbMinBody);
                if (interfaces_[0].snaplen) cap = std::min(cap, interfaces_[0].snaplen);
                return packet(rec, 0, 0, cap, wire, kSpbMinBody);
            }
            default:
                continue;  // statistics, name resolution, custom blocks…
        }
    }
}

}  // namespace flowdex::reader
