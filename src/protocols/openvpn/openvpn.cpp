#include "protocols/openvpn/openvpn.h"

#include <array>
#include <memory>
#include <string>

#include "protocols/signatures/signatures.h"
#include "protocols/tls/tls.h"
#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::openvpn {
namespace {

using session::Session;

constexpr uint8_t kControlV1 = 4;
constexpr size_t kSessionId = 8;
constexpr size_t kPacketId = 4;
constexpr int kGiveUpAfter = 8;  ///< control packets without a recognisable layout
/// tls-auth: none, or an HMAC (SHA-1, SHA-256, SHA-512) followed by packet id and time.
constexpr std::array<size_t, 4> kAuthLen = {0, 20 + 8, 32 + 8, 64 + 8};

uint32_t be32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 |
           p[3];
}

struct State {
    State(const Session& s, bool overTcp) : tls(s, overTcp ? 't' : 'q'), tcp(overTcp) {}
    tls::CarriedStream tls;
    int authLen = -1;  ///< the layout, once known
    int tries = 0;
    bool dead = false;
    bool tcp = false;
    uint32_t nextId[2] = {0, 0};
    bool haveId[2] = {false, false};
    bool gap[2] = {false, false};
    session::ParserBuffer buf[2];  ///< TCP: the packet being read
    /// Ends the parser and gives its packet buffers back (the TLS stream's go with the state).
    void stop() {
        dead = true;
        buf[0].clear();
        buf[1].clear();
    }
};

/// Offset of the TLS bytes and the packet id of a P_CONTROL_V1 packet under layout `auth`; false
/// when the packet is too short for it.
bool layout(const uint8_t* p, size_t n, size_t auth, size_t& payload, uint32_t& id) {
    size_t off = 1 + kSessionId + auth;
    if (off + 1 > n) return false;
    const size_t acks = p[off];
    if (acks > 8) return false;
    off += 1 + acks * 4 + (acks ? kSessionId : 0);
    if (off + kPacketId > n) return false;
    id = be32(p + off);
    payload = off + kPacketId;
    return true;
}

bool starts_record(const uint8_t* p, size_t n) {
    return n >= 3 && p[0] >= 20 && p[0] <= 23 && p[1] == 3;
}

void packet(State& st, Session& s, int which, const uint8_t* p, size_t n) {
    if (n < 1 || (p[0] >> 3) != kControlV1) return;
    size_t payload = 0;
    uint32_t id = 0;
    if (st.authLen < 0) {
        for (size_t a : kAuthLen) {
            if (layout(p, n, a, payload, id) && starts_record(p + payload, n - payload)) {
                st.authLen = static_cast<int>(a);
                break;
            }
        }
        if (st.authLen < 0) {
            if (++st.tries >= kGiveUpAfter) st.stop();
            return;
        }
    } else if (!layout(p, n, static_cast<size_t>(st.authLen), payload, id)) {
        return;
    }
    if (st.gap[which]) return;
    if (st.haveId[which]) {
        if (id < st.nextId[which]) return;  // a retransmission
        if (id > st.nextId[which]) {
            st.gap[which] = true;  // a packet is missing: the stream cannot be followed
            return;
        }
    }
    st.haveId[which] = true;
    st.nextId[which] = id + 1;
    st.tls.feed(s, which, p + payload, static_cast<uint32_t>(n - payload));
}

int openvpn_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1 || st.dead) return st.dead ? -1 : 0;
    if (!st.tcp) {
        packet(st, s, which, data, len);
    } else {
        session::ParserBuffer& b = st.buf[which];
        for (uint32_t i = 0; i < len && !st.dead;) {
            if (b.size() < 2) {
                const size_t take = std::min<size_t>(2 - b.size(), len - i);
                if (!b.append(s, data + i, take)) {
                    st.stop();
                    break;
                }
                i += static_cast<uint32_t>(take);
                if (b.size() < 2) break;
            }
            const size_t want = 2 + (static_cast<size_t>(b[0]) << 8 | b[1]);
            const size_t take = std::min<size_t>(want - b.size(), len - i);
            if (!b.append(s, data + i, take)) {
                st.stop();
                break;
            }
            i += static_cast<uint32_t>(take);
            if (b.size() == want) {
                packet(st, s, which, b.bytes() + 2, want - 2);
                b.clear();
            }
        }
    }
    return st.dead || st.tls.done() ? -1 : 0;
}

void openvpn_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void openvpn_classify(void*, Session& s, const uint8_t* d, uint32_t len, int) {
    if (!s.table) return;
    const bool tcp = s.key.proto == 6;
    if (tcp ? !(len > 2 && (static_cast<uint32_t>(d[0]) << 8 | d[1]) == len - 2 &&
                signatures::openvpn_hard_reset(d + 2, len - 2))
            : !signatures::openvpn_hard_reset(d, len))
        return;
    if (s.has_parser(openvpn_parse)) return;
    auto* st = new State(s, tcp);
    s.table->register_parser(s, session::ParserEntry{openvpn_parse, nullptr, openvpn_free, st});
}

}  // namespace

void register_openvpn(Registries& r) {
    // Hard-reset opcodes (v1/v2 client and server, key id 0), at the start of a UDP datagram or
    // after TCP's 2-byte length.
    for (uint32_t offset : {0u, 2u})
        for (char op : {'\x38', '\x40', '\x08', '\x10'}) {
            const classify::Transport t = offset == 0 ? classify::Transport::Udp : classify::Transport::Tcp;
            r.classifiers.add(
                t, classify::Classifier{"openvpn-parser", offset, std::string(1, op), openvpn_classify, nullptr});
        }
}

}  // namespace flowdex::protocols::openvpn
