#include "protocols/ics/ics.h"

#include <cstring>

#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::ics {
namespace {

using session::Session;

enum class Kind : uint8_t { Tpkt, Enip };

/// Per direction: the header bytes of the current message, and how much of its body is left.
struct Direction {
    uint8_t head[24] = {};
    uint8_t have = 0;
    uint32_t skip = 0;
    bool dead = false;
};

struct State {
    Kind kind;
    Direction d[2];
    size_t messages = 0;
    bool s7 = false, s7plus = false, cip = false;
};

/// Bytes of header each kind needs before it can judge a message: TPKT 4 + COTP DT 3 + S7 id 1.
uint8_t header_size(Kind k) {
    return k == Kind::Tpkt ? 8 : 24;
}

/// Judges one message from its header; returns the body length still to skip (after the header),
/// or -1 when the framing is not this protocol.
int64_t judge(State& st, Session& s, const uint8_t* h, uint32_t avail) {
    if (st.kind == Kind::Tpkt) {
        if (h[0] != 3 || h[1] != 0) return -1;
        uint32_t len = uint32_t(h[2]) << 8 | h[3];
        if (len < 7) return -1;
        // COTP: length indicator, PDU type (0xf0 = DT), then for DT the TPDU number.
        if (h[5] == 0xf0 && h[4] == 2 && len >= 8) {
            if (h[7] == 0x32 && !st.s7) {
                s.table->add_protocol(s, "s7comm");
                st.s7 = true;
            }
            if (h[7] == 0x72 && !st.s7plus) {
                s.table->add_protocol(s, "s7comm-plus");
                st.s7plus = true;
            }
        }
        return static_cast<int64_t>(len) - std::min<uint32_t>(len, avail);
    }
    uint32_t len = uint32_t(h[2]) | uint32_t(h[3]) << 8;
    if (h[1] != 0) return -1;
    if ((h[0] == 0x6f || h[0] == 0x70) && !st.cip) {
        s.table->add_protocol(s, "cip");
        st.cip = true;
    }
    return len;
}

void feed(State& st, Session& s, Direction& d, const uint8_t* p, size_t n) {
    while (!d.dead) {
        if (d.skip > 0) {
            if (n == 0) return;
            size_t k = std::min<size_t>(d.skip, n);
            d.skip -= static_cast<uint32_t>(k);
            p += k;
            n -= k;
            continue;
        }
        // Header bytes to judge: 8 for TPKT (fewer when the whole TPKT is shorter), 24 for ENIP.
        uint32_t target = header_size(st.kind);
        if (st.kind == Kind::Tpkt && d.have >= 4) {
            uint32_t len = uint32_t(d.head[2]) << 8 | d.head[3];
            if (len >= 4 && len < target) target = len;
        }
        if (d.have < target) {
            if (n == 0) return;
            size_t k = std::min<size_t>(target - d.have, n);
            std::memcpy(d.head + d.have, p, k);
            d.have = static_cast<uint8_t>(d.have + k);
            p += k;
            n -= k;
            continue;
        }
        int64_t rest = judge(st, s, d.head, target);
        if (rest < 0 || ++st.messages > kMaxMessages) {
            d.dead = true;
            return;
        }
        d.have = 0;
        d.skip = static_cast<uint32_t>(rest);
    }
}

int ics_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    if (st.kind == Kind::Enip && s.ipProtocol == 17) {  // datagrams: one message each
        if (len >= 24) judge(st, s, data, len);
    } else {
        feed(st, s, st.d[which], data, len);
    }
    bool named = st.kind == Kind::Enip ? st.cip : (st.s7 && st.s7plus);
    return named || (st.d[0].dead && st.d[1].dead) || st.messages > kMaxMessages ? -1 : 0;
}

void ics_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void attach(Session& s, Kind kind) {
    if (!s.table) return;
    for (const session::ParserEntry& e : s.parsers)
        if (e.parse == ics_parse) return;
    auto* st = new State;
    st->kind = kind;
    s.table->register_parser(s, session::ParserEntry{ics_parse, nullptr, ics_free, st});
}

void tpkt_classify(void*, Session& s, const uint8_t*, uint32_t, int) {
    attach(s, Kind::Tpkt);
}
void enip_classify(void*, Session& s, const uint8_t*, uint32_t, int) {
    attach(s, Kind::Enip);
}

}  // namespace

void register_ics(Registries& r) {
    using classify::PortKind;
    r.classifiers.add(classify::Transport::Tcp,
                      classify::Classifier{"tpkt-follow", 0, std::string("\x03\x00", 2), tpkt_classify, nullptr});
    r.classifiers.add_port(
        "enip-follow", 44818,
        PortKind::kPortTcpSrc | PortKind::kPortTcpDst | PortKind::kPortUdpSrc | PortKind::kPortUdpDst, enip_classify,
        nullptr);
}

}  // namespace flowdex::protocols::ics
