#include "protocols/tls/tls.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/tls/certs.h"
#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols {
namespace {

using fields::FieldRegistry;
using session::Session;

constexpr size_t kMaxRecord = 16384 + 2048;  ///< largest TLSCiphertext fragment
constexpr size_t kMaxHandshake = 65536;      ///< handshake bytes buffered per direction

struct Fields {
    int version = -1, cipher = -1, ja3 = -1, ja3s = -1, ja3string = -1, ja3sstring = -1;
    int ja4 = -1, ja4r = -1, srcSessionId = -1, dstSessionId = -1, host = -1, cert = -1;
};

struct Direction {
    session::ParserBuffer rec;  ///< bytes of the current record (header included)
    session::ParserBuffer hs;   ///< handshake bytes not yet parsed
    bool dead = false;
    /// Stops the direction and gives its buffers back to the session.
    void stop() {
        dead = true;
        rec.clear();
        hs.clear();
    }
};

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    Direction d[2];
    int serverWhich = -1;  ///< the direction that sent the ServerHello (its certificates count)
    char transport = 't';  ///< JA4's first character
};

// ---------------------------------------------------------------- helpers

bool is_grease(uint16_t v) {
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/// A bounds-checked reader over one handshake message.
struct Reader {
    const uint8_t* p;
    size_t n;
    size_t off = 0;
    bool ok = true;

    size_t left() const { return ok ? n - off : 0; }
    uint32_t u8() {
        if (left() < 1) return ok = false, 0;
        return p[off++];
    }
    uint32_t u16() {
        if (left() < 2) return ok = false, 0;
        uint32_t v = static_cast<uint32_t>(p[off]) << 8 | p[off + 1];
        off += 2;
        return v;
    }
    /// The next `len` bytes as a sub-reader (fails this reader when short).
    Reader sub(size_t len) {
        if (left() < len) {
            ok = false;
            return Reader{p, 0, 0, false};
        }
        Reader r{p + off, len};
        off += len;
        return r;
    }
};

/// Appends the 16-bit values of a list (ciphers, groups, signature algorithms), GREASE values skipped.
void append_non_grease(Reader& list, std::vector<uint16_t>& out) {
    while (list.left() >= 2) {
        uint16_t v = static_cast<uint16_t>(list.u16());
        if (!is_grease(v)) out.push_back(v);
    }
}

std::string hex(const uint8_t* p, size_t n) {
    static const char* kDigits = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (size_t i = 0; i < n; ++i) {
        out += kDigits[p[i] >> 4];
        out += kDigits[p[i] & 15];
    }
    return out;
}

std::string hex4(uint32_t v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04x", v & 0xffff);
    return buf;
}

std::string digest_hex(const EVP_MD* md, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(data.data(), data.size(), out, &len, md, nullptr)) return {};
    return hex(out, len);
}

/// Joins values in decimal with '-' (JA3 lists).
std::string dec_list(const std::vector<uint16_t>& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
        if (i) out += '-';
        out += std::to_string(v[i]);
    }
    return out;
}

/// Joins values as 4-digit hex with ',' (JA4 lists).
std::string hex_list(const std::vector<uint16_t>& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
        if (i) out += ',';
        out += hex4(v[i]);
    }
    return out;
}

std::string version_name(uint32_t v) {
    switch (v) {
        case 0x0002:
            return "SSLv2";
        case 0x0300:
            return "SSLv3";
        case 0x0301:
            return "TLSv1";
        case 0x0302:
            return "TLSv1.1";
        case 0x0303:
            return "TLSv1.2";
        case 0x0304:
            return "TLSv1.3";
        default:
            break;
    }
    char buf[32];
    if ((v & 0xff00) == 0x7f00)
        std::snprintf(buf, sizeof buf, "TLSv1.3-draft-%02u", v & 0xff);
    else
        std::snprintf(buf, sizeof buf, "0x%04x", v);
    return buf;
}

const char* ja4_version(uint32_t v) {
    switch (v) {
        case 0x0304:
            return "13";
        case 0x0303:
            return "12";
        case 0x0302:
            return "11";
        case 0x0301:
            return "10";
        case 0x0300:
            return "s3";
        case 0x0002:
            return "s2";
        case 0xfeff:
            return "d1";
        case 0xfefd:
            return "d2";
        case 0xfefc:
            return "d3";
        default:
            return "00";
    }
}

struct CipherName {
    uint16_t id;
    const char* name;
};
// IANA TLS cipher suite registry (the suites seen in practice).
constexpr CipherName kCiphers[] = {
    {0x0000, "TLS_NULL_WITH_NULL_NULL"},
    {0x0001, "TLS_RSA_WITH_NULL_MD5"},
    {0x0002, "TLS_RSA_WITH_NULL_SHA"},
    {0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5"},
    {0x0004, "TLS_RSA_WITH_RC4_128_MD5"},
    {0x0005, "TLS_RSA_WITH_RC4_128_SHA"},
    {0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5"},
    {0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA"},
    {0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA"},
    {0x0009, "TLS_RSA_WITH_DES_CBC_SHA"},
    {0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA"},
    {0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA"},
    {0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA"},
    {0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"},
    {0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"},
    {0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA"},
    {0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"},
    {0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256"},
    {0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256"},
    {0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA"},
    {0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"},
    {0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"},
    {0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA"},
    {0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256"},
    {0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384"},
    {0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"},
    {0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"},
    {0x1301, "TLS_AES_128_GCM_SHA256"},
    {0x1302, "TLS_AES_256_GCM_SHA384"},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256"},
    {0x1304, "TLS_AES_128_CCM_SHA256"},
    {0x1305, "TLS_AES_128_CCM_8_SHA256"},
    {0x5600, "TLS_FALLBACK_SCSV"},
    {0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA"},
    {0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA"},
    {0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"},
    {0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"},
    {0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"},
    {0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"},
    {0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"},
    {0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"},
    {0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"},
    {0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"},
    {0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"},
    {0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
    {0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
    {0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
    {0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
};

std::string cipher_name(uint32_t id) {
    for (const CipherName& c : kCiphers)
        if (c.id == id) return c.name;
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%04x", id);
    return buf;
}

// ---------------------------------------------------------------- hello messages

void add_str(State& st, Session& s, int pos, std::string_view v) {
    if (pos >= 0 && !v.empty()) s.fields.add_string(*st.reg, pos, v);
}
/// Stored as built: JA4 keeps the case of the ALPN characters (t13d1615H2_…).
void add_as_is(State& st, Session& s, int pos, std::string_view v) {
    if (pos >= 0 && !v.empty()) s.fields.add_string_as_is(*st.reg, pos, v);
}

void client_hello(State& st, Session& s, Reader m, char transport) {
    uint32_t version = m.u16();
    m.sub(32);
    Reader sid = m.sub(m.u8());
    Reader cs = m.sub(m.u16());
    m.sub(m.u8());  // compression methods
    if (!m.ok || !cs.ok || (cs.n & 1)) return;

    std::vector<uint16_t> ciphers;
    append_non_grease(cs, ciphers);

    std::vector<uint16_t> exts, groups, points, sigalgs;
    std::string sni, alpn;
    bool haveSni = false, haveAlpn = false;
    uint32_t maxVersion = 0;
    if (m.left() >= 2) {
        Reader el = m.sub(m.u16());
        if (!m.ok) return;
        while (el.left() >= 4) {
            uint16_t type = static_cast<uint16_t>(el.u16());
            Reader e = el.sub(el.u16());
            if (!el.ok) return;
            if (is_grease(type)) continue;
            exts.push_back(type);
            switch (type) {
                case 0x0000: {  // server_name
                    haveSni = true;
                    Reader list = e.sub(e.u16());
                    while (list.left() >= 3) {
                        uint32_t nt = list.u8();
                        Reader name = list.sub(list.u16());
                        if (!list.ok) break;
                        if (nt == 0 && sni.empty()) sni.assign(reinterpret_cast<const char*>(name.p), name.n);
                    }
                    break;
                }
                case 0x000a: {  // supported_groups
                    Reader list = e.sub(e.u16());
                    append_non_grease(list, groups);
                    break;
                }
                case 0x000b: {  // ec_point_formats
                    Reader list = e.sub(e.u8());
                    while (list.left() >= 1)
                        points.push_back(static_cast<uint16_t>(list.u8()));
                    break;
                }
                case 0x000d: {  // signature_algorithms
                    Reader list = e.sub(e.u16());
                    append_non_grease(list, sigalgs);
                    break;
                }
                case 0x0010: {  // application_layer_protocol_negotiation
                    haveAlpn = true;
                    Reader list = e.sub(e.u16());
                    Reader first = list.sub(list.u8());
                    if (list.ok) alpn.assign(reinterpret_cast<const char*>(first.p), first.n);
                    break;
                }
                case 0x002b: {  // supported_versions
                    Reader list = e.sub(e.u8());
                    while (list.left() >= 2) {
                        uint32_t v = list.u16();
                        if (!is_grease(static_cast<uint16_t>(v)) && v > maxVersion) maxVersion = v;
                    }
                    break;
                }
                default:
                    break;
            }
        }
    }
    (void)haveAlpn;

    const Fields& f = *st.f;
    // JA3
    std::string ja3 = std::to_string(version) + ',' + dec_list(ciphers) + ',' + dec_list(exts) + ',' +
                      dec_list(groups) + ',' + dec_list(points);
    if (transport != 'd') {
        add_str(st, s, f.ja3string, ja3);
        add_str(st, s, f.ja3, digest_hex(EVP_md5(), ja3));
    }

    // JA4
    std::string a(1, transport);
    a += ja4_version(maxVersion ? maxVersion : version);
    a += haveSni ? 'd' : 'i';
    char counts[8];
    std::snprintf(counts, sizeof counts, "%02zu%02zu", std::min<size_t>(ciphers.size(), 99),
                  std::min<size_t>(exts.size(), 99));
    a += counts;
    if (alpn.empty()) {
        a += "00";
    } else {
        auto alnum = [](unsigned char c) {
            return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        };
        if (alnum(static_cast<unsigned char>(alpn.front())) && alnum(static_cast<unsigned char>(alpn.back()))) {
            a += alpn.front();
            a += alpn.back();
        } else {
            std::string h = hex(reinterpret_cast<const uint8_t*>(alpn.data()), alpn.size());
            a += h.front();
            a += h.back();
        }
    }
    std::vector<uint16_t> sortedCiphers = ciphers;
    std::sort(sortedCiphers.begin(), sortedCiphers.end());
    std::vector<uint16_t> sortedExts;
    for (uint16_t e : exts)
        if (e != 0x0000 && e != 0x0010) sortedExts.push_back(e);
    std::sort(sortedExts.begin(), sortedExts.end());
    std::string b = hex_list(sortedCiphers);
    std::string c = hex_list(sortedExts);
    if (!sigalgs.empty()) c += '_' + hex_list(sigalgs);
    auto trunc = [](std::string_view raw) {
        return raw.empty() ? std::string("000000000000") : digest_hex(EVP_sha256(), raw).substr(0, 12);
    };
    add_as_is(st, s, f.ja4, a + '_' + trunc(b) + '_' + (sortedExts.empty() ? trunc("") : trunc(c)));
    add_as_is(st, s, f.ja4r, a + '_' + b + '_' + c);

    if (sid.ok && sid.n > 0 && transport != 'd') add_str(st, s, f.srcSessionId, hex(sid.p, sid.n));
    if (!sni.empty()) add_str(st, s, f.host, sni);
}

void server_hello(State& st, Session& s, Reader m) {
    uint32_t version = m.u16();
    m.sub(32);
    // TLS 1.3 drafts before 22 have neither session id nor compression method.
    bool draft = version >= 0x7f00 && version < 0x7f16;
    Reader sid = draft ? Reader{m.p, 0} : m.sub(m.u8());
    uint32_t cipher = m.u16();
    if (!draft) m.u8();  // compression method
    if (!m.ok) return;
    std::vector<uint16_t> exts;
    uint32_t selected = 0;
    if (m.left() >= 2) {
        Reader el = m.sub(m.u16());
        if (!m.ok) return;
        while (el.left() >= 4) {
            uint16_t type = static_cast<uint16_t>(el.u16());
            Reader e = el.sub(el.u16());
            if (!el.ok) return;
            if (is_grease(type)) continue;
            exts.push_back(type);
            if (type == 0x002b && e.left() >= 2) selected = e.u16();
            if (type == 0x0010) {  // ALPN: the server's choice
                Reader list = e.sub(e.u16());
                Reader proto = list.sub(list.u8());
                if (list.ok && std::string_view(reinterpret_cast<const char*>(proto.p), proto.n) == "h2")
                    s.table->add_protocol(s, "http2");
            }
        }
    }
    const Fields& f = *st.f;
    add_str(st, s, f.version, version_name(selected ? selected : version));
    add_str(st, s, f.cipher, cipher_name(cipher));
    std::string ja3s = std::to_string(version) + ',' + std::to_string(cipher) + ',' + dec_list(exts);
    add_str(st, s, f.ja3sstring, ja3s);
    add_str(st, s, f.ja3s, digest_hex(EVP_md5(), ja3s));
    if (sid.n > 0) add_str(st, s, f.dstSessionId, hex(sid.p, sid.n));
}

/// Certificate message (TLS 1.2 and older; 1.3 sends it encrypted): a 24-bit list of 24-bit
/// length-prefixed DER certificates.
void certificates(State& st, Session& s, Reader m) {
    if (st.f->cert < 0) return;
    uint32_t total = m.u8() << 16;
    total |= m.u16();
    Reader list = m.sub(total);
    auto* objs = s.fields.object<tls::CertObjects>(*st.reg, st.f->cert);
    if (!objs) return;
    const auto now = static_cast<int64_t>(s.firstUs / 1000000);
    while (list.left() >= 3) {
        uint32_t len = list.u8() << 16;
        len |= list.u16();
        Reader der = list.sub(len);
        if (!list.ok) break;
        tls::CertInfo c;
        if (!tls::decode_cert(der.p, der.n, now, c)) continue;
        tls::tag_certificate(s, c, objs->count() == 0);
        objs->add(std::move(c));
    }
}

// ---------------------------------------------------------------- reassembly

/// Parses the complete handshake messages buffered in `d.hs`.
void handshake(State& st, Session& s, Direction& d) {
    size_t off = 0;
    while (d.hs.size() - off >= 4) {
        const uint8_t* p = d.hs.bytes() + off;
        size_t len = static_cast<size_t>(p[1]) << 16 | static_cast<size_t>(p[2]) << 8 | p[3];
        if (len + 4 > kMaxHandshake) {
            d.stop();
            return;
        }
        if (d.hs.size() - off < len + 4) break;
        if (p[0] == 1) client_hello(st, s, Reader{p + 4, len}, st.transport);
        const int which = &d == &st.d[0] ? 0 : 1;
        if (p[0] == 2) {
            server_hello(st, s, Reader{p + 4, len});
            st.serverWhich = which;
        }
        // Client certificates are not reported.
        if (p[0] == 11 && which == st.serverWhich) certificates(st, s, Reader{p + 4, len});
        off += len + 4;
    }
    d.hs.consume(off);
    if (d.hs.size() > kMaxHandshake) d.stop();
}

void feed(State& st, Session& s, int which, const uint8_t* data, uint32_t len) {
    Direction& d = st.d[which];
    while (len > 0 && !d.dead) {
        // Record header.
        if (d.rec.size() < 5) {
            size_t n = std::min<size_t>(5 - d.rec.size(), len);
            if (!d.rec.append(s, data, n)) return d.stop();
            data += n;
            len -= static_cast<uint32_t>(n);
            if (d.rec.size() < 5) return;
            auto type = static_cast<uint8_t>(d.rec[0]);
            auto major = static_cast<uint8_t>(d.rec[1]);
            size_t rlen = static_cast<size_t>(static_cast<uint8_t>(d.rec[3])) << 8 | static_cast<uint8_t>(d.rec[4]);
            if (type < 20 || type > 24 || major != 3 || rlen > kMaxRecord) return d.stop();
            if (type == 20 || type == 23) return d.stop();  // everything after is encrypted
        }
        size_t rlen = static_cast<size_t>(static_cast<uint8_t>(d.rec[3])) << 8 | static_cast<uint8_t>(d.rec[4]);
        size_t need = 5 + rlen - d.rec.size();
        size_t n = std::min<size_t>(need, len);
        if (!d.rec.append(s, data, n)) return d.stop();
        data += n;
        len -= static_cast<uint32_t>(n);
        if (d.rec.size() < 5 + rlen) return;
        if (d.rec[0] == 22) {
            // For a moment the record is held twice: in `rec` and, its body, in `hs`.
            std::string_view body = d.rec.view().substr(5);
            const bool kept = d.hs.append(s, body.data(), body.size());
            d.rec.clear();
            if (!kept) return d.stop();
            handshake(st, s, d);
            continue;
        }
        d.rec.clear();
    }
}

int tls_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    State& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    if (!st.d[which].dead) feed(st, s, which, data, len);
    if (st.d[0].dead && st.d[1].dead) return -1;
    return 0;
}

void tls_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void tls_classify(void* ctx, Session& s, const uint8_t* d, uint32_t len, int) {
    if (!s.table || len < 6 || d[2] > 0x03 || (d[5] != 1 && d[5] != 2)) return;
    if (s.table->has_protocol(s, "tls")) return;
    s.table->add_protocol(s, "tls");
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    s.table->register_parser(s, session::ParserEntry{tls_parse, nullptr, tls_free, st});
}

Fields resolve(const FieldRegistry& reg) {
    Fields f;
    f.version = reg.find_db("tls.version");
    f.cipher = reg.find_db("tls.cipher");
    f.ja3 = reg.find_db("tls.ja3");
    f.ja3s = reg.find_db("tls.ja3s");
    f.ja3string = reg.find_db("tls.ja3string");
    f.ja3sstring = reg.find_db("tls.ja3sstring");
    f.ja4 = reg.find_db("tls.ja4");
    f.ja4r = reg.find_db("tls.ja4_r");
    f.srcSessionId = reg.find_db("tls.srcSessionId");
    f.dstSessionId = reg.find_db("tls.dstSessionId");
    f.host = reg.find_db("http.host");
    f.cert = reg.find_db("cert");
    return f;
}

}  // namespace

void tls::client_hello_fields(Session& s, const uint8_t* body, size_t len, char transport) {
    if (!s.table) return;
    const FieldRegistry& reg = *s.table->context().registry;
    const Fields f = resolve(reg);
    State st;
    st.f = &f;
    st.reg = &reg;
    client_hello(st, s, Reader{body, len}, transport);
}

void tls::certificate_fields(Session& s, const uint8_t* body, size_t len) {
    if (!s.table) return;
    const FieldRegistry& reg = *s.table->context().registry;
    const Fields f = resolve(reg);
    State st;
    st.f = &f;
    st.reg = &reg;
    certificates(st, s, Reader{body, len});
}

struct tls::CarriedStream::Impl {
    Fields f;
    State st;
};

tls::CarriedStream::CarriedStream(const Session& s, char transport) : impl_(std::make_unique<Impl>()) {
    impl_->st.transport = transport;
    if (s.table) impl_->f = resolve(*s.table->context().registry);
    impl_->st.f = &impl_->f;
    impl_->st.reg = s.table ? s.table->context().registry : nullptr;
    if (!impl_->st.reg) impl_->st.d[0].dead = impl_->st.d[1].dead = true;
}

tls::CarriedStream::~CarriedStream() = default;

void tls::CarriedStream::feed(Session& s, int which, const uint8_t* data, uint32_t len) {
    if (which < 0 || which > 1 || impl_->st.d[which].dead) return;
    protocols::feed(impl_->st, s, which, data, len);
}

bool tls::CarriedStream::done() const {
    return impl_->st.d[0].dead && impl_->st.d[1].dead;
}

void register_tls(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back(resolve(r.fields));
    r.classifiers.add(classify::Transport::Tcp, classify::Classifier{"tls", 0, "\x16\x03", tls_classify, &f});
}

}  // namespace flowdex::protocols
