#include "core/byte_reader.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace {

constexpr uint16_t kGtpUserPort = 2152;
constexpr uint32_t kHeader = 8;
constexpr uint32_t kOptional = 4;
constexpr uint8_t kVersion1 = 1;
constexpr uint8_t kTpdu = 0xff;
constexpr uint8_t kFlagsExtSeqNpdu = 0x07;
constexpr uint8_t kFlagExtension = 0x04;

PacketRC gtp(Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void*) {
    if (len < kHeader || (data[0] >> 5) != kVersion1 || data[1] != kTpdu) return PacketRC::UnknownIp;
    uint32_t n = kHeader;
    if (data[0] & kFlagsExtSeqNpdu) {
        n += kOptional;
        if (n > len) return PacketRC::UnknownIp;
        if (data[0] & kFlagExtension) {
            uint8_t next = data[n - 1];
            while (next != 0) {
                if (n >= len) return PacketRC::UnknownIp;
                uint32_t extLen = data[n] * 4u;
                if (extLen == 0 || n + extLen > len) return PacketRC::UnknownIp;
                next = data[n + extLen - 1];
                n += extLen;
            }
        }
    }
    if (n >= len) return PacketRC::UnknownIp;
    uint8_t version = data[n] >> 4;
    if (version != 4 && version != 6) return PacketRC::UnknownIp;
    p.tunnel = p.tunnel | Tunnel::Gtp;
    return d.run_ethernet(p, data + n, len - n, version == 6 ? ethertype::kIpv6 : ethertype::kIpv4);
}

}  // namespace

void register_gtp(Decoder& d) {
    d.set_udp_port_handler(kGtpUserPort, {gtp, nullptr, "gtp"});
}

}  // namespace flowdex::decode
