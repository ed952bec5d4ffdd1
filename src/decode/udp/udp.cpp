#include <algorithm>

#include "core/byte_reader.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace {

constexpr uint32_t kHeader = 8;
constexpr uint32_t kMinTunnelPayload = 8;
constexpr uint16_t kDhcpServer = 67;
constexpr uint16_t kDhcpClient = 68;
constexpr uint16_t kDhcp6Client = 546;
constexpr uint16_t kDhcp6Server = 547;
constexpr uint32_t kDhcpChaddrEnd = 34;

PacketRC udp(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    if (len < kHeader) return d.note(Outcome::Truncated), PacketRC::Corrupt;
    p.l4Offset = offset_of(p, data);
    p.srcPort = load_be16(data);
    p.dstPort = load_be16(data + 2);
    uint32_t ulen = load_be16(data + 4);
    if (ulen < kHeader) return d.note(Outcome::BadHeader), PacketRC::Corrupt;
    uint32_t avail = static_cast<uint32_t>(p.caplen - p.l4Offset);
    uint32_t dataLen = std::min(ulen, avail);
    dataLen = dataLen > kHeader ? dataLen - kHeader : 0;
    dataLen = std::min(dataLen, len - kHeader);
    if (dataLen > kMinTunnelPayload) {
        // A tunnel on the destination port decodes the inner packet; if it declines, this stays UDP.
        Packet saved = p;
        PacketRC rc = d.run_udp_port(p, data + kHeader, dataLen, p.dstPort);
        if (rc != PacketRC::UnknownIp && rc != PacketRC::UnknownEther) return rc;
        p = saved;
    }
    p.payloadOffset = offset_of(p, data + kHeader);
    p.payloadLen = dataLen;
    // DHCP replies go to another address than the request came from: key on what they share.
    bool dhcp = (p.srcPort == kDhcpClient && p.dstPort == kDhcpServer) ||
                (p.srcPort == kDhcpServer && p.dstPort == kDhcpClient);
    auto dhcp6Port = [](uint16_t port) { return port == kDhcp6Client || port == kDhcp6Server; };
    bool dhcp6 = dhcp6Port(p.srcPort) && dhcp6Port(p.dstPort);
    const uint8_t* bootp = data + kHeader;
    if (dhcp && !p.v6 && dataLen >= kDhcpChaddrEnd && (bootp[0] == 1 || bootp[0] == 2) && bootp[1] == 1 &&
        bootp[2] == 6)
        p.keyMode = KeyMode::Dhcp;
    if (dhcp6 && p.v6 && dataLen >= 4) p.keyMode = KeyMode::Dhcpv6;
    d.finish_ip(p, SessionKind::Udp);
    return PacketRC::DoProcess;
}

}  // namespace

void register_udp(Decoder& d) {
    d.set_ip_handler(ipproto::kUdp, {udp, nullptr, "udp"});
}

}  // namespace flowdex::decode
