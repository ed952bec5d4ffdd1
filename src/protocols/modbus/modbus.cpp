#include "protocols/modbus/modbus.h"

#include <deque>

#include "protocols/ics/frames.h"
#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::modbus {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int unitid = -1, protocolid = -1, transactionid = -1, funccode = -1, exccode = -1;
};

constexpr size_t kMbap = 6;  ///< transaction id, protocol id, length
constexpr uint16_t kMinLength = 2, kMaxLength = 254;
constexpr uint8_t kException = 0x80;

uint16_t be16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

int64_t frame_length(const uint8_t* h) {
    const uint16_t len = be16(h + 4);
    if (be16(h + 2) != 0 || len < kMinLength || len > kMaxLength) return ics::kBadFrame;
    return int64_t(kMbap) + len;
}

struct State {
    const Fields* f = nullptr;
    int requests = 0;  ///< the direction carrying requests
    bool first = true;
    ics::Framer d[2];
};

void frame(State& st, Session& s, int which, const uint8_t* p) {
    const FieldRegistry& reg = *s.table->context().registry;
    const Fields& f = *st.f;
    auto num = [&](int pos, int64_t v) {
        if (pos >= 0) s.fields.add_int(reg, pos, v);
    };
    if (st.first) {
        st.first = false;
        num(f.unitid, p[6]);
        num(f.protocolid, be16(p + 2));
    }
    const uint8_t fc = p[7];
    if (which == st.requests) {
        num(f.transactionid, be16(p));
        num(f.funccode, fc);
    } else if ((fc & kException) && be16(p + 4) >= 3) {
        num(f.exccode, p[8]);
    }
}

int modbus_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    st.d[which].feed(s, data, len, kMbap, kMaxFrame, frame_length,
                     [&](const uint8_t* p, size_t, size_t) { frame(st, s, which, p); });
    return st.d[0].dead() && st.d[1].dead() ? -1 : 0;
}

void modbus_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void modbus_classify(void* ctx, Session& s, const uint8_t* d, uint32_t len, int) {
    if (!s.table || len < kMbap + kMinLength) return;
    const int64_t total = frame_length(d);
    if (total < 0 || total > int64_t(len)) return;
    if (s.has_parser(modbus_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->requests = s.port[0] == kPort && s.port[1] != kPort ? 1 : 0;
    s.table->register_parser(s, session::ParserEntry{modbus_parse, nullptr, modbus_free, st});
}

}  // namespace

void register_modbus(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.unitid = r.fields.find_db("modbus.unitid");
    f.protocolid = r.fields.find_db("modbus.protocolid");
    f.transactionid = r.fields.find_db("modbus.transactionid");
    f.funccode = r.fields.find_db("modbus.funccode");
    f.exccode = r.fields.find_db("modbus.exccode");
    r.classifiers.add_port("modbus-parser", kPort, classify::kPortTcpSrc | classify::kPortTcpDst, modbus_classify, &f);
}

}  // namespace flowdex::protocols::modbus
