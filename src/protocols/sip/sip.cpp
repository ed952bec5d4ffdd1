#include "protocols/sip/sip.h"

#include <array>
#include <cctype>
#include <deque>
#include <string>
#include <string_view>

#include "core/text.h"
#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::sip {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int callid = -1, contact = -1, from = -1, method = -1, statuscode = -1, to = -1, user = -1, useragent = -1,
        via = -1;
};

enum class St : uint8_t { Start, Headers, Body, Done };

struct Direction {
    St st = St::Start;
    bool overflow = false;  ///< the current line passed kMaxLine: its rest is dropped
    uint64_t body = 0;      ///< body bytes still to skip
    uint64_t contentLength = 0;
    session::ParserBuffer line;
};

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    bool stream = true;
    Direction d[2];
};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

void add(const State& st, Session& s, int pos, std::string_view v) {
    if (pos >= 0 && !v.empty()) s.fields.add_string(*st.reg, pos, v);
}

/// The user part of the first sip:/sips: URI of a From/To value.
void uri_user(const State& st, Session& s, std::string_view v) {
    size_t at = std::string_view::npos;
    for (size_t i = 0; i + 4 <= v.size(); ++i) {
        if (iequals(v.substr(i, 4), "sip:")) {
            at = i + 4;
            break;
        }
        if (i + 5 <= v.size() && iequals(v.substr(i, 5), "sips:")) {
            at = i + 5;
            break;
        }
    }
    if (at == std::string_view::npos) return;
    for (size_t i = at; i < v.size(); ++i) {
        const char c = v[i];
        if (c == '@') return add(st, s, st.f->user, v.substr(at, i - at));
        if (c == '>' || c == ';' || c == ' ' || c == ',' || c == '?') return;
    }
}

/// `username="…"` (or unquoted) of a Digest credentials value.
void auth_user(const State& st, Session& s, std::string_view v) {
    for (size_t i = 0; i + 9 <= v.size(); ++i) {
        if (!iequals(v.substr(i, 8), "username") || (i > 0 && std::isalnum(static_cast<unsigned char>(v[i - 1]))))
            continue;
        size_t j = i + 8;
        while (j < v.size() && v[j] == ' ')
            ++j;
        if (j >= v.size() || v[j] != '=') continue;
        ++j;
        while (j < v.size() && v[j] == ' ')
            ++j;
        if (j < v.size() && v[j] == '"') {
            size_t end = v.find('"', j + 1);
            if (end == std::string_view::npos) return;
            return add(st, s, st.f->user, v.substr(j + 1, end - j - 1));
        }
        size_t end = v.find_first_of(", ", j);
        return add(st, s, st.f->user, v.substr(j, end == std::string_view::npos ? v.size() - j : end - j));
    }
}

/// The start line: false when it is not SIP.
bool start_line(const State& st, Session& s, std::string_view l) {
    if (l.starts_with("SIP/2.0 ")) {
        std::string_view code = l.substr(8, 3);
        if (code.size() != 3 || !std::isdigit(static_cast<unsigned char>(code[0])) ||
            !std::isdigit(static_cast<unsigned char>(code[1])) || !std::isdigit(static_cast<unsigned char>(code[2])))
            return false;
        if (st.f->statuscode >= 0)
            s.fields.add_int(*st.reg, st.f->statuscode, (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0'));
        return true;
    }
    if (!l.ends_with(" SIP/2.0")) return false;
    size_t sp = l.find(' ');
    std::string_view method = l.substr(0, sp);
    if (method.empty()) return false;
    for (char c : method)
        if (!std::isupper(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    add(st, s, st.f->method, method);
    return true;
}

void header(const State& st, Direction& d, Session& s, std::string_view l) {
    size_t colon = l.find(':');
    if (colon == std::string_view::npos) return;
    std::string_view name = core::trim_space(l.substr(0, colon)), v = core::trim_space(l.substr(colon + 1));
    const Fields& f = *st.f;
    if (iequals(name, "via") || iequals(name, "v")) {
        add(st, s, f.via, v);
    } else if (iequals(name, "from") || iequals(name, "f")) {
        add(st, s, f.from, v);
        uri_user(st, s, v);
    } else if (iequals(name, "to") || iequals(name, "t")) {
        add(st, s, f.to, v);
        uri_user(st, s, v);
    } else if (iequals(name, "call-id") || iequals(name, "i")) {
        add(st, s, f.callid, v);
    } else if (iequals(name, "contact") || iequals(name, "m")) {
        add(st, s, f.contact, v);
    } else if (iequals(name, "user-agent")) {
        add(st, s, f.useragent, v);
    } else if (iequals(name, "authorization") || iequals(name, "proxy-authorization")) {
        auth_user(st, s, v);
    } else if (iequals(name, "content-length") || iequals(name, "l")) {
        uint64_t n = 0;
        for (char c : v) {
            if (!std::isdigit(static_cast<unsigned char>(c)) || n > (uint64_t(1) << 40)) break;
            n = n * 10 + static_cast<uint64_t>(c - '0');
        }
        d.contentLength = n;
    }
}

/// One whole line (without its LF).
void line(State& st, Direction& d, Session& s, std::string_view l) {
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (d.st == St::Start) {
        if (l.empty()) return;  // keep-alive CRLFs between messages
        if (!start_line(st, s, l)) {
            d.st = St::Done;
            return;
        }
        d.st = St::Headers;
        d.contentLength = 0;
        return;
    }
    if (!l.empty()) return header(st, d, s, l);
    d.body = d.contentLength;
    d.st = d.body ? St::Body : St::Start;
}

void feed(State& st, Session& s, int which, const uint8_t* data, size_t len) {
    Direction& d = st.d[which];
    const char* p = reinterpret_cast<const char*>(data);
    size_t i = 0;
    while (i < len && d.st != St::Done) {
        if (d.st == St::Body) {
            size_t take = static_cast<size_t>(std::min<uint64_t>(d.body, len - i));
            d.body -= take;
            i += take;
            if (d.body == 0) d.st = St::Start;
            continue;
        }
        std::string_view rest(p + i, len - i);
        size_t nl = rest.find('\n');
        std::string_view part = rest.substr(0, nl);
        if (!d.overflow) {
            size_t room = kMaxLine - d.line.size();
            if (part.size() > room) {
                part = part.substr(0, room);
                d.overflow = true;
            }
            if (!d.line.append(s, part.data(), part.size())) {  // over the parser budget: this direction stops
                d.line.clear();
                d.st = St::Done;
                return;
            }
        }
        if (nl == std::string_view::npos) return;
        i += nl + 1;
        line(st, d, s, d.line.view());
        d.line.clear();
        d.overflow = false;
    }
}

int sip_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    if (!st.stream) {  // a datagram is one message
        Direction& d = st.d[which];
        d.st = St::Start;
        d.line.clear();
        d.overflow = false;
        feed(st, s, which, data, len);
        if (d.st == St::Headers && !d.line.empty()) line(st, d, s, d.line.view());  // last line without LF
        d.line.clear();
        return 0;
    }
    feed(st, s, which, data, len);
    return st.d[0].st == St::Done && st.d[1].st == St::Done ? -1 : 0;
}

void sip_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void sip_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table || !s.table->has_protocol(s, "sip")) return;
    if (s.has_parser(sip_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    st->stream = s.ipProtocol != 17;
    s.table->register_parser(s, session::ParserEntry{sip_parse, nullptr, sip_free, st});
}

}  // namespace

void register_sip(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.callid = r.fields.find_db("sip.callid");
    f.contact = r.fields.find_db("sip.contact");
    f.from = r.fields.find_db("sip.from");
    f.method = r.fields.find_db("sip.method");
    f.statuscode = r.fields.find_db("sip.statuscode");
    f.to = r.fields.find_db("sip.to");
    f.user = r.fields.find_db("sip.user");
    f.useragent = r.fields.find_db("sip.useragent");
    f.via = r.fields.find_db("sip.via");
    // Runs after the byte signatures (an empty match is tried after every first-byte match).
    for (auto t : {classify::Transport::Tcp, classify::Transport::Udp, classify::Transport::Sctp})
        r.classifiers.add(t, classify::Classifier{"sip-parser", 0, "", sip_classify, &f});
}

}  // namespace flowdex::protocols::sip
