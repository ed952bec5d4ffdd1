#include "protocols/imap/imap.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>

#include "protocols/smtp/smtp.h"
#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::imap {
namespace {

using session::Session;

struct Fields {
    int folder = -1, src = -1, dst = -1, subject = -1;
};

/// Where the server stream is: response lines, the header lines of a literal, or its body.
enum class Server : uint8_t { Response, LiteralHeaders, LiteralBody };

struct State {
    const Fields* f = nullptr;
    const fields::FieldRegistry* reg = nullptr;
    session::ParserBuffer line[2];
    Server server = Server::Response;
    uint64_t literalLeft = 0;  ///< bytes of the current literal still to come
};

bool iequals_prefix(std::string_view v, std::string_view p) {
    if (v.size() < p.size()) return false;
    for (size_t i = 0; i < p.size(); ++i) {
        char c = v[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != p[i]) return false;
    }
    return true;
}

void add(const State& st, Session& s, int pos, std::string_view v) {
    if (pos >= 0 && !v.empty()) s.fields.add_string(*st.reg, pos, v);
}

/// `tag SELECT mailbox` / `tag EXAMINE mailbox`.
void client_line(State& st, Session& s, std::string_view line) {
    const size_t sp = line.find(' ');
    if (sp == std::string_view::npos) return;
    std::string_view rest = line.substr(sp + 1);
    for (std::string_view cmd : {"select ", "examine "}) {
        if (!iequals_prefix(rest, cmd)) continue;
        std::string_view box = rest.substr(cmd.size());
        if (!box.empty() && box.front() == '"') {
            const size_t q = box.find('"', 1);
            box = q == std::string_view::npos ? std::string_view{} : box.substr(1, q - 1);
        } else {
            box = box.substr(0, box.find(' '));
        }
        add(st, s, st.f->folder, box);
    }
}

/// A response line: a trailing `{N}` (or `{N+}`) starts a literal of N bytes.
void response_line(State& st, std::string_view line) {
    if (line.empty() || line.back() != '}') return;
    const size_t open = line.rfind('{');
    if (open == std::string_view::npos) return;
    std::string_view num = line.substr(open + 1, line.size() - open - 2);
    if (!num.empty() && num.back() == '+') num.remove_suffix(1);
    if (num.empty() || num.size() > 12) return;
    uint64_t n = 0;
    for (char c : num) {
        if (c < '0' || c > '9') return;
        n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    if (n == 0) return;
    st.literalLeft = n;
    st.server = Server::LiteralHeaders;
}

void header_line(State& st, Session& s, std::string_view line) {
    if (line.empty()) {
        st.server = Server::LiteralBody;
        return;
    }
    if (line.front() == ' ' || line.front() == '\t') return;  // a folded continuation
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return;
    std::string_view name = line.substr(0, colon), value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    const auto is = [&](std::string_view n) { return name.size() == n.size() && iequals_prefix(name, n); };
    if (is("subject")) {
        add(st, s, st.f->subject, smtp::decode_header_words(value));
    } else if (is("from") || is("to") || is("cc")) {
        const int pos = is("from") ? st.f->src : st.f->dst;
        for (std::string_view a : smtp::address_list(value))
            if (a.find('@') != std::string_view::npos) add(st, s, pos, a);
    }
}

/// A line without its CR.
std::string_view without_cr(const session::ParserBuffer& buf) {
    std::string_view v = buf.view();
    if (!v.empty() && v.back() == '\r') v.remove_suffix(1);
    return v;
}

/// Server bytes: whole lines outside literals, and exactly `literalLeft` bytes inside one. False
/// when the parser budget refused the line.
bool server_bytes(State& st, Session& s, const uint8_t* data, uint32_t len) {
    session::ParserBuffer& buf = st.line[1];
    uint32_t i = 0;
    while (i < len) {
        const bool inLiteral = st.server != Server::Response;
        if (inLiteral && st.literalLeft == 1) {  // the literal's last byte
            st.literalLeft = 0;
            if (data[i++] == '\n' && st.server == Server::LiteralHeaders) header_line(st, s, without_cr(buf));
            buf.clear();
            st.server = Server::Response;
            continue;
        }
        // Up to the next LF, and inside a literal short of its last byte.
        uint32_t stop = len;
        if (inLiteral && st.literalLeft - 1 < len - i) stop = i + static_cast<uint32_t>(st.literalLeft - 1);
        const void* nl = std::memchr(data + i, '\n', stop - i);
        const uint32_t end = nl ? static_cast<uint32_t>(static_cast<const uint8_t*>(nl) - data) : stop;
        // A literal's body lines are not read: not kept either.
        const size_t take = buf.size() < kMaxLine && st.server != Server::LiteralBody
                                ? std::min<size_t>(end - i, kMaxLine - buf.size())
                                : 0;
        if (!buf.append(s, data + i, take)) return false;
        const uint32_t used = end - i + (nl ? 1 : 0);
        if (inLiteral) st.literalLeft -= used;
        i += used;
        if (!nl) continue;
        if (st.server == Server::Response) {
            response_line(st, without_cr(buf));
        } else if (st.server == Server::LiteralHeaders) {
            header_line(st, s, without_cr(buf));
        }
        buf.clear();
    }
    return true;
}

int imap_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    // Over the parser budget the parser stops (its state, and what it held, go).
    if (which == 1) return server_bytes(st, s, data, len) ? 0 : -1;
    session::ParserBuffer& buf = st.line[0];
    uint32_t i = 0;
    while (i < len) {
        const void* nl = std::memchr(data + i, '\n', len - i);
        const uint32_t end = nl ? static_cast<uint32_t>(static_cast<const uint8_t*>(nl) - data) : len;
        const size_t take = buf.size() < kMaxLine ? std::min<size_t>(end - i, kMaxLine - buf.size()) : 0;
        if (!buf.append(s, data + i, take)) return -1;
        if (!nl) break;
        i = end + 1;
        client_line(st, s, without_cr(buf));
        buf.clear();
    }
    return 0;
}

void imap_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void imap_classify(void* ctx, Session& s, const uint8_t* d, uint32_t len, int which) {
    if (!s.table || which != 1) return;
    const std::string_view v(reinterpret_cast<const char*>(d), len);
    const std::string_view greeting = v.substr(0, v.find('\n'));
    if (greeting.find("IMAP") == std::string_view::npos) return;
    if (s.has_parser(imap_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    s.table->register_parser(s, session::ParserEntry{imap_parse, nullptr, imap_free, st});
}

}  // namespace

void register_imap(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.folder = r.fields.find_db("email.folder");
    f.src = r.fields.find_db("email.src");
    f.dst = r.fields.find_db("email.dst");
    f.subject = r.fields.find_db("email.subject");
    r.classifiers.add(classify::Transport::Tcp, classify::Classifier{"imap-parser", 0, "* OK ", imap_classify, &f});
}

}  // namespace flowdex::protocols::imap
