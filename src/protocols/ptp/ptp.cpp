#include "protocols/ptp/ptp.h"

#include <cstdio>
#include <deque>
#include <string_view>

#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::ptp {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int clockId = -1, msgType = -1;
};

constexpr const char* kTypes[16] = {
    "sync",  "delay_req", "pdelay_req", "pdelay_resp",           nullptr,    nullptr,     nullptr,
    nullptr, "follow_up", "delay_resp", "pdelay_resp_follow_up", "announce", "signaling", "management",
    nullptr, nullptr};

int ptp_parse(void* ctx, Session& s, const uint8_t* d, uint32_t len, int) {
    const auto& f = *static_cast<const Fields*>(ctx);
    const FieldRegistry& reg = *s.table->context().registry;
    if (len < kHeader || (d[1] & 0x0f) != 2) return 0;
    const char* type = kTypes[d[0] & 0x0f];
    if (!type) return 0;
    if (f.msgType >= 0) s.fields.add_string(reg, f.msgType, type);
    const uint8_t* c = d + 20;
    char buf[24];
    int n = std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x:%02x:%02x", c[0], c[1], c[2], c[3], c[4],
                          c[5], c[6], c[7]);
    if (f.clockId >= 0) s.fields.add_string(reg, f.clockId, std::string_view(buf, size_t(n)));
    return 0;
}

void ptp_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table) return;
    if (s.has_parser(ptp_parse)) return;
    s.table->register_parser(s, session::ParserEntry{ptp_parse, nullptr, nullptr, ctx});
}

}  // namespace

void register_ptp(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.clockId = r.fields.find_db("ptp.clockId");
    f.msgType = r.fields.find_db("ptp.msgType");
    for (uint16_t port : {319, 320})
        r.classifiers.add_port("ptp-parser", port, classify::kPortUdpSrc | classify::kPortUdpDst, ptp_classify, &f);
}

}  // namespace flowdex::protocols::ptp
