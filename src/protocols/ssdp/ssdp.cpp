#include "protocols/ssdp/ssdp.h"

#include <array>
#include <deque>
#include <string_view>

#include "core/text.h"
#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols {
namespace {

using session::Session;

constexpr std::string_view kStarts[] = {"M-SEARCH ", "NOTIFY * ", "HTTP/1."};

struct Header {
    std::string_view name;
    std::string_view db;
};
constexpr std::array<Header, 6> kHeaders = {{{"server", "ssdp.server"},
                                             {"user-agent", "ssdp.userAgent"},
                                             {"st", "ssdp.st"},
                                             {"nt", "ssdp.nt"},
                                             {"usn", "ssdp.usn"},
                                             {"location", "ssdp.location"}}};

struct Fields {
    std::array<int, kHeaders.size()> pos{};
};

int ssdp_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int) {
    const auto& f = *static_cast<const Fields*>(ctx);
    std::string_view msg(reinterpret_cast<const char*>(data), len);
    bool known = false;
    for (std::string_view start : kStarts)
        known = known || msg.starts_with(start);
    if (!known) return 0;
    const fields::FieldRegistry& reg = *s.table->context().registry;
    size_t at = msg.find('\n');  // the request or status line is skipped
    while (at != std::string_view::npos && at + 1 < msg.size()) {
        const size_t start = at + 1;
        at = msg.find('\n', start);
        if (at == std::string_view::npos) break;  // a line without its end: the datagram was cut
        std::string_view line = msg.substr(start, at - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) break;  // end of the headers
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        const std::string_view name = line.substr(0, colon);
        for (size_t i = 0; i < kHeaders.size(); ++i) {
            if (!core::equals_lower(name, kHeaders[i].name)) continue;
            const std::string_view value = core::trim_blanks(line.substr(colon + 1)).substr(0, ssdp::kMaxValue);
            if (!value.empty()) s.fields.add_string(reg, f.pos[i], value);
            break;
        }
    }
    return 0;
}

void ssdp_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table || !s.table->has_protocol(s, "ssdp")) return;
    s.table->register_parser_once(s, session::ParserEntry{ssdp_parse, nullptr, nullptr, ctx});
}

}  // namespace

void register_ssdp(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    for (size_t i = 0; i < kHeaders.size(); ++i)
        f.pos[i] = r.fields.find_db(kHeaders[i].db);
    for (std::string_view start : kStarts)
        r.classifiers.add(classify::Transport::Udp,
                          classify::Classifier{"ssdp-parser", 0, std::string(start), ssdp_classify, &f});
}

}  // namespace flowdex::protocols
