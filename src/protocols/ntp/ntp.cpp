#include "protocols/ntp/ntp.h"

#include <cstdio>
#include <deque>
#include <string_view>

#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::ntp {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int mode = -1, refId = -1, stratum = -1, version = -1;
};

constexpr const char* kModes[] = {"reserved", "symmetric-active", "symmetric-passive", "client",
                                  "server",   "broadcast",        "control",           "private"};

std::string_view stratum_class(uint8_t s) {
    if (s == 0) return "unspecified";
    if (s == 1) return "primary";
    if (s <= 15) return "secondary";
    if (s == 16) return "unsynchronized";
    return "reserved";
}

int ntp_parse(void* ctx, Session& s, const uint8_t* d, uint32_t len, int) {
    const auto& f = *static_cast<const Fields*>(ctx);
    const FieldRegistry& reg = *s.table->context().registry;
    if (len < kMinPacket) return 0;
    const unsigned version = (d[0] >> 3) & 7;
    if (version < 1 || version > 4) return 0;
    if (f.version >= 0) s.fields.add_int(reg, f.version, version);
    if (f.mode >= 0) s.fields.add_string(reg, f.mode, kModes[d[0] & 7]);
    if (f.stratum >= 0) s.fields.add_string(reg, f.stratum, stratum_class(d[1]));
    const uint8_t* r = d + 12;
    if (f.refId < 0 || (r[0] | r[1] | r[2] | r[3]) == 0) return 0;
    if (d[1] <= 1) {
        size_t n = 0;
        while (n < 4 && r[n] >= 0x20 && r[n] < 0x7f)
            ++n;
        if (n > 0) s.fields.add_string(reg, f.refId, std::string_view(reinterpret_cast<const char*>(r), n));
    } else {
        char buf[9];
        std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);
        s.fields.add_string(reg, f.refId, std::string_view(buf, 8));
    }
    return 0;
}

void ntp_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table) return;
    if (s.has_parser(ntp_parse)) return;
    s.table->register_parser(s, session::ParserEntry{ntp_parse, nullptr, nullptr, ctx});
}

}  // namespace

void register_ntp(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.mode = r.fields.find_db("ntp.mode");
    f.refId = r.fields.find_db("ntp.refId");
    f.stratum = r.fields.find_db("ntp.stratum");
    f.version = r.fields.find_db("ntp.version");
    r.classifiers.add_port("ntp-parser", 123, classify::kPortUdpSrc | classify::kPortUdpDst, ntp_classify, &f);
}

}  // namespace flowdex::protocols::ntp
