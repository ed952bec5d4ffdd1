// TCP: flag counts, handshake facts, in-order delivery and closing. See flow_table.h.
#include <algorithm>
#include <cstring>

#include "core/byte_reader.h"
#include "session/flow_table.h"

namespace flowdex::session {
namespace {

constexpr uint8_t kFin = 0x01;
constexpr uint8_t kSyn = 0x02;
constexpr uint8_t kRst = 0x04;
constexpr uint8_t kPsh = 0x08;
constexpr uint8_t kAck = 0x10;
constexpr uint8_t kUrg = 0x20;
constexpr uint8_t kEce = 0x40;
constexpr uint8_t kCwr = 0x80;
constexpr uint8_t kAe = 0x01;
constexpr uint32_t kMaxLoneSegment = 65535;  // accurate-ECN (formerly NS), low bit of the data-offset byte

/// Wrap-aware sequence comparison: a - b as a signed distance.
inline int32_t seq_diff(uint32_t a, uint32_t b) {
    return static_cast<int32_t>(a - b);
}

void count(Session& s, TcpFlag f) {
    ++s.tcpFlags[static_cast<size_t>(f)];
}

}  // namespace

void FlowTable::tcp_packet(Session& s, const Packet& p, int dir) {
    const uint8_t* th = p.data + p.l4Offset;
    uint8_t flags = p.tcpFlags;
    uint32_t seq = load_be32(th + 4);
    uint32_t ack = load_be32(th + 8);
    uint16_t window = load_be16(th + 14);

    if (flags & kUrg) count(s, TcpFlag::Urg);
    if (flags & kEce) count(s, TcpFlag::Ece);
    if (flags & kCwr) count(s, TcpFlag::Cwr);
    if (th[12] & kAe) count(s, TcpFlag::Ae);
    if (window == 0 && !(flags & kRst)) count(s, dir == 0 ? TcpFlag::SrcZero : TcpFlag::DstZero);

    if (flags & kSyn) {
        if (flags & kAck) {
            count(s, TcpFlag::SynAck);
            if (!s.haveSynAck) {
                s.haveSynAck = true;
                s.serverIsn = seq;
                s.synAckAck = ack;
                s.synAckFirst = !s.haveSyn;
                if (s.haveSyn && ack == s.clientIsn + 1) s.synValidated = true;
                if (!s.haveSyn && !s.tcp[dir ^ 1].haveSeq) {
                    // The handshake's first packet we saw: the other side starts at what it acks.
                    s.tcp[dir ^ 1].nextSeq = ack;
                    s.tcp[dir ^ 1].haveSeq = true;
                }
            }
        } else {
            count(s, TcpFlag::Syn);
            if (!s.haveSyn) {
                s.haveSyn = true;
                s.clientIsn = seq;
                s.synTimeUs = p.tsUs;
                if (s.haveSynAck && s.synAckAck == seq + 1) s.synValidated = true;  // the SYN-ACK came first
            }
            if (std::find(s.clientIsns.begin(), s.clientIsns.end(), seq) == s.clientIsns.end())
                s.clientIsns.push_back(seq);
        }
        s.tcpStarted = true;
        if (!s.tcp[dir].haveSeq) {
            s.tcp[dir].nextSeq = seq + 1;
            s.tcp[dir].haveSeq = true;
        }
        return;
    }

    if (flags & kRst) count(s, TcpFlag::Rst);
    if (flags & kFin) count(s, TcpFlag::Fin);
    if (flags & kPsh) count(s, TcpFlag::Psh);
    if ((flags & (kFin | kRst | kPsh | kSyn | kAck)) == kAck) {
        count(s, TcpFlag::Ack);
        if (s.haveSyn && !s.haveAckTime && dir == 0) {
            s.ackTimeUs = p.tsUs;
            s.haveAckTime = true;
        }
    }
    // Any client packet acknowledging the SYN-ACK validates it (a first ACK may carry data);
    // only a bare ACK times the handshake.
    if ((flags & kAck) && s.haveSynAck && dir == 0 && ack == s.serverIsn + 1) s.synAckValidated = true;

    if (flags & kRst) {
        s.finOrRst = true;
        if (s.tcpStarted) mark_closing(s);  // a RST outside a handshake we saw does not end the session
        return;
    }

    if (p.payloadLen > 0 && s.tcpStarted && !s.tcpGaveUp) {
        if (!s.tcp[dir].haveSeq) {
            add_tag(s, "no-syn-ack");
            s.tcp[dir].nextSeq = seq;
            s.tcp[dir].haveSeq = true;
        }
        tcp_data(s, dir, seq, p.data + p.payloadOffset, p.payloadLen);
    } else if (p.payloadLen > 0 && !s.tcpStarted) {
        // Without a handshake nothing is delivered or counted. Arkime still classifies a session
        // whose only data is one pushed segment, when the session ends: keep a copy of the first.
        if (++s.unstartedSegments == 1 && p.payloadLen <= kMaxLoneSegment) {
            s.loneDir = static_cast<uint8_t>(dir);
            const uint8_t* d = p.data + p.payloadOffset;
            s.tcp[dir].queue.push_back(TcpDirection::Segment{seq, std::vector<uint8_t>(d, d + p.payloadLen)});
        } else if (s.unstartedSegments == 2) {
            s.tcp[s.loneDir].queue.clear();
        }
    }

    if (flags & kFin) {
        s.finOrRst = true;
        TcpDirection& t = s.tcp[dir];
        if (!t.finSeen) {
            t.finSeen = true;
            t.finSeq = seq + p.payloadLen;
        }
    }
    // A FIN is acknowledged once the other side acks past it; both acked → closing.
    TcpDirection& other = s.tcp[dir ^ 1];
    if ((flags & kAck) && other.finSeen && !other.finAcked && seq_diff(ack, other.finSeq) >= 1) other.finAcked = true;
    if (s.tcp[0].finAcked && s.tcp[1].finAcked) mark_closing(s);
}

void FlowTable::tcp_data(Session& s, int dir, uint32_t seq, const uint8_t* data, uint32_t len) {
    TcpDirection& t = s.tcp[dir];
    int32_t ahead = seq_diff(seq, t.nextSeq);
    if (ahead <= 0) {
        int32_t endDiff = seq_diff(seq + len, t.nextSeq);
        if (endDiff <= 0) return;  // nothing new: a retransmission
        uint32_t skip = static_cast<uint32_t>(-ahead);
        t.nextSeq = seq + len;
        deliver(s, dir, data + skip, len - skip, classify::Transport::Tcp, true);
        if (!t.queue.empty()) tcp_drain(s, dir);
        return;
    }
    // Ahead of a gap: keep a copy until the gap fills.
    if (t.queue.size() >= ctx_.settings.maxTcpOutOfOrder) {
        add_tag(s, "incomplete-tcp");
        s.tcpGaveUp = true;
        t.queue.clear();
        return;
    }
    auto pos = std::find_if(t.queue.begin(), t.queue.end(),
                            [&](const TcpDirection::Segment& g) { return seq_diff(g.seq, seq) > 0; });
    if (pos != t.queue.begin() && std::prev(pos)->seq == seq && std::prev(pos)->data.size() >= len) return;
    t.queue.insert(pos, TcpDirection::Segment{seq, std::vector<uint8_t>(data, data + len)});
    ++stats_.tcpQueued;
    add_tag(s, dir == 0 ? "out-of-order-src" : "out-of-order-dst");
}

void FlowTable::tcp_drain(Session& s, int dir) {
    TcpDirection& t = s.tcp[dir];
    size_t i = 0;
    for (; i < t.queue.size(); ++i) {
        TcpDirection::Segment& g = t.queue[i];
        int32_t ahead = seq_diff(g.seq, t.nextSeq);
        if (ahead > 0) break;
        uint32_t len = static_cast<uint32_t>(g.data.size());
        int32_t endDiff = seq_diff(g.seq + len, t.nextSeq);
        if (endDiff <= 0) continue;
        uint32_t skip = static_cast<uint32_t>(-ahead);
        t.nextSeq = g.seq + len;
        deliver(s, dir, g.data.data() + skip, len - skip, classify::Transport::Tcp, true);
    }
    t.queue.erase(t.queue.begin(), t.queue.begin() + static_cast<std::ptrdiff_t>(i));
}

void FlowTable::tcp_flush_queues(Session& s) {
    if (!s.tcpStarted && s.unstartedSegments == 1 && s.tcpFlags[static_cast<size_t>(TcpFlag::Psh)] == 1 &&
        s.tcp[s.loneDir].queue.size() == 1) {
        // The lone pushed segment of a session without a handshake: classified and parsed, not counted.
        const TcpDirection::Segment& g = s.tcp[s.loneDir].queue.front();
        const uint32_t len = static_cast<uint32_t>(g.data.size());
        if (!s.classified[s.loneDir]) {
            s.classified[s.loneDir] = true;
            ctx_.classifiers->classify(classify::Transport::Tcp, s, g.data.data(), len, s.loneDir, s.port[0],
                                       s.port[1]);
        }
        run_parsers(s, s.loneDir, g.data.data(), len);
    }
    // Segments still waiting behind a gap are dropped: Arkime never counts them.
    for (int d = 0; d < 2; ++d)
        s.tcp[d].queue.clear();
}

}  // namespace flowdex::session
