#include "protocols/snmp/snmp.h"

#include <algorithm>
#include <array>
#include <deque>
#include <string_view>

#include "core/ber.h"
#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::snmp {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int community = -1, engineId = -1, error = -1, secLevel = -1, trapOid = -1, type = -1, user = -1, variable = -1,
        version = -1;
};

constexpr std::array<const char*, 9> kPduTypes = {"GetRequest",    "GetNextRequest", "GetResponse",
                                                  "SetRequest",    "Trap",           "GetBulkRequest",
                                                  "InformRequest", "SNMPv2-Trap",    "Report"};
constexpr std::array<const char*, 19> kErrors = {"noError",
                                                 "tooBig",
                                                 "noSuchName",
                                                 "badValue",
                                                 "readOnly",
                                                 "genErr",
                                                 "noAccess",
                                                 "wrongType",
                                                 "wrongLength",
                                                 "wrongEncoding",
                                                 "wrongValue",
                                                 "noCreation",
                                                 "inconsistentValue",
                                                 "resourceUnavailable",
                                                 "commitFailed",
                                                 "undoFailed",
                                                 "authorizationError",
                                                 "notWritable",
                                                 "inconsistentName"};
constexpr std::string_view kSnmpTrapOid = "1.3.6.1.6.3.1.1.4.1.0";
constexpr size_t kMaxOidText = 512;
constexpr uint8_t kGetBulk = 5, kTrapV1 = 4;

void add(const FieldRegistry& reg, Session& s, int pos, std::string_view v) {
    if (pos >= 0 && !v.empty()) s.fields.add_string(reg, pos, v);
}

void varbinds(const Fields& f, const FieldRegistry& reg, Session& s, const BerTlv& list) {
    BerReader r(list, BerMode::Clamp);
    BerTlv vb, name, value;
    char text[kMaxOidText];
    while (r.next(vb)) {
        if (vb.identifier != 0x30) continue;
        BerReader in(vb, BerMode::Clamp);
        if (!in.next(name) || !name.is(BerTag::Oid)) continue;
        std::string_view oid(text, ber_oid_text(name.value, name.length, text, sizeof text));
        add(reg, s, f.variable, oid);
        if (oid == kSnmpTrapOid && in.next(value) && value.is(BerTag::Oid)) {
            char trap[kMaxOidText];
            add(reg, s, f.trapOid, std::string_view(trap, ber_oid_text(value.value, value.length, trap, sizeof trap)));
        }
    }
}

void pdu(const Fields& f, const FieldRegistry& reg, Session& s, const BerTlv& p) {
    if (p.cls != BerClass::Context || !p.constructed || p.number >= kPduTypes.size()) return;
    add(reg, s, f.type, kPduTypes[p.number]);
    BerReader r(p, BerMode::Clamp);
    BerTlv t;
    // v1 Trap: enterprise, agent-addr, generic-trap, specific-trap, time-stamp; others:
    // request-id, error-status, error-index.
    const int skip = p.number == kTrapV1 ? 5 : 3;
    for (int i = 0; i < skip; ++i) {
        if (!r.next(t)) return;
        int64_t err = 0;
        if (i == 1 && p.number != kTrapV1 && p.number != kGetBulk && t.is(BerTag::Integer) && ber_int(t, err) &&
            err > 0 && static_cast<size_t>(err) < kErrors.size())
            add(reg, s, f.error, kErrors[static_cast<size_t>(err)]);
    }
    if (r.next(t) && t.identifier == 0x30) varbinds(f, reg, s, t);
}

void v3(const Fields& f, const FieldRegistry& reg, Session& s, BerReader& r) {
    BerTlv global, params, t;
    if (!r.next(global) || global.identifier != 0x30) return;
    BerReader g(global, BerMode::Clamp);
    for (int i = 0; i < 3; ++i) {  // msgID, msgMaxSize, msgFlags
        if (!g.next(t)) return;
        if (i == 2 && t.is(BerTag::OctetString) && t.length >= 1) {
            const uint8_t flags = t.value[0] & 3;
            if (flags == 0) add(reg, s, f.secLevel, "noAuthNoPriv");
            if (flags == 1) add(reg, s, f.secLevel, "authNoPriv");
            if (flags == 3) add(reg, s, f.secLevel, "authPriv");
        }
    }
    if (!r.next(params) || !params.is(BerTag::OctetString)) return;
    BerReader u(params, BerMode::Clamp);
    BerTlv usm, engine, user;
    if (!u.next(usm) || usm.identifier != 0x30) return;
    BerReader e(usm, BerMode::Clamp);
    if (!e.next(engine) || !engine.is(BerTag::OctetString)) return;
    if (engine.length > 0) {
        static const char* kHex = "0123456789abcdef";
        char hex[2 * 64];
        const size_t n = std::min<size_t>(engine.length, sizeof hex / 2);
        for (size_t i = 0; i < n; ++i) {
            hex[2 * i] = kHex[engine.value[i] >> 4];
            hex[2 * i + 1] = kHex[engine.value[i] & 15];
        }
        add(reg, s, f.engineId, std::string_view(hex, 2 * n));
    }
    // msgAuthoritativeEngineBoots, msgAuthoritativeEngineTime, msgUserName (at most 32 octets, RFC 3414).
    if (!e.next(t) || !t.is(BerTag::Integer) || !e.next(t) || !t.is(BerTag::Integer)) return;
    if (e.next(user) && user.is(BerTag::OctetString) && !user.clamped)
        add(reg, s, f.user, user.text().substr(0, kMaxUserName));
}

void message(const Fields& f, const FieldRegistry& reg, Session& s, const uint8_t* d, size_t n) {
    BerReader top(d, n, BerMode::Clamp);
    BerTlv msg, t;
    if (!top.next(msg) || msg.identifier != 0x30) return;
    BerReader r(msg, BerMode::Clamp);
    int64_t version = -1;
    if (!r.next(t) || !t.is(BerTag::Integer) || !ber_int(t, version)) return;
    if (version != 0 && version != 1 && version != 3) return;
    if (f.version >= 0) s.fields.add_int(reg, f.version, version == 3 ? 3 : version + 1);
    if (version == 3) return v3(f, reg, s, r);
    if (!r.next(t) || !t.is(BerTag::OctetString)) return;
    add(reg, s, f.community, t.text());
    if (r.next(t)) pdu(f, reg, s, t);
}

int snmp_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int) {
    message(*static_cast<const Fields*>(ctx), *s.table->context().registry, s, data, len);
    return 0;
}

void snmp_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table || !s.table->has_protocol(s, "snmp")) return;
    if (s.has_parser(snmp_parse)) return;
    s.table->register_parser(s, session::ParserEntry{snmp_parse, nullptr, nullptr, ctx});
}

}  // namespace

void register_snmp(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.community = r.fields.find_db("snmp.community");
    f.engineId = r.fields.find_db("snmp.engineId");
    f.error = r.fields.find_db("snmp.error");
    f.secLevel = r.fields.find_db("snmp.secLevel");
    f.trapOid = r.fields.find_db("snmp.trapOid");
    f.type = r.fields.find_db("snmp.type");
    f.user = r.fields.find_db("user");
    f.variable = r.fields.find_db("snmp.variable");
    f.version = r.fields.find_db("snmp.version");
    // Runs after the byte signatures (an empty match is tried after every first-byte match).
    r.classifiers.add(classify::Transport::Udp, classify::Classifier{"snmp-parser", 0, "", snmp_classify, &f});
}

}  // namespace flowdex::protocols::snmp
