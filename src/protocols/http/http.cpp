#include "protocols/http/http.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/text.h"
#include "protocols/http/http2.h"
#include "protocols/http/websocket.h"
#include "protocols/magic.h"
#include "protocols/ntlm/ntlm.h"
#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols {
namespace {

using fields::FieldRegistry;
using session::Session;

constexpr size_t kMaxLine = 8192;  ///< a request/status/header line (longer ones are cut)
constexpr size_t kMaxUrl = 8192;   ///< URL kept for http.uri/path/key/value
constexpr size_t kMaxHost = 1024;  ///< Host value kept for http.uri
constexpr size_t kMaxUri = 4096;   ///< Arkime's MAX_URL_LENGTH
constexpr int kMaxPendingRequests = 16;
constexpr size_t kMagicBytes = 256;   ///< body bytes given to libmagic
constexpr size_t kMaxH2Streams = 16;  ///< HTTP/2 bodies hashed at once (more streams are not hashed)
constexpr size_t kMaxH2Value = 1024;  ///< HTTP/2 header values are kept to this length, as Arkime keeps them

/// Request methods (Arkime's method list; PRI is the HTTP/2 preface).
constexpr std::array<std::string_view, 35> kMethods = {
    "DELETE",      "GET",   "HEAD",   "POST",       "PUT",       "CONNECT", "OPTIONS",  "TRACE",  "COPY",
    "LOCK",        "MKCOL", "MOVE",   "PROPFIND",   "PROPPATCH", "SEARCH",  "UNLOCK",   "BIND",   "REBIND",
    "UNBIND",      "ACL",   "REPORT", "MKACTIVITY", "CHECKOUT",  "MERGE",   "M-SEARCH", "NOTIFY", "SUBSCRIBE",
    "UNSUBSCRIBE", "PATCH", "PURGE",  "MKCALENDAR", "LINK",      "UNLINK",  "SOURCE",   "PRI"};

/// Field positions, resolved once at registration.
struct Fields {
    int method = -1, clientVersion = -1, serverVersion = -1, statuscode = -1;
    int uri = -1, path = -1, key = -1, value = -1, host = -1, useragent = -1, xff = -1;
    int reqHeader = -1, resHeader = -1, reqField = -1, reqValue = -1, resField = -1, resValue = -1;
    int cookieKey = -1, cookieValue = -1, md5 = -1, sha256 = -1, user = -1, authType = -1, requestBody = -1;
    int referer = -1, authorization = -1, location = -1, bodyMagic = -1;
    size_t maxReqBody = 0;  ///< Arkime's maxReqBody: longest first request body piece kept
    websocket::Fields ws;
    std::array<int, kMethods.size()> methodCount{};
};

/// Headers that fill a field of their own (and so stay out of http.*HeaderField/Value).
enum class Mapped : uint8_t { None, Host, UserAgent, Xff, Referer, Authorization, Location };

enum class St : uint8_t {
    Start,
    FirstLine,
    Headers,
    Length,
    ChunkSize,
    ChunkData,
    ChunkEnd,
    Trailers,
    UntilClose,
    H2Preface,  ///< HTTP/2: the rest of the client preface ("SM\r\n\r\n")
    H2,         ///< HTTP/2 frames
    WebSocket,  ///< WebSocket frames after a 101 answer to an upgrade
    Dead
};

/// What a response must know about the request it answers.
enum class ReqKind : uint8_t { Other, Head, Connect };

struct Direction {
    St st = St::Start;
    session::ParserBuffer line;  ///< bytes of the current line (cut at kMaxLine)
    session::ParserBuffer hdr;   ///< a header line as sent (folded lines appended) that may still be extended
    size_t pendingColon = 0;     ///< where its name ends
    bool havePending = false;
    bool refused = false;  ///< the session's parser budget refused bytes of this direction

    // --- current message
    bool request = false;
    int methodIndex = -1;
    int status = 0;
    char version[4] = {};
    int64_t contentLength = -1;
    bool chunked = false, upgradeHeader = false, connectionUpgrade = false;
    uint64_t remaining = 0;
    bool bodySeen = false;
    EVP_MD_CTX* md5 = nullptr;
    EVP_MD_CTX* sha256 = nullptr;
    session::ParserBuffer magic;  ///< first body bytes for libmagic (at most kMagicBytes)
    bool magicPending = false;
    size_t prefaceGot = 0;  ///< HTTP/2: bytes of kPrefaceTail matched

    // --- requests sent from this direction that wait for their response
    ReqKind pending[kMaxPendingRequests] = {};
    int pendingHead = 0, pendingCount = 0;

    /// Stops the direction and gives what it holds back to the session.
    void stop() {
        st = St::Dead;
        line.clear();
        hdr.clear();
        havePending = false;
        magic.clear();
        magicPending = false;
    }

    ~Direction() {
        if (md5) EVP_MD_CTX_free(md5);
        if (sha256) EVP_MD_CTX_free(sha256);
    }
};

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    Direction d[2];
    int urlWhich = 0;            ///< the direction that sent the last request line (0 before any)
    session::ParserBuffer url;   ///< URL of the request being parsed
    session::ParserBuffer host;  ///< its Host value
    bool haveUrl = false, haveHost = false;
    bool websocketAsked = false;  ///< a request asked to upgrade to websocket

    // --- HTTP/2 (after the PRI preface)
    std::unique_ptr<http2::Connection> h2;
    struct StreamBody {
        uint32_t id = 0;
        int which = -1;  ///< -1: free
        EVP_MD_CTX* md5 = nullptr;
        EVP_MD_CTX* sha256 = nullptr;
        session::ParserBuffer magic;
    };
    std::array<StreamBody, kMaxH2Streams> streams;

    // --- WebSocket (after a 101 answer to an upgrade request)
    std::unique_ptr<websocket::Reader> ws;

    ~State() {
        for (StreamBody& b : streams) {
            if (b.md5) EVP_MD_CTX_free(b.md5);
            if (b.sha256) EVP_MD_CTX_free(b.sha256);
        }
    }
};

// ---------------------------------------------------------------- small helpers

std::string lower(std::string_view v) {
    std::string out(v);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

bool istarts(std::string_view v, std::string_view prefix) {
    return v.size() >= prefix.size() && iequals(v.substr(0, prefix.size()), prefix);
}

bool icontains(std::string_view hay, std::string_view needle) {
    if (needle.size() > hay.size()) return false;
    for (size_t i = 0; i + needle.size() <= hay.size(); ++i)
        if (iequals(hay.substr(i, needle.size()), needle)) return true;
    return false;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Percent-decoding; nullopt for a bad escape or a decoded NUL (the raw text is used then).
std::optional<std::string> unescape(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (size_t i = 0; i < v.size(); ++i) {
        if (v[i] != '%') {
            out += v[i];
            continue;
        }
        if (i + 2 >= v.size()) return std::nullopt;
        int hi = hex_value(v[i + 1]), lo = hex_value(v[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        char c = static_cast<char>(hi * 16 + lo);
        if (c == 0) return std::nullopt;
        out += c;
        i += 2;
    }
    return out;
}

/// Appends what fits under `cap`; false when the session's parser budget refused it (nothing added).
[[nodiscard]] bool append_cut(Session& s, session::ParserBuffer& dst, std::string_view src, size_t cap) {
    if (dst.size() >= cap) return true;
    src = src.substr(0, cap - dst.size());
    return src.empty() || dst.append(s, src.data(), src.size());
}

// ---------------------------------------------------------------- field helpers

void add_str(State& st, Session& s, int pos, std::string_view v) {
    if (pos >= 0) s.fields.add_string(*st.reg, pos, v);
}

void add_hex_digest(State& st, Session& s, int pos, EVP_MD_CTX* ctx) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!ctx || EVP_DigestFinal_ex(ctx, md, &n) != 1) return;
    static const char* kHex = "0123456789abcdef";
    std::string hex(n * 2, '0');
    for (unsigned int i = 0; i < n; ++i) {
        hex[2 * i] = kHex[md[i] >> 4];
        hex[2 * i + 1] = kHex[md[i] & 0xF];
    }
    add_str(st, s, pos, hex);
}

void parse_cookies(State& st, Session& s, std::string_view c) {
    size_t i = 0;
    while (true) {
        while (i < c.size() && core::is_ascii_space(c[i]))
            ++i;
        size_t eq = c.find('=', i);
        if (eq == std::string_view::npos) break;
        add_str(st, s, st.f->cookieKey, c.substr(i, eq - i));
        size_t semi = c.find(';', eq + 1);
        size_t v = eq + 1;
        while (v < c.size() && core::is_ascii_space(c[v]))
            ++v;
        size_t end = semi == std::string_view::npos ? c.size() : semi;
        if (v < c.size() && v != semi && v < end) add_str(st, s, st.f->cookieValue, c.substr(v, end - v));
        if (semi == std::string_view::npos) break;
        i = semi + 1;
    }
}

void parse_authorization(State& st, Session& s, std::string_view a) {
    while (!a.empty() && core::is_ascii_space(a.front()))
        a.remove_prefix(1);
    size_t sp = a.find(' ');
    if (sp == std::string_view::npos) return;
    add_str(st, s, st.f->authType, lower(a.substr(0, sp)));
    if (istarts(a, "basic")) {
        std::string_view rest = a.substr(5);
        while (!rest.empty() && core::is_ascii_space(rest.front()))
            rest.remove_prefix(1);
        if (rest.substr(0, 6) == "token=") return;  // not base64 user:password
        std::string dec = core::base64_decode(rest, core::Base64Junk::SkipPadEnds);
        size_t cut = dec.find_first_of(std::string_view(":\0", 2));
        if (cut != std::string::npos) dec.resize(cut);
        add_str(st, s, st.f->user, dec);
    } else if (istarts(a, "digest")) {
        size_t u = a.find("username");
        if (u == std::string_view::npos) return;
        std::string_view rest = a.substr(u + 8);
        while (!rest.empty() && core::is_ascii_space(rest.front()))
            rest.remove_prefix(1);
        if (rest.empty() || rest.front() != '=') return;
        rest.remove_prefix(1);
        while (!rest.empty() && core::is_ascii_space(rest.front()))
            rest.remove_prefix(1);
        bool quote = !rest.empty() && rest.front() == '"';
        if (quote) rest.remove_prefix(1);
        size_t end = rest.find(quote ? '"' : ',');
        add_str(st, s, st.f->user, rest.substr(0, end));
    }
}

/// http.path, http.key, http.value from the request URL.
void parse_url_parts(State& st, Session& s, std::string_view url) {
    size_t q = url.find('?');
    add_str(st, s, st.f->path, url.substr(0, q));
    if (q == std::string_view::npos) return;
    auto add_part = [&](int pos, std::string_view part) {
        if (auto dec = unescape(part))
            add_str(st, s, pos, *dec);
        else
            add_str(st, s, pos, part);
    };
    size_t start = q + 1;
    int field = st.f->key;
    size_t i = start;
    for (; i < url.size(); ++i) {
        if (url[i] == '&') {
            if (i != start) add_part(field, url.substr(start, i - start));
            start = i + 1;
            field = st.f->key;
        } else if (url[i] == '=') {
            if (i != start) add_part(field, url.substr(start, i - start));
            start = i + 1;
            field = st.f->value;
        }
    }
    if (field == st.f->value && i > start) add_part(field, url.substr(start, i - start));
}

void add_uri(State& st, Session& s) {
    std::string uri;
    const std::string_view url = st.url.view();
    if (st.haveHost) {
        std::string host = lower(st.host.view());
        size_t colon = host.find(':');
        add_str(st, s, st.f->host, std::string_view(host).substr(0, colon));
        parse_url_parts(st, s, url);
        if (!url.empty() && url[0] != '/') {
            size_t at = host.empty() ? std::string::npos : url.find(host);
            uri = at != std::string::npos && at <= 8 ? std::string(url) : host + ";" + std::string(url);
        } else {
            uri = host + std::string(url);
        }
    } else {
        uri = url;
    }
    if (uri.size() > kMaxUri) {
        uri.resize(kMaxUri);
        s.table->add_tag(s, "http:url-truncated");
    }
    add_str(st, s, st.f->uri, uri);
}

/// One X-Forwarded-For address: IPv6 text, or IPv4 in inet_aton's forms (leading zeros mean
/// octal, `0x` hex, trailing whitespace allowed; no leading whitespace).
void add_xff(State& st, Session& s, std::string_view v) {
    if (st.f->xff < 0 || v.empty()) return;
    if (v.find(':') != std::string_view::npos) {
        s.fields.add_ip(*st.reg, st.f->xff, core::trim_space(v));
        return;
    }
    uint64_t parts[4] = {};
    int n = 0;
    size_t i = 0;
    while (true) {
        if (i >= v.size() || v[i] < '0' || v[i] > '9' || n == 4) return;
        int base = 10;
        if (v[i] == '0') {
            base = 8;
            ++i;
            if (i < v.size() && (v[i] == 'x' || v[i] == 'X')) {
                base = 16;
                ++i;
            }
        }
        uint64_t x = 0;
        while (i < v.size()) {
            int h = hex_value(v[i]);
            if (h < 0 || h >= base) break;
            x = x * static_cast<uint64_t>(base) + static_cast<uint64_t>(h);
            if (x > 0xFFFFFFFFull) return;
            ++i;
        }
        parts[n++] = x;
        if (i < v.size() && v[i] == '.') {
            ++i;
            continue;
        }
        break;
    }
    for (; i < v.size(); ++i)
        if (!core::is_ascii_space(v[i])) return;
    uint64_t addr = 0;
    for (int k = 0; k < n - 1; ++k) {
        if (parts[k] > 0xFF) return;
        addr |= parts[k] << (24 - 8 * k);
    }
    uint64_t lastMax = 0xFFFFFFFFull >> (8 * (n - 1));
    if (parts[n - 1] > lastMax) return;
    addr |= parts[n - 1];
    std::string text = std::to_string((addr >> 24) & 0xFF) + "." + std::to_string((addr >> 16) & 0xFF) + "." +
                       std::to_string((addr >> 8) & 0xFF) + "." + std::to_string(addr & 0xFF);
    s.fields.add_ip(*st.reg, st.f->xff, text);
}

// ---------------------------------------------------------------- message events

void message_begin(Direction& d) {
    d.request = false;
    d.methodIndex = -1;
    d.status = 0;
    d.contentLength = -1;
    d.chunked = d.upgradeHeader = d.connectionUpgrade = false;
    d.remaining = 0;
    d.bodySeen = false;
    d.havePending = false;
}

/// http.bodyMagic from the body's first bytes (the same whatever the segmentation).
void body_type(State& st, Session& s, Direction& d) {
    d.magicPending = false;
    std::string_view m = body_magic(d.magic.bytes(), d.magic.size());
    if (!m.empty()) add_str(st, s, st.f->bodyMagic, m);
    d.magic.clear();
}

void message_complete(State& st, Session& s, Direction& d) {
    if (d.magicPending) body_type(st, s, d);
    if (d.bodySeen) {
        add_hex_digest(st, s, st.f->md5, d.md5);
        add_hex_digest(st, s, st.f->sha256, d.sha256);
    }
    d.bodySeen = false;
    d.st = St::Start;
}

/// Body bytes: hashed, and the first kMagicBytes kept for libmagic. False when the parser budget
/// refused that sample.
[[nodiscard]] bool body(State& st, Session& s, Direction& d, int which, const uint8_t* p, size_t n) {
    if (n == 0) return true;
    if (!d.bodySeen) {
        d.bodySeen = true;
        std::string_view v(reinterpret_cast<const char*>(p), n);
        if (icontains(v, "password=") || icontains(v, "passwd=") || icontains(v, "pass="))
            s.table->add_tag(s, "http:password");
        if (which == st.urlWhich && n <= st.f->maxReqBody && core::valid_utf8({reinterpret_cast<const char*>(p), n}))
            add_str(st, s, st.f->requestBody, v);
        d.magic.clear();
        d.magicPending = st.f->bodyMagic >= 0;
        if (!d.md5) d.md5 = EVP_MD_CTX_new();
        if (!d.sha256) d.sha256 = EVP_MD_CTX_new();
        if (d.md5) EVP_DigestInit_ex(d.md5, EVP_md5(), nullptr);
        if (d.sha256) EVP_DigestInit_ex(d.sha256, EVP_sha256(), nullptr);
    }
    if (d.md5) EVP_DigestUpdate(d.md5, p, n);
    if (d.sha256) EVP_DigestUpdate(d.sha256, p, n);
    if (d.magicPending) {
        if (!d.magic.append(s, p, std::min(n, kMagicBytes - d.magic.size()))) {
            d.refused = true;
            return false;
        }
        if (d.magic.size() >= kMagicBytes) body_type(st, s, d);
    }
    return true;
}

/// "HTTP/d.d" → "d.d"; false when malformed.
bool parse_version(std::string_view v, char out[4]) {
    if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || v[5] < '0' || v[5] > '9' || v[6] != '.' || v[7] < '0' ||
        v[7] > '9')
        return false;
    out[0] = v[5];
    out[1] = '.';
    out[2] = v[7];
    out[3] = 0;
    return true;
}

bool first_line(State& st, Session& s, Direction& d, int which, std::string_view line) {
    message_begin(d);
    if (line.substr(0, 5) == "HTTP/") {
        if (line.size() < 12 || !parse_version(line.substr(0, 8), d.version) || line[8] != ' ') return false;
        int code = 0;
        for (size_t i = 9; i < 12; ++i) {
            if (line[i] < '0' || line[i] > '9') return false;
            code = code * 10 + (line[i] - '0');
        }
        if (line.size() > 12 && line[12] != ' ') return false;
        d.status = code;
        return true;
    }
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos) return false;
    std::string_view method = line.substr(0, sp);
    auto it = std::find(kMethods.begin(), kMethods.end(), method);
    if (it == kMethods.end()) return false;
    size_t u = sp + 1;
    while (u < line.size() && line[u] == ' ')
        ++u;
    size_t uend = line.find(' ', u);
    std::string_view url = line.substr(u, uend == std::string_view::npos ? std::string_view::npos : uend - u);
    if (url.empty()) return false;
    // The URL counts even when the rest of the line is bad: it is written at the next headers' end.
    st.urlWhich = which;
    st.url.clear();
    st.host.clear();
    st.haveHost = false;
    if (!append_cut(s, st.url, url, kMaxUrl)) {
        st.haveUrl = false;
        d.refused = true;
        return false;
    }
    st.haveUrl = true;
    if (uend == std::string_view::npos) return false;
    std::string_view rest = line.substr(uend);
    while (!rest.empty() && rest.front() == ' ')
        rest.remove_prefix(1);
    while (!rest.empty() && rest.back() == ' ')
        rest.remove_suffix(1);
    if (!parse_version(rest, d.version)) return false;
    d.request = true;
    d.methodIndex = static_cast<int>(it - kMethods.begin());
    return true;
}

Mapped mapped_header(std::string_view lname, bool requestSide) {
    if (requestSide) {
        if (lname == "host") return Mapped::Host;
        if (lname == "user-agent") return Mapped::UserAgent;
        if (lname == "x-forwarded-for") return Mapped::Xff;
        if (lname == "referer") return Mapped::Referer;
        if (lname == "authorization") return Mapped::Authorization;
    } else if (lname == "location") {
        return Mapped::Location;
    }
    return Mapped::None;
}

/// One complete header of the current message. False when it makes the message unparsable (or
/// the parser budget refused the Host value: `d.refused`).
bool header(State& st, Session& s, Direction& d, int which, std::string_view name, std::string_view rawValue) {
    const Fields& f = *st.f;
    std::string lname = lower(core::trim_space(name));
    std::string_view value = core::trim_space(rawValue);
    bool requestSide = which == st.urlWhich;
    add_str(st, s, requestSide ? f.reqHeader : f.resHeader, lname);
    switch (mapped_header(lname, requestSide)) {
        case Mapped::Host:
            add_str(st, s, f.host, value);
            break;
        case Mapped::UserAgent:
            add_str(st, s, f.useragent, value);
            break;
        case Mapped::Referer:
            add_str(st, s, f.referer, value);
            break;
        case Mapped::Authorization:
            add_str(st, s, f.authorization, value);
            break;
        case Mapped::Location:
            add_str(st, s, f.location, value);
            break;
        case Mapped::Xff: {
            // Each comma-separated part as it stands (Arkime does not trim them: " 10.0.0.1" is skipped).
            std::string_view rest = value;
            while (true) {
                size_t comma = rest.find(',');
                add_xff(st, s, rest.substr(0, comma));
                if (comma == std::string_view::npos) break;
                rest.remove_prefix(comma + 1);
            }
            break;
        }
        case Mapped::None:
            add_str(st, s, requestSide ? f.reqField : f.resField, lname);
            add_str(st, s, requestSide ? f.reqValue : f.resValue, lower(value));
            break;
    }
    if (d.request) {
        if (lname == "host") {
            if (!append_cut(s, st.host, value, kMaxHost)) {
                st.url.clear();
                st.host.clear();
                st.haveUrl = st.haveHost = false;
                d.refused = true;
                return false;
            }
            st.haveHost = true;
        } else if (lname == "cookie") {
            parse_cookies(st, s, value);
        } else if (lname == "authorization") {
            parse_authorization(st, s, value);
        }
    }
    if (lname == "content-length") {
        if (value.empty() || value.size() > 18) return false;
        int64_t n = 0;
        for (char c : value) {
            if (c < '0' || c > '9') return false;
            n = n * 10 + (c - '0');
        }
        d.contentLength = n;
    } else if (lname == "transfer-encoding") {
        if (icontains(value, "chunked")) d.chunked = true;
    } else if (lname == "upgrade") {
        d.upgradeHeader = true;
        if (d.request && icontains(value, "websocket")) st.websocketAsked = true;
    } else if (lname == "connection") {
        if (icontains(value, "upgrade")) d.connectionUpgrade = true;
    }
    return true;
}

/// The pending header line (HTTP/1) through header().
bool pending_header(State& st, Session& s, Direction& d, int which) {
    d.havePending = false;
    const std::string_view line = d.hdr.view();
    const bool ok = header(st, s, d, which, line.substr(0, d.pendingColon), line.substr(d.pendingColon + 1));
    d.hdr.clear();
    return ok;
}

/// The URL (and Host) waiting since the last request line: written at the end of any message's headers.
void flush_url(State& st, Session& s) {
    if (st.haveUrl) {
        for (char c : st.url.view())
            if (static_cast<unsigned char>(c) < 32) {
                s.table->add_tag(s, "http:control-char");
                break;
            }
        add_uri(st, s);
    } else if (st.haveHost) {
        std::string host = lower(st.host.view());
        add_str(st, s, st.f->host, std::string_view(host).substr(0, host.find(':')));
    }
    st.haveUrl = st.haveHost = false;
    st.url.clear();
    st.host.clear();
}

/// Services named from the request path (Arkime's names): AD CS enrollment pages and WinRM.
void name_service(Session& s, std::string_view url) {
    std::string_view path = url.substr(0, url.find('?'));
    if (icontains(path, "/certsrv/mscep"))
        s.table->add_protocol(s, "adcs-ndes");
    else if (istarts(path, "/certsrv"))
        s.table->add_protocol(s, "adcs-web");
    else if (icontains(path, "_cep") && icontains(path, "service.svc"))
        s.table->add_protocol(s, "adcs-cep");
    else if ((icontains(path, "_ces") || icontains(path, "/enrollmentserver")) && icontains(path, "service.svc"))
        s.table->add_protocol(s, "adcs-ces");
    else if (iequals(path, "/wsman") || istarts(path, "/wsman/"))
        s.table->add_protocol(s, "winrm");
}

void headers_complete(State& st, Session& s, Direction& d, int which) {
    const Fields& f = *st.f;
    if (d.request && st.haveUrl) name_service(s, st.url.view());
    flush_url(st, s);
    if (d.request) {
        std::string_view method = kMethods[static_cast<size_t>(d.methodIndex)];
        add_str(st, s, f.method, method);
        add_str(st, s, f.clientVersion, d.version);
        bool upgrade = d.upgradeHeader && d.connectionUpgrade;
        int cpos = f.methodCount[static_cast<size_t>(d.methodIndex)];
        if (!upgrade && method != "PRI" && cpos >= 0) {
            const std::vector<int64_t>* cur = s.fields.ints(cpos);
            s.fields.add_int(*st.reg, cpos, (cur && !cur->empty() ? cur->back() : 0) + 1);
        }
        if (method == "PRI" && std::string_view(d.version) == "2.0") {
            // Cleartext HTTP/2 with prior knowledge: both directions carry frames from here on.
            st.h2 = std::make_unique<http2::Connection>();
            d.st = St::H2Preface;
            d.prefaceGot = 0;
            Direction& other = st.d[1 - which];
            if (other.st == St::Start || other.st == St::Dead) other.st = St::H2;
            other.request = false;
            return;
        }
        ReqKind kind = method == "HEAD" ? ReqKind::Head : method == "CONNECT" ? ReqKind::Connect : ReqKind::Other;
        if (d.pendingCount < kMaxPendingRequests) {
            d.pending[(d.pendingHead + d.pendingCount) % kMaxPendingRequests] = kind;
            ++d.pendingCount;
        }
        if (d.chunked) {
            d.st = St::ChunkSize;
        } else if (d.contentLength > 0) {
            d.remaining = static_cast<uint64_t>(d.contentLength);
            d.st = St::Length;
        } else {
            message_complete(st, s, d);
        }
        return;
    }
    s.fields.add_int(*st.reg, f.statuscode, d.status);
    if (d.status == 101 && st.websocketAsked) {
        s.table->add_protocol(s, "websocket");
        st.ws = std::make_unique<websocket::Reader>();
        d.st = st.d[1 - which].st = St::WebSocket;
        add_str(st, s, f.serverVersion, d.version);
        return;
    }
    add_str(st, s, f.serverVersion, d.version);
    // The request this answers (a final status takes it off the other direction's queue).
    ReqKind kind = ReqKind::Other;
    Direction& other = st.d[1 - which];
    if (d.status >= 200 && other.pendingCount > 0) {
        kind = other.pending[other.pendingHead];
        other.pendingHead = (other.pendingHead + 1) % kMaxPendingRequests;
        --other.pendingCount;
    }
    bool noBody = (d.status >= 100 && d.status < 200) || d.status == 204 || d.status == 304 || kind == ReqKind::Head ||
                  (kind == ReqKind::Connect && d.status >= 200 && d.status < 300);
    if (kind == ReqKind::Connect && d.status >= 200 && d.status < 300) {
        // The proxy opened the tunnel: what follows is another protocol (usually TLS).
        message_complete(st, s, d);
        d.st = other.st = St::Dead;
        restart_classification(s);
        return;
    }
    if (noBody) {
        message_complete(st, s, d);
    } else if (d.chunked) {
        d.st = St::ChunkSize;
    } else if (d.contentLength >= 0) {
        d.remaining = static_cast<uint64_t>(d.contentLength);
        if (d.remaining == 0)
            message_complete(st, s, d);
        else
            d.st = St::Length;
    } else {
        d.st = St::UntilClose;
    }
}

/// A complete line (without its LF) in a line-based state. False on a parse error.
bool handle_line(State& st, Session& s, Direction& d, int which, std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    switch (d.st) {
        case St::FirstLine:
            if (!first_line(st, s, d, which, line)) return false;
            d.st = St::Headers;
            return true;
        case St::Headers:
            if (line.empty()) {
                if (d.havePending && !pending_header(st, s, d, which)) return false;
                headers_complete(st, s, d, which);
                return true;
            }
            if ((line.front() == ' ' || line.front() == '\t') && d.havePending) {  // folded value
                // The value, with the separating space, is cut at kMaxLine.
                const size_t valueLen = d.hdr.size() - d.pendingColon;
                std::string_view more = core::trim_space(line).substr(0, valueLen < kMaxLine ? kMaxLine - valueLen : 0);
                if (!d.hdr.append(s, " ", 1) || (!more.empty() && !d.hdr.append(s, more.data(), more.size()))) {
                    d.refused = true;
                    return false;
                }
                return true;
            }
            if (d.havePending && !pending_header(st, s, d, which)) return false;
            {
                size_t colon = line.find(':');
                if (colon == std::string_view::npos || colon == 0) return false;
                if (!d.hdr.append(s, line.data(), line.size())) {
                    d.refused = true;
                    return false;
                }
                d.pendingColon = colon;
                d.havePending = true;
            }
            return true;
        case St::ChunkSize: {
            uint64_t n = 0;
            size_t i = 0;
            while (i < line.size() && line[i] == ' ')
                ++i;
            size_t digits = 0;
            for (; i < line.size() && hex_value(line[i]) >= 0; ++i, ++digits) {
                if (digits >= 15) return false;
                n = n * 16 + static_cast<uint64_t>(hex_value(line[i]));
            }
            if (digits == 0) return false;
            if (i < line.size() && line[i] != ';' && line[i] != ' ' && line[i] != '\t') return false;
            if (n == 0) {
                d.st = St::Trailers;
            } else {
                d.remaining = n;
                d.st = St::ChunkData;
            }
            return true;
        }
        case St::ChunkEnd:
            if (!line.empty()) return false;
            d.st = St::ChunkSize;
            return true;
        case St::Trailers:
            if (line.empty()) message_complete(st, s, d);
            return true;
        default:
            return false;
    }
}

// ---------------------------------------------------------------- HTTP/2

/// HTTP/2 header fields and bodies into the same fields as HTTP/1: pseudo-headers give method,
/// path (and query keys), host and status code; other fields go through header() with the
/// side of the direction that sent them (PUSH_PROMISE fields count as the server's).
class H2Sink final : public http2::H2Events {
  public:
    H2Sink(State& st, Session& s) : st_(st), s_(s) {}

    bool header(int which, uint32_t, std::string_view name, std::string_view value) override {
        const Fields& f = *st_.f;
        if (!name.empty() && name.front() == ':') {
            if (name == ":method") {
                add_str(st_, s_, f.method, value);
            } else if (name == ":path") {
                parse_url_parts(st_, s_, value.substr(0, kMaxUrl));
            } else if (name == ":authority") {
                std::string host = lower(value.substr(0, kMaxHost));
                add_str(st_, s_, f.host, std::string_view(host).substr(0, host.find(':')));
            } else if (name == ":status" && value.size() == 3) {
                int code = 0;
                for (char c : value)
                    code = c >= '0' && c <= '9' ? code * 10 + (c - '0') : -1000;
                if (code >= 0) s_.fields.add_int(*st_.reg, f.statuscode, code);
            }
            return true;
        }
        Direction& d = st_.d[which];
        d.request = which == st_.urlWhich;
        return protocols::header(st_, s_, d, which, name.substr(0, kMaxLine), value.substr(0, kMaxH2Value)) ||
               !d.refused;
    }
    void headers_end(int, uint32_t, bool) override {}

    bool data(int which, uint32_t stream, const uint8_t* p, size_t n) override {
        State::StreamBody* b = slot(which, stream);
        if (!b) return true;
        if (b->md5) EVP_DigestUpdate(b->md5, p, n);
        if (b->sha256) EVP_DigestUpdate(b->sha256, p, n);
        if (b->magic.size() < kMagicBytes && !b->magic.append(s_, p, std::min(n, kMagicBytes - b->magic.size()))) {
            st_.d[which].refused = true;
            return false;
        }
        return true;
    }

    void stream_end(int which, uint32_t stream) override {
        for (State::StreamBody& b : st_.streams) {
            if (b.which != which || b.id != stream) continue;
            add_hex_digest(st_, s_, st_.f->md5, b.md5);
            add_hex_digest(st_, s_, st_.f->sha256, b.sha256);
            if (!b.magic.empty()) {
                std::string_view m = body_magic(b.magic.bytes(), b.magic.size());
                if (!m.empty()) add_str(st_, s_, st_.f->bodyMagic, m);
            }
            b.which = -1;
            b.magic.clear();
            return;
        }
    }

  private:
    /// The body being hashed for (which, stream), started on its first DATA bytes; nullptr when
    /// every slot is taken.
    State::StreamBody* slot(int which, uint32_t stream) {
        State::StreamBody* free = nullptr;
        for (State::StreamBody& b : st_.streams) {
            if (b.which == which && b.id == stream) return &b;
            if (b.which < 0 && !free) free = &b;
        }
        if (!free) return nullptr;
        free->which = which;
        free->id = stream;
        free->magic.clear();
        if (!free->md5) free->md5 = EVP_MD_CTX_new();
        if (!free->sha256) free->sha256 = EVP_MD_CTX_new();
        if (free->md5) EVP_DigestInit_ex(free->md5, EVP_md5(), nullptr);
        if (free->sha256) EVP_DigestInit_ex(free->sha256, EVP_sha256(), nullptr);
        return free;
    }

    State& st_;
    Session& s_;
};

/// Stops direction `which` and gives what it holds back to the session (its HTTP/2 bodies' samples
/// too). When the parser budget stopped it, a request it was sending leaves no URL behind.
bool stop(State& st, int which) {
    Direction& d = st.d[which];
    if (d.refused && which == st.urlWhich) {
        st.url.clear();
        st.host.clear();
        st.haveUrl = st.haveHost = false;
    }
    d.stop();
    for (State::StreamBody& b : st.streams)
        if (b.which == which) b.magic.clear();
    return false;
}

/// Feeds one direction. Returns false when the direction cannot be parsed any further.
bool feed(State& st, Session& s, int which, const uint8_t* data, size_t len) {
    Direction& d = st.d[which];
    size_t i = 0;
    while (i < len) {
        switch (d.st) {
            case St::Dead:
                return false;
            case St::Start:
                if (data[i] == '\r' || data[i] == '\n') {
                    ++i;
                    continue;
                }
                d.st = St::FirstLine;
                d.line.clear();
                continue;
            case St::Length:
            case St::ChunkData: {
                size_t n = static_cast<size_t>(std::min<uint64_t>(d.remaining, len - i));
                if (!body(st, s, d, which, data + i, n)) return stop(st, which);
                i += n;
                d.remaining -= n;
                if (d.remaining == 0) {
                    if (d.st == St::Length) {
                        message_complete(st, s, d);
                    } else {
                        d.st = St::ChunkEnd;
                        d.line.clear();
                    }
                }
                continue;
            }
            case St::UntilClose:
                return body(st, s, d, which, data + i, len - i) || stop(st, which);
            case St::H2Preface:
                while (i < len && d.prefaceGot < http2::kPrefaceTail.size()) {
                    if (data[i] != static_cast<uint8_t>(http2::kPrefaceTail[d.prefaceGot])) return stop(st, which);
                    ++i;
                    ++d.prefaceGot;
                }
                if (d.prefaceGot == http2::kPrefaceTail.size()) d.st = St::H2;
                continue;
            case St::WebSocket:
                if (!st.ws || !st.ws->feed(s, *st.reg, st.f->ws, which == st.urlWhich ? 0 : 1, data + i, len - i))
                    return stop(st, which);
                return true;
            case St::H2: {
                H2Sink sink(st, s);
                if (!st.h2 || !st.h2->feed(s, which, data + i, len - i, sink)) return stop(st, which);
                return true;
            }
            default: {  // line-based states
                const uint8_t* nl = static_cast<const uint8_t*>(std::memchr(data + i, '\n', len - i));
                size_t end = nl ? static_cast<size_t>(nl - data) : len;
                if (!append_cut(s, d.line, std::string_view(reinterpret_cast<const char*>(data + i), end - i),
                                kMaxLine)) {
                    d.refused = true;
                    return stop(st, which);
                }
                i = end;
                if (!nl) return true;
                ++i;  // the LF
                const bool ok = handle_line(st, s, d, which, d.line.view());
                d.line.clear();
                if (!ok) return stop(st, which);
                continue;
            }
        }
    }
    return d.st != St::Dead;
}

// ---------------------------------------------------------------- parser entry points

int http_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    State& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    if (st.d[which].st != St::Dead) feed(st, s, which, data, len);
    if (st.d[0].st == St::Dead && st.d[1].st == St::Dead) return -1;
    return 0;
}

void http_save(void* ctx, Session& s, bool final) {
    if (!final) return;
    State& st = *static_cast<State*>(ctx);
    for (Direction& d : st.d)
        if (d.st == St::UntilClose) message_complete(st, s, d);
}

void http_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void rpc_over_http_classify(void*, Session& s, const uint8_t*, uint32_t, int) {
    if (s.table) s.table->add_protocol(s, "rpc-over-http");
}

void http_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table || s.table->has_protocol(s, "http")) return;
    s.table->add_protocol(s, "http");
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    s.table->register_parser(s, session::ParserEntry{http_parse, http_save, http_free, st});
    ntlm::attach(s);
}

// ---------------------------------------------------------------- registration

int define_field(FieldRegistry& reg, const char* expr, const char* db, const char* friendly, fields::FieldKind kind,
                 fields::FieldType type, uint32_t flags) {
    int pos = reg.find_db(db);
    if (pos >= 0) return pos;
    fields::FieldDef def;
    def.expression = expr;
    def.db = db;
    def.friendly = friendly;
    def.help = friendly;
    def.group = "http";
    def.kind = kind;
    def.type = type;
    def.flags = flags;
    return reg.define(std::move(def));
}

}  // namespace

void register_http(Registries& r, uint32_t maxReqBody) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.maxReqBody = maxReqBody;
    FieldRegistry& reg = r.fields;
    f.method = reg.find_db("http.method");
    f.clientVersion = reg.find_db("http.clientVersion");
    f.serverVersion = reg.find_db("http.serverVersion");
    f.statuscode = reg.find_db("http.statuscode");
    f.uri = reg.find_db("http.uri");
    f.path = reg.find_db("http.path");
    f.key = reg.find_db("http.key");
    f.value = reg.find_db("http.value");
    f.host = reg.find_db("http.host");
    f.useragent = reg.find_db("http.useragent");
    f.xff = reg.find_db("http.xffIp");
    f.reqHeader = reg.find_db("http.requestHeader");
    f.resHeader = reg.find_db("http.responseHeader");
    f.reqField = reg.find_db("http.requestHeaderField");
    f.reqValue = reg.find_db("http.requestHeaderValue");
    f.resField = reg.find_db("http.responseHeaderField");
    f.resValue = reg.find_db("http.responseHeaderValue");
    f.cookieKey = reg.find_db("http.cookieKey");
    f.cookieValue = reg.find_db("http.cookieValue");
    f.md5 = reg.find_db("http.md5");
    f.sha256 = reg.find_db("http.sha256");
    f.user = reg.find_db("http.user");
    f.authType = reg.find_db("http.authType");
    f.requestBody = reg.find_db("http.requestBody");
    f.bodyMagic = reg.find_db("http.bodyMagic");
    f.ws = websocket::Fields::resolve(reg);

    using K = fields::FieldKind;
    using T = fields::FieldType;
    // Arkime's [headers-http-request] / [headers-http-response] of its regression settings:
    // referer=type:string;count:true;unique:true, authorization=type:string;count:true, location=type:string.
    f.referer = define_field(reg, "http.referer", "http.request-referer", "Request header referer", K::TermField,
                             T::StrSet, fields::kFlagCount);
    f.authorization = define_field(reg, "http.authorization", "http.request-authorization",
                                   "Request header authorization", K::TermField, T::StrList, fields::kFlagCount);
    f.location = define_field(reg, "http.location", "http.response-location", "Response header location", K::TermField,
                              T::StrList, 0);
    for (size_t i = 0; i < kMethods.size(); ++i) {
        std::string db = "http.method-" + std::string(kMethods[i]);
        f.methodCount[i] = define_field(reg, db.c_str(), db.c_str(), db.c_str(), K::Integer, T::Int, 0);
    }

    for (std::string_view m : kMethods) {
        for (auto t : {classify::Transport::Tcp, classify::Transport::Sctp})
            r.classifiers.add(t, classify::Classifier{"http", 0, std::string(m), http_classify, &f});
    }
    for (auto t : {classify::Transport::Tcp, classify::Transport::Sctp})
        r.classifiers.add(t, classify::Classifier{"http", 0, "HTTP", http_classify, &f});
    // Outlook Anywhere: RPC over HTTP's own methods (the request line is not HTTP to the parser;
    // the server's HTTP answer names http).
    for (const char* m : {"RPC_IN_DATA ", "RPC_OUT_DATA "})
        r.classifiers.add(classify::Transport::Tcp,
                          classify::Classifier{"rpc-over-http", 0, m, rpc_over_http_classify, nullptr});
}

}  // namespace flowdex::protocols
