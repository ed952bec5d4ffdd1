#include "protocols/postgresql/postgresql.h"

#include <deque>
#include <string>
#include <string_view>

#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::postgresql {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int user = -1, db = -1, app = -1;
};

constexpr uint32_t kProtocol3 = 0x00030000;
constexpr uint32_t kSslRequest = 80877103;
constexpr uint32_t kGssEncRequest = 80877104;

enum class St : uint8_t { Startup, AwaitSslAnswer, Done };

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    session::ParserBuffer buf;
    St st = St::Startup;
};

uint32_t be32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

void startup(const State& st, Session& s, std::string_view body) {
    while (!body.empty()) {
        size_t k = body.find('\0');
        if (k == std::string_view::npos || k == 0) return;
        std::string_view key = body.substr(0, k);
        body.remove_prefix(k + 1);
        size_t v = body.find('\0');
        if (v == std::string_view::npos) return;
        std::string_view value = body.substr(0, v);
        body.remove_prefix(v + 1);
        int pos = key == "user"               ? st.f->user
                  : key == "database"         ? st.f->db
                  : key == "application_name" ? st.f->app
                                              : -1;
        if (pos >= 0 && !value.empty()) s.fields.add_string(*st.reg, pos, value);
    }
}

int pg_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which == 1) {
        if (st.st != St::AwaitSslAnswer || len == 0) return 0;
        if (data[0] == 'S') {
            restart_classification(s);  // TLS follows
            return -1;
        }
        st.st = data[0] == 'N' ? St::Startup : St::Done;
        return st.st == St::Done ? -1 : 0;
    }
    if (which != 0 || st.st != St::Startup) return st.st == St::Done ? -1 : 0;
    size_t i = 0;
    while (i < len && st.st == St::Startup) {
        size_t want = st.buf.size() < 8 ? 8 : be32(st.buf.bytes());
        if (want < 8 || want > kMaxStartup) {
            st.st = St::Done;
            break;
        }
        size_t take = std::min(want - st.buf.size(), len - i);
        if (!st.buf.append(s, data + i, take)) {
            st.st = St::Done;  // over the parser budget
            break;
        }
        i += take;
        if (st.buf.size() < want || (st.buf.size() == 8 && be32(st.buf.bytes()) > 8)) continue;
        const uint32_t code = be32(st.buf.bytes() + 4);
        if (code == kSslRequest || code == kGssEncRequest) {
            st.st = St::AwaitSslAnswer;
        } else {
            if (code == kProtocol3) startup(st, s, st.buf.view().substr(8));
            st.st = St::Done;
        }
        st.buf.clear();
    }
    if (st.st == St::Done) st.buf.clear();
    return st.st == St::Done ? -1 : 0;
}

void pg_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void pg_classify(void* ctx, Session& s, const uint8_t* d, uint32_t len, int which) {
    if (!s.table || which != 0 || len < 8 || be32(d) < 8 || be32(d) > kMaxStartup) return;
    if (s.has_parser(pg_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    s.table->register_parser(s, session::ParserEntry{pg_parse, nullptr, pg_free, st});
}

}  // namespace

void register_postgresql(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.user = r.fields.find_db("postgresql.user");
    f.db = r.fields.find_db("postgresql.db");
    f.app = r.fields.find_db("postgresql.app");
    using namespace std::string_literals;
    r.classifiers.add(classify::Transport::Tcp,
                      classify::Classifier{"postgresql-parser", 4, "\x00\x03\x00\x00"s, pg_classify, &f});
    r.classifiers.add(
        classify::Transport::Tcp,
        classify::Classifier{"postgresql-ssl-parser", 0, "\x00\x00\x00\x08\x04\xd2\x16\x2f"s, pg_classify, &f});
}

}  // namespace flowdex::protocols::postgresql
