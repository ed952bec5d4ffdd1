#include "protocols/irc/irc.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>

#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::irc {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int nick = -1, channel = -1;
};

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    session::ParserBuffer line;
    bool overlong = false;
};

bool is_cmd(std::string_view line, std::string_view cmd) {
    if (line.size() <= cmd.size() || line[cmd.size()] != ' ') return false;
    for (size_t i = 0; i < cmd.size(); ++i)
        if ((line[i] & ~0x20) != cmd[i]) return false;
    return true;
}

void on_line(State& st, Session& s, std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string_view arg;
    int pos = -1;
    if (is_cmd(line, "NICK")) {
        arg = line.substr(5);
        pos = st.f->nick;
    } else if (is_cmd(line, "JOIN")) {
        arg = line.substr(5);
        pos = st.f->channel;
    } else {
        return;
    }
    arg = arg.substr(arg.find_first_not_of(' ') == std::string_view::npos ? arg.size() : arg.find_first_not_of(' '));
    if (!arg.empty() && arg[0] == ':') arg.remove_prefix(1);
    arg = arg.substr(0, arg.find(' '));
    if (pos >= 0 && !arg.empty()) s.fields.add_string(*st.reg, pos, arg);
}

int irc_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which != 0) return 0;
    size_t i = 0;
    while (i < len) {
        const void* nl = std::memchr(data + i, '\n', len - i);
        size_t end = nl ? size_t(static_cast<const uint8_t*>(nl) - data) : len;
        if (!st.overlong) {
            if (!st.line.append(s, data + i, std::min(end - i, kMaxLine + 1 - st.line.size())))
                return -1;  // over the parser budget: the parser stops
            if (st.line.size() > kMaxLine) st.overlong = true;
        }
        i = nl ? end + 1 : len;
        if (!nl) break;
        if (!st.overlong) on_line(st, s, st.line.view());
        st.line.clear();
        st.overlong = false;
    }
    return 0;
}

void irc_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

/// NICK and CAP start only IRC; USER must carry IRC's four parameters ("USER u m * :real"), not
/// FTP's or POP3's one.
void irc_classify(void* ctx, Session& s, const uint8_t* d, uint32_t len, int which) {
    if (!s.table || which != 0) return;
    if (d[0] == 'U') {
        std::string_view first(reinterpret_cast<const char*>(d), len);
        first = first.substr(0, first.find('\n'));
        if (std::count(first.begin(), first.end(), ' ') < 4) return;
    }
    if (s.has_parser(irc_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    s.table->register_parser(s, session::ParserEntry{irc_parse, nullptr, irc_free, st});
}

}  // namespace

void register_irc(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.nick = r.fields.find_db("irc.nick");
    f.channel = r.fields.find_db("irc.channel");
    for (const char* start : {"NICK ", "CAP ", "USER "})
        r.classifiers.add(classify::Transport::Tcp, classify::Classifier{"irc-parser", 0, start, irc_classify, &f});
}

}  // namespace flowdex::protocols::irc
