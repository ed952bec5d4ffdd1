#include "core/text.h"

namespace flowdex::core {

bool valid_utf8(std::string_view s) {
    constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    constexpr uint32_t kMaxCodePoint = 0x10FFFF;
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<uint8_t>(s[i]);
        size_t extra;
        uint32_t cp;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= s.size()) return false;
        for (size_t k = 1; k <= extra; ++k) {
            auto d = static_cast<uint8_t>(s[i + k]);
            if ((d & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3F);
        }
        if (cp < kMin[extra] || cp > kMaxCodePoint || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += extra + 1;
    }
    return true;
}

std::string base64_decode(std::string_view v, Base64Junk junk) {
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : v) {
        int x;
        if (c >= 'A' && c <= 'Z')
            x = c - 'A';
        else if (c >= 'a' && c <= 'z')
            x = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            x = c - '0' + 52;
        else if (c == '+')
            x = 62;
        else if (c == '/')
            x = 63;
        else if (junk == Base64Junk::Ends || (c == '=' && junk == Base64Junk::SkipPadEnds))
            break;
        else
            continue;
        acc = (acc << 6) | static_cast<uint32_t>(x);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    return out;
}

std::string utf16le_to_utf8(const uint8_t* p, size_t bytes) {
    std::string out;
    constexpr uint32_t kReplacement = 0xfffd;
    for (size_t i = 0; i + 1 < bytes; i += 2) {
        uint32_t c = static_cast<uint32_t>(p[i]) | static_cast<uint32_t>(p[i + 1]) << 8;
        if (c == 0) break;
        if (c >= 0xd800 && c <= 0xdbff && i + 3 < bytes) {
            const uint32_t lo = static_cast<uint32_t>(p[i + 2]) | static_cast<uint32_t>(p[i + 3]) << 8;
            if (lo >= 0xdc00 && lo <= 0xdfff) {
                c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
                i += 2;
            }
        }
        if (c >= 0xd800 && c <= 0xdfff) c = kReplacement;
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (c < 0x800) {
            out += static_cast<char>(0xc0 | c >> 6);
            out += static_cast<char>(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            out += static_cast<char>(0xe0 | c >> 12);
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (c & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | c >> 18);
            out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (c & 0x3f));
        }
    }
    return out;
}

}  // namespace flowdex::core
