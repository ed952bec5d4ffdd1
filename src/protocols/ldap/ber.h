#pragma once
/// A bounded BER (X.690) reader for the LDAP and Kerberos parsers: one-byte tags, definite
/// lengths of at most four length bytes. It never reads past the span it is given; a value that
/// runs past the end is reported as truncated rather than read.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace flowdex::protocols::ber {

struct Tlv {
    uint8_t tag = 0;
    const uint8_t* value = nullptr;
    size_t len = 0;         ///< declared length
    bool complete = false;  ///< the whole value lies inside the span
    std::string_view text() const { return {reinterpret_cast<const char*>(value), len}; }
};

/// Result of reading one element header.
enum class Read : uint8_t { Ok, Short, Bad };

/// Reads the element at `p` of [p, end): on Ok, `t` describes it and `p` moves past its header
/// (not its value); Short when the header itself is cut, Bad for indefinite or oversized lengths
/// and multi-byte tags.
inline Read header(const uint8_t*& p, const uint8_t* end, Tlv& t) {
    if (end - p < 2) return Read::Short;
    const uint8_t* q = p;
    t.tag = *q++;
    if ((t.tag & 0x1f) == 0x1f) return Read::Bad;
    uint8_t l = *q++;
    size_t len = l;
    if (l & 0x80) {
        const size_t n = l & 0x7f;
        if (n == 0 || n > 4) return Read::Bad;
        if (static_cast<size_t>(end - q) < n) return Read::Short;
        len = 0;
        for (size_t i = 0; i < n; ++i)
            len = len << 8 | *q++;
    }
    t.value = q;
    t.len = len;
    t.complete = len <= static_cast<size_t>(end - q);
    p = q;
    return Read::Ok;
}

/// Reads a whole element: Ok only when its value is complete; `p` moves past it.
inline bool next(const uint8_t*& p, const uint8_t* end, Tlv& t) {
    const uint8_t* q = p;
    if (header(q, end, t) != Read::Ok || !t.complete) return false;
    p = q + t.len;
    return true;
}

/// A small non-negative INTEGER (up to 4 value bytes); false otherwise.
inline bool integer(const Tlv& t, uint32_t& v) {
    if (t.tag != 0x02 || t.len == 0 || t.len > 4 || !t.complete || (t.value[0] & 0x80)) return false;
    v = 0;
    for (size_t i = 0; i < t.len; ++i)
        v = v << 8 | t.value[i];
    return true;
}

/// The elements of a constructed value, one after another.
struct Children {
    const uint8_t* p;
    const uint8_t* end;
    explicit Children(const Tlv& t) : p(t.value), end(t.value + t.len) {}
    bool next(Tlv& t) { return ber::next(p, end, t); }
    /// The next child with `tag`, skipping others.
    bool find(uint8_t tag, Tlv& t) {
        while (next(t))
            if (t.tag == tag) return true;
        return false;
    }
};

}  // namespace flowdex::protocols::ber
