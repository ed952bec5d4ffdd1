#include "protocols/isis/isis.h"

#include <cstdio>
#include <deque>
#include <string_view>

#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols {
namespace {

using session::Session;

constexpr size_t kTypeAt = 3;
constexpr uint8_t kTypeMask = 0x1f;

std::string_view type_name(uint8_t t) {
    switch (t) {
        case 15:
            return "lan-l1-hello";
        case 16:
            return "lan-l2-hello";
        case 17:
            return "p2p-hello";
        case 18:
            return "l1-lsp";
        case 20:
            return "l2-lsp";
        case 24:
            return "l1-csnp";
        case 25:
            return "l2-csnp";
        case 26:
            return "l1-psnp";
        case 27:
            return "l2-psnp";
        default:
            return {};
    }
}

int isis_parse(void* ctx, Session& s, const uint8_t* d, uint32_t len, int) {
    const int pos = *static_cast<const int*>(ctx);
    if (pos < 0) return -1;
    char buf[24];
    std::string_view name;
    if (len <= kTypeAt) {
        name = std::string_view(buf, static_cast<size_t>(std::snprintf(buf, sizeof buf, "err-len-%u", len)));
    } else {
        const uint8_t t = d[kTypeAt] & kTypeMask;
        name = type_name(t);
        if (name.empty())
            name = std::string_view(buf, static_cast<size_t>(std::snprintf(buf, sizeof buf, "unk-%u", t)));
    }
    s.fields.add_string(*s.table->context().registry, pos, name);
    return 0;
}

void isis_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (s.table) s.table->register_parser_once(s, session::ParserEntry{isis_parse, nullptr, nullptr, ctx});
}

}  // namespace

void register_isis(Registries& r) {
    static std::deque<int> positions;  // one per registration; classifiers keep pointers into it
    int& pos = positions.emplace_back(r.fields.find_db("isis.msgType"));
    r.classifiers.add_ethertype("isis", isis::kNlpid, isis_classify, &pos);
}

}  // namespace flowdex::protocols
