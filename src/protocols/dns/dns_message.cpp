#include "protocols/dns/dns_message.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/json.h"

namespace flowdex::protocols::dns {
namespace {

constexpr const char* kRoot = "<root>";
constexpr uint16_t kClassIn = 1;

enum RrType : uint16_t {
    kA = 1,
    kNs = 2,
    kCname = 5,
    kMx = 15,
    kTxt = 16,
    kAaaa = 28,
    kOpt = 41,
    kDs = 43,
    kRrsig = 46,
    kNsec = 47,
    kHttps = 65,
    kCaa = 257,
};

struct TypeName {
    uint16_t type;
    const char* name;
};
constexpr TypeName kTypeNames[] = {
    {1, "A"},           {2, "NS"},       {3, "MD"},     {4, "MF"},      {5, "CNAME"},   {6, "SOA"},     {7, "MB"},
    {8, "MG"},          {9, "MR"},       {10, "NULL"},  {11, "WKS"},    {12, "PTR"},    {13, "HINFO"},  {14, "MINFO"},
    {15, "MX"},         {16, "TXT"},     {17, "RP"},    {18, "AFSDB"},  {19, "X25"},    {20, "ISDN"},   {21, "RT"},
    {22, "NSAP"},       {23, "NSAPPTR"}, {24, "SIG"},   {25, "KEY"},    {26, "PX"},     {27, "GPOS"},   {28, "AAAA"},
    {29, "LOC"},        {30, "NXT"},     {31, "EID"},   {32, "NIMLOC"}, {33, "SRV"},    {34, "ATMA"},   {35, "NAPTR"},
    {36, "KX"},         {37, "CERT"},    {38, "A6"},    {39, "DNAME"},  {40, "SINK"},   {41, "OPT"},    {42, "APL"},
    {43, "DS"},         {44, "SSHFP"},   {46, "RRSIG"}, {47, "NSEC"},   {48, "DNSKEY"}, {49, "DHCID"},  {50, "NSEC3"},
    {51, "NSEC3PARAM"}, {52, "TLSA"},    {55, "HIP"},   {65, "HTTPS"},  {99, "SPF"},    {108, "EUI48"}, {109, "EUI64"},
    {249, "TKEY"},      {250, "TSIG"},   {251, "IXFR"}, {252, "AXFR"},  {253, "MAILB"}, {254, "MAILA"}, {255, "ANY"},
    {256, "URI"},       {257, "CAA"},
};

const char* type_name(uint16_t t) {
    for (const TypeName& n : kTypeNames)
        if (n.type == t) return n.name;
    return nullptr;
}

const char* class_name(uint16_t c) {
    switch (c) {
        case 1:
            return "IN";
        case 2:
            return "CS";
        case 3:
            return "CH";
        case 4:
            return "HS";
        case 255:
            return "ANY";
        default:
            return nullptr;
    }
}

constexpr const char* kRcodes[24] = {"NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMPL",     "REFUSED",
                                     "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE",     "DSOTYPENI",
                                     "12",       "13",      "14",       "15",       "BADSIG_VERS", "BADKEY",
                                     "BADTIME",  "BADMODE", "BADNAME",  "BADALG",   "BADTRUNC",    "BADCOOKIE"};
constexpr const char* kOpcodes[6] = {"QUERY", "IQUERY", "STATUS", "3", "NOTIFY", "UPDATE"};
constexpr const char* kFlagNames[7] = {"AA", "TC", "RD", "RA", "Z", "AD", "CD"};

uint16_t be16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
uint32_t be32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 |
           p[3];
}
const uint8_t* bytes(std::string_view v) {
    return reinterpret_cast<const uint8_t*>(v.data());
}

bool contains_ace(std::string_view raw) {
    return raw.find("xn--") != std::string_view::npos;
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

template <class T>
void add_unique(std::vector<T>& set, const T& v) {
    if (set.size() >= kMaxSetItems) return;
    if (std::find(set.begin(), set.end(), v) == set.end()) set.push_back(v);
}

bool has(const std::vector<std::string>& set, std::string_view v) {
    return std::find(set.begin(), set.end(), v) != set.end();
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xc0 | cp >> 6));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xe0 | cp >> 12));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
        out.push_back(static_cast<char>(0xf0 | cp >> 18));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
}

/// RFC 3492 decoding of one label (without its "xn--"), appended to `out` as UTF-8.
bool punycode_decode(std::string_view in, std::string& out) {
    constexpr uint32_t kBase = 36, kTmin = 1, kTmax = 26, kSkew = 38, kDamp = 700;
    std::vector<uint32_t> cps;
    size_t split = in.rfind('-');
    size_t i0 = 0;
    if (split != std::string_view::npos && split > 0) {
        for (size_t k = 0; k < split; ++k) {
            if (static_cast<uint8_t>(in[k]) >= 0x80) return false;
            cps.push_back(static_cast<uint8_t>(in[k]));
        }
        i0 = split + 1;
    }
    uint32_t n = 0x80, bias = 72, i = 0;
    size_t p = i0;
    while (p < in.size()) {
        const uint32_t oldi = i;
        uint32_t w = 1;
        for (uint32_t k = kBase;; k += kBase) {
            if (p >= in.size()) return false;
            const char c = in[p++];
            uint32_t digit = c >= 'A' && c <= 'Z'   ? static_cast<uint32_t>(c - 'A')
                             : c >= 'a' && c <= 'z' ? static_cast<uint32_t>(c - 'a')
                             : c >= '0' && c <= '9' ? static_cast<uint32_t>(c - '0' + 26)
                                                    : kBase;
            if (digit >= kBase) return false;
            if (digit > (UINT32_MAX - i) / w) return false;
            i += digit * w;
            const uint32_t t = k <= bias ? kTmin : k >= bias + kTmax ? kTmax : k - bias;
            if (digit < t) break;
            if (w > UINT32_MAX / (kBase - t)) return false;
            w *= kBase - t;
        }
        // adapt
        const uint32_t numPoints = static_cast<uint32_t>(cps.size()) + 1;
        uint32_t delta = oldi == 0 ? (i - oldi) / kDamp : (i - oldi) / 2;
        delta += delta / numPoints;
        uint32_t k = 0;
        while (delta > ((kBase - kTmin) * kTmax) / 2) {
            delta /= kBase - kTmin;
            k += kBase;
        }
        bias = k + (kBase - kTmin + 1) * delta / (delta + kSkew);
        if (i / numPoints > UINT32_MAX - n) return false;
        n += i / numPoints;
        i %= numPoints;
        if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return false;
        if (cps.size() >= 256) return false;
        cps.insert(cps.begin() + i, n);
        ++i;
    }
    for (uint32_t cp : cps)
        append_utf8(out, cp);
    return true;
}

void append_ip(std::string& out, const std::array<uint8_t, 16>& a) {
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char buf[INET6_ADDRSTRLEN];
    if (std::memcmp(a.data(), kMapped, sizeof kMapped) == 0) {
        std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
    } else if (!inet_ntop(AF_INET6, a.data(), buf, sizeof buf)) {
        buf[0] = 0;
    }
    out += buf;
}

std::array<uint8_t, 16> mapped_v4(const uint8_t* p) {
    std::array<uint8_t, 16> a{};
    a[10] = a[11] = 0xff;
    std::memcpy(a.data() + 12, p, 4);
    return a;
}

void key(std::string& out, const char* k) {
    out.push_back('"');
    out += k;
    out += "\":";
}

void write_strings(std::string& out, const char* name, const std::vector<std::string>& v) {
    if (v.empty()) return;
    out.push_back('"');
    out += name;
    out += "Cnt\":";
    json_append_uint(out, v.size());
    out += ",\"";
    out += name;
    out += "\":[";
    for (size_t i = 0; i < v.size(); ++i) {
        if (i) out.push_back(',');
        json_append_string(out, v[i]);
    }
    out += "],";
}

void write_ips(std::string& out, const char* name, const std::vector<std::array<uint8_t, 16>>& v) {
    if (v.empty()) return;
    out.push_back('"');
    out += name;
    out += "Cnt\":";
    json_append_uint(out, v.size());
    out += ",\"";
    out += name;
    out += "\":[";
    for (size_t i = 0; i < v.size(); ++i) {
        if (i) out.push_back(',');
        out.push_back('"');
        append_ip(out, v[i]);
        out.push_back('"');
    }
    out += "],";
}

/// The presentation of an RR's target name: unicode when it converts, the raw name otherwise.
std::string display_name(const std::string& raw) {
    std::string uni;
    if (hostname_to_unicode(raw, uni)) return uni;
    return raw;
}

/// HTTPS (SVCB) rdata as Arkime formats it: "HTTPS <priority> <target> key=v,v …".
bool format_svcb(std::string_view rd, std::string& out, Effects& fx) {
    if (rd.size() < 10) return false;
    const uint8_t* d = bytes(rd);
    const uint16_t priority = be16(d);
    size_t pos = 2;
    std::string raw;
    bool trunc = false, loop = false;
    const bool ok = read_name(rd, rd, pos, raw, &trunc, &loop);
    if (loop) fx.tags.push_back("dns:bad-pointer-loop");
    if (!ok || trunc) return false;
    std::string target;
    if (raw.empty()) {
        target = ".";
    } else if (!hostname_to_unicode(raw, target)) {
        return false;
    }
    out = "HTTPS " + std::to_string(priority) + " " + target + " ";
    while (rd.size() - pos >= 4) {
        const uint16_t k = be16(d + pos), len = be16(d + pos + 2);
        pos += 4;
        if (len > rd.size() - pos) break;
        const uint8_t* v = d + pos;
        switch (k) {
            case 1: {  // alpn
                out += "alpn=";
                size_t a = 0;
                bool first = true;
                while (len - a > 1) {
                    const uint8_t alen = v[a++];
                    if (alen > len - a) break;
                    if (!first) out.push_back(',');
                    first = false;
                    out.append(reinterpret_cast<const char*>(v + a), alen);
                    a += alen;
                }
                out.push_back(' ');
                break;
            }
            case 3:  // port
                if (len == 2) out += "port=" + std::to_string(be16(v)) + " ";
                break;
            case 4: {  // ipv4hint
                out += "ipv4hint=";
                for (size_t a = 0; len - a > 3; a += 4) {
                    if (a) out.push_back(',');
                    append_ip(out, mapped_v4(v + a));
                }
                out.push_back(' ');
                break;
            }
            case 6: {  // ipv6hint
                out += "ipv6hint=";
                for (size_t a = 0; len - a > 15; a += 16) {
                    if (a) out.push_back(',');
                    std::array<uint8_t, 16> ip;
                    std::memcpy(ip.data(), v + a, 16);
                    append_ip(out, ip);
                }
                out.push_back(' ');
                break;
            }
            default:
                break;
        }
        pos += len;
    }
    out.pop_back();  // the last space
    return true;
}

}  // namespace

bool read_name(std::string_view msg, std::string_view cur, size_t& pos, std::string& out, bool* truncated, bool* loop) {
    out.clear();
    if (truncated) *truncated = false;
    if (loop) *loop = false;
    std::string_view c = cur;
    size_t p = pos;
    bool inInput = true;
    int pointers = 0;
    bool ended = false;  // the root label was read
    while (p < c.size()) {
        const uint8_t ch = static_cast<uint8_t>(c[p]);
        if (ch == 0) {
            ++p;
            ended = true;
            break;
        }
        if (ch & 0xc0) {
            if (pointers >= kMaxPointers) {
                if (loop) *loop = true;
                return false;
            }
            ++pointers;
            if (c.size() - p < 2) {
                if (inInput) {
                    if (truncated) *truncated = true;
                    pos = c.size();
                    return true;
                }
                break;
            }
            const size_t target = ((ch << 8) | static_cast<uint8_t>(c[p + 1])) & 0x3fff;
            if (inInput) pos = p + 2;
            inInput = false;
            if (target >= msg.size()) return false;
            c = msg.substr(target);
            p = 0;
            continue;
        }
        ++p;
        if (ch > c.size() - p) break;  // the label runs past the end: the name is cut
        if (!out.empty()) out.push_back('.');
        for (size_t j = 0; j < ch; ++j) {
            uint8_t b = static_cast<uint8_t>(c[p + j]);
            if (out.size() + 4 > kMaxName) break;
            if (b >= 0x80) {
                out += "M-";
                b &= 0x7f;
            }
            if (b < 0x20 || b == 0x7f) {
                out.push_back('^');
                b ^= 0x40;
            }
            out.push_back(static_cast<char>(b));
        }
        p += ch;
    }
    if (!ended) {
        if (!inInput) return false;  // a pointer's target runs off the message
        if (truncated) *truncated = true;
        pos = c.size();
        return true;
    }
    if (inInput) pos = p;
    return true;
}

bool hostname_to_unicode(std::string_view name, std::string& out) {
    out.clear();
    if (name.size() > 256) return false;
    size_t i = 0;
    do {
        size_t e = name.find('.', i);
        if (e == std::string_view::npos) e = name.size();
        std::string_view label = name.substr(i, e - i);
        if (label.size() >= 4 && (label[0] == 'x' || label[0] == 'X') && (label[1] == 'n' || label[1] == 'N') &&
            label[2] == '-' && label[3] == '-') {
            if (!punycode_decode(label.substr(4), out)) return false;
        } else {
            for (char c : label)
                out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
        }
        i = e;
        if (i < name.size()) ++i;
        if (i < name.size()) out.push_back('.');
    } while (i < name.size());
    return true;
}

void Object::clear() {
    uid = 0;
    opcode = 0;
    qclass = qtype = 0;
    queryHost.clear();
    hosts.clear();
    nsHosts.clear();
    mxHosts.clear();
    puny.clear();
    ips.clear();
    nsIps.clear();
    mxIps.clear();
    rcode = -1;
    headerFlags = 0;
    answers.clear();
}

void Object::write_json(std::string& out, const Options& opts) const {
    out += "{\"opcode\":";
    json_append_string(out, kOpcodes[opcode]);
    out += ",\"queryHost\":";
    json_append_string(out, queryHost);
    out.push_back(',');
    if (const char* c = class_name(qclass)) {
        key(out, "qc");
        json_append_string(out, c);
        out.push_back(',');
    }
    if (const char* t = type_name(qtype)) {
        key(out, "qt");
        json_append_string(out, t);
        out.push_back(',');
    }
    write_strings(out, "host", hosts);
    write_strings(out, "nameserverHost", nsHosts);
    write_strings(out, "mailserverHost", mxHosts);
    write_strings(out, "puny", puny);
    write_ips(out, "ip", ips);
    write_ips(out, "nameserverIp", nsIps);
    write_ips(out, "mailserverIp", mxIps);
    if (headerFlags) {
        out += "\"headerFlags\":[";
        bool first = true;
        for (int i = 0; i < 7; ++i) {
            if (!(headerFlags & (1 << (6 - i)))) continue;
            if (!first) out.push_back(',');
            first = false;
            json_append_string(out, kFlagNames[i]);
        }
        out += "],";
    }
    if (rcode >= 0) {
        key(out, "status");
        json_append_string(out, rcode < 24 ? std::string(kRcodes[rcode]) : std::to_string(rcode));
        out.push_back(',');
        if (opts.outputAnswers) {
            key(out, "answersCnt");
            json_append_uint(out, answers.size());
            out.push_back(',');
            if (!answers.empty()) {
                out += "\"answers\":[";
                for (size_t i = 0; i < answers.size(); ++i) {
                    const Answer& a = answers[i];
                    if (i) out.push_back(',');
                    out.push_back('{');
                    switch (a.data) {
                        case Answer::Data::Ip:
                            key(out, "ip");
                            break;
                        case Answer::Data::Nameserver:
                            key(out, "nameserver");
                            break;
                        case Answer::Data::Cname:
                            key(out, "cname");
                            break;
                        case Answer::Data::Mx:
                            key(out, "priority");
                            json_append_uint(out, a.priority);
                            out.push_back(',');
                            key(out, "mx");
                            break;
                        case Answer::Data::Https:
                            key(out, "https");
                            break;
                        case Answer::Data::Caa:
                            key(out, "caa");
                            break;
                        case Answer::Data::Rrsig:
                            key(out, "rrsig");
                            break;
                        case Answer::Data::Nsec:
                            key(out, "nsec");
                            break;
                        case Answer::Data::Ds:
                            key(out, "ds");
                            break;
                        case Answer::Data::Txt:
                            if (!a.txts.empty()) {
                                out += "\"txt\":[";
                                for (size_t t = 0; t < a.txts.size(); ++t) {
                                    if (t) out.push_back(',');
                                    json_append_string(out, a.txts[t]);
                                }
                                out += "],";
                            }
                            break;
                        case Answer::Data::None:
                            break;
                    }
                    if (a.data != Answer::Data::None && a.data != Answer::Data::Txt) {
                        json_append_string(out, a.text);
                        out.push_back(',');
                    }
                    if (const char* c = class_name(a.klass)) {
                        key(out, "class");
                        json_append_string(out, c);
                        out.push_back(',');
                    }
                    if (const char* t = type_name(a.type)) {
                        key(out, "type");
                        json_append_string(out, t);
                        out.push_back(',');
                    }
                    key(out, "ttl");
                    json_append_uint(out, a.ttl);
                    out += ",\"name\":";
                    json_append_string(out, a.name);
                    out.push_back('}');
                }
                out += "],";
            }
        }
    }
    out.back() = '}';  // replaces the last comma (there is always one after queryHost)
}

Object* DnsObjects::find_or_add(uint16_t uid, uint8_t opcode, uint16_t qclass, uint16_t qtype, std::string_view host) {
    for (size_t i = 0; i < used_; ++i) {
        Object& o = objects_[i];
        if (o.uid == uid && o.opcode == opcode && o.qclass == qclass && o.qtype == qtype && o.queryHost == host)
            return &o;
    }
    return nullptr;
}

void DnsObjects::reset() {
    used_ = 0;
}

void DnsObjects::write_json(std::string& out) const {
    out.push_back('[');
    for (size_t i = 0; i < used_; ++i) {
        if (i) out.push_back(',');
        objects_[i].write_json(out, options);
    }
    out.push_back(']');
}

bool DnsObjects::parse(const uint8_t* data, size_t len, Flavor flavor, Effects& fx) {
    if (len < kMinMessage) return false;
    const std::string_view msg(reinterpret_cast<const char*>(data), len);
    const uint16_t uid = be16(data);
    const bool qr = data[2] >> 7;
    const uint8_t opcode = (data[2] >> 3) & 0xf;
    if (opcode > 5) return false;
    const uint16_t qdCount = be16(data + 4);
    const uint16_t sections[3] = {be16(data + 6), be16(data + 8), be16(data + 10)};
    fx.protocol = flavor == Flavor::Dns ? "dns" : flavor == Flavor::Llmnr ? "llmnr" : "mdns";
    const bool mdns = flavor == Flavor::Mdns;
    if (qdCount != 1 && !mdns) {
        fx.tags.push_back("dns:qdcount-not-1");
        return false;
    }

    size_t pos = 12;
    std::string raw, host;
    uint16_t qtype = 0, qclass = 0;
    bool root = qdCount == 0;
    auto bad_name_tag = [&](const std::string& r) {
        fx.tags.push_back(r.size() > 4 && contains_ace(r) ? "bad-punycode" : "bad-hostname");
    };
    if (!root) {
        bool trunc = false, loop = false;
        const bool ok = read_name(msg, msg, pos, raw, &trunc, &loop);
        if (loop) fx.tags.push_back("dns:bad-pointer-loop");
        if (!ok || trunc) return false;
        if (raw.empty()) {
            root = true;
        } else if (!hostname_to_unicode(raw, host)) {
            bad_name_tag(raw);
            return false;
        }
        if (len - pos < 4) return false;  // the question's type and class are cut
        qtype = be16(data + pos);
        qclass = be16(data + pos + 2);
        pos += 4;
        if (mdns) qclass &= 0x7fff;
    }
    if (root) host = kRoot;

    Object* o = find_or_add(uid, opcode, qclass, qtype, host);
    if (!o) {
        if (used_ >= kMaxObjects) return false;
        if (used_ == objects_.size()) objects_.emplace_back();
        o = &objects_[used_++];
        o->clear();
        o->uid = uid;
        o->opcode = opcode;
        o->qclass = qclass;
        o->qtype = qtype;
        o->queryHost = host;
        if (!root) {
            o->hosts.push_back(host);
            if (contains_ace(raw)) add_unique(o->puny, ascii_lower(raw));
        }
    }
    if (!qr) return true;

    if (mdns && qdCount > 1) {
        for (uint16_t q = 1; q < qdCount; ++q) {
            bool trunc = false, loop = false;
            read_name(msg, msg, pos, raw, &trunc, &loop);
            if (trunc || len - pos < 4) return true;
            pos += 4;
        }
    }

    o->rcode = data[3] & 0xf;
    // Adds a name found in rdata to `set` (nullptr: none); false (with a tag) when it does not convert.
    auto add_host = [&](std::vector<std::string>* set, const std::string& r, std::string& uni) {
        if (!hostname_to_unicode(r, uni)) {
            bad_name_tag(r);
            return false;
        }
        if (set) add_unique(*set, uni);
        if (contains_ace(r)) add_unique(o->puny, ascii_lower(r));
        return true;
    };

    bool err = false;
    std::string rname;
    for (int section = 0; section < 3; ++section) {
        for (uint16_t i = 0; !err && i < sections[section]; ++i) {
            bool trunc = false, loop = false;
            const bool ok = read_name(msg, msg, pos, raw, &trunc, &loop);
            if (loop) fx.tags.push_back("dns:bad-pointer-loop");
            if (trunc || len - pos < 10) {
                err = true;
                break;
            }
            if (!ok) break;
            Answer a;
            if (raw.empty()) {
                a.name = kRoot;
            } else {
                a.name = display_name(raw);
                if (contains_ace(raw)) add_unique(o->puny, ascii_lower(raw));
            }
            a.type = be16(data + pos);
            a.klass = be16(data + pos + 2);
            if (mdns) a.klass &= 0x7fff;
            a.ttl = be32(data + pos + 4);
            const uint16_t rdlen = be16(data + pos + 8);
            pos += 10;
            if (len - pos < rdlen) break;
            const size_t rdOff = pos;
            pos += rdlen;
            if (a.type == kOpt) {  // EDNS: the TTL's top byte holds the upper bits of the rcode
                o->rcode = static_cast<int>((a.ttl >> 24) << 4 | (data[3] & 0xf));
            }
            if (a.klass != kClassIn) continue;
            const std::string_view rd = msg.substr(rdOff, rdlen);
            const std::string_view upToRdEnd = msg.substr(0, pos);
            const uint8_t* r = data + rdOff;
            // A name inside the rdata at `off`; false when missing or bad.
            auto rdata_name = [&](size_t off) {
                if (off > upToRdEnd.size()) return false;
                size_t p = off;
                bool t = false, l = false;
                const bool good = read_name(msg, upToRdEnd, p, rname, &t, &l);
                if (l) fx.tags.push_back("dns:bad-pointer-loop");
                return good && !t && !rname.empty();
            };
            bool keep = true;
            switch (a.type) {
                case kA:
                case kAaaa: {
                    const size_t want = a.type == kA ? 4 : 16;
                    if (rdlen != want) {
                        keep = false;
                        break;
                    }
                    std::array<uint8_t, 16> ip{};
                    if (a.type == kA) {
                        ip = mapped_v4(r);
                    } else {
                        std::memcpy(ip.data(), r, 16);
                    }
                    a.data = Answer::Data::Ip;
                    append_ip(a.text, ip);
                    if (a.name == o->queryHost || has(o->hosts, a.name)) add_unique(o->ips, ip);
                    if (options.parseRecordAll || a.type == kAaaa) {
                        if (has(o->nsHosts, a.name)) add_unique(o->nsIps, ip);
                        if (has(o->mxHosts, a.name)) add_unique(o->mxIps, ip);
                    }
                    break;
                }
                case kNs:
                    if (!rdata_name(rdOff)) {
                        keep = false;
                    } else if (options.parseRecordAll) {
                        keep = add_host(&o->nsHosts, rname, a.text);
                    } else {
                        keep = hostname_to_unicode(rname, a.text);
                    }
                    a.data = Answer::Data::Nameserver;
                    break;
                case kCname:
                    keep = rdata_name(rdOff) && add_host(&o->hosts, rname, a.text);
                    a.data = Answer::Data::Cname;
                    break;
                case kMx:
                    if (rdlen < 2 || !rdata_name(rdOff + 2)) {
                        keep = false;
                        break;
                    }
                    a.priority = be16(r);
                    keep = add_host(options.parseRecordAll ? &o->mxHosts : &o->hosts, rname, a.text);
                    a.data = Answer::Data::Mx;
                    break;
                case kHttps:
                    keep = format_svcb(rd, a.text, fx);
                    a.data = Answer::Data::Https;
                    break;
                case kTxt: {
                    a.data = Answer::Data::Txt;
                    size_t p = 0;
                    while (keep && p < rd.size()) {
                        const uint8_t tl = r[p++];
                        if (tl > rd.size() - p) {
                            keep = false;
                            break;
                        }
                        if (tl) a.txts.emplace_back(rd.substr(p, tl));
                        p += tl;
                    }
                    break;
                }
                case kCaa: {
                    if (rdlen <= 3) {
                        keep = false;
                        break;
                    }
                    const uint8_t flags = r[0], tagLen = r[1];
                    const uint16_t valueLen = static_cast<uint16_t>(rdlen - tagLen - 2);
                    if (tagLen > rdlen - 2 || valueLen > rdlen - 2 - tagLen) {
                        keep = false;
                        break;
                    }
                    a.data = Answer::Data::Caa;
                    a.text = "CAA " + std::to_string(flags) + " ";
                    a.text.append(rd.substr(2, tagLen));
                    a.text.push_back(' ');
                    a.text.append(rd.substr(2 + tagLen, valueLen));
                    break;
                }
                case kRrsig: {
                    if (rdlen < 18 || !rdata_name(rdOff + 18)) {
                        keep = false;
                        break;
                    }
                    const char* covered = type_name(be16(r));
                    char buf[128];
                    std::snprintf(buf, sizeof buf, "RRSIG %s %u %u %u %u %u %u ", covered ? covered : "UNKNOWN", r[2],
                                  r[3], be32(r + 4), be32(r + 8), be32(r + 12), be16(r + 16));
                    a.data = Answer::Data::Rrsig;
                    a.text = buf;
                    a.text += display_name(rname);
                    break;
                }
                case kNsec: {
                    size_t p = rdOff;
                    bool t = false, l = false;
                    if (!read_name(msg, upToRdEnd, p, rname, &t, &l) || t || rname.empty()) {
                        if (l) fx.tags.push_back("dns:bad-pointer-loop");
                        keep = false;
                        break;
                    }
                    a.data = Answer::Data::Nsec;
                    a.text = "NSEC " + display_name(rname) + " ";
                    std::string types;
                    while (pos - p >= 2) {
                        const uint8_t window = data[p], blen = data[p + 1];
                        p += 2;
                        if (blen > pos - p || blen > 32) break;
                        for (uint8_t b = 0; b < blen; ++b) {
                            const uint8_t byte = data[p + b];
                            for (int bit = 0; bit < 8; ++bit) {
                                if (!(byte & (0x80 >> bit))) continue;
                                const uint16_t t2 = static_cast<uint16_t>(window * 256 + b * 8 + bit);
                                if (const char* nm = type_name(t2)) {
                                    types += nm;
                                } else {
                                    types += "TYPE" + std::to_string(t2);
                                }
                                types.push_back(' ');
                            }
                        }
                        p += blen;
                    }
                    if (!types.empty()) types.pop_back();
                    a.text += types;
                    break;
                }
                case kDs: {
                    if (rdlen < 5) {
                        keep = false;
                        break;
                    }
                    a.data = Answer::Data::Ds;
                    a.text =
                        "DS " + std::to_string(be16(r)) + " " + std::to_string(r[2]) + " " + std::to_string(r[3]) + " ";
                    static constexpr char hex[] = "0123456789ABCDEF";
                    for (size_t d = 4; d < rdlen; ++d) {
                        a.text.push_back(hex[r[d] >> 4]);
                        a.text.push_back(hex[r[d] & 0xf]);
                    }
                    break;
                }
                default:
                    break;
            }
            if (keep && o->answers.size() < kMaxAnswers) o->answers.push_back(std::move(a));
        }
    }
    o->headerFlags = static_cast<uint8_t>((data[2] & 0x07) << 4 | (data[3] & 0xf0) >> 4);
    return true;
}

}  // namespace flowdex::protocols::dns
