#include "protocols/mysql/mysql.h"

#include <cstring>
#include <deque>
#include <string>
#include <string_view>

#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::mysql {
namespace {

using fields::FieldRegistry;
using session::Session;

constexpr uint32_t kClientSsl = 0x0800;

struct Fields {
    int version = -1, user = -1;
};

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    session::ParserBuffer buf[2];
    bool done[2] = {};
};

uint32_t le24(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16;
}

/// The NUL-ended string at `off` of [p, p+n) (up to the end when there is no NUL).
std::string_view cstr(const uint8_t* p, size_t n, size_t off) {
    if (off >= n) return {};
    const void* nul = std::memchr(p + off, 0, n - off);
    size_t end = nul ? static_cast<size_t>(static_cast<const uint8_t*>(nul) - p) : n;
    return std::string_view(reinterpret_cast<const char*>(p + off), end - off);
}

/// The first packet of a direction, whole or cut at kMaxPacket: its fields; -1 when TLS follows.
int first_packet(State& st, Session& s, int which, const uint8_t* p, size_t n, size_t need) {
    if (which == 1 && n > 5 && p[4] == 0x0a) {
        std::string_view v = cstr(p, n, 5);
        if (!v.empty() && st.f->version >= 0) s.fields.add_string(*st.reg, st.f->version, v);
    } else if (which == 0 && n >= 36) {
        uint32_t caps = uint32_t(p[4]) | uint32_t(p[5]) << 8 | uint32_t(p[6]) << 16 | uint32_t(p[7]) << 24;
        if (need == 36 && (caps & kClientSsl)) {
            restart_classification(s);  // TLS follows
            return -1;
        }
        std::string_view user = cstr(p, n, 36);
        if (!user.empty() && st.f->user >= 0) s.fields.add_string(*st.reg, st.f->user, user);
    }
    return 0;
}

int mysql_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1 || st.done[which]) return st.done[0] && st.done[1] ? -1 : 0;
    session::ParserBuffer& b = st.buf[which];
    if (!b.append(s, data, std::min<size_t>(len, kMaxPacket - b.size()))) {
        st.done[which] = true;  // over the session's parser budget: this direction gives up
        b.clear();
        return st.done[0] && st.done[1] ? -1 : 0;
    }
    if (b.size() < 4) return 0;
    const uint8_t* p = b.bytes();
    size_t need = 4 + le24(p);
    if (b.size() < need && b.size() < kMaxPacket) return 0;
    st.done[which] = true;
    if (first_packet(st, s, which, p, std::min(need, b.size()), need) < 0) return -1;
    b.clear();
    return st.done[0] && st.done[1] ? -1 : 0;
}

void mysql_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void mysql_classify(void* ctx, Session& s, const uint8_t* d, uint32_t len, int which) {
    if (!s.table || which != 1 || len < 6 || d[5] < '0' || d[5] > '9') return;
    if (s.has_parser(mysql_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    s.table->register_parser(s, session::ParserEntry{mysql_parse, nullptr, mysql_free, st});
}

}  // namespace

void register_mysql(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.version = r.fields.find_db("mysql.version");
    f.user = r.fields.find_db("mysql.user");
    using namespace std::string_literals;
    r.classifiers.add(classify::Transport::Tcp,
                      classify::Classifier{"mysql-parser", 3, "\x00\x0a"s, mysql_classify, &f});
}

}  // namespace flowdex::protocols::mysql
