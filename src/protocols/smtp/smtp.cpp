#include "protocols/smtp/smtp.h"

#include <iconv.h>

#include <array>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>

#include "core/text.h"
#include "protocols/smtp/mime.h"
#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::smtp {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int hello = -1, src = -1, dst = -1, subject = -1, id = -1, contentType = -1, mimeVersion = -1, useragent = -1;
    int host = -1, ip = -1, header = -1, headerField = -1, headerValue = -1, user = -1;
    int filename = -1, md5 = -1, sha256 = -1, bodyMagic = -1;
};

enum class Client : uint8_t { Command, AuthPlain, AuthLogin, Headers, Body, Done };

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    session::ParserBuffer line[2];
    Client client = Client::Command;
    bool tlsAsked = false, tlsStarted = false;
    uint64_t bdatLeft = 0;  ///< message bytes still to come in the current BDAT chunk
    bool bdatLast = false, inBdat = false;
    session::ParserBuffer name, value;  ///< the header being read
    bool havePending = false;
    bool refused = false;  ///< the parser budget refused bytes: the parser stops
    size_t headers = 0;
    MimeReader mime;
    Session* session = nullptr;  ///< the session of the current call (for the MIME sink)
};

std::string lower(std::string_view v) {
    std::string out(v);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}
bool istarts(std::string_view v, std::string_view p) {
    return v.size() >= p.size() && lower(v.substr(0, p.size())) == p;
}
/// iconv descriptors to UTF-8, opened once per charset and thread (opening one loads a module).
class Converters {
  public:
    ~Converters() {
        for (Entry& e : entries_)
            if (e.cd != kNone) iconv_close(e.cd);
    }
    iconv_t get(const std::string& charset) {
        for (Entry& e : entries_)
            if (e.used && e.charset == charset) return e.cd;
        Entry& e = entries_[next_++ % entries_.size()];
        if (e.cd != kNone) iconv_close(e.cd);
        e.used = true;
        e.charset = charset;
        e.cd = iconv_open("UTF-8", charset.c_str());
        return e.cd;
    }
    static inline const iconv_t kNone = reinterpret_cast<iconv_t>(-1);

  private:
    struct Entry {
        bool used = false;
        std::string charset;
        iconv_t cd = kNone;
    };
    std::array<Entry, 8> entries_{};
    size_t next_ = 0;
};

/// `text` in `charset` to UTF-8; the text itself when iconv does not know the charset or fails.
std::string to_utf8(std::string_view text, const std::string& charset) {
    if (text.empty()) return {};
    thread_local Converters converters;
    iconv_t cd = converters.get(charset);
    if (cd == Converters::kNone) return std::string(text);
    iconv(cd, nullptr, nullptr, nullptr, nullptr);  // reset the shift state
    std::string out(text.size() * 4 + 8, '\0');
    char* in = const_cast<char*>(text.data());
    size_t inLeft = text.size(), outLeft = out.size();
    char* o = out.data();
    size_t rc = iconv(cd, &in, &inLeft, &o, &outLeft);
    if (rc == static_cast<size_t>(-1)) return std::string(text);
    out.resize(out.size() - outLeft);
    return out;
}

int hexv(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// RFC 2047 decoding of a header value (encoded words anywhere, one blank between two words dropped).
std::string decode_words(std::string_view v) {
    std::string out;
    size_t i = 0;
    bool lastWasWord = false;
    while (i < v.size()) {
        size_t start = v.find("=?", i);
        if (start == std::string_view::npos) {
            out.append(v.substr(i));
            break;
        }
        std::string_view between = v.substr(i, start - i);
        if (!(lastWasWord && between.size() == 1 && (between[0] == ' ' || between[0] == '\t'))) out.append(between);
        size_t q1 = v.find('?', start + 2);
        size_t q2 = q1 == std::string_view::npos ? q1 : v.find('?', q1 + 1);
        size_t end = q2 == std::string_view::npos ? q2 : v.find("?=", q2 + 1);
        if (end == std::string_view::npos || q2 != q1 + 2) {
            out.append(v.substr(start, 2));
            i = start + 2;
            lastWasWord = false;
            continue;
        }
        std::string charset = lower(v.substr(start + 2, q1 - start - 2));
        char enc = v[q1 + 1];
        std::string_view text = v.substr(q2 + 1, end - q2 - 1);
        std::string raw;
        if (enc == 'B' || enc == 'b') {
            raw = core::base64_decode(text, core::Base64Junk::Skip);
        } else {
            for (size_t k = 0; k < text.size(); ++k) {
                if (text[k] == '_') {
                    raw += ' ';
                } else if (text[k] == '=' && k + 2 < text.size() && hexv(text[k + 1]) >= 0 && hexv(text[k + 2]) >= 0) {
                    raw += static_cast<char>(hexv(text[k + 1]) * 16 + hexv(text[k + 2]));
                    k += 2;
                } else {
                    raw += text[k];
                }
            }
        }
        out += to_utf8(raw, charset);
        i = end + 2;
        lastWasWord = true;
    }
    if (!core::valid_utf8(out)) out = to_utf8(out, "WINDOWS-1252");
    return out;
}

void add(State& st, Session& s, int pos, std::string_view v) {
    if (pos >= 0 && !v.empty()) s.fields.add_string(*st.reg, pos, v);
}

/// The address in <…>, or the trimmed value.
std::string_view address(std::string_view v) {
    size_t lt = v.find('<');
    if (lt != std::string_view::npos) {
        size_t gt = v.find('>', lt);
        return v.substr(lt + 1, gt == std::string_view::npos ? std::string_view::npos : gt - lt - 1);
    }
    return core::trim_space(v);
}

void add_ip_text(State& st, Session& s, std::string_view v) {
    if (st.f->ip < 0) return;
    // Dotted quads may carry leading zeros (10.00.00.004): normalise them.
    unsigned parts[4];
    int n = 0;
    size_t i = 0;
    bool dotted = true;
    while (i < v.size() && n < 4) {
        unsigned x = 0;
        size_t digits = 0;
        while (i < v.size() && v[i] >= '0' && v[i] <= '9' && digits < 4) {
            x = x * 10 + static_cast<unsigned>(v[i] - '0');
            ++i;
            ++digits;
        }
        if (digits == 0 || x > 255) {
            dotted = false;
            break;
        }
        parts[n++] = x;
        if (i < v.size() && v[i] == '.') ++i;
    }
    if (dotted && n == 4 && i == v.size()) {
        std::string text = std::to_string(parts[0]) + '.' + std::to_string(parts[1]) + '.' + std::to_string(parts[2]) +
                           '.' + std::to_string(parts[3]);
        s.fields.add_ip(*st.reg, st.f->ip, text);
    } else if (v.find(':') != std::string_view::npos) {
        s.fields.add_ip(*st.reg, st.f->ip, v.substr(v.starts_with("IPv6:") ? 5 : 0));
    }
}

void received(State& st, Session& s, std::string_view v) {
    for (std::string_view key : {"from ", "by "}) {
        size_t at = 0;
        while ((at = v.find(key, at)) != std::string_view::npos) {
            bool wordStart = at == 0 || v[at - 1] == ' ' || v[at - 1] == '(' || v[at - 1] == '\t';
            at += key.size();
            if (!wordStart) continue;
            size_t e = at;
            while (e < v.size() && v[e] != ' ' && v[e] != ')' && v[e] != ';' && v[e] != '\t' && v[e] != '(')
                ++e;
            std::string_view word = v.substr(at, e - at);
            size_t atSign = word.rfind('@');
            if (atSign != std::string_view::npos) word.remove_prefix(atSign + 1);
            add(st, s, st.f->host, word);
        }
    }
    size_t at = 0;
    while ((at = v.find('[', at)) != std::string_view::npos) {
        size_t e = v.find(']', at);
        if (e == std::string_view::npos) break;
        add_ip_text(st, s, v.substr(at + 1, e - at - 1));
        at = e;
    }
}

MimeSink mime_sink(State& st, Session& s);

void header_done(State& st, Session& s) {
    st.havePending = false;
    if (++st.headers > kMaxHeaders) return;
    const Fields& f = *st.f;
    std::string name = lower(core::trim_space(st.name.view()));
    // One blank after the colon is the separator; further leading blanks belong to the value.
    std::string_view value = st.value.view();
    if (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r'))
        value.remove_suffix(1);
    add(st, s, f.header, name);
    st.mime.message_header(name, value, mime_sink(st, s));
    if (name == "subject") {
        add(st, s, f.subject, decode_words(value));
    } else if (name == "from") {
        add(st, s, f.src, address(value));
    } else if (name == "to" || name == "cc") {
        for (std::string_view a : address_list(value))
            add(st, s, f.dst, a);
    } else if (name == "message-id") {
        add(st, s, f.id, address(value));
    } else if (name == "content-type") {
        add(st, s, f.contentType, value);
    } else if (name == "mime-version") {
        add(st, s, f.mimeVersion, value);
    } else if (name == "user-agent" || name == "x-mailer") {
        add(st, s, f.useragent, value);
    } else if (name == "received") {
        received(st, s, value);
    } else if (name == "x-originating-ip") {
        std::string_view ip = value;
        if (!ip.empty() && ip.front() == '[') ip.remove_prefix(1);
        if (!ip.empty() && ip.back() == ']') ip.remove_suffix(1);
        add_ip_text(st, s, ip);
    } else {
        if (f.headerField >= 0) s.fields.add_string(*st.reg, f.headerField, name);
        if (f.headerValue >= 0) s.fields.add_string(*st.reg, f.headerValue, value);
    }
}

/// The MIME reader's findings go to the session being parsed.
MimeSink mime_sink(State& st, Session& s) {
    st.session = &s;
    MimeSink sink;
    sink.session = &s;
    sink.ctx = &st;
    sink.filename = [](void* c, std::string_view v) {
        auto* t = static_cast<State*>(c);
        add(*t, *t->session, t->f->filename, v);
    };
    sink.digests = [](void* c, std::string_view m5, std::string_view m256) {
        auto* t = static_cast<State*>(c);
        add(*t, *t->session, t->f->md5, m5);
        add(*t, *t->session, t->f->sha256, m256);
    };
    sink.magic = [](void* c, std::string_view v) {
        auto* t = static_cast<State*>(c);
        add(*t, *t->session, t->f->bodyMagic, v);
    };
    return sink;
}

/// One line of the message (dot-stuffing and the end are handled by the caller).
void message_line(State& st, Session& s, std::string_view line) {
    if (st.client == Client::Body) {
        st.mime.body_line(line, mime_sink(st, s));
        return;
    }
    if (line.empty()) {
        if (st.havePending) header_done(st, s);
        st.client = Client::Body;
        st.mime.body_start(mime_sink(st, s));
    } else if ((line.front() == ' ' || line.front() == '\t') && st.havePending) {
        // Unfolded: the CRLF goes, the indentation stays (a tab reads as a blank).
        if (st.value.size() < kMaxHeader) {
            const std::string_view more = line.substr(1, kMaxHeader - st.value.size() - 1);
            if (!st.value.append(s, " ", 1) || (!more.empty() && !st.value.append(s, more.data(), more.size())))
                st.refused = true;
        }
    } else {
        if (st.havePending) header_done(st, s);
        st.name.clear();
        st.value.clear();
        size_t colon = line.find(':');
        if (colon == std::string_view::npos) return;
        const std::string_view value = line.substr(colon + 1, kMaxHeader);
        if (!st.name.append(s, line.data(), colon) ||
            (!value.empty() && !st.value.append(s, value.data(), value.size()))) {
            st.refused = true;
            return;
        }
        st.havePending = true;
    }
}

/// AUTH PLAIN credentials (base64 of authzid NUL authcid NUL password) → user.
void auth_plain(State& st, Session& s, std::string_view b64) {
    std::string dec = core::base64_decode(b64, core::Base64Junk::Skip);
    size_t nul = dec.find('\0');
    if (nul == std::string::npos) return;
    std::string_view rest = std::string_view(dec).substr(nul + 1);
    std::string_view user = rest.substr(0, rest.find('\0'));
    if (st.f->user >= 0 && !user.empty()) s.fields.add_string_as_is(*st.reg, st.f->user, user);
}

void client_line(State& st, Session& s, std::string_view line, size_t rawLen) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const Fields& f = *st.f;
    if (st.bdatLeft > 0) {  // CHUNKING: message bytes counted, not dot-terminated
        st.bdatLeft -= std::min<uint64_t>(st.bdatLeft, rawLen);
        if (st.client == Client::Headers || st.client == Client::Body) message_line(st, s, line);
        if (st.bdatLeft == 0 && st.bdatLast) {
            if (st.client == Client::Headers && st.havePending) header_done(st, s);
            st.mime.end(mime_sink(st, s));
            st.client = Client::Command;
            st.inBdat = false;
        }
        return;
    }
    if ((st.client == Client::Headers || st.client == Client::Body) && !st.inBdat) {
        if (line == ".") {
            if (st.client == Client::Headers && st.havePending) header_done(st, s);
            st.mime.end(mime_sink(st, s));
            st.client = Client::Command;
            return;
        }
        if (line.starts_with("..")) line.remove_prefix(1);  // dot-stuffing
        message_line(st, s, line);
        return;
    }
    switch (st.client) {
        case Client::Headers:
        case Client::Body:
            break;  // between BDAT chunks: a command
        case Client::AuthPlain:
            st.client = Client::Command;
            auth_plain(st, s, line);
            return;
        case Client::AuthLogin: {
            st.client = Client::Command;
            std::string user = core::base64_decode(line, core::Base64Junk::Skip);
            if (f.user >= 0 && !user.empty()) s.fields.add_string_as_is(*st.reg, f.user, user);
            return;
        }
        case Client::Done:
            return;
        case Client::Command:
            break;
    }
    if (istarts(line, "ehlo ") || istarts(line, "helo ")) {
        add(st, s, f.hello, core::trim_space(line.substr(5)));
    } else if (istarts(line, "mail from:")) {
        std::string_view a = address(line.substr(10));
        add(st, s, f.src, a.substr(0, a.find(' ')));
    } else if (istarts(line, "rcpt to:")) {
        std::string_view a = address(line.substr(8));
        add(st, s, f.dst, a.substr(0, a.find(' ')));
    } else if (istarts(line, "data")) {
        // The message follows whether or not the server's 354 was seen (clients pipeline it).
        st.client = Client::Headers;
        st.headers = 0;
        st.havePending = false;
        st.mime.reset();
    } else if (istarts(line, "bdat ")) {
        std::string_view rest = core::trim_space(line.substr(5));
        uint64_t n = 0;
        size_t k = 0;
        for (; k < rest.size() && rest[k] >= '0' && rest[k] <= '9' && k < 12; ++k)
            n = n * 10 + static_cast<uint64_t>(rest[k] - '0');
        if (k == 0 || n == 0) return;
        if (st.client != Client::Headers && st.client != Client::Body) {
            st.client = Client::Headers;
            st.headers = 0;
            st.havePending = false;
            st.mime.reset();
        }
        st.bdatLeft = n;
        st.inBdat = true;
        st.bdatLast = istarts(core::trim_space(rest.substr(k)), "last");
    } else if (istarts(line, "starttls")) {
        st.tlsAsked = true;
    } else if (istarts(line, "auth plain")) {
        std::string_view rest = core::trim_space(line.substr(10));
        if (rest.empty())
            st.client = Client::AuthPlain;
        else
            auth_plain(st, s, rest);
    } else if (istarts(line, "auth login")) {
        std::string_view rest = core::trim_space(line.substr(10));
        if (rest.empty()) {
            st.client = Client::AuthLogin;
        } else {
            std::string user = core::base64_decode(rest, core::Base64Junk::Skip);
            if (f.user >= 0 && !user.empty()) s.fields.add_string_as_is(*st.reg, f.user, user);
        }
    }
}

/// Server replies: 220 after STARTTLS means TLS may start: the next payloads are classified again,
/// and this parser stops if they are TLS records (a capture of the decrypted dialogue goes on).
void server_line(State& st, Session& s, std::string_view line) {
    if (!st.tlsAsked || line.size() < 3) return;
    if (line.starts_with("220")) {
        restart_classification(s);
        st.tlsStarted = true;
    }
    st.tlsAsked = false;
}

int smtp_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    if (st.tlsStarted) {
        st.tlsStarted = false;
        if (len >= 2 && data[0] == 0x16 && data[1] == 0x03) return -1;  // TLS: the tls parser takes over
    }
    session::ParserBuffer& buf = st.line[which];
    size_t i = 0;
    while (i < len) {
        const void* nl = std::memchr(data + i, '\n', len - i);
        size_t end = nl ? static_cast<size_t>(static_cast<const uint8_t*>(nl) - data) : len;
        const size_t take = buf.size() < kMaxLine ? std::min(end - i, kMaxLine - buf.size()) : 0;
        if (take > 0 && !buf.append(s, data + i, take)) return -1;  // over the parser budget: stop
        if (!nl) return 0;
        i = end + 1;
        if (which == 0)
            client_line(st, s, buf.view(), buf.size() + 1);
        else
            server_line(st, s, buf.view());
        buf.clear();
        if (st.refused || st.mime.refused()) return -1;
    }
    return 0;
}

void smtp_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void smtp_classify(void* ctx, Session& s, const uint8_t* d, uint32_t len, int which) {
    if (!s.table) return;
    std::string_view v(reinterpret_cast<const char*>(d), len);
    if (which == 1 && (v.find("SMTP") == std::string_view::npos || v.find("LMTP") != std::string_view::npos)) return;
    if (s.has_parser(smtp_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    s.table->register_parser(s, session::ParserEntry{smtp_parse, nullptr, smtp_free, st});
}

}  // namespace

std::string decode_header_words(std::string_view v) {
    return decode_words(v);
}

std::vector<std::string_view> address_list(std::string_view v) {
    std::vector<std::string_view> out;
    bool quoted = false, angle = false;
    size_t start = 0;
    for (size_t i = 0; i <= v.size(); ++i) {
        const char c = i < v.size() ? v[i] : ',';
        if (c == '"' && !angle) {
            quoted = !quoted;
        } else if (c == '<' && !quoted) {
            angle = true;
        } else if (c == '>' && !quoted) {
            angle = false;
        } else if (c == ',' && ((!quoted && !angle) || i == v.size())) {
            std::string_view a = address(v.substr(start, i - start));
            if (!a.empty()) out.push_back(a);
            start = i + 1;
        }
    }
    return out;
}

void register_smtp(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    fields::FieldRegistry& reg = r.fields;
    f.hello = reg.find_db("email.smtpHello");
    f.src = reg.find_db("email.src");
    f.dst = reg.find_db("email.dst");
    f.subject = reg.find_db("email.subject");
    f.id = reg.find_db("email.id");
    f.contentType = reg.find_db("email.contentType");
    f.mimeVersion = reg.find_db("email.mimeVersion");
    f.useragent = reg.find_db("email.useragent");
    f.host = reg.find_db("email.host");
    f.ip = reg.find_db("email.ip");
    f.header = reg.find_db("email.header");
    f.headerField = reg.find_db("email.headerField");
    f.headerValue = reg.find_db("email.headerValue");
    f.user = reg.find_db("user");
    f.filename = reg.find_db("email.filename");
    f.md5 = reg.find_db("email.md5");
    f.sha256 = reg.find_db("email.sha256");
    f.bodyMagic = reg.find_db("email.bodyMagic");
    for (const char* p : {"EHLO ", "HELO ", "220 ", "220-"})
        r.classifiers.add(classify::Transport::Tcp, classify::Classifier{"smtp-parser", 0, p, smtp_classify, &f});
}

}  // namespace flowdex::protocols::smtp
