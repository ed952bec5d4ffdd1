#include "core/json.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace flowdex {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid.
size_t utf8_len(const unsigned char* p, size_t n) {
    unsigned char c = p[0];
    if (c < 0x80) return 1;
    size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || len > n) return 0;
    for (size_t i = 1; i < len; ++i)
        if ((p[i] & 0xC0) != 0x80) return 0;
    uint32_t cp = len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t i = 1; i < len; ++i)
        cp = (cp << 6) | (p[i] & 0x3F);
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

// '.' sorts before every other byte so that "a.b" groups before "a-b" and nesting stays contiguous.
int path_cmp(std::string_view a, std::string_view b) {
    size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
        unsigned ca = a[i] == '.' ? 0 : static_cast<unsigned char>(a[i]) + 1;
        unsigned cb = b[i] == '.' ? 0 : static_cast<unsigned char>(b[i]) + 1;
        if (ca != cb) return ca < cb ? -1 : 1;
    }
    return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

}  // namespace

void json_append_string(std::string& out, std::string_view s) {
    out.push_back('"');
    auto* p = reinterpret_cast<const unsigned char*>(s.data());
    size_t n = s.size();
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            size_t j = i + 1;
            while (j < n && p[j] >= 0x20 && p[j] != '"' && p[j] != '\\' && p[j] < 0x80)
                ++j;
            out.append(s.data() + i, j - i);
            i = j;
            continue;
        }
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
            ++i;
        } else if (c < 0x20) {
            switch (c) {
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    out.append("\\u00");
                    out.push_back(kHex[c >> 4]);
                    out.push_back(kHex[c & 0xF]);
            }
            ++i;
        } else if (size_t len = utf8_len(p + i, n - i)) {
            out.append(s.data() + i, len);
            i += len;
        } else {
            out.append("\\u00");
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
            ++i;
        }
    }
    out.push_back('"');
}

void json_append_int(std::string& out, int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void json_append_uint(std::string& out, uint64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void json_append_double(std::string& out, double v) {
    if (!std::isfinite(v)) {
        out.append("null");
        return;
    }
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void DocBuilder::clear() {
    paths_.clear();
    values_.clear();
    entries_.clear();
    open_ = false;
}

void DocBuilder::seal() {
    if (open_) {
        entries_.back().valLen = static_cast<uint32_t>(values_.size() - entries_.back().valOff);
        open_ = false;
    }
}

std::string& DocBuilder::begin(std::string_view path) {
    seal();
    entries_.push_back({static_cast<uint32_t>(paths_.size()), static_cast<uint32_t>(path.size()),
                        static_cast<uint32_t>(values_.size()), 0});
    paths_.append(path);
    open_ = true;
    return values_;
}

void DocBuilder::finish(std::string& out) {
    seal();
    order_.resize(entries_.size());
    for (uint32_t i = 0; i < order_.size(); ++i)
        order_[i] = i;
    auto path = [this](uint32_t i) {
        return std::string_view(paths_).substr(entries_[i].pathOff, entries_[i].pathLen);
    };
    std::sort(order_.begin(), order_.end(), [&](uint32_t a, uint32_t b) {
        int c = path_cmp(path(a), path(b));
        return c != 0 ? c < 0 : a < b;
    });

    // Open objects are the path segments of the previous key minus its leaf.
    std::string_view prev;  // previous full path
    size_t depth = 0;       // number of objects open below the root
    out.push_back('{');
    bool first = true;
    for (uint32_t idx : order_) {
        std::string_view p = path(idx);
        if (!prev.empty() && p == prev) continue;  // duplicate key: first wins
        // Count the segments p shares with the open objects of prev.
        size_t shared = 0, i = 0;
        if (!prev.empty()) {
            size_t pos = 0;
            while (shared < depth) {
                size_t a = prev.find('.', pos), b = p.find('.', pos);
                if (a == std::string_view::npos || a != b || prev.substr(pos, a - pos) != p.substr(pos, b - pos)) break;
                ++shared;
                pos = a + 1;
            }
            i = pos;
        }
        for (; depth > shared; --depth)
            out.push_back('}');
        if (!first && out.back() != '{') out.push_back(',');
        first = false;
        // Open the remaining intermediate segments.
        size_t dot;
        while ((dot = p.find('.', i)) != std::string_view::npos) {
            json_append_string(out, p.substr(i, dot - i));
            out.append(":{");
            ++depth;
            i = dot + 1;
        }
        json_append_string(out, p.substr(i));
        out.push_back(':');
        out.append(values_, entries_[idx].valOff, entries_[idx].valLen);
        prev = p;
    }
    for (; depth > 0; --depth)
        out.push_back('}');
    out.push_back('}');
}

}  // namespace flowdex
