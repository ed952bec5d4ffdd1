#include "protocols/dns/dns.h"

#include <cstdint>
#include <cstdio>
#include <vector>

#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols {
namespace {

using session::Session;

// Set once at start-up (register_dns), read-only afterwards.
struct State {
    int dns = -1;
    int nbnsName = -1, nbnsQueryType = -1, nbnsQueryHost = -1, nbnsHost = -1, nbnsIp = -1;
    dns::Options options;
};
State g;

const fields::FieldRegistry& registry(Session& s) {
    return *s.table->context().registry;
}

/// Brings the session's objects to the current segment: those of a segment already saved go.
dns::DnsObjects* objects(Session& s) {
    auto* o = s.fields.object<dns::DnsObjects>(registry(s), g.dns);
    if (!o) return nullptr;
    if (o->segment != s.segments) {
        o->reset();
        o->segment = s.segments;
    }
    o->options = g.options;
    return o;
}

void handle_message(Session& s, const uint8_t* data, uint32_t len, dns::Flavor flavor) {
    dns::DnsObjects* o = objects(s);
    if (!o) return;
    dns::Effects fx;
    o->parse(data, len, flavor, fx);
    if (fx.protocol) s.table->add_protocol(s, fx.protocol);
    for (const char* t : fx.tags)
        s.table->add_tag(s, t);
}

void dns_save(void*, Session& s, bool) {
    if (g.dns >= 0 && s.fields.has(g.dns)) objects(s);  // drops objects already written with an earlier segment
}

// ---------------------------------------------------------------- UDP

int udp_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int) {
    const auto flavor = static_cast<dns::Flavor>(reinterpret_cast<uintptr_t>(ctx));
    if (flavor == dns::Flavor::Dns || (s.port[0] != 53 && s.port[1] != 53)) handle_message(s, data, len, flavor);
    return 0;
}

void udp_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    for (const session::ParserEntry& e : s.parsers)
        if (e.parse == udp_parse && e.ctx == ctx) return;  // the other direction classified already
    s.table->register_parser(s, {udp_parse, dns_save, nullptr, ctx});
}

// ---------------------------------------------------------------- TCP

/// The unread bytes of each direction (at most one message plus the chunk being read).
struct TcpState {
    session::ParserBuffer buf[2];
};
constexpr size_t kMaxTcpBuffer = 65535 + 2 + 65535;

int tcp_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    session::ParserBuffer& buf = static_cast<TcpState*>(ctx)->buf[which];
    if (buf.size() + len > kMaxTcpBuffer || !buf.append(s, data, len)) return -1;
    size_t off = 0;
    int rc = 0;
    while (buf.size() - off >= 2) {
        const uint32_t msgLen = static_cast<uint32_t>(buf[off] << 8 | buf[off + 1]);
        if (msgLen < dns::kMinTcpMessage) {
            rc = -1;
            break;
        }
        if (buf.size() - off < msgLen + 2) break;
        handle_message(s, buf.bytes() + off + 2, msgLen, dns::Flavor::Dns);
        off += msgLen + 2;
    }
    buf.consume(off);
    return rc;
}

void tcp_free(void* ctx, Session&) {
    delete static_cast<TcpState*>(ctx);
}

void tcp_classify(void*, Session& s, const uint8_t*, uint32_t, int) {
    if (s.port[1] != 53 || s.table->has_protocol(s, "dns")) return;
    s.table->add_protocol(s, "dns");
    s.table->register_parser(s, {tcp_parse, dns_save, tcp_free, new TcpState});
}

// ---------------------------------------------------------------- NBNS

bool is_nb_char(uint8_t c) {
    return c >= 'A' && c <= 'P';
}

/// Decodes the 32-byte first-level encoded name at `p`: at most 15 characters, unprintable ones
/// dropped, trailing spaces cut. `strict`: an invalid pair is an error (else it ends the name).
bool nb_name(const uint8_t* p, bool strict, std::string& out) {
    out.clear();
    for (int i = 0; i < 32 && out.size() < 15; i += 2) {
        if (!is_nb_char(p[i]) || !is_nb_char(p[i + 1])) {
            if (strict) return false;
            break;
        }
        const char c = static_cast<char>((p[i] - 'A') << 4 | (p[i + 1] - 'A'));
        if (c >= 0x20 && c <= 0x7e) out.push_back(c);
    }
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return true;
}

/// Skips the scope labels after an encoded name (until a zero length).
void skip_scope(const uint8_t* d, uint32_t len, uint32_t& pos) {
    while (pos < len) {
        const uint8_t l = d[pos++];
        if (l == 0) break;
        pos += l;
    }
}

void nbns_parse(Session& s, const uint8_t* d, uint32_t len) {
    const fields::FieldRegistry& reg = registry(s);
    s.table->add_protocol(s, "nbns");
    const bool qr = d[2] >> 7;
    const uint32_t qd = static_cast<uint32_t>(d[4] << 8 | d[5]);
    const uint32_t records = static_cast<uint32_t>(d[6] << 8 | d[7]) + static_cast<uint32_t>(d[10] << 8 | d[11]);
    uint32_t pos = 12;
    std::string name;
    for (uint32_t q = 0; q < qd; ++q) {
        if (pos >= len || d[pos] != 0x20 || len - pos - 1 < 32) return;
        if (!nb_name(d + pos + 1, true, name)) return;
        pos += 33;
        skip_scope(d, len, pos);
        if (pos > len || len - pos < 4) return;
        const uint16_t qtype = static_cast<uint16_t>(d[pos] << 8 | d[pos + 1]);
        pos += 4;
        if (qtype == 0x20) s.fields.add_string(reg, g.nbnsQueryType, "NB");
        if (qtype == 0x21) s.fields.add_string(reg, g.nbnsQueryType, "NBSTAT");
        if (!name.empty()) {
            s.fields.add_string(reg, g.nbnsName, name);
            if (!qr) s.fields.add_string(reg, g.nbnsQueryHost, name);
        }
    }
    for (uint32_t a = 0; a < records; ++a) {
        if (pos >= len) return;
        const uint8_t first = d[pos++];
        name.clear();
        if ((first & 0xc0) == 0xc0) {  // compressed: the name is an earlier encoded one
            if (pos >= len) return;
            const uint32_t target = static_cast<uint32_t>((first & 0x3f) << 8 | d[pos]);
            ++pos;
            if (target < len && d[target] == 0x20 && len - target - 1 >= 32) nb_name(d + target + 1, false, name);
        } else if (first == 0x20) {
            if (len - pos < 32) return;
            nb_name(d + pos, false, name);
            pos += 32;
            skip_scope(d, len, pos);
        } else {
            return;
        }
        if (pos > len || len - pos < 10) return;
        const uint16_t rtype = static_cast<uint16_t>(d[pos] << 8 | d[pos + 1]);
        const uint32_t rdlen = static_cast<uint32_t>(d[pos + 8] << 8 | d[pos + 9]);
        pos += 10;
        if (rdlen > len - pos) return;
        if (!name.empty()) {
            s.fields.add_string(reg, g.nbnsName, name);
            s.fields.add_string(reg, g.nbnsHost, name);
        }
        if (rtype == 0x20) {
            for (uint32_t r = 0; r + 6 <= rdlen; r += 6) {
                const uint8_t* ip = d + pos + r + 2;
                char buf[16];
                std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
                s.fields.add_ip(reg, g.nbnsIp, buf);
            }
        }
        pos += rdlen;
    }
}

int nbns_udp_parse(void*, Session& s, const uint8_t* data, uint32_t len, int) {
    if (len >= 50) nbns_parse(s, data, len);
    return 0;
}

void nbns_classify(void*, Session& s, const uint8_t* data, uint32_t len, int) {
    if (len < 50 || data[12] != 0x20) return;
    for (int i = 13; i < 17; ++i)
        if (!is_nb_char(data[i])) return;
    if (s.has_parser(nbns_udp_parse)) return;
    s.table->register_parser(s, {nbns_udp_parse, nullptr, nullptr, nullptr});
}

int field(fields::FieldRegistry& reg, const char* group, const char* db, fields::FieldKind kind, fields::FieldType type,
          uint32_t flags) {
    int pos = reg.find_db(db);
    if (pos >= 0) return pos;
    fields::FieldDef def;
    def.expression = db;
    def.db = db;
    def.friendly = db;
    def.help = db;
    def.group = group;
    def.kind = kind;
    def.type = type;
    def.flags = flags;
    return reg.define(std::move(def));
}

}  // namespace

void register_dns(Registries& r, const dns::Options& opts) {
    using fields::FieldKind;
    using fields::FieldType;
    g.options = opts;
    g.dns = field(r.fields, "dns", "dns", FieldKind::TermField, FieldType::Object, fields::kFlagCount);
    g.nbnsName = field(r.fields, "nbns", "nbns.name", FieldKind::TermField, FieldType::StrSet, fields::kFlagCount);
    g.nbnsQueryType =
        field(r.fields, "nbns", "nbns.queryType", FieldKind::TermField, FieldType::StrSet, fields::kFlagCount);
    g.nbnsQueryHost =
        field(r.fields, "nbns", "nbns.queryHost", FieldKind::TermField, FieldType::StrSet, fields::kFlagCount);
    g.nbnsHost = field(r.fields, "nbns", "nbns.host", FieldKind::TermField, FieldType::StrSet, fields::kFlagCount);
    g.nbnsIp = field(r.fields, "nbns", "nbns.ip", FieldKind::Ip, FieldType::IpSet, fields::kFlagCount);

    using namespace classify;
    const auto flavor = [](dns::Flavor f) { return reinterpret_cast<void*>(static_cast<uintptr_t>(f)); };
    r.classifiers.add_port("dns", 53, kPortTcpDst, tcp_classify, nullptr);
    r.classifiers.add_port("dns", 53, kPortUdpSrc | kPortUdpDst, udp_classify, flavor(dns::Flavor::Dns));
    r.classifiers.add_port("llmnr", 5355, kPortUdpSrc | kPortUdpDst, udp_classify, flavor(dns::Flavor::Llmnr));
    r.classifiers.add_port("mdns", 5353, kPortUdpSrc | kPortUdpDst, udp_classify, flavor(dns::Flavor::Mdns));
    r.classifiers.add_port("nbns", 137, kPortUdpSrc | kPortUdpDst, nbns_classify, nullptr);
}

}  // namespace flowdex::protocols
