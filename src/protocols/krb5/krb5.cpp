#include "protocols/krb5/krb5.h"

#include <cstdio>
#include <deque>
#include <string>
#include <string_view>

#include "protocols/ldap/ber.h"
#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::krb5 {
namespace {

using ber::Children;
using ber::Tlv;
using fields::FieldRegistry;
using session::Session;

struct Fields {
    int realm = -1, cname = -1, sname = -1, error = -1, etype = -1;
};

struct Ctx {
    const Fields* f;
    const FieldRegistry* reg;
    Session& s;
    void add(int pos, std::string_view v) const {
        if (pos >= 0 && !v.empty()) s.fields.add_string(*reg, pos, v);
    }
};

std::string_view etype_name(uint32_t e) {
    switch (e) {
        case 1:
            return "des-cbc-crc";
        case 2:
            return "des-cbc-md4";
        case 3:
            return "des-cbc-md5";
        case 5:
            return "des3-cbc-md5";
        case 7:
            return "des3-cbc-sha1";
        case 16:
            return "des3-cbc-sha1-kd";
        case 17:
            return "aes128-cts-hmac-sha1-96";
        case 18:
            return "aes256-cts-hmac-sha1-96";
        case 19:
            return "aes128-cts-hmac-sha256-128";
        case 20:
            return "aes256-cts-hmac-sha384-192";
        case 23:
            return "rc4-hmac";
        case 24:
            return "rc4-hmac-exp";
        case 25:
            return "camellia128-cts-cmac";
        case 26:
            return "camellia256-cts-cmac";
        default:
            return {};
    }
}

// RFC 4120 section 7.5.9, by code.
constexpr const char* kErrors[] = {"KDC_ERR_NONE",
                                   "KDC_ERR_NAME_EXP",
                                   "KDC_ERR_SERVICE_EXP",
                                   "KDC_ERR_BAD_PVNO",
                                   "KDC_ERR_C_OLD_MAST_KVNO",
                                   "KDC_ERR_S_OLD_MAST_KVNO",
                                   "KDC_ERR_C_PRINCIPAL_UNKNOWN",
                                   "KDC_ERR_S_PRINCIPAL_UNKNOWN",
                                   "KDC_ERR_PRINCIPAL_NOT_UNIQUE",
                                   "KDC_ERR_NULL_KEY",
                                   "KDC_ERR_CANNOT_POSTDATE",
                                   "KDC_ERR_NEVER_VALID",
                                   "KDC_ERR_POLICY",
                                   "KDC_ERR_BADOPTION",
                                   "KDC_ERR_ETYPE_NOSUPP",
                                   "KDC_ERR_SUMTYPE_NOSUPP",
                                   "KDC_ERR_PADATA_TYPE_NOSUPP",
                                   "KDC_ERR_TRTYPE_NOSUPP",
                                   "KDC_ERR_CLIENT_REVOKED",
                                   "KDC_ERR_SERVICE_REVOKED",
                                   "KDC_ERR_TGT_REVOKED",
                                   "KDC_ERR_CLIENT_NOTYET",
                                   "KDC_ERR_SERVICE_NOTYET",
                                   "KDC_ERR_KEY_EXPIRED",
                                   "KDC_ERR_PREAUTH_FAILED",
                                   "KDC_ERR_PREAUTH_REQUIRED",
                                   "KDC_ERR_SERVER_NOMATCH",
                                   "KDC_ERR_MUST_USE_USER2USER",
                                   "KDC_ERR_PATH_NOT_ACCEPTED",
                                   "KDC_ERR_SVC_UNAVAILABLE",
                                   nullptr,
                                   "KRB_AP_ERR_BAD_INTEGRITY",
                                   "KRB_AP_ERR_TKT_EXPIRED",
                                   "KRB_AP_ERR_TKT_NYV",
                                   "KRB_AP_ERR_REPEAT",
                                   "KRB_AP_ERR_NOT_US",
                                   "KRB_AP_ERR_BADMATCH",
                                   "KRB_AP_ERR_SKEW",
                                   "KRB_AP_ERR_BADADDR",
                                   "KRB_AP_ERR_BADVERSION",
                                   "KRB_AP_ERR_MSG_TYPE",
                                   "KRB_AP_ERR_MODIFIED",
                                   "KRB_AP_ERR_BADORDER",
                                   nullptr,
                                   "KRB_AP_ERR_BADKEYVER",
                                   "KRB_AP_ERR_NOKEY",
                                   "KRB_AP_ERR_MUT_FAIL",
                                   "KRB_AP_ERR_BADDIRECTION",
                                   "KRB_AP_ERR_METHOD",
                                   "KRB_AP_ERR_BADSEQ",
                                   "KRB_AP_ERR_INAPP_CKSUM",
                                   "KRB_AP_PATH_NOT_ACCEPTED",
                                   "KRB_ERR_RESPONSE_TOO_BIG",
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   "KRB_ERR_GENERIC",
                                   "KRB_ERR_FIELD_TOOLONG",
                                   "KDC_ERROR_CLIENT_NOT_TRUSTED",
                                   "KDC_ERROR_KDC_NOT_TRUSTED",
                                   "KDC_ERROR_INVALID_SIG",
                                   "KDC_ERR_KEY_TOO_WEAK",
                                   "KDC_ERR_CERTIFICATE_MISMATCH",
                                   "KRB_AP_ERR_NO_TGT",
                                   "KDC_ERR_WRONG_REALM",
                                   "KRB_AP_ERR_USER_TO_USER_REQUIRED",
                                   "KDC_ERR_CANT_VERIFY_CERTIFICATE",
                                   "KDC_ERR_INVALID_CERTIFICATE",
                                   "KDC_ERR_REVOKED_CERTIFICATE",
                                   "KDC_ERR_REVOCATION_STATUS_UNKNOWN",
                                   "KDC_ERR_REVOCATION_STATUS_UNAVAILABLE",
                                   "KDC_ERR_CLIENT_NAME_MISMATCH",
                                   "KDC_ERR_KDC_NAME_MISMATCH"};

/// The value inside a context tag [n] (its single element).
bool inner(const Tlv& tagged, Tlv& out) {
    Children c(tagged);
    return c.next(out);
}

void string_field(const Ctx& c, int pos, const Tlv& tagged) {
    Tlv v;
    if (inner(tagged, v) && (v.tag == 0x1b || v.tag == 0x04 || v.tag == 0x0c)) c.add(pos, v.text());
}

/// PrincipalName: name-string [1] SEQUENCE OF KerberosString, joined with '/'.
void principal(const Ctx& c, int pos, const Tlv& tagged) {
    Tlv seq, t;
    if (!inner(tagged, seq) || seq.tag != 0x30) return;
    Children kids(seq);
    if (!kids.find(0xa1, t)) return;
    Tlv list;
    if (!inner(t, list) || list.tag != 0x30) return;
    std::string name;
    Children parts(list);
    Tlv part;
    while (parts.next(part)) {
        if (!name.empty()) name += '/';
        name.append(part.text());
    }
    c.add(pos, name);
}

void etypes(const Ctx& c, const Tlv& tagged) {
    Tlv seq, e;
    if (!inner(tagged, seq) || seq.tag != 0x30) return;
    Children list(seq);
    uint32_t v;
    while (list.next(e))
        if (ber::integer(e, v))
            c.add(c.f->etype, etype_name(v));  // unnamed (e.g. private, negative) types are left out
}

void req_body(const Ctx& c, const Tlv& tagged) {
    Tlv seq, t;
    if (!inner(tagged, seq) || seq.tag != 0x30) return;
    Children kids(seq);
    while (kids.next(t)) {
        switch (t.tag) {
            case 0xa1:
                principal(c, c.f->cname, t);
                break;
            case 0xa2:
                string_field(c, c.f->realm, t);
                break;
            case 0xa3:
                principal(c, c.f->sname, t);
                break;
            case 0xa8:
                etypes(c, t);
                break;
            default:
                break;
        }
    }
}

void ticket(const Ctx& c, const Tlv& tagged) {
    Tlv app, seq, t;
    if (!inner(tagged, app) || app.tag != 0x61 || !inner(app, seq) || seq.tag != 0x30) return;
    Children kids(seq);
    while (kids.next(t)) {
        if (t.tag == 0xa1) string_field(c, c.f->realm, t);
        if (t.tag == 0xa2) principal(c, c.f->sname, t);
    }
}

void message(const Ctx& c, const uint8_t* p, size_t n) {
    const uint8_t* end = p + n;
    Tlv app, seq, t;
    if (!ber::next(p, end, app) || !inner(app, seq) || seq.tag != 0x30) return;
    Children kids(seq);
    switch (app.tag) {
        case 0x6a:
        case 0x6c:  // AS-REQ, TGS-REQ
            if (kids.find(0xa4, t)) req_body(c, t);
            break;
        case 0x6b:
        case 0x6d:  // AS-REP, TGS-REP
            while (kids.next(t)) {
                if (t.tag == 0xa3) string_field(c, c.f->realm, t);
                if (t.tag == 0xa4) principal(c, c.f->cname, t);
                if (t.tag == 0xa5) ticket(c, t);
            }
            break;
        case 0x7e:  // KRB-ERROR
            while (kids.next(t)) {
                Tlv v;
                uint32_t code;
                if (t.tag == 0xa6 && inner(t, v) && ber::integer(v, code)) {
                    const char* name = code < std::size(kErrors) ? kErrors[code] : nullptr;
                    c.add(c.f->error, name ? std::string_view(name) : std::string_view(std::to_string(code)));
                }
                if (t.tag == 0xa7 || t.tag == 0xa9) string_field(c, c.f->realm, t);
                if (t.tag == 0xa8) principal(c, c.f->cname, t);
                if (t.tag == 0xaa) principal(c, c.f->sname, t);
            }
            break;
        default:
            break;
    }
}

struct TcpState {
    const Fields* f = nullptr;
    session::ParserBuffer buf[2];
    size_t skip[2] = {0, 0};
    bool done[2] = {false, false};  ///< the parser budget refused this direction's bytes
};

uint32_t be32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

int udp_parse(void* ctx, Session& s, const uint8_t* d, uint32_t len, int) {
    message(Ctx{static_cast<const Fields*>(ctx), s.table->context().registry, s}, d, len);
    return 0;
}

int tcp_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<TcpState*>(ctx);
    if (which < 0 || which > 1 || st.done[which]) return 0;
    session::ParserBuffer& b = st.buf[which];
    size_t i = 0;
    while (i < len) {
        if (st.skip[which] > 0) {
            size_t k = std::min<size_t>(st.skip[which], len - i);
            st.skip[which] -= k;
            i += k;
            continue;
        }
        size_t want = b.size() < 4 ? 4 : 4 + (be32(b.bytes()) & 0x7fffffff);
        if (b.size() >= 4 && (want == 4 || want - 4 > kMaxMessage)) {  // empty or oversized: skip it
            st.skip[which] = want - 4;
            b.clear();
            continue;
        }
        size_t take = std::min(want - b.size(), len - i);
        if (!b.append(s, data + i, take)) {
            st.done[which] = true;
            b.clear();
            break;
        }
        i += take;
        if (b.size() < want || want == 4) continue;
        message(Ctx{st.f, s.table->context().registry, s}, b.bytes() + 4, want - 4);
        b.clear();
    }
    return st.done[0] && st.done[1] ? -1 : 0;
}

void tcp_free(void* ctx, Session&) {
    delete static_cast<TcpState*>(ctx);
}

bool attached(const Session& s) {
    for (const session::ParserEntry& e : s.parsers)
        if (e.parse == udp_parse || e.parse == tcp_parse) return true;
    return false;
}

void udp_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (s.table && !attached(s)) s.table->register_parser(s, session::ParserEntry{udp_parse, nullptr, nullptr, ctx});
}

void tcp_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table || attached(s)) return;
    auto* st = new TcpState;
    st->f = static_cast<const Fields*>(ctx);
    s.table->register_parser(s, session::ParserEntry{tcp_parse, nullptr, tcp_free, st});
}

}  // namespace

void register_krb5(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.realm = r.fields.find_db("krb5.realm");
    f.cname = r.fields.find_db("krb5.cname");
    f.sname = r.fields.find_db("krb5.sname");
    f.error = r.fields.find_db("krb5.error");
    f.etype = r.fields.find_db("krb5.etype");
    r.classifiers.add_port("krb5-parser", 88, classify::kPortUdpSrc | classify::kPortUdpDst, udp_classify, &f);
    r.classifiers.add_port("krb5-tcp-parser", 88, classify::kPortTcpSrc | classify::kPortTcpDst, tcp_classify, &f);
}

}  // namespace flowdex::protocols::krb5
