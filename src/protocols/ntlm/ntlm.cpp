#include "protocols/ntlm/ntlm.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>

#include "core/text.h"
#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::ntlm {
namespace {

using fields::FieldRegistry;
using session::Session;
using namespace std::string_view_literals;

constexpr std::string_view kSig = "NTLMSSP\0"sv;
constexpr std::string_view kSig64 = "TlRMTVNTUA"sv;  // base64 of "NTLMSSP" at a 3-byte boundary
constexpr size_t kTail = kSig64.size() - 1;

constexpr uint32_t kFlagUnicode = 0x00000001;
constexpr uint32_t kFlagVersion = 0x02000000;

struct Fields {
    const FieldRegistry* reg = nullptr;
    int type = -1, version = -1, domain = -1, host = -1, target = -1, user = -1;
};
std::deque<Fields>& all_fields() {
    static std::deque<Fields> all;
    return all;
}
const Fields* fields_for(const FieldRegistry* reg) {
    for (const Fields& f : all_fields())
        if (f.reg == reg) return &f;
    return nullptr;
}

uint32_t le16(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8;
}
uint32_t le32(const uint8_t* p) {
    return le16(p) | le16(p + 2) << 16;
}

/// A security buffer (length, max length, offset) at `at` of the message.
struct Buf {
    uint32_t len = 0, off = 0;
};
Buf buf_at(const uint8_t* p, size_t at) {
    return Buf{le16(p + at), le32(p + at + 4)};
}

/// UTF-16LE (unicode) or 8-bit OEM text to UTF-8; NULs end the text.
std::string text(const uint8_t* p, Buf b, bool unicode) {
    if (!unicode) {
        std::string out;
        for (uint32_t i = 0; i < b.len && p[b.off + i]; ++i)
            out += static_cast<char>(p[b.off + i]);
        return out;
    }
    return core::utf16le_to_utf8(p + b.off, b.len);
}

void add(Session& s, const Fields& f, int pos, std::string_view v, bool asIs = false) {
    if (pos < 0 || v.empty()) return;
    if (asIs)
        s.fields.add_string_as_is(*f.reg, pos, v);
    else
        s.fields.add_string(*f.reg, pos, v);
}

void add_version(Session& s, const Fields& f, const uint8_t* v) {
    char buf[24];
    int n = std::snprintf(buf, sizeof buf, "%u.%u.%u", v[0], v[1], le16(v + 2));
    add(s, f, f.version, std::string_view(buf, static_cast<size_t>(n)));
}

// ---------------------------------------------------------------- scanner

enum class Mode : uint8_t { Scan, Raw, Base64 };

struct Direction {
    Mode mode = Mode::Scan;
    session::ParserBuffer buf;  ///< the message being collected (raw bytes or base64 text)
    uint8_t tail[kTail] = {};
    uint8_t tailLen = 0;
    size_t scanned = 0;
    bool dead = false;  ///< the parser budget refused the message: no more scanning

    /// Stops the direction and gives the message bytes back to the session.
    void stop() {
        dead = true;
        mode = Mode::Scan;
        buf.clear();
    }
    /// Nothing more to look at in this direction.
    bool done() const { return dead || (mode == Mode::Scan && scanned >= kMaxScan); }
    /// No reason for the other direction to keep the scanner.
    bool finished() const { return dead || scanned >= kMaxScan; }
};

struct State {
    Direction d[2];
};

bool is_b64(uint8_t c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
           c == '=';
}

/// First occurrence of either signature at or after `from`; `len` if none.
size_t find_sig(const uint8_t* data, size_t len, size_t from, Mode& mode) {
    std::string_view hay(reinterpret_cast<const char*>(data) + from, len - from);
    size_t raw = hay.find(kSig), enc = hay.find(kSig64);
    if (raw == std::string_view::npos && enc == std::string_view::npos) return len;
    mode = raw < enc ? Mode::Raw : Mode::Base64;
    return from + std::min(raw, enc);
}

void remember_tail(Direction& d, const uint8_t* data, size_t len) {
    if (len >= kTail) {
        std::memcpy(d.tail, data + len - kTail, kTail);
        d.tailLen = kTail;
        return;
    }
    size_t keep = std::min<size_t>(d.tailLen, kTail - len);
    std::memmove(d.tail, d.tail + d.tailLen - keep, keep);
    std::memcpy(d.tail + keep, data, len);
    d.tailLen = static_cast<uint8_t>(keep + len);
}

/// A signature that starts in the previous piece's tail and ends in this one: starts collecting
/// with the tail's part of it and returns true.
bool boundary_match(Session& s, Direction& d, const uint8_t* data, size_t len) {
    if (d.tailLen == 0 || len == 0) return false;
    uint8_t tmp[2 * kTail];
    size_t head = std::min(len, kTail);
    std::memcpy(tmp, d.tail, d.tailLen);
    std::memcpy(tmp + d.tailLen, data, head);
    std::string_view v(reinterpret_cast<const char*>(tmp), d.tailLen + head);
    for (size_t i = 0; i < d.tailLen; ++i) {
        std::string_view rest = v.substr(i);
        for (Mode m : {Mode::Raw, Mode::Base64}) {
            std::string_view sig = m == Mode::Raw ? kSig : kSig64;
            if (rest.size() >= sig.size() && rest.substr(0, sig.size()) == sig) {
                d.mode = m;
                d.buf.clear();
                if (!d.buf.append(s, tmp + i, d.tailLen - i)) {
                    d.stop();
                    return false;
                }
                return true;
            }
        }
    }
    return false;
}

/// Collects raw bytes from data[pos..]; returns the position after the bytes used.
size_t collect_raw(Session& s, Direction& d, const uint8_t* data, size_t len, size_t pos) {
    size_t before = d.buf.size();
    size_t take = std::min(len - pos, kMaxMessage - before);
    if (!d.buf.append(s, data + pos, take)) {
        d.stop();
        return len;
    }
    Parse r = parse_message(s, d.buf.bytes(), d.buf.size());
    if (r == Parse::NeedMore && d.buf.size() < kMaxMessage) return len;
    // Done, Bad, or too long: resume scanning after the signature's first byte.
    d.mode = Mode::Scan;
    d.buf.clear();
    return before == 0 ? pos + 1 : pos;
}

/// Collects base64 text from data[pos..] up to its first non-base64 byte.
size_t collect_b64(Session& s, Direction& d, const uint8_t* data, size_t len, size_t pos) {
    size_t end = pos;
    while (end < len && is_b64(data[end]))
        ++end;
    size_t take = std::min(end - pos, kMaxBase64 - std::min(kMaxBase64, d.buf.size()));
    if (!d.buf.append(s, data + pos, take)) {
        d.stop();
        return len;
    }
    if (end == len && d.buf.size() < kMaxBase64) return len;
    std::string raw = core::base64_decode(d.buf.view(), core::Base64Junk::Ends);
    parse_message(s, reinterpret_cast<const uint8_t*>(raw.data()), raw.size());
    d.mode = Mode::Scan;
    d.buf.clear();
    return end;
}

int scan_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1 || len == 0) return 0;
    Direction& d = st.d[which];
    if (d.done()) return st.d[1 - which].finished() ? -1 : 0;
    size_t pos = 0;
    if (d.mode == Mode::Scan && boundary_match(s, d, data, len)) d.tailLen = 0;
    while (pos < len && !d.dead) {
        if (d.mode == Mode::Raw) {
            pos = collect_raw(s, d, data, len, pos);
            continue;
        }
        if (d.mode == Mode::Base64) {
            pos = collect_b64(s, d, data, len, pos);
            continue;
        }
        Mode m = Mode::Scan;
        size_t at = find_sig(data, len, pos, m);
        if (at == len) break;
        d.mode = m;
        d.buf.clear();
        pos = at;
    }
    d.scanned += len;
    if (d.dead) return st.d[1 - which].finished() ? -1 : 0;
    if (d.mode == Mode::Scan) remember_tail(d, data, len);
    return 0;
}

void scan_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

}  // namespace

Parse parse_message(Session& s, const uint8_t* p, size_t n) {
    if (n < 12) return n < kSig.size() || std::memcmp(p, kSig.data(), kSig.size()) == 0 ? Parse::NeedMore : Parse::Bad;
    if (std::memcmp(p, kSig.data(), kSig.size()) != 0) return Parse::Bad;
    const Fields* f = s.table ? fields_for(s.table->context().registry) : nullptr;
    uint32_t type = le32(p + 8);
    if (type < 1 || type > 3) return Parse::Bad;
    // Fixed part of each message, and the security buffers it names.
    size_t fixed = type == 1 ? 16 : type == 2 ? 32 : 52;
    if (n < fixed) return Parse::NeedMore;
    uint32_t flags = type == 1 ? le32(p + 12) : type == 2 ? le32(p + 20) : (n >= 64 ? le32(p + 60) : 0);
    bool unicode = flags & kFlagUnicode;
    Buf b1, b2, b3;  // type 1: domain, workstation; type 2: target; type 3: domain, user, workstation
    // A buffer whose length or offset is out of any message's range is skipped, not the message: a
    // crafted AUTHENTICATE with junk response buffers still names its user (as Arkime reads it).
    auto skip_junk = [](Buf& b) {
        if (b.off > kMaxMessage || b.len > kMaxMessage) b = Buf{};
    };
    if (type == 1) {
        if (n >= 32) {
            b1 = buf_at(p, 16);
            b2 = buf_at(p, 24);
        }
        skip_junk(b1);
        skip_junk(b2);
    } else if (type == 2) {
        b1 = buf_at(p, 12);
        Buf info = n >= 48 ? buf_at(p, 40) : Buf{};
        skip_junk(b1);
        skip_junk(info);
        if (info.len && info.off + info.len > n) return Parse::NeedMore;
    } else {
        Buf lm = buf_at(p, 12), nt = buf_at(p, 20);
        b1 = buf_at(p, 28);
        b2 = buf_at(p, 36);
        b3 = buf_at(p, 44);
        for (Buf* b : {&lm, &nt, &b1, &b2, &b3})
            skip_junk(*b);
        if (lm.len && lm.off + lm.len > n) return Parse::NeedMore;
        if (nt.len && nt.off + nt.len > n) return Parse::NeedMore;
    }
    for (Buf b : {b1, b2, b3})
        if (b.len && b.off + b.len > n) return Parse::NeedMore;
    if (!f) return Parse::Done;

    s.table->add_protocol(s, "ntlm");
    char t[2] = {static_cast<char>('0' + type), 0};
    add(s, *f, f->type, t);
    // The Version structure right after the fixed part, read whenever the flag announces it, even where
    // a buffer starts there (Arkime reads it so: smb-smb1-ascii's AUTHENTICATE gives 0.0.0).
    size_t verAt = type == 1 ? 32 : type == 2 ? 48 : 64;
    if ((flags & kFlagVersion) && n >= verAt + 8) add_version(s, *f, p + verAt);
    if (type == 1) {
        add(s, *f, f->domain, text(p, b1, false));
        add(s, *f, f->host, text(p, b2, false), true);
    } else if (type == 2) {
        add(s, *f, f->target, text(p, b1, unicode));
    } else {
        add(s, *f, f->domain, text(p, b1, unicode));
        add(s, *f, f->user, text(p, b2, unicode), true);
        add(s, *f, f->host, text(p, b3, unicode), true);
    }
    return Parse::Done;
}

void attach(Session& s) {
    if (!s.table || !fields_for(s.table->context().registry)) return;
    if (s.has_parser(scan_parse)) return;
    s.table->register_parser(s, session::ParserEntry{scan_parse, nullptr, scan_free, new State});
}

void register_ntlm(Registries& r) {
    Fields f;
    f.reg = &r.fields;
    f.type = r.fields.find_db("ntlm.type");
    f.version = r.fields.find_db("ntlm.version");
    f.domain = r.fields.find_db("ntlm.domain");
    f.host = r.fields.find_db("ntlm.host");
    f.target = r.fields.find_db("ntlm.targetName");
    f.user = r.fields.find_db("user");
    for (Fields& old : all_fields())
        if (old.reg == f.reg) {
            old = f;
            return;
        }
    all_fields().push_back(f);
}

}  // namespace flowdex::protocols::ntlm
