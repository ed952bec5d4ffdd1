#pragma once
/// A small bounded reader for ASN.1 BER/DER (X.690) TLVs: SNMP today, LDAP and Kerberos later.
///
/// BerReader walks the TLVs of one buffer in order without allocating; a constructed TLV's value is
/// read with a new BerReader over it. Identifiers may use the high-tag-number form (up to
/// kMaxTagBytes continuation bytes); lengths may be short or long form (up to 4 length bytes).
/// Two modes for a length that runs past the end of the buffer:
/// - BerMode::Strict: the TLV is malformed and next() fails;
/// - BerMode::Clamp: the value is cut at the end of the buffer and Tlv::clamped is set (what
///   lenient decoders such as Arkime's do with captures whose lengths are wrong or cut short).
/// The indefinite length form (0x80) is malformed in Strict mode and means "to the end of the
/// buffer" in Clamp mode. After a failure the reader stays at the end (next() keeps failing).
///
/// Helpers decode INTEGER contents (ber_int, up to 8 bytes, two's complement) and OBJECT
/// IDENTIFIER contents as dotted text into a caller buffer (ber_oid_text).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

namespace flowdex {

enum class BerMode : uint8_t { Strict, Clamp };

enum class BerClass : uint8_t { Universal = 0, Application = 1, Context = 2, Private = 3 };

/// Universal tag numbers used by the decoders.
enum class BerTag : uint32_t {
    Boolean = 1,
    Integer = 2,
    BitString = 3,
    OctetString = 4,
    Null = 5,
    Oid = 6,
    Enumerated = 10,
    Utf8String = 12,
    Sequence = 16,
    Set = 17,
    GeneralizedTime = 24,
    GeneralString = 27,
};

struct BerTlv {
    uint8_t identifier = 0;  ///< the first identifier byte as sent (0x30 SEQUENCE, 0xa0 [0] constructed…)
    BerClass cls = BerClass::Universal;
    bool constructed = false;
    uint32_t number = 0;  ///< tag number (high-tag-number form decoded)
    const uint8_t* value = nullptr;
    size_t length = 0;     ///< bytes available at `value` (after clamping)
    bool clamped = false;  ///< the encoded length ran past the buffer (Clamp mode only)

    bool is(BerTag t) const { return cls == BerClass::Universal && number == static_cast<uint32_t>(t); }
    std::string_view text() const { return {reinterpret_cast<const char*>(value), length}; }
};

class BerReader {
  public:
    static constexpr size_t kMaxTagBytes = 4;     ///< continuation bytes of a high tag number
    static constexpr size_t kMaxLengthBytes = 4;  ///< bytes of a long-form length

    BerReader(const uint8_t* data, size_t len, BerMode mode = BerMode::Strict) : p_(data), n_(len), mode_(mode) {}
    explicit BerReader(const BerTlv& t, BerMode mode = BerMode::Strict) : BerReader(t.value, t.length, mode) {}

    bool at_end() const { return pos_ >= n_; }
    size_t position() const { return pos_; }

    /// Reads the next TLV; false at the end or when the header is malformed (see the modes).
    bool next(BerTlv& out) {
        if (pos_ >= n_) return false;
        size_t at = pos_;
        const uint8_t id = p_[at++];
        out.identifier = id;
        out.cls = static_cast<BerClass>(id >> 6);
        out.constructed = (id & 0x20) != 0;
        out.number = id & 0x1f;
        if (out.number == 0x1f) {
            uint32_t num = 0;
            for (size_t i = 0;; ++i) {
                if (at >= n_ || i >= kMaxTagBytes) return fail();
                const uint8_t b = p_[at++];
                num = num << 7 | (b & 0x7f);
                if (!(b & 0x80)) break;
            }
            out.number = num;
        }
        if (at >= n_) return fail();
        size_t len = p_[at++];
        bool indefinite = false;
        if (len & 0x80) {
            const size_t k = len & 0x7f;
            if (k == 0) {
                indefinite = true;
            } else {
                if (k > kMaxLengthBytes || k > n_ - at) return fail();
                len = 0;
                for (size_t i = 0; i < k; ++i)
                    len = len << 8 | p_[at++];
            }
        }
        const size_t avail = n_ - at;
        out.clamped = false;
        if (indefinite) {
            if (mode_ == BerMode::Strict) return fail();
            len = avail;
        } else if (len > avail) {
            if (mode_ == BerMode::Strict) return fail();
            len = avail;
            out.clamped = true;
        }
        out.value = p_ + at;
        out.length = len;
        pos_ = at + len;
        return true;
    }

  private:
    bool fail() {
        pos_ = n_;
        return false;
    }
    const uint8_t* p_;
    size_t n_;
    size_t pos_ = 0;
    BerMode mode_;
};

/// INTEGER/ENUMERATED contents (two's complement, 1 to 8 bytes); false otherwise.
inline bool ber_int(const BerTlv& t, int64_t& out) {
    if (t.length == 0 || t.length > 8) return false;
    uint64_t v = (t.value[0] & 0x80) ? ~uint64_t(0) : 0;
    for (size_t i = 0; i < t.length; ++i)
        v = v << 8 | t.value[i];
    out = static_cast<int64_t>(v);
    return true;
}

/// OBJECT IDENTIFIER contents as dotted text ("1.3.6.1.2.1.1.1.0") written to `buf` (NUL-terminated
/// when cap > 0). Returns the text length, 0 when the contents are empty or a sub-identifier is
/// longer than 9 bytes. A last sub-identifier cut short (continuation bit set at the end) is
/// dropped; text that would not fit in `cap` stops at the last whole arc that fits.
inline size_t ber_oid_text(const uint8_t* p, size_t n, char* buf, size_t cap) {
    if (cap == 0) return 0;
    buf[0] = '\0';
    size_t out = 0, i = 0;
    bool first = true;
    while (i < n) {
        uint64_t v = 0;
        size_t k = 0;
        bool done = false;
        while (i < n) {
            const uint8_t b = p[i++];
            if (++k > 9) return 0;
            v = v << 7 | (b & 0x7f);
            if (!(b & 0x80)) {
                done = true;
                break;
            }
        }
        if (!done) break;
        char arc[48];
        int w;
        if (first) {
            const uint64_t x = v < 40 ? 0 : v < 80 ? 1 : 2;
            w = std::snprintf(arc, sizeof arc, "%llu.%llu", static_cast<unsigned long long>(x),
                              static_cast<unsigned long long>(v - x * 40));
            first = false;
        } else {
            w = std::snprintf(arc, sizeof arc, ".%llu", static_cast<unsigned long long>(v));
        }
        if (w <= 0 || out + static_cast<size_t>(w) + 1 > cap) break;
        for (int j = 0; j < w; ++j)
            buf[out++] = arc[j];
        buf[out] = '\0';
    }
    return out;
}

}  // namespace flowdex
