#include "pipeline/magic.h"

#include <stdexcept>

namespace flowdex::pipeline {
namespace {

bool contains_pcapng(std::string_view s) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    for (size_t i = 0; i + 6 <= s.size(); ++i) {
        if (lower(s[i]) != 'p' || lower(s[i + 1]) != 'c' || lower(s[i + 2]) != 'a' || lower(s[i + 3]) != 'p') continue;
        size_t j = i + 4;
        if (s[j] == '-') ++j;
        if (j + 2 <= s.size() && lower(s[j]) == 'n' && lower(s[j + 1]) == 'g') return true;
    }
    return false;
}

magic_set* open_magic(int flags) {
    magic_set* m = magic_open(flags);
    if (!m) throw std::runtime_error("libmagic: cannot open");
    if (magic_load(m, nullptr) != 0) {
        std::string why = magic_error(m) ? magic_error(m) : "cannot load the magic database";
        magic_close(m);
        throw std::runtime_error("libmagic: " + why);
    }
    return m;
}

}  // namespace

bool is_capture(const FileKind& k) {
    return k.mime == "application/vnd.tcpdump.pcap" || k.mime == "application/x-pcapng" || contains_pcapng(k.type);
}

Compression compression_of(std::string_view b) {
    auto at = [&](size_t i) { return static_cast<unsigned char>(b[i]); };
    if (b.size() >= 2 && at(0) == 0x1F && at(1) == 0x8B) return Compression::Gzip;
    if (b.size() >= 4 && at(0) == 0x28 && at(1) == 0xB5 && at(2) == 0x2F && at(3) == 0xFD) return Compression::Zstd;
    if (b.size() >= 6 && b.substr(0, 6) == std::string_view("\xFD"
                                                            "7zXZ\0",
                                                            6))
        return Compression::Xz;
    return Compression::None;
}

const char* to_string(Compression c) {
    switch (c) {
        case Compression::Gzip:
            return "gzip";
        case Compression::Zstd:
            return "zstd";
        case Compression::Xz:
            return "xz";
        case Compression::None:
            break;
    }
    return "none";
}

Magic::Magic() : mime_(open_magic(MAGIC_MIME_TYPE | MAGIC_ERROR)), desc_(open_magic(MAGIC_ERROR)) {}

FileKind Magic::identify(const std::string& path) const {
    FileKind k;
    const char* mime = magic_file(mime_.get(), path.c_str());
    if (!mime)
        throw std::runtime_error(path + ": " + (magic_error(mime_.get()) ? magic_error(mime_.get()) : "unreadable"));
    k.mime = mime;
    const char* desc = magic_file(desc_.get(), path.c_str());
    if (!desc)
        throw std::runtime_error(path + ": " + (magic_error(desc_.get()) ? magic_error(desc_.get()) : "unreadable"));
    k.type = desc;
    return k;
}

}  // namespace flowdex::pipeline
