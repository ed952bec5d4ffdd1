#include "protocols/quic/gquic.h"

#include <cstring>
#include <deque>
#include <string_view>

#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::quic {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int version = -1, host = -1, useragent = -1;
};

struct State {
    const Fields* f = nullptr;
    size_t datagrams = 0;
};

uint32_t le32(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

/// Offset of the `Q0dd` version in a public header with the version flag, or 0.
size_t version_at(const uint8_t* d, size_t n) {
    if (n < 5 || !(d[0] & 0x01)) return 0;
    for (size_t at : {size_t{9}, size_t{1}}) {
        if (at + 4 > n || d[at] != 'Q') continue;
        if (d[at + 1] >= '0' && d[at + 1] <= '9' && d[at + 2] >= '0' && d[at + 2] <= '9' && d[at + 3] >= '0' &&
            d[at + 3] <= '9')
            return at;
    }
    return 0;
}

/// The CHLO tag/value map: u16 tag count, u16 padding, then (tag, end offset) pairs and the values.
bool chlo(const Fields& f, const FieldRegistry& reg, Session& s, const uint8_t* p, size_t n) {
    if (n < 8) return false;
    uint32_t count = uint32_t(p[4]) | uint32_t(p[5]) << 8;
    size_t table = 8, values = table + size_t{count} * 8;
    if (count == 0 || count > 256 || values > n) return false;
    uint32_t start = 0;
    for (uint32_t i = 0; i < count; ++i) {
        const uint8_t* e = p + table + size_t{i} * 8;
        uint32_t end = le32(e + 4);
        if (end < start || values + end > n) return false;
        std::string_view v(reinterpret_cast<const char*>(p + values + start), end - start);
        if (std::memcmp(e, "SNI\0", 4) == 0 && f.host >= 0 && !v.empty()) s.fields.add_string(reg, f.host, v);
        if (std::memcmp(e, "UAID", 4) == 0 && f.useragent >= 0 && !v.empty()) s.fields.add_string(reg, f.useragent, v);
        start = end;
    }
    return true;
}

int gquic_parse(void* ctx, Session& s, const uint8_t* d, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which != 0) return 0;
    if (++st.datagrams > kMaxDatagrams) return -1;
    size_t at = version_at(d, len);
    if (at == 0) return 0;
    const FieldRegistry& reg = *s.table->context().registry;
    if (st.f->version >= 0)
        s.fields.add_string(reg, st.f->version, std::string_view(reinterpret_cast<const char*>(d + at), 4));
    std::string_view rest(reinterpret_cast<const char*>(d), len);
    size_t c = rest.find("CHLO", at + 4);
    if (c != std::string_view::npos && chlo(*st.f, reg, s, d + c, len - c)) return -1;
    return 0;
}

void gquic_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void gquic_classify(void* ctx, Session& s, const uint8_t* d, uint32_t len, int which) {
    if (!s.table || which != 0 || version_at(d, len) == 0) return;
    if (s.has_parser(gquic_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    s.table->register_parser(s, session::ParserEntry{gquic_parse, nullptr, gquic_free, st});
}

}  // namespace

void register_gquic(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.version = r.fields.find_db("quic.version");
    f.host = r.fields.find_db("quic.host");
    f.useragent = r.fields.find_db("quic.useragent");
    r.classifiers.add(classify::Transport::Udp, classify::Classifier{"gquic-parser", 0, "", gquic_classify, &f});
}

}  // namespace flowdex::protocols::quic
