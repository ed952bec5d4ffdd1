#include "protocols/dhcp/dhcp.h"

#include <cstdio>
#include <cstring>
#include <deque>
#include <string_view>

#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::dhcp {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int type = -1, id = -1, mac = -1, host = -1, classId = -1, requestIp = -1;
};

constexpr const char* kV4Types[] = {
    nullptr,   "DISCOVER", "OFFER",      "REQUEST",    "DECLINE",         "ACK",          "NAK",
    "RELEASE", "INFORM",   "FORCERENEW", "LEASEQUERY", "LEASEUNASSIGNED", "LEASEUNKNOWN", "LEASEACTIVE"};
constexpr const char* kV6Types[] = {nullptr,      "SOLICIT",    "ADVERTISE",   "REQUEST",
                                    "CONFIRM",    "RENEW",      "REBIND",      "REPLY",
                                    "RELEASE",    "DECLINE",    "RECONFIGURE", "INFORMATION_REQUEST",
                                    "RELAY_FORW", "RELAY_REPL", "LEASEQUERY",  "LEASEQUERY_REPLY"};

void add(const FieldRegistry& reg, Session& s, int pos, std::string_view v) {
    if (pos >= 0 && !v.empty()) s.fields.add_string(reg, pos, v);
}

void v4(const Fields& f, const FieldRegistry& reg, Session& s, const uint8_t* d, size_t n) {
    if (n < 240 || (d[0] != 1 && d[0] != 2) || std::memcmp(d + 236, "\x63\x82\x53\x63", 4) != 0) return;
    char buf[32];
    uint32_t xid = uint32_t(d[4]) << 24 | uint32_t(d[5]) << 16 | uint32_t(d[6]) << 8 | d[7];
    add(reg, s, f.id, std::string_view(buf, static_cast<size_t>(std::snprintf(buf, sizeof buf, "%x", xid))));
    if (d[1] == 1 && d[2] == 6) {
        int k =
            std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", d[28], d[29], d[30], d[31], d[32], d[33]);
        add(reg, s, f.mac, std::string_view(buf, static_cast<size_t>(k)));
    }
    size_t at = 240;
    while (at < n && d[at] != 255) {
        if (d[at] == 0) {
            ++at;
            continue;
        }
        if (at + 2 > n || at + 2 + d[at + 1] > n) return;
        const uint8_t code = d[at], len = d[at + 1];
        const uint8_t* v = d + at + 2;
        std::string_view text(reinterpret_cast<const char*>(v), len);
        if (code == 53 && len == 1 && v[0] < std::size(kV4Types) && kV4Types[v[0]]) add(reg, s, f.type, kV4Types[v[0]]);
        if (code == 12) add(reg, s, f.host, text.substr(0, text.find('\0')));
        if (code == 60) add(reg, s, f.classId, text.substr(0, text.find('\0')));
        if (code == 50 && len == 4 && f.requestIp >= 0) {
            int k = std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", v[0], v[1], v[2], v[3]);
            s.fields.add_ip(reg, f.requestIp, std::string_view(buf, static_cast<size_t>(k)));
        }
        at += 2 + len;
    }
}

void v6(const Fields& f, const FieldRegistry& reg, Session& s, const uint8_t* d, size_t n) {
    if (n < 4 || d[0] == 0 || d[0] >= std::size(kV6Types)) return;
    add(reg, s, f.type, kV6Types[d[0]]);
    if (d[0] == 12 || d[0] == 13) return;  // relay messages carry no transaction id
    char buf[16];
    uint32_t id = uint32_t(d[1]) << 16 | uint32_t(d[2]) << 8 | d[3];
    add(reg, s, f.id, std::string_view(buf, static_cast<size_t>(std::snprintf(buf, sizeof buf, "%x", id))));
}

bool is_v6(const Session& s) {
    for (uint16_t p : s.port)
        if (p == 546 || p == 547) return true;
    return false;
}

int dhcp_parse(void* ctx, Session& s, const uint8_t* d, uint32_t len, int) {
    const auto& f = *static_cast<const Fields*>(ctx);
    const FieldRegistry& reg = *s.table->context().registry;
    if (is_v6(s))
        v6(f, reg, s, d, len);
    else
        v4(f, reg, s, d, len);
    return 0;
}

void dhcp_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table) return;
    if (s.has_parser(dhcp_parse)) return;
    s.table->register_parser(s, session::ParserEntry{dhcp_parse, nullptr, nullptr, ctx});
}

}  // namespace

void register_dhcp(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.type = r.fields.find_db("dhcp.type");
    f.id = r.fields.find_db("dhcp.id");
    f.mac = r.fields.find_db("dhcp.mac");
    f.host = r.fields.find_db("dhcp.host");
    f.classId = r.fields.find_db("dhcp.classId");
    f.requestIp = r.fields.find_db("dhcp.requestIp");
    for (uint16_t port : {67, 68, 546, 547})
        r.classifiers.add_port("dhcp-parser", port, classify::kPortUdpDst, dhcp_classify, &f);
}

}  // namespace flowdex::protocols::dhcp
