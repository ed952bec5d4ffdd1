#include "session/flow_table.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/byte_reader.h"
#include "core/ip_format.h"

namespace flowdex::session {
namespace {

constexpr size_t kInitialSlots = 1024;
constexpr uint8_t kListClosing = kSessionKinds;
constexpr uint8_t kListHeld = kSessionKinds + 1;
constexpr uint8_t kListNone = 0xff;
/// Per-packet fields (MACs, TTLs, VLANs, outer addresses) are collected from this many packets
/// of each direction.
constexpr uint64_t kFieldPackets = 10;
/// Idle sessions of one kind saved per catch-up timer run and shard. Arkime saves at most 10 per
/// kind and packet thread in a run; 8 shards of 3 come closest to its regression captures (made
/// with 2 threads) while letting up to 8 packet threads give identical records.
constexpr uint32_t kMaxIdlePerRun = 3;

const char* kind_protocol(SessionKind k) {
    switch (k) {
        case SessionKind::Tcp:
            return "tcp";
        case SessionKind::Udp:
            return "udp";
        case SessionKind::Icmp:
            return "icmp";
        case SessionKind::Sctp:
            return "sctp";
        case SessionKind::Esp:
            return "esp";
        default:
            return nullptr;
    }
}

struct TunnelName {
    Tunnel bit;
    const char* name;
};
constexpr TunnelName kTunnelNames[] = {
    {Tunnel::Gre, "gre"}, {Tunnel::Pppoe, "pppoe"}, {Tunnel::Mpls, "mpls"},          {Tunnel::Ppp, "ppp"},
    {Tunnel::Gtp, "gtp"}, {Tunnel::Vxlan, "vxlan"}, {Tunnel::VxlanGpe, "vxlan-gpe"}, {Tunnel::Geneve, "geneve"},
};

void format_mac(const uint8_t* m, char* out) {
    static constexpr char hex[] = "0123456789abcdef";
    for (int i = 0; i < 6; ++i) {
        out[i * 3] = hex[m[i] >> 4];
        out[i * 3 + 1] = hex[m[i] & 0xf];
        out[i * 3 + 2] = ':';
    }
}

void copy_addr(const Packet& p, int32_t ipOff, bool v6, int which, uint8_t* out) {
    const uint8_t* ip = p.data + ipOff;
    if (v6)
        std::memcpy(out, ip + 8 + which * 16, 16);
    else
        std::memcpy(out, ip + 12 + which * 4, 4);
}

}  // namespace

uint32_t TableSettings::timeout_for(SessionKind k) const {
    switch (k) {
        case SessionKind::Tcp:
            return tcpTimeout;
        case SessionKind::Icmp:
            return icmpTimeout;
        case SessionKind::Sctp:
            return sctpTimeout;
        case SessionKind::Esp:
            return espTimeout;
        default:
            return udpTimeout;
    }
}

FlowTable::FlowTable(const Context& ctx, SessionSink& sink) : ctx_(ctx), sink_(sink) {
    slots_.assign(kInitialSlots, nullptr);
    hashes_.assign(kInitialSlots, 0);
    mask_ = kInitialSlots - 1;
}

FlowTable::~FlowTable() {
    for (auto& s : pool_) {
        for (ParserEntry& e : s->parsers)
            if (e.free) e.free(e.ctx, *s);
    }
}

// ---------------------------------------------------------------- keys and the hash table

void make_flow_key(const Packet& p, IdTracking tracking, FlowKey& k) {
    k.kind = static_cast<uint8_t>(p.kind);
    k.mode = static_cast<uint8_t>(p.keyMode);
    switch (p.keyMode) {
        case KeyMode::Lumped:
            k.proto = p.ipProtocol;
            k.ethertype = p.kind == SessionKind::Ether ? p.ethertype : 0;
            return;
        case KeyMode::MacPair:
        case KeyMode::MacPairType:
            if (p.etherOffset >= 0) {
                std::memcpy(k.addr[0], p.data + p.etherOffset, 6);
                std::memcpy(k.addr[1], p.data + p.etherOffset + 6, 6);
            }
            if (p.keyMode == KeyMode::MacPairType) k.ethertype = p.ethertype;
            return;
        case KeyMode::Dhcp:
            std::memcpy(k.addr[0], p.data + p.payloadOffset + 28, 6);
            k.proto = p.ipProtocol;
            return;
        case KeyMode::Dhcpv6:
            std::memcpy(k.addr[0], p.data + p.payloadOffset + 1, 3);
            k.proto = p.ipProtocol;
            k.v6 = 1;
            return;
        case KeyMode::Normal:
            break;
    }
    switch (p.kind) {
        case SessionKind::Arp: {
            const uint8_t* arp = p.data + p.payloadOffset;
            bool request = load_be16(arp + 6) == 1;
            std::memcpy(k.addr[0], arp + (request ? 24 : 14), 4);
            break;
        }
        case SessionKind::Ether:
            k.ethertype = p.ethertype;
            break;
        default:
            k.v6 = p.v6;
            copy_addr(p, p.ipOffset, p.v6, 0, k.addr[0]);
            copy_addr(p, p.ipOffset, p.v6, 1, k.addr[1]);
            if (p.kind == SessionKind::Tcp || p.kind == SessionKind::Udp || p.kind == SessionKind::Sctp) {
                k.port[0] = p.srcPort;
                k.port[1] = p.dstPort;
            }
            k.proto = p.kind == SessionKind::Icmp ? 1 : p.ipProtocol;
            break;
    }
    if (tracking == IdTracking::Vlan) k.vlan = p.vlan;
    if (tracking == IdTracking::Vni) k.vni = p.vni;
}

Session* FlowTable::find(const FlowKey& k, uint32_t h) const {
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
        Session* s = slots_[i];
        if (!s) return nullptr;
        if (hashes_[i] == h && s->key == k) return s;
    }
}

void FlowTable::insert(Session* s, uint32_t h) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
    size_t i = h & mask_;
    while (slots_[i])
        i = (i + 1) & mask_;
    slots_[i] = s;
    hashes_[i] = h;
    s->slot = static_cast<uint32_t>(i);
    ++count_;
}

void FlowTable::grow() {
    std::vector<Session*> old = std::move(slots_);
    std::vector<uint32_t> oldHashes = std::move(hashes_);
    slots_.assign(old.size() * 2, nullptr);
    hashes_.assign(old.size() * 2, 0);
    mask_ = slots_.size() - 1;
    for (size_t j = 0; j < old.size(); ++j) {
        if (!old[j]) continue;
        size_t i = oldHashes[j] & mask_;
        while (slots_[i])
            i = (i + 1) & mask_;
        slots_[i] = old[j];
        hashes_[i] = oldHashes[j];
        old[j]->slot = static_cast<uint32_t>(i);
    }
}

void FlowTable::erase(Session* s) {
    size_t i = s->slot;
    if (slots_[i] != s) return;
    slots_[i] = nullptr;
    --count_;
    // Backward-shift deletion keeps every probe chain unbroken.
    for (size_t j = (i + 1) & mask_; slots_[j]; j = (j + 1) & mask_) {
        size_t home = hashes_[j] & mask_;
        bool movable = (j > i) ? (home <= i || home > j) : (home <= i && home > j);
        if (!movable) continue;
        slots_[i] = slots_[j];
        hashes_[i] = hashes_[j];
        slots_[i]->slot = static_cast<uint32_t>(i);
        slots_[j] = nullptr;
        i = j;
    }
}

bool FlowTable::owns(const Session* s) const {
    for (const auto& p : pool_)
        if (p.get() == s) return s->kind != SessionKind::None;
    return false;
}

// ---------------------------------------------------------------- lists

namespace {

// Intrusive doubly-linked lists: the same code for the timeout lists and the split list, each
// naming its own link members.
template <Session* Session::*Prev, Session* Session::*Next, typename Head>
void list_append(Head& l, Session* s) {
    s->*Next = nullptr;
    s->*Prev = l.tail;
    (l.tail ? l.tail->*Next : l.head) = s;
    l.tail = s;
}

template <Session* Session::*Prev, Session* Session::*Next, typename Head>
void list_unlink(Head& l, Session* s) {
    (s->*Prev ? s->*Prev->*Next : l.head) = s->*Next;
    (s->*Next ? s->*Next->*Prev : l.tail) = s->*Prev;
    s->*Prev = s->*Next = nullptr;
}

}  // namespace

FlowTable::ListHead& FlowTable::list_of(uint8_t list) {
    return list < kSessionKinds ? lru_[list] : list == kListClosing ? closing_ : held_;
}

void FlowTable::lru_push(Session* s, uint8_t list) {
    s->lruList = list;
    list_append<&Session::lruPrev, &Session::lruNext>(list_of(list), s);
}

void FlowTable::lru_remove(Session* s) {
    if (s->lruList == kListNone) return;
    list_unlink<&Session::lruPrev, &Session::lruNext>(list_of(s->lruList), s);
    s->lruList = kListNone;
}

void FlowTable::save_list_push(Session* s) {
    s->inSaveList = true;
    list_append<&Session::savePrev, &Session::saveNext>(saveList_, s);
}

void FlowTable::save_list_remove(Session* s) {
    if (!s->inSaveList) return;
    list_unlink<&Session::savePrev, &Session::saveNext>(saveList_, s);
    s->inSaveList = false;
}

// ---------------------------------------------------------------- packets

Session* FlowTable::create(const Packet& p, const FlowKey& k, uint32_t h, bool swap) {
    Session* s;
    if (!free_.empty()) {
        s = free_.back();
        free_.pop_back();
    } else {
        pool_.push_back(std::make_unique<Session>());
        s = pool_.back().get();
    }
    s->table = this;
    s->key = k;
    s->kind = p.kind;
    s->kindName = p.kindName;
    s->ipProtocol = p.ipProtocol;
    s->haveEthertype = p.haveEthertype && p.linkType == 1;
    // Sessions without IP record the ethertype they are keyed by, unless the frame was 802.3 (the
    // first "ethertype" a length: OSI LLC, IS-IS), where Arkime records that length.
    constexpr uint16_t kMinEthertype = 0x0600;
    s->ethertype = p.kind == SessionKind::Ether && p.firstEthertype >= kMinEthertype ? p.ethertype : p.firstEthertype;
    s->linkType = p.linkType;
    s->firstFileIndex = p.fileIndex;
    s->firstPos = p.readerPos;
    s->firstUs = s->lastUs = p.tsUs;
    s->lruList = kListNone;
    // The client is the sender of the first packet (the receiver, when it is a SYN-ACK).
    if (p.kind != SessionKind::Arp && p.kind != SessionKind::Ether) {
        s->v6 = p.v6;
        int a = swap ? 1 : 0;
        copy_addr(p, p.ipOffset, p.v6, a, s->ip[0]);
        copy_addr(p, p.ipOffset, p.v6, a ^ 1, s->ip[1]);
        s->port[0] = swap ? p.dstPort : p.srcPort;
        s->port[1] = swap ? p.srcPort : p.dstPort;
        if (p.kind == SessionKind::Icmp || p.kind == SessionKind::Esp || p.kind == SessionKind::OtherIp)
            s->port[0] = s->port[1] = 0;
    }
    s->noCommunityId = p.keyMode == KeyMode::Dhcp || p.keyMode == KeyMode::Dhcpv6;
    s->oneWay = p.kind == SessionKind::Arp || p.kind == SessionKind::Ether || p.keyMode == KeyMode::Lumped ||
                (p.kindName && std::strcmp(p.kindName, "arp") == 0);
    insert(s, h);
    lru_push(s, static_cast<uint8_t>(p.kind));
    if (p.kind == SessionKind::Tcp) {
        s->saveAtSecs = p.tsUs / kUsPerSec + ctx_.settings.tcpSaveTimeout;
        save_list_push(s);
    }
    const char* proto = kind_protocol(p.kind);
    add_protocol(*s, proto ? proto : (p.kindName ? p.kindName : "unknown"));
    ++stats_.created;
    return s;
}

void FlowTable::process(Packet& p) {
    ++stats_.packets;
    uint64_t clockSecs = p.clockUs / kUsPerSec;
    if (clockSecs > timerSecs_) run_timers(clockSecs);

    FlowKey k;
    make_key(p, k);
    k.canonicalize();
    uint32_t h = k.hash();
    Session* s = find(k, h);

    bool synOnly = p.kind == SessionKind::Tcp && (p.tcpFlags & 0x12) == 0x02;
    if (s && synOnly && s->finOrRst && s->haveSyn) {
        uint32_t seq = load_be32(p.data + p.l4Offset + 4);
        if (seq != s->clientIsn) {
            save(*s, true);
            s = nullptr;
        }
    }
    if (!s) {
        bool synAckFirst = p.kind == SessionKind::Tcp && (p.tcpFlags & 0x12) == 0x12;
        s = create(p, k, h, synAckFirst);
    }
    // Direction: is the packet's source the session's client?
    int dir = 0;
    if (!s->oneWay) {
        uint8_t src[16] = {};
        copy_addr(p, p.ipOffset, p.v6, 0, src);
        bool portsMatter = s->kind == SessionKind::Tcp || s->kind == SessionKind::Udp || s->kind == SessionKind::Sctp;
        bool fromClient = std::memcmp(src, s->ip[0], 16) == 0 && (!portsMatter || p.srcPort == s->port[0]);
        dir = fromClient ? 0 : 1;
    }
    p.direction = static_cast<uint8_t>(dir);
    current_ = s;
    add_packet(*s, p, dir);
    current_ = nullptr;
}

void FlowTable::add_packet(Session& s, const Packet& p, int dir) {
    s.lastUs = p.tsUs;
    s.packets[dir]++;
    s.bytes[dir] += p.caplen;
    if (s.lruList < kSessionKinds) {
        lru_remove(&s);
        lru_push(&s, static_cast<uint8_t>(s.kind));
    } else if (s.lruList == kListClosing) {
        lru_remove(&s);
        lru_push(&s, kListClosing);
    }
    // A mid-save for maxPackets or an idle deadline keeps this packet's counts in the segment it
    // ends; the packet's fields, flags and payload start the next segment (as Arkime).
    const bool idle = s.idleSaveAfterSecs != 0 && p.tsUs / kUsPerSec > s.idleSaveAfterSecs;
    if ((idle || s.packets[0] + s.packets[1] >= ctx_.settings.maxPackets) && s.kind != SessionKind::None) {
        s.idleSaveAfterSecs = 0;
        save(s, false);
        if (s.inSaveList) {  // the tcpSaveTimeout deadline starts again from this packet
            save_list_remove(&s);
            s.saveAtSecs = p.tsUs / kUsPerSec + ctx_.settings.tcpSaveTimeout;
            save_list_push(&s);
        }
    }
    if (s.packets[dir] <= kFieldPackets) add_packet_fields(s, p, dir);  // per segment, as Arkime

    const uint8_t* payload = p.data + p.payloadOffset;
    switch (s.kind) {
        case SessionKind::Tcp:
            tcp_packet(s, p, dir);
            break;
        case SessionKind::Udp:
            if (p.payloadLen > 0) deliver(s, dir, payload, p.payloadLen, classify::Transport::Udp, false);
            break;
        case SessionKind::Sctp:
            s.databytes[dir] += p.payloadLen;  // every chunk counts; only DATA reaches parsers
            sctp_chunks(s, dir, payload, p.payloadLen);
            break;
        case SessionKind::Icmp:
            s.databytes[dir] += p.payloadLen;
            if (p.payloadLen >= 2) {
                const uint8_t* icmp = p.data + p.l4Offset;
                if (!s.haveIcmp) {
                    s.haveIcmp = true;
                    s.icmpType = icmp[0];
                    s.icmpCode = icmp[1];
                }
                s.fields.add_int(*ctx_.registry, ctx_.core.icmpType, icmp[0]);
                s.fields.add_int(*ctx_.registry, ctx_.core.icmpCode, icmp[1]);
            }
            break;
        case SessionKind::Esp:
            s.databytes[dir] += p.payloadLen;
            break;
        case SessionKind::OtherIp:  // no data bytes or payload8 (as Arkime): only parsers see the payload
            if (p.kindName && std::strcmp(p.kindName, "arp") == 0) {  // ARP in a tunnel, on the tunnel's IPs
                arp_fields(s, p);
            } else if (p.payloadLen > 0) {
                if (!s.classified[dir]) {
                    s.classified[dir] = true;
                    ctx_.classifiers->classify_ip_protocol(s, s.ipProtocol, payload, p.payloadLen, dir);
                }
                run_parsers(s, dir, payload, p.payloadLen);
            }
            break;
        case SessionKind::Arp:
            arp_fields(s, p);
            break;
        case SessionKind::Ether:  // as OtherIp: only parsers see the payload (IS-IS after its NLPID)
            if (p.payloadLen > 0) {
                if (!s.classified[dir]) {
                    s.classified[dir] = true;
                    ctx_.classifiers->classify_ethertype(s, p.ethertype, payload, p.payloadLen, dir);
                }
                run_parsers(s, dir, payload, p.payloadLen);
            }
            break;
        default:
            break;
    }
}

void FlowTable::add_packet_fields(Session& s, const Packet& p, int dir) {
    const fields::FieldRegistry& reg = *ctx_.registry;
    const CoreFields& cf = ctx_.core;
    char mac[18];
    if (p.etherOffset >= 0 && p.linkType == 1 && std::memcmp(s.lastMacs[dir], p.data + p.etherOffset, 12) != 0) {
        const uint8_t* eth = p.data + p.etherOffset;
        std::memcpy(s.lastMacs[dir], eth, 12);
        format_mac(eth + 6, mac);
        s.fields.add_string(reg, dir == 0 ? cf.srcMac : cf.dstMac, std::string_view(mac, 17));
        format_mac(eth, mac);
        s.fields.add_string(reg, dir == 0 ? cf.dstMac : cf.srcMac, std::string_view(mac, 17));
        if (p.outerEtherOffset >= 0 && p.outerEtherOffset != p.etherOffset) {
            const uint8_t* outer = p.data + p.outerEtherOffset;
            format_mac(outer, mac);
            s.fields.add_string(reg, cf.srcOuterMac, std::string_view(mac, 17));
            format_mac(outer + 6, mac);
            s.fields.add_string(reg, cf.dstOuterMac, std::string_view(mac, 17));
        }
    }
    if (p.ipOffset >= 0 && s.kind != SessionKind::Arp && s.kind != SessionKind::Ether) {
        s.fields.add_int(reg, dir == 0 ? cf.srcTtl : cf.dstTtl, p.ttl);
        if (p.dscp) s.fields.add_int(reg, dir == 0 ? cf.srcDscp : cf.dstDscp, p.dscp);
        if (p.outerIpOffset >= 0 && p.outerIpOffset != p.ipOffset) {
            char buf[64];
            uint8_t a[16] = {};
            for (int w = 0; w < 2; ++w) {
                copy_addr(p, p.outerIpOffset, p.outerv6, w, a);
                size_t n = format_ip(a, p.outerv6, buf);
                s.fields.add_ip(reg, w == 0 ? cf.srcOuterIp : cf.dstOuterIp, std::string_view(buf, n));
            }
        }
    }
    for (int i = 0; i < p.vlanCount; ++i) {
        uint16_t id = p.vlans[i] & kVlanIdMask;
        s.fields.add_int(reg, cf.vlan, id);
        int pos = (p.vlans[i] & kVlanIsQinQ) ? cf.dot1ad : cf.dot1q;
        if (s.fields.add_int_r(reg, pos, id) == fields::AddResult::WrongType) {
            char num[8];
            int n = std::snprintf(num, sizeof num, "%u", id);
            s.fields.add_string(reg, pos, std::string_view(num, static_cast<size_t>(n)));
        }
    }
    if (p.vniSet) s.fields.add_int(reg, cf.vni, p.vni);
    if (p.tunnel) {
        for (const TunnelName& t : kTunnelNames)
            if (has_tunnel(p.tunnel, t.bit)) add_protocol(s, t.name);
    }
}

// ---------------------------------------------------------------- payload

void FlowTable::deliver(Session& s, int dir, const uint8_t* data, uint32_t len, classify::Transport t, bool stream,
                        bool count) {
    if (count) s.databytes[dir] += len;
    if (stream ? s.payload8Len[dir] < 8 : s.payload8Len[dir] == 0) {
        uint32_t n = std::min<uint32_t>(8u - s.payload8Len[dir], len);
        std::memcpy(s.payload8[dir] + s.payload8Len[dir], data, n);
        s.payload8Len[dir] = static_cast<uint8_t>(s.payload8Len[dir] + n);
    }
    if (!s.classified[dir]) {
        s.classified[dir] = true;
        ctx_.classifiers->classify(t, s, data, len, dir, s.port[0], s.port[1]);
    }
    run_parsers(s, dir, data, len);
}

void FlowTable::run_parsers(Session& s, int dir, const uint8_t* data, uint32_t len) {
    // Index loop: a parser may register another parser (the vector may grow).
    for (size_t i = 0; i < s.parsers.size(); ++i) {
        ParserEntry e = s.parsers[i];
        if (!e.active || !e.parse) continue;
        int rc = e.parse(e.ctx, s, data, len, dir);
        if (rc < 0) {
            s.parsers[i].active = false;
            if (e.free) e.free(e.ctx, s);
            s.parsers[i].free = nullptr;
            s.parsers[i].save = nullptr;  // an unregistered parser's state is gone: no save hook either
        } else if (rc > 0 && static_cast<uint32_t>(rc) >= len) {
            break;
        }
    }
}

void FlowTable::sctp_chunks(Session& s, int dir, const uint8_t* data, uint32_t len) {
    // Only DATA chunks carry user data: each is delivered on its own, with its payload protocol id.
    constexpr uint8_t kData = 0;
    constexpr uint32_t kChunkHeader = 4, kDataHeader = 16;
    uint32_t n = 0;
    while (n + kChunkHeader <= len) {
        uint32_t clen = load_be16(data + n + 2);
        if (clen < kChunkHeader || n + clen > len) break;
        if (data[n] == kData && clen > kDataHeader) {
            const uint8_t* user = data + n + kDataHeader;
            uint32_t ulen = clen - kDataHeader;
            const uint32_t ppid = load_be32(data + n + 12);
            s.fields.add_int(*ctx_.registry, ctx_.core.sctpProtoId, ppid);
            if (!s.classified[dir]) ctx_.classifiers->classify_sctp_protocol(s, ppid, user, ulen, dir);
            deliver(s, dir, user, ulen, classify::Transport::Sctp, false, false);
        }
        n += (clen + 3u) & ~3u;
    }
}

void FlowTable::arp_fields(Session& s, const Packet& p) {
    const fields::FieldRegistry& reg = *ctx_.registry;
    const uint8_t* arp = p.data + p.payloadOffset;
    uint16_t op = load_be16(arp + 6);
    char buf[48];
    int n = std::snprintf(buf, sizeof buf, "%u", op);
    s.fields.add_string(reg, ctx_.core.arpOpcode, std::string_view(buf, static_cast<size_t>(n)));
    size_t len = format_ip(arp + (op == 1 ? 24 : 14), false, buf);
    s.fields.add_ip(reg, ctx_.core.arpIp, std::string_view(buf, len));
    if (op == 2) {
        format_mac(arp + 8, buf);
        s.fields.add_string(reg, ctx_.core.arpMac, std::string_view(buf, 17));
    }
}

// ---------------------------------------------------------------- tags and protocols

bool FlowTable::add_tag(Session& s, std::string_view tag) {
    return s.fields.add_string(*ctx_.registry, ctx_.core.tags, tag);
}

bool FlowTable::add_protocol(Session& s, std::string_view proto) {
    return s.fields.add_string(*ctx_.registry, ctx_.core.protocol, proto);
}

bool FlowTable::has_protocol(const Session& s, std::string_view proto) const {
    const std::vector<std::string>* v = s.fields.strings(ctx_.core.protocol);
    if (!v) return false;
    return std::find(v->begin(), v->end(), proto) != v->end();
}

// ---------------------------------------------------------------- timers and saving

void FlowTable::run_timers(uint64_t nowSecs) {
    // A run that catches up after the clock skipped seconds (a gap or a jump in the capture)
    // follows Arkime's limit: per kind and per timer shard, the first kMaxIdlePerRun idle sessions
    // are saved; the others wait until after the splits below, so a long one is split first and
    // its final record (empty) follows. Shards are fixed halves of the hash space, so the choice
    // does not depend on how many packet threads there are.
    const bool catchUp = timerSecs_ != 0 && nowSecs > timerSecs_ + 1;
    timerSecs_ = nowSecs;
    uint32_t savedPerShard[kTimerShards][kSessionKinds] = {};
    deferred_.clear();
    for (int k = 0; k < kSessionKinds; ++k) {
        uint32_t timeout = ctx_.settings.timeout_for(static_cast<SessionKind>(k));
        Session* s = lru_[k].head;
        while (s && s->lastUs / kUsPerSec + timeout < nowSecs) {
            Session* next = s->lruNext;
            uint32_t& n = savedPerShard[s->key.hash() % kTimerShards][k];
            if (catchUp && n >= kMaxIdlePerRun) {
                deferred_.push_back(s);
            } else {
                ++n;
                save(*s, true);
            }
            s = next;
        }
    }
    while (Session* s = closing_.head) {
        if (s->closeAtSecs >= nowSecs) break;
        save(*s, true);
    }
    while (Session* s = saveList_.head) {
        if (s->saveAtSecs >= nowSecs) break;
        save_list_remove(s);
        save(*s, false);
        s->saveAtSecs = nowSecs + ctx_.settings.tcpSaveTimeout;
        save_list_push(s);
    }
    for (Session* s : deferred_)
        save(*s, true);
    deferred_.clear();
}

void FlowTable::mark_closing(Session& s) {
    if (s.closeState == CloseState::Closing) return;
    s.closeState = CloseState::Closing;
    s.closeAtSecs = s.lastUs / kUsPerSec + ctx_.settings.tcpClosingTimeout;
    lru_remove(&s);
    lru_push(&s, kListClosing);
}

void FlowTable::save(Session& s, bool final) {
    if (final) tcp_flush_queues(s);
    for (size_t i = 0; i < s.parsers.size(); ++i) {
        const ParserEntry& e = s.parsers[i];
        if (e.active && e.save) e.save(e.ctx, s, final);
    }
    current_ = &s;
    for (const auto& h : ctx_.hooks->pre_save())
        h.fn(h.ctx, s, final);
    current_ = nullptr;
    if (final && s.holdCount > 0) {
        // Wait for decref: out of the table so new packets start a new session.
        s.finalPending = true;
        erase(&s);
        lru_remove(&s);
        save_list_remove(&s);
        lru_push(&s, kListHeld);
        return;
    }
    if (final) {
        erase(&s);
        lru_remove(&s);
        save_list_remove(&s);
    }
    current_ = &s;
    for (const auto& h : ctx_.hooks->save())
        h.fn(h.ctx, s, final);
    current_ = nullptr;
    sink_.write_session(s, final);
    ++stats_.saved;
    ++s.segments;
    if (final)
        release(&s);
    else
        reset_segment(s);
}

void FlowTable::decref(Session& s) {
    if (s.holdCount > 0) --s.holdCount;
    if (s.holdCount == 0 && s.finalPending) finish_final(s);
}

void FlowTable::finish_final(Session& s) {
    s.finalPending = false;
    lru_remove(&s);
    current_ = &s;
    for (const auto& h : ctx_.hooks->save())
        h.fn(h.ctx, s, true);
    current_ = nullptr;
    sink_.write_session(s, true);
    ++stats_.saved;
    ++s.segments;
    release(&s);
}

void FlowTable::reset_segment(Session& s) {
    std::memset(s.packets, 0, sizeof s.packets);
    std::memset(s.bytes, 0, sizeof s.bytes);
    std::memset(s.databytes, 0, sizeof s.databytes);
    std::memset(s.tcpFlags, 0, sizeof s.tcpFlags);
    s.firstSegmentTcpInfo = false;
    s.fields.clear_nolinked(*ctx_.registry);
}

void FlowTable::release(Session* s) {
    for (ParserEntry& e : s->parsers)
        if (e.free) e.free(e.ctx, *s);
    for (const auto& h : ctx_.hooks->on_free())
        h.fn(h.ctx, *s);
    if (s->parserHeld != 0) ++stats_.parserHeldAtFree;
    Session fresh;
    // Keep the vectors' capacity for the next session.
    fresh.parsers = std::move(s->parsers);
    fresh.parsers.clear();
    fresh.clientIsns = std::move(s->clientIsns);
    fresh.clientIsns.clear();
    for (int d = 0; d < 2; ++d) {
        fresh.tcp[d].queue = std::move(s->tcp[d].queue);
        fresh.tcp[d].queue.clear();
    }
    fresh.fields = std::move(s->fields);
    fresh.fields.clear();
    fresh.id = std::move(s->id);
    fresh.id.clear();
    *s = std::move(fresh);
    free_.push_back(s);
}

void FlowTable::flush_all() {
    for (int k = 0; k < kSessionKinds; ++k)
        while (Session* s = lru_[k].head)
            save(*s, true);
    while (Session* s = closing_.head)
        save(*s, true);
    while (Session* s = held_.head) {
        s->holdCount = 0;
        finish_final(*s);
    }
}

}  // namespace flowdex::session
