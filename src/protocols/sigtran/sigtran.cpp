#include "protocols/sigtran/sigtran.h"

#include <cstring>
#include <deque>
#include <string>
#include <string_view>

#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::sigtran {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    const FieldRegistry* reg = nullptr;
    int si = -1, sccpSrc = -1, sccpDst = -1, opcode = -1, camelOp = -1, camelCalling = -1;
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

uint32_t be16(const uint8_t* p) {
    return uint32_t(p[0]) << 8 | p[1];
}

/// A BER element: tag, content start and length, inside [p, p+n).
struct Ber {
    uint8_t tag = 0;
    size_t off = 0, len = 0;
};
bool ber_at(const uint8_t* p, size_t n, size_t at, Ber& e) {
    if (at + 2 > n) return false;
    e.tag = p[at];
    size_t l = p[at + 1], q = at + 2;
    if (l & 0x80) {
        size_t k = l & 0x7f;
        if (k == 0 || k > 3 || q + k > n) return false;
        l = 0;
        for (size_t i = 0; i < k; ++i)
            l = l << 8 | p[q++];
    }
    if (q > n) return false;
    if (q + l > n) l = n - q;  // an element longer than what holds it is read up to the end (as Arkime does)
    e.off = q;
    e.len = l;
    return true;
}

struct CamelOp {
    int code;
    const char* name;
};
// CAP operation codes (3GPP TS 29.078).
constexpr CamelOp kCamelOps[] = {
    {0, "initialDP"},
    {16, "assistRequestInstructions"},
    {17, "establishTemporaryConnection"},
    {18, "disconnectForwardConnection"},
    {19, "connectToResource"},
    {20, "connect"},
    {22, "releaseCall"},
    {23, "requestReportBCSMEvent"},
    {24, "eventReportBCSM"},
    {31, "continue"},
    {32, "initiateCallAttempt"},
    {33, "resetTimer"},
    {34, "furnishChargingInformation"},
    {35, "applyCharging"},
    {36, "applyChargingReport"},
    {41, "callGap"},
    {44, "callInformationReport"},
    {45, "callInformationRequest"},
    {46, "sendChargingInformation"},
    {47, "playAnnouncement"},
    {48, "promptAndCollectUserInformation"},
    {49, "specializedResourceReport"},
    {53, "cancel"},
    {55, "activityTest"},
    {60, "initialDPSMS"},
    {61, "furnishChargingInformationSMS"},
    {62, "connectSMS"},
    {63, "requestReportSMSEvent"},
    {64, "eventReportSMS"},
    {65, "continueSMS"},
    {66, "releaseSMS"},
    {67, "resetTimerSMS"},
};

/// True when the dialogue portion names a CAMEL application context.
bool camel_context(const uint8_t* p, size_t n) {
    static constexpr uint8_t kPrefix[] = {0x04, 0x00, 0x00, 0x01};
    for (size_t i = 0; i + 6 <= n; ++i) {
        if (p[i] != 0x06 || std::memcmp(p + i + 2, kPrefix, sizeof kPrefix) != 0) continue;
        uint8_t a = p[i + 6], b = i + 7 < n ? p[i + 7] : 0;
        if ((a == 0x00 && b >= 0x32 && b <= 0x35) || a == 0x15 || a == 0x16) return true;
    }
    return false;
}

/// BCD digits of an ISUP calling party number (odd/even flag, NAI, NPI, then the digits).
std::string calling_digits(const uint8_t* p, size_t n) {
    std::string out;
    if (n < 3) return out;
    bool odd = p[0] & 0x80;
    for (size_t i = 2; i < n; ++i) {
        uint8_t lo = p[i] & 0x0f, hi = p[i] >> 4;
        out += static_cast<char>(lo < 10 ? '0' + lo : 'a' + lo - 10);
        if (i + 1 == n && odd) break;
        out += static_cast<char>(hi < 10 ? '0' + hi : 'a' + hi - 10);
    }
    return out;
}

void invoke(Session& s, const Fields& f, const uint8_t* p, size_t n, bool camel) {
    const FieldRegistry& reg = *f.reg;
    size_t at = 0;
    int64_t op = -1;
    Ber e;
    while (at < n && ber_at(p, n, at, e)) {
        if (e.tag == 0x02 && op < 0 && at > 0 && e.len >= 1 && e.len <= 4) {
            // The second INTEGER is the local operation code (the first is the invoke id).
            op = 0;
            for (size_t i = 0; i < e.len; ++i)
                op = op << 8 | p[e.off + i];
            if (f.opcode >= 0) s.fields.add_int(reg, f.opcode, op);
            if (camel) {
                for (const CamelOp& c : kCamelOps)
                    if (c.code == op && f.camelOp >= 0) s.fields.add_string(reg, f.camelOp, c.name);
            }
        } else if (e.tag == 0x30 && camel && op == 0) {  // InitialDPArg
            size_t q = e.off;
            Ber a;
            while (q < e.off + e.len && ber_at(p, e.off + e.len, q, a)) {
                if (a.tag == 0x83 && f.camelCalling >= 0) {
                    std::string digits = calling_digits(p + a.off, a.len);
                    if (!digits.empty()) s.fields.add_string(reg, f.camelCalling, digits);
                }
                q = a.off + a.len;
            }
        }
        at = e.off + e.len;
    }
}

void tcap(Session& s, const Fields& f, const uint8_t* p, size_t n) {
    Ber top;
    if (!ber_at(p, n, 0, top) || (top.tag != 0x62 && top.tag != 0x65 && top.tag != 0x64 && top.tag != 0x61)) return;
    bool camel = false;
    size_t at = top.off, end = top.off + top.len;
    Ber e;
    while (at < end && ber_at(p, end, at, e)) {
        if (e.tag == 0x6b) {
            camel = camel_context(p + e.off, e.len);
            if (camel) s.table->add_protocol(s, "camel");
        } else if (e.tag == 0x6c) {
            size_t q = e.off;
            Ber c;
            while (q < e.off + e.len && ber_at(p, e.off + e.len, q, c)) {
                if (c.tag == 0xa1) invoke(s, f, p + c.off, c.len, camel);
                q = c.off + c.len;
            }
        }
        at = e.off + e.len;
    }
}

/// ITU point code of an SCCP address (-1 when it carries none).
int64_t point_code(const uint8_t* a, size_t n) {
    if (n < 3 || !(a[0] & 0x01)) return -1;
    return (a[1] | a[2] << 8) & 0x3fff;
}

bool sccp(Session& s, const Fields& f, const uint8_t* p, size_t n) {
    if (n < 5) return false;
    size_t first;  // offset of the first pointer
    if (p[0] == 0x09 || p[0] == 0x0a)
        first = 2;  // UDT, UDTS
    else if (p[0] == 0x11 || p[0] == 0x12)
        first = 3;  // XUDT, XUDTS (hop counter)
    else
        return false;
    if (first + 3 > n) return false;
    auto param = [&](size_t i, const uint8_t*& v, size_t& len) {
        size_t at = first + i + p[first + i];
        if (at >= n || at + 1 + p[at] > n) return false;
        v = p + at + 1;
        len = p[at];
        return true;
    };
    const uint8_t *called, *calling, *data;
    size_t calledLen, callingLen, dataLen;
    if (!param(0, called, calledLen) || !param(1, calling, callingLen) || !param(2, data, dataLen)) return false;
    s.table->add_protocol(s, "sccp");
    const FieldRegistry& reg = *f.reg;
    if (int64_t pc = point_code(calling, callingLen); pc >= 0 && f.sccpSrc >= 0) s.fields.add_int(reg, f.sccpSrc, pc);
    if (int64_t pc = point_code(called, calledLen); pc >= 0 && f.sccpDst >= 0) s.fields.add_int(reg, f.sccpDst, pc);
    tcap(s, f, data, dataLen);
    return true;
}

void user_part(Session& s, const Fields& f, uint8_t si, const uint8_t* p, size_t n) {
    if (f.si >= 0) s.fields.add_int(*f.reg, f.si, si);
    if (si == 3)
        sccp(s, f, p, n);
    else if (si == 5)
        s.table->add_protocol(s, "isup");
    else if (si == 4)
        s.table->add_protocol(s, "tup");
}

/// The length an M3UA/M2UA common header declares (0 when `p` does not open with one).
size_t declared_length(const uint8_t* p, size_t n) {
    if (n < kCommonHeader || p[0] != 1) return 0;
    return size_t(p[4]) << 24 | size_t(p[5]) << 16 | be16(p + 6);
}

/// A user message that came in SCTP fragments, per direction.
struct Reassembly {
    session::ParserBuffer buf;
    size_t want = 0;
    bool dead = false;  ///< refused by the parser budget: the direction is no longer read
    /// Stops the direction and gives its bytes back to the session.
    void stop() {
        dead = true;
        buf.clear();
    }
};
struct State {
    bool m2ua = false;
    Reassembly r[2];
};

int sigtran_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    Reassembly& r = st.r[which];
    if (r.dead) return 0;
    const size_t declared = declared_length(data, len);
    if (!r.buf.empty()) {
        const bool whole = declared >= kCommonHeader && declared == len &&
                           data[1] == 0;  // a message of its own: the held one lost its end
        if (!whole && r.buf.size() + len <= r.want) {
            if (!r.buf.append(s, data, len)) {
                r.stop();
                return st.r[1 - which].dead ? -1 : 0;
            }
            if (r.buf.size() == r.want) {
                parse_message(s, r.buf.bytes(), r.buf.size(), st.m2ua);
                r.buf.clear();
            }
            return 0;
        }
        r.buf.clear();
    }
    if (declared > len && declared <= kMaxReassembly) {
        if (!r.buf.append(s, data, len)) {
            r.stop();
            return st.r[1 - which].dead ? -1 : 0;
        }
        r.want = declared;
        return 0;
    }
    parse_message(s, data, len, st.m2ua);
    return 0;
}

void sigtran_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void sigtran_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table) return;
    if (s.has_parser(sigtran_parse)) return;
    auto* st = new State;
    st->m2ua = ctx != nullptr;
    s.table->register_parser(s, session::ParserEntry{sigtran_parse, nullptr, sigtran_free, st});
}

}  // namespace

void parse_message(Session& s, const uint8_t* p, size_t n, bool m2ua) {
    const Fields* f = s.table ? fields_for(s.table->context().registry) : nullptr;
    if (!f || n < 8 || p[0] != 1) return;
    const uint8_t cls = p[2], type = p[3];
    if (type != 1 || cls != (m2ua ? 6 : 1)) return;
    size_t end = std::min<size_t>(n, uint32_t(p[4]) << 24 | uint32_t(p[5]) << 16 | be16(p + 6));
    size_t at = 8;
    while (at + 4 <= end) {
        uint32_t tag = be16(p + at), plen = be16(p + at + 2);
        if (plen < 4 || at + plen > end) return;
        const uint8_t* v = p + at + 4;
        size_t vlen = plen - 4;
        if (!m2ua && tag == 0x0210 && vlen >= 12) {
            user_part(s, *f, v[8], v + 12, vlen - 12);
        } else if (!m2ua && (tag == 0x0002 || tag == 0x0003) && vlen >= 5) {  // draft M3UA: MTP3 as sent
            user_part(s, *f, v[0] & 0x0f, v + 5, vlen - 5);
        } else if (m2ua && tag == 0x0300 && vlen >= 5) {
            user_part(s, *f, v[0] & 0x0f, v + 5, vlen - 5);
        } else if (m2ua && tag == 0x0301 && vlen >= 6) {  // Protocol Data 2: a priority octet first (TTC)
            user_part(s, *f, v[1] & 0x0f, v + 6, vlen - 6);
        }
        at += (plen + 3u) & ~3u;
    }
}

void register_sigtran(Registries& r) {
    Fields f;
    f.reg = &r.fields;
    f.si = r.fields.find_db("m3ua.si");
    f.sccpSrc = r.fields.find_db("sccp.src");
    f.sccpDst = r.fields.find_db("sccp.dst");
    f.opcode = r.fields.find_db("tcap.opcode");
    f.camelOp = r.fields.find_db("camel.op");
    f.camelCalling = r.fields.find_db("camel.calling");
    bool known = false;
    for (Fields& old : all_fields())
        if (old.reg == f.reg) old = f, known = true;
    if (!known) all_fields().push_back(f);
    static int m2uaTag = 0;  // a non-null context marks M2UA
    r.classifiers.add_sctp_protocol("m3ua-parser", 3, sigtran_classify, nullptr);
    r.classifiers.add_sctp_protocol("m2ua-parser", 2, sigtran_classify, &m2uaTag);
}

}  // namespace flowdex::protocols::sigtran
