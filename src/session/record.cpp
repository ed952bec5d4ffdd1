#include "session/record.h"

#include <cstdio>
#include <ctime>

#include "core/ip_format.h"
#include "session/community_id.h"

namespace flowdex::session {
namespace {

constexpr uint64_t kUsPerMs = 1000;

struct FlagName {
    TcpFlag flag;
    const char* path;
};
constexpr FlagName kFlagNames[] = {
    {TcpFlag::Syn, "tcpflags.syn"}, {TcpFlag::SynAck, "tcpflags.syn-ack"},  {TcpFlag::Ack, "tcpflags.ack"},
    {TcpFlag::Psh, "tcpflags.psh"}, {TcpFlag::Fin, "tcpflags.fin"},         {TcpFlag::Rst, "tcpflags.rst"},
    {TcpFlag::Urg, "tcpflags.urg"}, {TcpFlag::Ece, "tcpflags.ece"},         {TcpFlag::Cwr, "tcpflags.cwr"},
    {TcpFlag::Ae, "tcpflags.ae"},   {TcpFlag::SrcZero, "tcpflags.srcZero"}, {TcpFlag::DstZero, "tcpflags.dstZero"},
};

void append_hex(std::string& out, const uint8_t* b, size_t n) {
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    for (size_t i = 0; i < n; ++i) {
        out.push_back(hex[b[i] >> 4]);
        out.push_back(hex[b[i] & 0xf]);
    }
    out.push_back('"');
}

uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 31);
}

}  // namespace

void RecordBuilder::build(Session& s, bool final, uint64_t fileSalt, int64_t fileId, store::SessionRecord& out) {
    const bool ip = s.kind != SessionKind::Arp && s.kind != SessionKind::Ether;
    const bool ports = s.kind == SessionKind::Tcp || s.kind == SessionKind::Udp || s.kind == SessionKind::Sctp;

    if (s.id.empty()) {
        // Stable across runs: the first file's identity, the first packet's place, the key.
        uint64_t h = mix(fileSalt, static_cast<uint64_t>(s.firstPos));
        h = mix(h, s.key.hash());
        h = mix(h, s.firstUs);
        // First-packet time leads, so ids sort (and index) in time order.
        static constexpr char hex[] = "0123456789abcdef";
        char buf[32];
        uint64_t ms = s.firstUs / kUsPerMs;
        for (int i = 11; i >= 0; --i, ms >>= 4)
            buf[i] = hex[ms & 0xf];
        buf[12] = '-';
        for (int i = 24; i >= 13; --i, h >>= 4)
            buf[i] = hex[h & 0xf];
        s.id.assign(buf, 25);
    }
    out.id = s.segments == 0 ? s.id : s.id + "-" + std::to_string(s.segments + 1);
    out.fileId = fileId;
    out.firstPacket = static_cast<int64_t>(s.firstUs / kUsPerMs);
    out.lastPacket = static_cast<int64_t>(s.lastUs / kUsPerMs);
    out.ipProtocol = ip ? s.ipProtocol : 0;

    doc_.clear();
    doc_.add_int("firstPacket", out.firstPacket);
    doc_.add_int("lastPacket", out.lastPacket);
    doc_.add_int("length", out.lastPacket - out.firstPacket);
    doc_.add_int("ipProtocol", out.ipProtocol);
    if (s.haveEthertype) doc_.add_int("ethertype", s.ethertype);
    char addr[2][48];
    if (ip) {
        format_ip(s.ip[0], s.v6, addr[0]);
        format_ip(s.ip[1], s.v6, addr[1]);
        out.srcIp = addr[0];
        out.dstIp = addr[1];
        out.srcPort = ports ? s.port[0] : 0;
        out.dstPort = ports ? s.port[1] : 0;
        doc_.add_string("source.ip", addr[0]);
        doc_.add_string("destination.ip", addr[1]);
        doc_.add_int("source.port", out.srcPort);
        doc_.add_int("destination.port", out.dstPort);
    } else {
        out.srcIp.clear();
        out.dstIp.clear();
        out.srcPort = out.dstPort = 0;
    }
    doc_.add_uint("source.bytes", s.bytes[0]);
    doc_.add_uint("source.packets", s.packets[0]);
    doc_.add_uint("destination.bytes", s.bytes[1]);
    doc_.add_uint("destination.packets", s.packets[1]);
    doc_.add_uint("network.bytes", s.bytes[0] + s.bytes[1]);
    doc_.add_uint("network.packets", s.packets[0] + s.packets[1]);
    doc_.add_uint("client.bytes", s.databytes[0]);
    doc_.add_uint("server.bytes", s.databytes[1]);
    doc_.add_uint("totDataBytes", s.databytes[0] + s.databytes[1]);

    out.communityId.clear();
    if (ip && !s.noCommunityId) {
        switch (s.kind) {
            case SessionKind::Tcp:
            case SessionKind::Udp:
            case SessionKind::Sctp:
                out.communityId = community_id(s.ip[0], s.ip[1], s.v6, s.ipProtocol, s.port[0], s.port[1], true);
                break;
            case SessionKind::Icmp:
                if (s.haveIcmp)
                    out.communityId = community_id_icmp(s.ip[0], s.ip[1], s.v6, s.ipProtocol, s.icmpType, s.icmpCode);
                break;
            case SessionKind::Esp:
                out.communityId = community_id(s.ip[0], s.ip[1], s.v6, s.ipProtocol, 0, 0, true);
                break;
            default:
                break;
        }
        if (!out.communityId.empty()) doc_.add_string("network.community_id", out.communityId);
    }

    if (s.kind == SessionKind::Tcp) {
        for (const FlagName& f : kFlagNames)
            doc_.add_uint(f.path, s.tcpFlags[static_cast<size_t>(f.flag)]);
        if (s.firstSegmentTcpInfo && (s.haveSyn || s.haveSynAck)) {
            doc_.add_bool("tcpSynValidated", s.synValidated);
            doc_.add_bool("tcpSynAckValidated", s.synAckValidated);
            // As Arkime: tcpseq.dst is the server's ISN only when its SYN-ACK came before any SYN, else 0.
            if (s.haveSyn) doc_.add_uint("tcpseq.src", s.clientIsn);
            if (s.haveSynAck) doc_.add_uint("tcpseq.dst", s.synAckFirst ? s.serverIsn : 0);
            if (s.haveSyn) {
                doc_.add_uint("srcISNCnt", s.clientIsns.size());
                if (s.haveAckTime && s.ackTimeUs >= s.synTimeUs)
                    doc_.add_uint("initRTT", init_rtt_ms(s.synTimeUs, s.ackTimeUs));
            }
        }
    }
    if (s.payload8Len[0]) append_hex(doc_.begin("srcPayload8"), s.payload8[0], s.payload8Len[0]);
    if (s.payload8Len[1]) append_hex(doc_.begin("dstPayload8"), s.payload8[1], s.payload8Len[1]);

    for (const std::string& t : opts_.tags)
        s.fields.add_string(*ctx_.registry, ctx_.core.tags, t);
    s.fields.emit(*ctx_.registry, doc_);
    doc_.add_uint("segmentCnt", s.segments + 1u);
    if (s.segments > 0 || !final) doc_.add_string("rootId", s.id);
    doc_.add_string("node", opts_.node);

    const std::vector<std::string>* protos = s.fields.strings(ctx_.core.protocol);
    out.protocols.clear();
    if (protos) {
        for (const std::string& p : *protos) {
            if (!out.protocols.empty()) out.protocols.push_back(',');
            out.protocols += p;
        }
    }
    out.json.clear();
    out.json.reserve(1024);
    doc_.finish(out.json);
}

}  // namespace flowdex::session
