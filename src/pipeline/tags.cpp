#include "pipeline/tags.h"

#include <array>

namespace flowdex::pipeline {
namespace {

constexpr std::string_view kSeparators = ",-./_";
constexpr std::array<std::string_view, 11> kDropped = {
    "cap", "pcap", "dmp", "log", "bro", "zeek", "suricata", "tcpdump", "mtcpdump", "netsniff", "mnetsniff"};
constexpr std::array<std::string_view, 4> kProcessorDropped = {"USERTAG", "AUTOARKIME", "AUTOZEEK", "AUTOSURICATA"};
constexpr std::string_view kSiteIdPrefix = "NBSITEID";

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_nocase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != b[i]) return false;
    return true;
}

bool all_digits(std::string_view s) {
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return !s.empty();
}

bool dropped_piece(std::string_view p) {
    if (all_digits(p)) return true;
    for (auto d : kDropped)
        if (equals_nocase(p, d)) return true;
    return false;
}

}  // namespace

std::vector<std::string> tags_from_name(std::string_view name) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < name.size()) {
        size_t end = name.find_first_of(kSeparators, i);
        if (end == std::string_view::npos) end = name.size();
        std::string_view piece = name.substr(i, end - i);
        if (!piece.empty() && !dropped_piece(piece)) out.emplace_back(piece);
        i = end + 1;
    }
    return out;
}

bool is_live_name(std::string_view name) {
    size_t slash = name.rfind('/');
    std::string_view base = slash == std::string_view::npos ? name : name.substr(slash + 1);
    return base.starts_with("mtcpdump") || base.starts_with("mnetsniff");
}

std::vector<std::string> processor_tags(const std::vector<std::string>& tags, const std::vector<std::string>& extra) {
    std::vector<std::string> out;
    for (const auto& t : tags) {
        bool drop = std::string_view(t).starts_with(kSiteIdPrefix);
        for (auto d : kProcessorDropped)
            drop = drop || t == d;
        if (!drop) out.push_back(t);
    }
    out.insert(out.end(), extra.begin(), extra.end());
    return out;
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i <= text.size()) {
        size_t end = text.find(',', i);
        if (end == std::string_view::npos) end = text.size();
        std::string_view item = text.substr(i, end - i);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
            item.remove_suffix(1);
        if (!item.empty()) out.emplace_back(item);
        i = end + 1;
    }
    return out;
}

}  // namespace flowdex::pipeline
