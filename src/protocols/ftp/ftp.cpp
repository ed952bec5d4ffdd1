#include "protocols/ftp/ftp.h"

#include <cctype>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>

#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::ftp {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int banner = -1, command = -1, responseCode = -1, user = -1;
};

struct Direction {
    session::ParserBuffer line;
    bool overlong = false;
};

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    Direction d[2];
    bool bannerSeen = false;
    bool authTls = false;
    bool tls = false;
};

void client_line(State& st, Session& s, std::string_view line) {
    size_t n = 0;
    char verb[4];
    while (n < line.size() && n < 5 && std::isalpha(static_cast<unsigned char>(line[n])))
        ++n;
    if (n < 3 || n > 4 || (n < line.size() && line[n] != ' ')) return;
    for (size_t i = 0; i < n; ++i)
        verb[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(line[i])));
    std::string_view v(verb, n);
    if (st.f->command >= 0) s.fields.add_string(*st.reg, st.f->command, v);
    if (v == "AUTH") st.authTls = true;
    if (v == "USER" && st.f->user >= 0) {
        std::string_view arg = n < line.size() ? line.substr(n + 1) : std::string_view();
        while (!arg.empty() && (arg.front() == ' ' || arg.front() == '\t'))
            arg.remove_prefix(1);
        while (!arg.empty() && (arg.back() == ' ' || arg.back() == '\t'))
            arg.remove_suffix(1);
        if (!arg.empty()) s.fields.add_string(*st.reg, st.f->user, arg);
    }
}

void server_line(State& st, Session& s, std::string_view line) {
    if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0])) ||
        !std::isdigit(static_cast<unsigned char>(line[1])) || !std::isdigit(static_cast<unsigned char>(line[2])))
        return;
    if (line.size() > 3 && line[3] != ' ' && line[3] != '-') return;
    std::string_view code = line.substr(0, 3);
    if (st.f->responseCode >= 0) s.fields.add_string(*st.reg, st.f->responseCode, code);
    if (code == "220" && !st.bannerSeen) {
        st.bannerSeen = true;
        std::string_view text = line.size() > 4 ? line.substr(4) : std::string_view();
        if (st.f->banner >= 0 && !text.empty()) s.fields.add_string(*st.reg, st.f->banner, text);
    }
    if (code == "234" && st.authTls) st.tls = true;
}

int ftp_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    Direction& d = st.d[which];
    size_t i = 0;
    while (i < len && !st.tls) {
        const void* nl = std::memchr(data + i, '\n', len - i);
        size_t end = nl ? size_t(static_cast<const uint8_t*>(nl) - data) : len;
        if (!d.overlong) {
            if (!d.line.append(s, data + i, std::min(end - i, kMaxLine + 1 - d.line.size())))
                return -1;  // over the parser budget: the parser stops
            if (d.line.size() > kMaxLine) d.overlong = true;
        }
        i = nl ? end + 1 : len;
        if (!nl) break;
        std::string_view line = d.line.view();
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!d.overlong) which == 0 ? client_line(st, s, line) : server_line(st, s, line);
        d.line.clear();
        d.overlong = false;
    }
    if (st.tls) {
        restart_classification(s);  // TLS follows
        return -1;
    }
    return 0;
}

void ftp_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void ftp_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table) return;
    if (s.has_parser(ftp_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    s.table->register_parser(s, session::ParserEntry{ftp_parse, nullptr, ftp_free, st});
}

}  // namespace

void register_ftp(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.banner = r.fields.find_db("ftp.banner");
    f.command = r.fields.find_db("ftp.command");
    f.responseCode = r.fields.find_db("ftp.responseCode");
    f.user = r.fields.find_db("user");
    r.classifiers.add_port("ftp-parser", 21, classify::kPortTcpDst | classify::kPortTcpSrc, ftp_classify, &f);
}

}  // namespace flowdex::protocols::ftp
