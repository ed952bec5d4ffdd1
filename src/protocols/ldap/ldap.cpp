#include "protocols/ldap/ldap.h"

#include <deque>
#include <string>
#include <string_view>

#include "protocols/ldap/ber.h"
#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::ldap {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int authtype = -1, bindname = -1;
};

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    session::ParserBuffer buf;  ///< the current message (at most kMaxMessage bytes)
    size_t skip = 0;            ///< bytes of an over-long message still to skip
    bool name = false;          ///< this message's bind name was taken
    bool auth = false;          ///< and its authentication type
    bool done = false;
};

std::string_view auth_name(uint8_t tag, size_t len) {
    switch (tag) {
        case 0x80:
            return len == 0 ? "none" : "simple";
        case 0xa3:
            return "sasl";
        case 0x89:
            return "sicilyPackageDiscovery";
        case 0x8a:
            return "ntlmsspNegotiate";
        case 0x8b:
            return "ntlmsspAuth";
        default:
            return {};
    }
}

/// Takes what is complete of the BindRequest at the start of the (possibly partial) message.
void bind_fields(State& st, Session& s, const uint8_t* p, const uint8_t* end) {
    ber::Tlv t;
    if (ber::header(p, end, t) != ber::Read::Ok || t.tag != 0x30) return;
    if (!ber::next(p, end, t) || t.tag != 0x02) return;  // messageID
    if (ber::header(p, end, t) != ber::Read::Ok || t.tag != 0x60) return;
    if (!ber::next(p, end, t) || t.tag != 0x02) return;  // version
    if (!ber::next(p, end, t) || t.tag != 0x04) return;  // name
    if (!st.name && st.f->bindname >= 0) s.fields.add_string(*st.reg, st.f->bindname, t.len ? t.text() : "<ROOT>");
    st.name = true;
    if (st.auth || ber::header(p, end, t) != ber::Read::Ok) return;
    std::string_view a = auth_name(t.tag, t.len);
    if (a.empty()) return;
    if (st.f->authtype >= 0) s.fields.add_string(*st.reg, st.f->authtype, a);
    st.auth = true;
}

/// Ends the parser and gives its bytes back to the session.
void stop(State& st) {
    st.done = true;
    st.buf.clear();
}

void feed(State& st, Session& s, const uint8_t* data, size_t len) {
    size_t i = 0;
    while (i < len && !st.done) {
        if (st.skip > 0) {
            size_t k = std::min(st.skip, len - i);
            st.skip -= k;
            i += k;
            continue;
        }
        // The message's total length, once its header is in.
        size_t total = 0;
        {
            const uint8_t* p = st.buf.bytes();
            const uint8_t* q = p;
            ber::Tlv t;
            ber::Read r = ber::header(q, p + st.buf.size(), t);
            if (r == ber::Read::Bad || (r == ber::Read::Ok && t.tag != 0x30)) return stop(st);
            if (r == ber::Read::Ok) total = size_t(q - p) + t.len;
        }
        size_t want = total ? std::min(total, kMaxMessage) : st.buf.size() + 1;
        size_t take = std::min(want - st.buf.size(), len - i);
        if (!st.buf.append(s, data + i, take)) return stop(st);
        i += take;
        const uint8_t* p = st.buf.bytes();
        bind_fields(st, s, p, p + st.buf.size());
        if (total && st.buf.size() >= want) {
            st.skip = total - want;
            st.buf.clear();
            st.name = st.auth = false;
        }
    }
}

int ldap_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which != 0) return 0;
    feed(st, s, data, len);
    return st.done ? -1 : 0;
}

void ldap_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

/// An LDAPMessage start: SEQUENCE, INTEGER messageID, then an application-class operation.
bool looks_like_ldap(const uint8_t* d, uint32_t len) {
    const uint8_t *p = d, *end = d + len;
    ber::Tlv t;
    if (ber::header(p, end, t) != ber::Read::Ok || t.tag != 0x30) return false;
    if (!ber::next(p, end, t) || t.tag != 0x02 || t.len == 0 || t.len > 4 || p == end) return false;
    return (*p & 0xc0) == 0x40;
}

void ldap_classify(void* ctx, Session& s, const uint8_t* d, uint32_t len, int which) {
    if (!s.table || which != 0 || !looks_like_ldap(d, len)) return;
    if (s.has_parser(ldap_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    s.table->register_parser(s, session::ParserEntry{ldap_parse, nullptr, ldap_free, st});
}

}  // namespace

void register_ldap(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.authtype = r.fields.find_db("ldap.authtype");
    f.bindname = r.fields.find_db("ldap.bindname");
    r.classifiers.add(classify::Transport::Tcp, classify::Classifier{"ldap-parser", 0, "\x30", ldap_classify, &f});
}

}  // namespace flowdex::protocols::ldap
