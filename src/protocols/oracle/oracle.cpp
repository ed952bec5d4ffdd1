#include "protocols/oracle/oracle.h"

#include <deque>
#include <string>
#include <string_view>

#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::oracle {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int user = -1, host = -1, service = -1;
};

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    session::ParserBuffer buf;
    size_t want = 0;
    size_t skip = 0;
    size_t packets = 0;
    bool found[3] = {false, false, false};
};

/// The value of the first "(KEY=value)" in `text`, empty when none.
std::string_view value_of(std::string_view text, std::string_view key) {
    size_t at = text.find(key);
    if (at == std::string_view::npos) return {};
    std::string_view v = text.substr(at + key.size());
    size_t close = v.find(')');
    return close == std::string_view::npos ? std::string_view() : v.substr(0, close);
}

void packet(State& st, Session& s, std::string_view p) {
    static constexpr std::string_view kKeys[3] = {"(HOST=", "(USER=", "(SERVICE_NAME="};
    const int pos[3] = {st.f->host, st.f->user, st.f->service};
    for (size_t i = 0; i < 3; ++i) {
        if (st.found[i]) continue;
        std::string_view v = value_of(p, kKeys[i]);
        if (v.empty()) continue;
        st.found[i] = true;
        if (pos[i] >= 0) s.fields.add_string(*st.reg, pos[i], v);
    }
}

int oracle_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which != 0) return 0;
    size_t i = 0;
    while (i < len && st.packets < kMaxPackets) {
        if (st.skip > 0) {
            size_t k = std::min(st.skip, len - i);
            st.skip -= k;
            i += k;
            continue;
        }
        size_t want = st.buf.size() < 2 ? 2 : st.want;
        size_t take = std::min(want - st.buf.size(), len - i);
        if (!st.buf.append(s, data + i, take)) return -1;  // over the parser budget: -1 frees the state
        i += take;
        if (st.buf.size() < want) continue;
        if (want == 2) {
            size_t total = size_t(st.buf[0]) << 8 | st.buf[1];
            if (total < 8) return -1;
            st.want = std::min(total, kMaxPacket);
            st.skip = total - st.want;
            continue;
        }
        packet(st, s, st.buf.view());
        st.buf.clear();
        ++st.packets;
    }
    return st.packets >= kMaxPackets || (st.found[0] && st.found[1] && st.found[2]) ? -1 : 0;
}

void oracle_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void oracle_classify(void* ctx, Session& s, const uint8_t* d, uint32_t len, int which) {
    if (!s.table || which != 0 || len < 8 || d[4] != 1) return;
    if (s.has_parser(oracle_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    s.table->register_parser(s, session::ParserEntry{oracle_parse, nullptr, oracle_free, st});
}

}  // namespace

void register_oracle(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.user = r.fields.find_db("oracle.user");
    f.host = r.fields.find_db("oracle.host");
    f.service = r.fields.find_db("oracle.service");
    using namespace std::string_literals;
    r.classifiers.add(classify::Transport::Tcp,
                      classify::Classifier{"oracle-parser", 2, "\x00\x00\x01\x00"s, oracle_classify, &f});
}

}  // namespace flowdex::protocols::oracle
