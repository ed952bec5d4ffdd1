#include "protocols/bgp/bgp.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <string_view>

#include "protocols/signatures/signatures.h"
#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::bgp {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int type = -1;
    const signatures::Signature* naming = nullptr;  ///< the table entry that names bgp
};

constexpr std::array<std::string_view, 5> kTypeNames = {"", "OPEN", "UPDATE", "NOTIFICATION", "KEEPALIVE"};

struct Direction {
    std::array<uint8_t, kHeader> head{};
    size_t have = 0;  ///< header bytes held
    size_t skip = 0;  ///< body bytes of the current message still to pass
    bool done = false;
};

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    Direction d[2];
};

/// A whole header in `d.head`: names the type, or ends the direction when it is not BGP framing.
void header(State& st, Session& s, Direction& d) {
    static constexpr std::array<uint8_t, kMarker> kOnes = [] {
        std::array<uint8_t, kMarker> a{};
        a.fill(0xff);
        return a;
    }();
    const size_t len = size_t(d.head[kMarker]) << 8 | d.head[kMarker + 1];
    if (std::memcmp(d.head.data(), kOnes.data(), kMarker) != 0 || len < kMinMessage || len > kMaxMessage) {
        d.done = true;
        return;
    }
    const uint8_t type = d.head[kMarker + 2];
    if (type < kTypeNames.size() && !kTypeNames[type].empty() && st.f->type >= 0)
        s.fields.add_string(*st.reg, st.f->type, kTypeNames[type]);
    if (s.table) s.table->save_when_idle(s, kIdleSaveSecs);
    d.have = 0;
    d.skip = len - kHeader;
}

int bgp_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    Direction& d = st.d[which];
    size_t i = 0;
    while (i < len && !d.done) {
        if (d.skip > 0) {
            const size_t n = std::min<size_t>(d.skip, len - i);
            d.skip -= n;
            i += n;
            continue;
        }
        const size_t n = std::min<size_t>(kHeader - d.have, len - i);
        std::memcpy(d.head.data() + d.have, data + i, n);
        d.have += n;
        i += n;
        if (d.have == kHeader) header(st, s, d);
    }
    return st.d[0].done && st.d[1].done ? -1 : 0;
}

void bgp_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void bgp_classify(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    const auto* f = static_cast<const Fields*>(ctx);
    if (!s.table || !f->naming || !signatures::accepts(*f->naming, s, data, len, which)) return;
    if (s.has_parser(bgp_parse)) return;
    auto* st = new State;
    st->f = f;
    st->reg = s.table->context().registry;
    s.table->register_parser(s, session::ParserEntry{bgp_parse, nullptr, bgp_free, st});
}

}  // namespace

void register_bgp(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.type = r.fields.find_db("bgp.type");
    for (const signatures::Signature& sig : signatures::table())
        if (sig.name == "bgp" && !sig.patterns.empty()) f.naming = &sig;
    if (!f.naming) return;
    for (const signatures::Pattern& p : f.naming->patterns)
        r.classifiers.add(classify::Transport::Tcp,
                          classify::Classifier{"bgp-parser", p.offset, std::string(p.bytes), bgp_classify, &f});
}

}  // namespace flowdex::protocols::bgp
