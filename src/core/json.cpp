#include "core/json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>

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

uint64_t DocBuilder::shape_key() const {
    uint64_t h = std::hash<std::string_view>{}(paths_);
    for (const Entry& e : entries_)
        h = (h ^ e.pathLen) * 0x100000001b3ull;
    return h;
}

const DocBuilder::Shape& DocBuilder::shape() {
    const uint64_t key = shape_key();
    if (auto it = shapeIndex_.find(key); it != shapeIndex_.end()) {
        const Shape& sh = shapes_[it->second];
        bool same = sh.pathLens.size() == entries_.size() && sh.paths == paths_;
        for (size_t i = 0; i < entries_.size() && same; ++i)
            same = sh.pathLens[i] == entries_[i].pathLen;
        if (same) return sh;
    }
    // Records of one kind of session share a shape; a sensor sees a few hundred kinds.
    constexpr size_t kMaxShapes = 512;
    Shape fresh;
    fresh.key = key;
    fresh.paths = paths_;
    for (const Entry& e : entries_)
        fresh.pathLens.push_back(e.pathLen);
    std::vector<uint32_t> order(entries_.size());
    for (uint32_t i = 0; i < order.size(); ++i)
        order[i] = i;
    auto path = [this](uint32_t i) {
        return std::string_view(paths_).substr(entries_[i].pathOff, entries_[i].pathLen);
    };
    // Plain byte order keeps every path sharing a prefix "a." together, which is all nesting needs.
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        int c = path(a).compare(path(b));
        return c != 0 ? c < 0 : a < b;
    });
    std::string_view prev;  // previous full path; its segments before the leaf are the open objects
    size_t depth = 0;
    std::string text = "{";
    bool first = true;
    for (uint32_t idx : order) {
        std::string_view p = path(idx);
        if (!first && p == prev) continue;  // duplicate key: the first one added wins
        size_t common = 0, n = std::min(p.size(), prev.size());
        while (common < n && p[common] == prev[common])
            ++common;
        size_t shared = 0, start = 0;
        for (size_t i = 0; i < common; ++i)
            if (p[i] == '.') {
                ++shared;
                start = i + 1;
            }
        for (; depth > shared; --depth)
            text.push_back('}');
        if (!first && (text.empty() || text.back() != '{')) text.push_back(',');  // empty: a value came last
        first = false;
        size_t dot;
        while ((dot = p.find('.', start)) != std::string_view::npos) {
            json_append_string(text, p.substr(start, dot - start));
            text.append(":{");
            ++depth;
            start = dot + 1;
        }
        json_append_string(text, p.substr(start));
        text.push_back(':');
        fresh.order.push_back(idx);
        fresh.before.push_back(std::move(text));
        text.clear();
        prev = p;
    }
    for (; depth > 0; --depth)
        text.push_back('}');
    text.push_back('}');
    fresh.after = std::move(text);
    size_t at = shapes_.size();
    if (at < kMaxShapes) {
        shapes_.push_back(std::move(fresh));
    } else {
        at = nextEvict_;
        nextEvict_ = (nextEvict_ + 1) % kMaxShapes;
        if (auto it = shapeIndex_.find(shapes_[at].key); it != shapeIndex_.end() && it->second == at)
            shapeIndex_.erase(it);
        shapes_[at] = std::move(fresh);
    }
    shapeIndex_[key] = static_cast<uint32_t>(at);  // a colliding key now names the newer shape
    return shapes_[at];
}

void DocBuilder::finish(std::string& out) {
    seal();
    const Shape& sh = shape();
    for (size_t i = 0; i < sh.order.size(); ++i) {
        const Entry& e = entries_[sh.order[i]];
        out.append(sh.before[i]);
        out.append(values_, e.valOff, e.valLen);
    }
    out.append(sh.after);
}

}  // namespace flowdex
