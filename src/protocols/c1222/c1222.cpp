#include "protocols/c1222/c1222.h"

#include <deque>
#include <string>
#include <string_view>

#include "protocols/ldap/ber.h"
#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::c1222 {
namespace {

using ber::Children;
using ber::Tlv;
using fields::FieldRegistry;
using session::Session;

struct Fields {
    int calledTitle = -1, callingTitle = -1, calledId = -1, callingId = -1;
};

/// Dotted text of an OID (0x06: the first sub-identifier holds two arcs) or RELATIVE-OID (0x0d).
std::string oid_text(const Tlv& t) {
    std::string out;
    uint64_t v = 0;
    bool first = t.tag == 0x06;
    for (size_t i = 0; i < t.len; ++i) {
        if (v > (UINT64_MAX >> 7)) return {};
        v = v << 7 | (t.value[i] & 0x7f);
        if (t.value[i] & 0x80) continue;
        if (!out.empty()) out += '.';
        if (first) {
            uint64_t a = v < 40 ? 0 : v < 80 ? 1 : 2;
            out += std::to_string(a) + '.' + std::to_string(v - a * 40);
            first = false;
        } else {
            out += std::to_string(v);
        }
        v = 0;
    }
    return (t.len > 0 && (t.value[t.len - 1] & 0x80)) ? std::string() : out;
}

void apdu(const Fields& f, const FieldRegistry& reg, Session& s, const uint8_t* p, size_t n) {
    Tlv outer, t, v;
    if (!ber::next(p, p + n, outer) || outer.tag != 0x60) return;
    Children kids(outer);
    while (kids.next(t)) {
        Children in(t);
        if (!in.next(v)) continue;
        uint32_t id;
        if ((t.tag == 0xa2 || t.tag == 0xa6) && (v.tag == 0x06 || v.tag == 0x0d)) {
            std::string text = oid_text(v);
            int pos = t.tag == 0xa2 ? f.calledTitle : f.callingTitle;
            if (pos >= 0 && !text.empty()) s.fields.add_string(reg, pos, text);
        } else if ((t.tag == 0xa4 || t.tag == 0xa8) && ber::integer(v, id)) {
            int pos = t.tag == 0xa4 ? f.calledId : f.callingId;
            if (pos >= 0) s.fields.add_int(reg, pos, id);
        }
    }
}

struct TcpState {
    const Fields* f = nullptr;
    session::ParserBuffer buf[2];
    bool done[2] = {false, false};
    /// Ends direction `which` and gives its bytes back to the session.
    void stop(int which) {
        done[which] = true;
        buf[which].clear();
    }
};

int udp_parse(void* ctx, Session& s, const uint8_t* d, uint32_t len, int) {
    apdu(*static_cast<const Fields*>(ctx), *s.table->context().registry, s, d, len);
    return 0;
}

int tcp_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<TcpState*>(ctx);
    if (which < 0 || which > 1) return 0;
    session::ParserBuffer& b = st.buf[which];
    size_t i = 0;
    while (i < len && !st.done[which]) {
        size_t want = b.size() + 1;
        const uint8_t* p = b.bytes();
        const uint8_t* q = p;
        Tlv t;
        ber::Read r = ber::header(q, p + b.size(), t);
        if (r == ber::Read::Bad || (r == ber::Read::Ok && size_t(q - p) + t.len > kMaxMessage)) {
            st.stop(which);
            break;
        }
        if (r == ber::Read::Ok) want = size_t(q - p) + t.len;
        size_t take = std::min(want - b.size(), len - i);
        if (!b.append(s, data + i, take)) {
            st.stop(which);
            break;
        }
        i += take;
        if (r != ber::Read::Ok || b.size() < want) continue;
        apdu(*st.f, *s.table->context().registry, s, b.bytes(), b.size());
        b.clear();
    }
    return st.done[0] && st.done[1] ? -1 : 0;
}

void tcp_free(void* ctx, Session&) {
    delete static_cast<TcpState*>(ctx);
}

bool attached(const Session& s) {
    for (const session::ParserEntry& e : s.parsers)
        if (e.parse == udp_parse || e.parse == tcp_parse) return true;
    return false;
}

void udp_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (s.table && !attached(s)) s.table->register_parser(s, session::ParserEntry{udp_parse, nullptr, nullptr, ctx});
}

void tcp_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table || attached(s)) return;
    auto* st = new TcpState;
    st->f = static_cast<const Fields*>(ctx);
    s.table->register_parser(s, session::ParserEntry{tcp_parse, nullptr, tcp_free, st});
}

}  // namespace

void register_c1222(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.calledTitle = r.fields.find_db("c1222.calledApTitle");
    f.callingTitle = r.fields.find_db("c1222.callingApTitle");
    f.calledId = r.fields.find_db("c1222.calledApInvocationId");
    f.callingId = r.fields.find_db("c1222.callingApInvocationId");
    r.classifiers.add_port("c1222-parser", 1153, classify::kPortUdpSrc | classify::kPortUdpDst, udp_classify, &f);
    r.classifiers.add_port("c1222-tcp-parser", 1153, classify::kPortTcpSrc | classify::kPortTcpDst, tcp_classify, &f);
}

}  // namespace flowdex::protocols::c1222
