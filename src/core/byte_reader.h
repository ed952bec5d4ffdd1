#pragma once
/// Bounds-checked, allocation-free reading of network-order fields.
///
/// Every accessor checks the remaining length first and reports failure through its return
/// value, so decoders written against ByteReader cannot read past the bytes they were given.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace flowdex {

inline uint16_t load_be16(const uint8_t* p) {
    return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
inline uint32_t load_be32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
inline uint16_t load_le16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] | (p[1] << 8));
}
inline uint32_t load_le32(const uint8_t* p) {
    return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

class ByteReader {
  public:
    ByteReader(const uint8_t* data, size_t len) : data_(data), len_(len) {}
    explicit ByteReader(std::span<const uint8_t> s) : data_(s.data()), len_(s.size()) {}

    size_t remaining() const { return len_ - pos_; }
    size_t position() const { return pos_; }
    const uint8_t* current() const { return data_ + pos_; }
    bool has(size_t n) const { return n <= len_ - pos_; }

    bool skip(size_t n) {
        if (!has(n)) return false;
        pos_ += n;
        return true;
    }
    bool u8(uint8_t& v) {
        if (!has(1)) return false;
        v = data_[pos_++];
        return true;
    }
    bool be16(uint16_t& v) {
        if (!has(2)) return false;
        v = load_be16(data_ + pos_);
        pos_ += 2;
        return true;
    }
    bool be24(uint32_t& v) {
        if (!has(3)) return false;
        v = (uint32_t{data_[pos_]} << 16) | (uint32_t{data_[pos_ + 1]} << 8) | data_[pos_ + 2];
        pos_ += 3;
        return true;
    }
    bool be32(uint32_t& v) {
        if (!has(4)) return false;
        v = load_be32(data_ + pos_);
        pos_ += 4;
        return true;
    }
    bool le16(uint16_t& v) {
        if (!has(2)) return false;
        v = load_le16(data_ + pos_);
        pos_ += 2;
        return true;
    }
    bool le32(uint32_t& v) {
        if (!has(4)) return false;
        v = load_le32(data_ + pos_);
        pos_ += 4;
        return true;
    }
    /// Points `out` at the next n bytes without copying.
    bool bytes(size_t n, const uint8_t*& out) {
        if (!has(n)) return false;
        out = data_ + pos_;
        pos_ += n;
        return true;
    }

  private:
    const uint8_t* data_;
    size_t len_;
    size_t pos_ = 0;
};

}  // namespace flowdex
