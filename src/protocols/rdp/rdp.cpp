#include "protocols/rdp/rdp.h"

#include <algorithm>
#include <deque>
#include <string>
#include <string_view>

#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::rdp {
namespace {

using fields::FieldRegistry;
using session::Session;

constexpr size_t kTpktHeader = 4;
constexpr size_t kMinTpdu = 11;  // TPKT header and the fixed X.224 CR/CC header

struct Fields {
    int requested = -1, selected = -1, user = -1;
};

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    session::ParserBuffer buf[2];
    bool done[2] = {};
};

struct Flag {
    uint32_t bit;
    const char* name;
};
constexpr Flag kProtocols[] = {{0x1, "ssl"}, {0x2, "nla"}, {0x4, "rdstls"}, {0x8, "nla_ex"}, {0x10, "rdsaad"}};

void add_protocols(const FieldRegistry& reg, Session& s, int pos, uint32_t v) {
    if (pos < 0) return;
    if (v == 0) s.fields.add_string(reg, pos, "rdp");
    for (const Flag& f : kProtocols)
        if (v & f.bit) s.fields.add_string(reg, pos, f.name);
}

/// The fields of one whole TPKT (`n` bytes, its length) sent by `which`.
void read_tpkt(const State& st, Session& s, const uint8_t* d, size_t n, int which) {
    const Fields& f = *st.f;
    const FieldRegistry& reg = *st.reg;
    const uint8_t type = d[5] & 0xf0;  // X.224: 0xe0 Connection Request, 0xd0 Connection Confirm
    if (n < kMinTpdu || (type != 0xe0 && type != 0xd0)) return;
    std::string_view rest(reinterpret_cast<const char*>(d) + kMinTpdu, n - kMinTpdu);
    if (type == 0xe0 && rest.starts_with("Cookie: mstshash=")) {
        size_t end = rest.find("\r\n");
        if (end == std::string_view::npos) return;
        if (f.user >= 0 && end > 17) s.fields.add_string(reg, f.user, rest.substr(17, end - 17));
        rest.remove_prefix(end + 2);
    }
    // RDP_NEG_REQ (1) / RDP_NEG_RSP (2): type, flags, length 8, protocols (little-endian).
    if (rest.size() < 8 || rest[2] != 8 || rest[3] != 0) return;
    const auto* p = reinterpret_cast<const uint8_t*>(rest.data());
    uint32_t v = uint32_t(p[4]) | uint32_t(p[5]) << 8 | uint32_t(p[6]) << 16 | uint32_t(p[7]) << 24;
    if (p[0] == 1 && which == 0) add_protocols(reg, s, f.requested, v);
    if (p[0] == 2 && which == 1) add_protocols(reg, s, f.selected, v);
}

/// The TPKT length at `p` (4 bytes), 0 when it is not one this module reads.
size_t tpkt_length(const uint8_t* p) {
    const size_t n = size_t{p[2]} << 8 | p[3];
    return p[0] == 3 && p[1] == 0 && n >= kMinTpdu && n <= kMaxTpkt ? n : 0;
}

int rdp_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1 || st.done[which]) return st.done[0] && st.done[1] ? -1 : 0;
    session::ParserBuffer& b = st.buf[which];
    if (b.empty() && len >= kTpktHeader) {  // the usual case: the TPKT is read in place, nothing held
        const size_t need = tpkt_length(data);
        if (need == 0 || need <= len) {
            st.done[which] = true;
            if (need) read_tpkt(st, s, data, need, which);
            return st.done[0] && st.done[1] ? -1 : 0;
        }
    }
    if (!b.append(s, data, std::min<size_t>(len, kMaxTpkt - b.size()))) {
        st.done[which] = true;  // over the session's parser budget: this direction gives up
        b.clear();
        return st.done[0] && st.done[1] ? -1 : 0;
    }
    if (b.size() < kTpktHeader) return 0;
    const size_t need = tpkt_length(b.bytes());
    if (need == 0 || b.size() >= need) {
        st.done[which] = true;
        if (need) read_tpkt(st, s, b.bytes(), need, which);
        b.clear();
    }
    return st.done[0] && st.done[1] ? -1 : 0;
}

void rdp_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void rdp_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int which) {
    if (!s.table || which < 0 || which > 1 || s.has_parser(rdp_parse)) return;
    auto* st = new State;
    st->done[1 - which] =
        s.classified[1 - which];  // the other side's first payload (since a tunnel began) was not a TPKT
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    s.table->register_parser(s, session::ParserEntry{rdp_parse, nullptr, rdp_free, st});
}

}  // namespace

void register_rdp(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.requested = r.fields.find_db("rdp.requestedProtocols");
    f.selected = r.fields.find_db("rdp.selectedProtocol");
    f.user = r.fields.find_db("user");
    r.classifiers.add(classify::Transport::Tcp,
                      classify::Classifier{"rdp-fields", 0, std::string("\x03\x00", 2), rdp_classify, &f});
}

}  // namespace flowdex::protocols::rdp
