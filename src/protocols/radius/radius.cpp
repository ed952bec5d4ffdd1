#include "protocols/radius/radius.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <deque>
#include <string_view>

#include "core/ip_format.h"
#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::radius {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int user = -1, mac = -1, endpointIp = -1, framedIp = -1, nasIp = -1, nasPort = -1, msgType = -1;
    int panaMsgType = -1, panaSessionId = -1, panaUser = -1;
};

uint16_t be16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
uint32_t be32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

const char* radius_code(uint8_t c) {
    switch (c) {
        case 1:
            return "access-request";
        case 2:
            return "access-accept";
        case 3:
            return "access-reject";
        case 4:
            return "accounting-request";
        case 5:
            return "accounting-response";
        case 11:
            return "access-challenge";
        case 12:
            return "status-server";
        case 13:
            return "status-client";
        case 40:
            return "disconnect-request";
        case 41:
            return "disconnect-ack";
        case 42:
            return "disconnect-nak";
        case 43:
            return "coa-request";
        case 44:
            return "coa-ack";
        case 45:
            return "coa-nak";
        default:
            return nullptr;
    }
}

enum class Attr : uint8_t {
    UserName = 1,
    NasIp = 4,
    NasPort = 5,
    FramedIp = 8,
    CallingStationId = 31,
    TunnelClientEndpoint = 66,
};

void add(const FieldRegistry& reg, Session& s, int pos, std::string_view v) {
    if (pos >= 0 && !v.empty()) s.fields.add_string(reg, pos, v);
}

void add_ip4(const FieldRegistry& reg, Session& s, int pos, const uint8_t* v) {
    if (pos < 0) return;
    char buf[48];
    s.fields.add_ip(reg, pos, std::string_view(buf, format_ip(v, false, buf)));
}

/// A MAC written as 12 hex digits with any of "-:. " between them → aa:bb:cc:dd:ee:ff.
void mac(const FieldRegistry& reg, Session& s, int pos, std::string_view v) {
    char hex[12];
    size_t n = 0;
    for (char c : v) {
        if (std::isxdigit(static_cast<unsigned char>(c))) {
            if (n == 12) return;
            hex[n++] = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (c != '-' && c != ':' && c != '.' && c != ' ') {
            return;
        }
    }
    if (n != 12) return;
    char out[17];
    for (size_t i = 0; i < 6; ++i) {
        out[3 * i] = hex[2 * i];
        out[3 * i + 1] = hex[2 * i + 1];
        if (i < 5) out[3 * i + 2] = ':';
    }
    add(reg, s, pos, std::string_view(out, 17));
}

void radius_message(const Fields& f, const FieldRegistry& reg, Session& s, const uint8_t* d, size_t n) {
    constexpr size_t kHeader = 20;
    if (n < kHeader) return;
    const char* type = radius_code(d[0]);
    if (!type) return;
    add(reg, s, f.msgType, type);
    const size_t end = std::min<size_t>(n, be16(d + 2));
    size_t at = kHeader;
    while (at + 2 <= end) {
        const uint8_t t = d[at], len = d[at + 1];
        if (len < 2 || len > end - at) return;
        const uint8_t* v = d + at + 2;
        const size_t vlen = len - 2u;
        std::string_view text(reinterpret_cast<const char*>(v), vlen);
        switch (static_cast<Attr>(t)) {
            case Attr::UserName:
                add(reg, s, f.user, text);
                break;
            case Attr::NasIp:
                if (vlen == 4) add_ip4(reg, s, f.nasIp, v);
                break;
            case Attr::NasPort:
                if (vlen == 4 && f.nasPort >= 0) s.fields.add_int(reg, f.nasPort, be32(v));
                break;
            case Attr::FramedIp:
                if (vlen == 4) add_ip4(reg, s, f.framedIp, v);
                break;
            case Attr::CallingStationId:
                mac(reg, s, f.mac, text);
                break;
            case Attr::TunnelClientEndpoint:
                if (!text.empty() && static_cast<uint8_t>(text[0]) < 0x20) text.remove_prefix(1);  // tag
                if (f.endpointIp >= 0 && !text.empty()) s.fields.add_ip(reg, f.endpointIp, text);
                break;
        }
        at += len;
    }
}

const char* pana_type(uint16_t t) {
    switch (t) {
        case 1:
            return "client-initiation";
        case 2:
            return "auth";
        case 3:
            return "termination";
        case 4:
            return "notification";
        default:
            return nullptr;
    }
}

/// EAP-Response/Identity (code 2, type 1): the identity.
void eap_identity(const Fields& f, const FieldRegistry& reg, Session& s, const uint8_t* v, size_t n) {
    if (n < 5 || v[0] != 2 || v[4] != 1) return;
    const size_t len = std::min<size_t>(n, be16(v + 2));
    if (len <= 5) return;
    add(reg, s, f.panaUser, std::string_view(reinterpret_cast<const char*>(v + 5), len - 5));
}

void pana_message(const Fields& f, const FieldRegistry& reg, Session& s, const uint8_t* d, size_t n) {
    constexpr size_t kHeader = 16;
    constexpr uint16_t kEapPayload = 2, kVendorBit = 0x8000;
    if (n < kHeader || be16(d) != 0) return;
    if (const char* t = pana_type(be16(d + 6))) add(reg, s, f.panaMsgType, t);
    if (const uint32_t id = be32(d + 8); id != 0) {
        char buf[16];
        int k = std::snprintf(buf, sizeof buf, "%08x", id);
        add(reg, s, f.panaSessionId, std::string_view(buf, static_cast<size_t>(k)));
    }
    const size_t end = std::min<size_t>(n, be16(d + 2));
    size_t at = kHeader;
    while (at + 8 <= end) {
        const uint16_t code = be16(d + at), flags = be16(d + at + 2), vlen = be16(d + at + 4);
        size_t head = 8;
        if ((flags & kVendorBit) && 12 + size_t(vlen) <= end - at) head = 12;
        if (vlen > end - at - head) return;
        if (code == kEapPayload) eap_identity(f, reg, s, d + at + head, vlen);
        at += head + ((vlen + 3u) & ~3u);
    }
}

int radius_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int) {
    radius_message(*static_cast<const Fields*>(ctx), *s.table->context().registry, s, data, len);
    return 0;
}

int pana_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int) {
    pana_message(*static_cast<const Fields*>(ctx), *s.table->context().registry, s, data, len);
    return 0;
}

void attach(Session& s, session::ParseFn fn, void* ctx, std::string_view name) {
    if (!s.table || !s.table->has_protocol(s, name)) return;
    if (s.has_parser(fn)) return;
    s.table->register_parser(s, session::ParserEntry{fn, nullptr, nullptr, ctx});
}
void radius_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    attach(s, radius_parse, ctx, "radius");
}
void pana_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    attach(s, pana_parse, ctx, "pana");
}

}  // namespace

void register_radius(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.user = r.fields.find_db("radius.user");
    f.mac = r.fields.find_db("radius.mac");
    f.endpointIp = r.fields.find_db("radius.endpointIp");
    f.framedIp = r.fields.find_db("radius.framedIp");
    f.nasIp = r.fields.find_db("radius.nasIp");
    f.nasPort = r.fields.find_db("radius.nasPort");
    f.msgType = r.fields.find_db("radius.msgType");
    f.panaMsgType = r.fields.find_db("pana.msgType");
    f.panaSessionId = r.fields.find_db("pana.sessionId");
    f.panaUser = r.fields.find_db("pana.user");
    // Port classifiers run in registration order: these come after the signature table's.
    constexpr uint8_t kUdpAny = classify::kPortUdpSrc | classify::kPortUdpDst;
    for (uint16_t port : {1812, 1813, 1645, 1646})
        r.classifiers.add_port("radius-parser", port, kUdpAny, radius_classify, &f);
    r.classifiers.add_port("pana-parser", 716, kUdpAny, pana_classify, &f);
}

}  // namespace flowdex::protocols::radius
