#include "protocols/socks/socks.h"

#include <cstdio>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>

#include "core/ip_format.h"
#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::socks {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int ip = -1, host = -1, port = -1, user = -1;
};

/// What the parser waits for next.
enum class Step : uint8_t {
    V4Request,
    V4Reply,
    V5Greeting,
    V5Choice,
    V5Auth,
    V5AuthReply,
    V5Request,
    V5Reply,
};

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    Step step = Step::V4Request;
    int client = 0;  ///< the side that sent the request: 1 for a reverse proxy's server-side client
    session::ParserBuffer buf[2];
};

enum class Got : uint8_t { More, Next, Fail, Tunnel };

uint32_t be16(const uint8_t* p) {
    return uint32_t(p[0]) << 8 | p[1];
}

void add_str(State& st, Session& s, int pos, std::string_view v) {
    if (pos >= 0 && !v.empty()) s.fields.add_string(*st.reg, pos, v);
}
void add_ip(State& st, Session& s, const uint8_t* a, bool v6) {
    char text[64];
    size_t n = format_ip(a, v6, text);
    if (st.f->ip >= 0) s.fields.add_ip(*st.reg, st.f->ip, std::string_view(text, n));
}
void add_port(State& st, Session& s, const uint8_t* p) {
    if (st.f->port >= 0) s.fields.add_int(*st.reg, st.f->port, be16(p));
}

/// Length of a SOCKS 5 request/reply at `p` (n bytes), 0 when incomplete, SIZE_MAX when bad.
size_t v5_address_message(const uint8_t* p, size_t n) {
    if (n < 5) return 0;
    switch (p[3]) {
        case 1:
            return n >= 10 ? 10 : 0;
        case 3:
            return n >= 7u + p[4] ? 7u + p[4] : 0;
        case 4:
            return n >= 22 ? 22 : 0;
        default:
            return SIZE_MAX;
    }
}

/// The side (0 or 1) that sends the message of step `x`.
int side_of(const State& st, Step x) {
    const bool fromClient = x == Step::V4Request || x == Step::V5Greeting || x == Step::V5Auth || x == Step::V5Request;
    return fromClient ? st.client : 1 - st.client;
}

/// Tries to complete the current step with the bytes buffered for it; `used` gets their count.
Got step(State& st, Session& s, size_t& used) {
    const std::string_view b = st.buf[side_of(st, st.step)].view();
    const auto* p = reinterpret_cast<const uint8_t*>(b.data());
    const size_t n = b.size();
    switch (st.step) {
        case Step::V4Request: {
            if (n < 9) return Got::More;
            const void* nul = std::memchr(p + 8, 0, n - 8);
            if (!nul) return Got::More;
            size_t userEnd = static_cast<size_t>(static_cast<const uint8_t*>(nul) - p);
            used = userEnd + 1;
            bool socks4a = p[4] == 0 && p[5] == 0 && p[6] == 0 && p[7] != 0;
            if (socks4a) {
                const void* nul2 = std::memchr(p + used, 0, n - used);
                if (!nul2) return Got::More;
                size_t hostEnd = static_cast<size_t>(static_cast<const uint8_t*>(nul2) - p);
                add_str(st, s, st.f->host, b.substr(used, hostEnd - used));
                used = hostEnd + 1;
            } else {
                add_ip(st, s, p + 4, false);
            }
            add_port(st, s, p + 2);
            add_str(st, s, st.f->user, b.substr(8, userEnd - 8));
            st.step = Step::V4Reply;
            return Got::Next;
        }
        case Step::V4Reply:
            if (n < 8) return Got::More;
            used = 8;
            return p[0] == 0 && p[1] == 0x5a ? Got::Tunnel : Got::Fail;
        case Step::V5Greeting:
            if (n < 2 || n < 2u + p[1]) return Got::More;
            used = 2u + p[1];
            st.step = Step::V5Choice;
            return Got::Next;
        case Step::V5Choice:
            if (n < 2) return Got::More;
            used = 2;
            if (p[0] != 5 || p[1] > 2) return Got::Fail;
            s.table->add_protocol(s, "socks");  // named on the choice, whichever side sent the greeting
            if (p[1] == 0)
                st.step = Step::V5Request;
            else if (p[1] == 2)
                st.step = Step::V5Auth;
            else
                return Got::Fail;
            return Got::Next;
        case Step::V5Auth: {
            if (n < 2 || n < 3u + p[1]) return Got::More;
            size_t plen = p[2u + p[1]];
            if (n < 3u + p[1] + plen) return Got::More;
            used = 3u + p[1] + plen;
            if (p[0] != 1) return Got::Fail;
            add_str(st, s, st.f->user, b.substr(2, p[1]));
            st.step = Step::V5AuthReply;
            return Got::Next;
        }
        case Step::V5AuthReply:
            if (n < 2) return Got::More;
            used = 2;
            if (p[1] != 0) return Got::Fail;
            st.step = Step::V5Request;
            return Got::Next;
        case Step::V5Request: {
            size_t len = v5_address_message(p, n);
            if (len == 0) return Got::More;
            if (len == SIZE_MAX || p[0] != 5) return Got::Fail;
            used = len;
            if (p[3] == 1) add_ip(st, s, p + 4, false);
            if (p[3] == 4) add_ip(st, s, p + 4, true);
            if (p[3] == 3) add_str(st, s, st.f->host, b.substr(5, p[4]));
            add_port(st, s, p + len - 2);
            st.step = Step::V5Reply;
            return Got::Next;
        }
        case Step::V5Reply: {
            size_t len = v5_address_message(p, n);
            if (len == 0) return Got::More;
            used = len == SIZE_MAX ? n : len;
            return len != SIZE_MAX && p[0] == 5 && p[1] == 0 ? Got::Tunnel : Got::Fail;
        }
    }
    return Got::Fail;
}

int socks_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    session::ParserBuffer& b = st.buf[which];
    if (b.size() + len > kMaxMessage) return -1;
    if (!b.append(s, data, len)) return -1;  // over the parser budget: -1 frees the state
    while (true) {
        size_t used = 0;
        session::ParserBuffer& from = st.buf[side_of(st, st.step)];
        Got g = step(st, s, used);
        if (g == Got::More) return 0;
        if (g == Got::Fail) return -1;
        from.consume(used);
        if (g == Got::Tunnel) {
            restart_classification(s);
            return -1;
        }
    }
}

void socks_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void socks_classify(void* ctx, Session& s, const uint8_t* d, uint32_t len, int which) {
    if (!s.table || which < 0 || which > 1 || len < 3 || s.has_parser(socks_parse)) return;
    Step first;
    if (d[0] == 4 && len >= 9 && (d[1] == 1 || d[1] == 2) && std::memchr(d + 8, 0, len - 8))
        first = Step::V4Request;
    else if (d[0] == 5 && d[1] >= 1 && d[1] <= 9 && len == 2u + d[1])
        first = Step::V5Greeting;
    else
        return;
    // Only a SOCKS 5 greeting is taken from the answering side (a reverse proxy): many servers'
    // first replies start like a SOCKS 4 request (a TDS result is 04 01 …), and SOCKS 4 fields are
    // recorded from the request itself.
    if (which == 1 && first != Step::V5Greeting) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    st->step = first;
    st->client = which;
    s.table->register_parser(s, session::ParserEntry{socks_parse, nullptr, socks_free, st});
}

}  // namespace

void register_socks(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.ip = r.fields.find_db("socks.ip");
    f.host = r.fields.find_db("socks.host");
    f.port = r.fields.find_db("socks.port");
    f.user = r.fields.find_db("socks.user");
    for (const char* first : {"\x04", "\x05"})
        r.classifiers.add(classify::Transport::Tcp,
                          classify::Classifier{"socks-handshake", 0, first, socks_classify, &f});
}

}  // namespace flowdex::protocols::socks
