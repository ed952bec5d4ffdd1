#include "protocols/ssh/ssh.h"

#include <openssl/evp.h>

#include <cstring>
#include <deque>
#include <string>
#include <string_view>

#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::ssh {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int version = -1, hassh = -1, hasshServer = -1, key = -1;
};

enum class St : uint8_t { Ident, Packets, Done };

struct Direction {
    St st = St::Ident;
    session::ParserBuffer buf;
    /// Ends the direction and gives its bytes back to the session.
    void stop() {
        st = St::Done;
        buf.clear();
    }
};

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    Direction d[2];
};

uint32_t be32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

/// An SSH `string` at `off` of [p, p+n); false when it runs past the end.
bool ssh_string(const uint8_t* p, size_t n, size_t& off, std::string_view& out) {
    if (off + 4 > n) return false;
    uint32_t len = be32(p + off);
    if (len > n - off - 4) return false;
    out = std::string_view(reinterpret_cast<const char*>(p + off + 4), len);
    off += 4 + len;
    return true;
}

std::string md5_hex(std::string_view v) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(v.data(), v.size(), md, &n, EVP_md5(), nullptr) != 1) return {};
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < n; ++i) {
        out += kHex[md[i] >> 4];
        out += kHex[md[i] & 15];
    }
    return out;
}

std::string base64(std::string_view v) {
    static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < v.size(); i += 3) {
        uint32_t x = uint32_t(uint8_t(v[i])) << 16 | uint32_t(uint8_t(v[i + 1])) << 8 | uint8_t(v[i + 2]);
        out += {k[x >> 18], k[(x >> 12) & 63], k[(x >> 6) & 63], k[x & 63]};
    }
    if (i + 1 == v.size()) {
        uint32_t x = uint32_t(uint8_t(v[i])) << 16;
        out += {k[x >> 18], k[(x >> 12) & 63], '=', '='};
    } else if (i + 2 == v.size()) {
        uint32_t x = uint32_t(uint8_t(v[i])) << 16 | uint32_t(uint8_t(v[i + 1])) << 8;
        out += {k[x >> 18], k[(x >> 12) & 63], k[(x >> 6) & 63], '='};
    }
    return out;
}

void kexinit(State& st, Session& s, int which, const uint8_t* p, size_t n) {
    size_t off = 1 + 16;  // message type, cookie
    std::string_view lists[10];
    for (std::string_view& l : lists)
        if (!ssh_string(p, n, off, l)) return;
    // kex, host key, enc c2s, enc s2c, mac c2s, mac s2c, comp c2s, comp s2c, lang c2s, lang s2c
    const int dir = which == 0 ? 0 : 1;
    std::string h = std::string(lists[0]) + ';' + std::string(lists[2 + dir]) + ';' + std::string(lists[4 + dir]) +
                    ';' + std::string(lists[6 + dir]);
    int pos = which == 0 ? st.f->hassh : st.f->hasshServer;
    if (pos >= 0) s.fields.add_string(*st.reg, pos, md5_hex(h));
}

/// KEXDH/ECDH reply (31) or DH-GEX reply (33): the host key blob. 31 is also DH-GEX's group
/// message, so the blob must start with a key type name.
void host_key(State& st, Session& s, const uint8_t* p, size_t n) {
    size_t off = 1, inner = 0;
    std::string_view key, type;
    if (!ssh_string(p, n, off, key)) return;
    if (!ssh_string(reinterpret_cast<const uint8_t*>(key.data()), key.size(), inner, type)) return;
    if (!type.starts_with("ssh-") && !type.starts_with("ecdsa-") && !type.starts_with("sk-")) return;
    if (st.f->key >= 0) s.fields.add_string(*st.reg, st.f->key, base64(key));
}

/// One whole packet payload (after the length and padding-length fields).
void packet(State& st, Session& s, int which, const uint8_t* p, size_t n) {
    if (n == 0) return;
    const uint8_t type = p[0];
    if (type == 20) {
        kexinit(st, s, which, p, n);
    } else if ((type == 31 || type == 33) && which == 1) {
        host_key(st, s, p, n);
    } else if (type == 21) {  // NEWKEYS: encrypted from here on
        st.d[which].st = St::Done;
    }
}

void feed(State& st, Session& s, int which, const uint8_t* data, size_t len) {
    Direction& d = st.d[which];
    size_t i = 0;
    while (i < len && d.st != St::Done) {
        if (d.st == St::Ident) {
            const void* nl = std::memchr(data + i, '\n', len - i);
            size_t end = nl ? static_cast<size_t>(static_cast<const uint8_t*>(nl) - data) : len;
            if (!d.buf.append(s, data + i, std::min(end - i, kMaxLine + 1))) return d.stop();
            i = nl ? end + 1 : len;
            if (d.buf.size() > kMaxLine) return d.stop();
            if (!nl) return;
            std::string_view line = d.buf.view();
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line.starts_with("SSH-")) {
                if (st.f->version >= 0) s.fields.add_string(*st.reg, st.f->version, line);
                d.st = St::Packets;
            }
            d.buf.clear();  // other lines before the identification are skipped
            continue;
        }
        // Packets: u32 length, u8 padding length, payload, padding.
        size_t want = 4;
        if (d.buf.size() >= 4) {
            uint32_t plen = be32(d.buf.bytes());
            if (plen < 5 || plen > kMaxPacket) return d.stop();
            want = 4 + plen;
        }
        size_t take = std::min(want - d.buf.size(), len - i);
        if (!d.buf.append(s, data + i, take)) return d.stop();
        i += take;
        if (d.buf.size() < want || want == 4) continue;
        const uint8_t* p = d.buf.bytes();
        size_t plen = want - 4, pad = p[4];
        if (pad + 1 <= plen) packet(st, s, which, p + 5, plen - 1 - pad);
        d.buf.clear();
    }
}

int ssh_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    feed(st, s, which, data, len);
    return st.d[0].st == St::Done && st.d[1].st == St::Done ? -1 : 0;
}

void ssh_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void ssh_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table) return;
    if (s.has_parser(ssh_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    s.table->register_parser(s, session::ParserEntry{ssh_parse, nullptr, ssh_free, st});
}

}  // namespace

void register_ssh(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.version = r.fields.find_db("ssh.version");
    f.hassh = r.fields.find_db("ssh.hassh");
    f.hasshServer = r.fields.find_db("ssh.hasshServer");
    f.key = r.fields.find_db("ssh.key");
    r.classifiers.add(classify::Transport::Tcp, classify::Classifier{"ssh-parser", 0, "SSH-", ssh_classify, &f});
}

}  // namespace flowdex::protocols::ssh
