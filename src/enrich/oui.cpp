#include "enrich/oui.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/text.h"
#include "session/session.h"

namespace flowdex::enrich {
namespace {

constexpr int kMacBits = 48;
constexpr size_t kMaxName = 0xffff;

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Octets separated by ':', '-' or '.' (up to 6) → value left-aligned in 48 bits; returns the octet count.
int parse_octets(std::string_view s, uint64_t& value) {
    value = 0;
    int n = 0;
    size_t i = 0;
    while (i < s.size() && n < 6) {
        if (i + 2 > s.size()) return 0;
        const int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
        if (hi < 0 || lo < 0) return 0;
        value |= static_cast<uint64_t>(hi * 16 + lo) << (8 * (5 - n));
        ++n;
        i += 2;
        if (i == s.size()) break;
        if (s[i] != ':' && s[i] != '-' && s[i] != '.') return 0;
        ++i;
        if (i == s.size()) return 0;
    }
    return i == s.size() ? n : 0;
}

uint64_t top_bits(uint64_t v, int bits) {
    return bits >= kMacBits ? v : v & ~((uint64_t{1} << (kMacBits - bits)) - 1);
}

struct Fields {
    const OuiTable* table;
    const fields::FieldRegistry* reg;
    int mac[6];
    int oui[6];
};

void fill_oui(void* ctx, session::Session& s, bool) {
    const Fields& f = *static_cast<const Fields*>(ctx);
    const fields::FieldRegistry& reg = *f.reg;
    for (int i = 0; i < 6; ++i) {
        if (f.mac[i] < 0 || f.oui[i] < 0) continue;
        const std::vector<std::string>* macs = s.fields.strings(f.mac[i]);
        if (!macs) continue;
        for (const std::string& m : *macs) {
            std::string_view name = f.table->lookup(m);
            if (!name.empty()) s.fields.add_string_as_is(reg, f.oui[i], name);
        }
    }
}

}  // namespace

OuiTable OuiTable::parse(std::string_view text) {
    OuiTable t;
    while (!text.empty()) {
        const size_t eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
        line = core::trim_space(line);
        if (line.empty() || line.front() == '#') continue;
        std::string_view cols[3];
        int ncols = 0;
        while (!line.empty() && ncols < 3) {
            const size_t tab = line.find('\t');
            std::string_view col = core::trim_space(line.substr(0, tab));
            line.remove_prefix(tab == std::string_view::npos ? line.size() : tab + 1);
            if (col.empty()) continue;
            if (col.front() == '#') break;
            cols[ncols++] = col;
        }
        std::string_view prefix = cols[0];
        int bits = 0;
        if (const size_t slash = prefix.find('/'); slash != std::string_view::npos) {
            for (char c : prefix.substr(slash + 1)) {
                if (c < '0' || c > '9' || bits > kMacBits) {
                    bits = -1;
                    break;
                }
                bits = bits * 10 + (c - '0');
            }
            prefix = prefix.substr(0, slash);
        }
        uint64_t value = 0;
        const int octets = parse_octets(prefix, value);
        if (bits == 0) bits = octets * 8;
        const std::string_view name = ncols == 3 ? cols[2] : cols[1];
        if (ncols < 2 || octets < 3 || bits < 8 || bits > kMacBits || name.size() > kMaxName) {
            ++t.skipped_;
            continue;
        }
        t.entries_.push_back({top_bits(value, bits), static_cast<uint32_t>(t.names_.size()),
                              static_cast<uint16_t>(name.size()), static_cast<uint8_t>(bits)});
        t.names_.append(name);
    }
    std::sort(t.entries_.begin(), t.entries_.end(),
              [](const Entry& a, const Entry& b) { return a.bits != b.bits ? a.bits > b.bits : a.prefix < b.prefix; });
    for (const Entry& e : t.entries_)
        if (t.lengths_.empty() || t.lengths_.back() != e.bits) t.lengths_.push_back(e.bits);
    return t;
}

OuiTable OuiTable::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw config::ConfigError("ouiFile: " + path + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    OuiTable t = parse(text.str());
    if (t.size() == 0) throw config::ConfigError("ouiFile: " + path + ": no OUI entry found (not a manuf file?)");
    return t;
}

std::string_view OuiTable::lookup(const uint8_t mac[6]) const {
    if (mac[0] & 0x02) return {};  // locally administered
    uint64_t v = 0;
    for (int i = 0; i < 6; ++i)
        v = (v << 8) | mac[i];
    for (uint8_t bits : lengths_) {
        const Entry key{top_bits(v, bits), 0, 0, bits};
        auto it = std::lower_bound(entries_.begin(), entries_.end(), key, [](const Entry& a, const Entry& b) {
            return a.bits != b.bits ? a.bits > b.bits : a.prefix < b.prefix;
        });
        if (it != entries_.end() && it->bits == bits && it->prefix == key.prefix)
            return std::string_view(names_).substr(it->name, it->nameLen);
    }
    return {};
}

std::string_view OuiTable::lookup(std::string_view macText) const {
    uint64_t v = 0;
    if (parse_octets(macText, v) != 6) return {};
    uint8_t mac[6];
    for (int i = 0; i < 6; ++i)
        mac[i] = static_cast<uint8_t>(v >> (8 * (5 - i)));
    return lookup(mac);
}

std::unique_ptr<OuiTable> load_oui_table(const config::Config& cfg) {
    if (cfg.has("ouiFile")) {
        const std::string path = cfg.get_string("ouiFile", "");
        if (path.empty()) return nullptr;
        return std::make_unique<OuiTable>(OuiTable::load(path));
    }
    std::error_code ec;
    if (!std::filesystem::exists(kDefaultOuiFile, ec)) return nullptr;
    return std::make_unique<OuiTable>(OuiTable::load(std::string(kDefaultOuiFile)));
}

void register_oui(protocols::Registries& r, const OuiTable& table) {
    static std::deque<Fields> all;  // hooks keep pointers into it
    Fields& f = all.emplace_back();
    f.table = &table;
    f.reg = &r.fields;
    constexpr std::string_view kPairs[6][2] = {{"source.mac", "srcOui"},       {"destination.mac", "dstOui"},
                                               {"srcOuterMac", "srcOuterOui"}, {"dstOuterMac", "dstOuterOui"},
                                               {"arp.mac", "arp.oui"},         {"dhcp.mac", "dhcp.oui"}};
    for (int i = 0; i < 6; ++i) {
        f.mac[i] = r.fields.find_db(kPairs[i][0]);
        f.oui[i] = r.fields.find_db(kPairs[i][1]);
    }
    r.hooks.add_pre_save(fill_oui, &f);
}

}  // namespace flowdex::enrich
