#include "protocols/synchrophasor/synchrophasor.h"

#include <deque>
#include <string_view>

#include "protocols/ics/frames.h"
#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::synchrophasor {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int frameType = -1, idcode = -1, cmd = -1, numPMU = -1, station = -1, dataRate = -1;
};

constexpr uint8_t kSync = 0xaa;
constexpr size_t kHeader = 14;    ///< SYNC, FRAMESIZE, IDCODE, SOC, FRACSEC
constexpr size_t kMinFrame = 16;  ///< the header and CHK
enum class FrameType : uint8_t { Data = 0, Header = 1, Cfg1 = 2, Cfg2 = 3, Command = 4, Cfg3 = 5 };
constexpr const char* kFrameTypes[] = {"data", "header", "cfg1", "cfg2", "command", "cfg3"};
constexpr size_t kDigitalBits = 16;  ///< channel names per digital status word

struct Reader {
    const uint8_t* p;
    size_t n, off = 0;
    bool skip(size_t k) {
        if (n - off < k) return false;
        off += k;
        return true;
    }
    bool u16(uint16_t& v) {
        if (n - off < 2) return false;
        v = static_cast<uint16_t>(p[off] << 8 | p[off + 1]);
        off += 2;
        return true;
    }
    bool bytes(size_t k, std::string_view& v) {
        if (n - off < k) return false;
        v = std::string_view(reinterpret_cast<const char*>(p + off), k);
        off += k;
        return true;
    }
};

struct Out {
    const Fields& f;
    const FieldRegistry& reg;
    Session& s;
    void str(int pos, std::string_view v) const {
        if (pos >= 0 && !v.empty()) s.fields.add_string(reg, pos, v);
    }
    void num(int pos, int64_t v) const {
        if (pos >= 0) s.fields.add_int(reg, pos, v);
    }
};

std::string_view trim(std::string_view v) {
    while (!v.empty() && (v.back() == ' ' || v.back() == '\0'))
        v.remove_suffix(1);
    return v;
}

/// One PMU's part of a configuration frame.
bool pmu(const Out& o, Reader& r, bool cfg3) {
    std::string_view name;
    uint16_t ph = 0, an = 0, dg = 0;
    if (cfg3) {
        if (r.off >= r.n) return false;
        const uint8_t len = r.p[r.off++];
        if (!r.bytes(len, name)) return false;
    } else if (!r.bytes(16, name)) {
        return false;
    }
    o.str(o.f.station, trim(name));
    // IDCODE, [G_PMU_ID], FORMAT, PHNMR, ANNMR, DGNMR
    if (!r.skip(2 + (cfg3 ? 16 : 0) + 2) || !r.u16(ph) || !r.u16(an) || !r.u16(dg)) return false;
    const size_t names = size_t(ph) + an + kDigitalBits * dg;
    if (cfg3) {
        for (size_t i = 0; i < names; ++i) {
            if (r.off >= r.n) return false;
            if (!r.skip(1 + size_t(r.p[r.off]))) return false;
        }
        // PHSCALE, ANSCALE, DIGUNIT, PMU_LAT, PMU_LON, PMU_ELEV, SVC_CLASS, WINDOW, GRP_DLY
        if (!r.skip(12 * size_t(ph) + 8 * size_t(an) + 4 * size_t(dg) + 12 + 1 + 4 + 4)) return false;
    } else if (!r.skip(16 * names + 4 * (size_t(ph) + an + dg))) {  // CHNAM, PHUNIT, ANUNIT, DIGUNIT
        return false;
    }
    return r.skip(4);  // FNOM, CFGCNT
}

void config(const Out& o, Reader r, bool cfg3) {
    uint16_t count = 0, rate = 0;
    if ((cfg3 && !r.skip(2)) || !r.skip(4) || !r.u16(count)) return;  // [CONT_IDX], TIME_BASE, NUM_PMU
    o.num(o.f.numPMU, count);
    for (uint16_t i = 0; i < count; ++i)
        if (!pmu(o, r, cfg3)) return;
    if (r.u16(rate)) o.num(o.f.dataRate, static_cast<int16_t>(rate));
}

/// One frame: `kept` bytes of it present, `total` its FRAMESIZE.
void frame(const Out& o, const uint8_t* d, size_t kept, size_t total) {
    if (kept < kHeader || d[0] != kSync) return;
    const uint8_t type = (d[1] >> 4) & 0x07;
    if (type < std::size(kFrameTypes)) o.str(o.f.frameType, kFrameTypes[type]);
    o.num(o.f.idcode, d[4] << 8 | d[5]);
    if (total < kMinFrame) return;
    Reader r{d + kHeader, std::min(kept, total - 2) - kHeader};  // without CHK
    uint16_t cmd = 0;
    switch (static_cast<FrameType>(type)) {
        case FrameType::Command:
            if (r.u16(cmd)) o.num(o.f.cmd, cmd);
            break;
        case FrameType::Cfg1:
        case FrameType::Cfg2:
            config(o, r, false);
            break;
        case FrameType::Cfg3:
            config(o, r, true);
            break;
        default:
            break;
    }
}

struct State {
    const Fields* f = nullptr;
    ics::Framer d[2];
};

int64_t frame_length(const uint8_t* h) {
    if (h[0] != kSync) return ics::kResync;
    const int64_t size = h[2] << 8 | h[3];
    return size < static_cast<int64_t>(kMinFrame) ? ics::kResync : size;
}

int sync_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    const Out o{*st.f, *s.table->context().registry, s};
    if (s.ipProtocol == 17) {
        if (len >= kHeader) frame(o, data, len, std::max<size_t>(len, size_t(data[2]) << 8 | data[3]));
        return 0;
    }
    st.d[which].feed(s, data, len, 4, kMaxFrame, frame_length,
                     [&](const uint8_t* p, size_t kept, size_t total) { frame(o, p, kept, total); });
    return st.d[0].dead() && st.d[1].dead() ? -1 : 0;
}

void sync_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void sync_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table) return;
    if (s.has_parser(sync_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    s.table->register_parser(s, session::ParserEntry{sync_parse, nullptr, sync_free, st});
}

}  // namespace

void register_synchrophasor(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.frameType = r.fields.find_db("synchrophasor.frameType");
    f.idcode = r.fields.find_db("synchrophasor.idcode");
    f.cmd = r.fields.find_db("synchrophasor.cmd");
    f.numPMU = r.fields.find_db("synchrophasor.numPMU");
    f.station = r.fields.find_db("synchrophasor.station");
    f.dataRate = r.fields.find_db("synchrophasor.dataRate");
    for (classify::Transport t : {classify::Transport::Tcp, classify::Transport::Udp})
        r.classifiers.add(t, classify::Classifier{"synchrophasor-parser", 0, "\xaa", sync_classify, &f});
}

}  // namespace flowdex::protocols::synchrophasor
