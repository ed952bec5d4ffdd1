#pragma once
/// Registration of the built-in layers, one folder each under src/decode/.
///
/// | folder     | registers                                   | notes                                   |
/// |------------|---------------------------------------------|-----------------------------------------|
/// | ethernet/  | Decoder::decode_ethernet, 802.3/LLC, TEB     | first ethertype kept for the record     |
/// | vlan/      | ethertypes 0x8100, 0x88a8, 0x9100            | every tag kept; innermost is the key's  |
/// | mpls/      | 0x8847, 0x8848                               | labels popped to bottom of stack        |
/// | pppoe/     | 0x8864 (PPPoE session), 0x880b (PPP)         |                                         |
/// | arp/       | 0x0806                                       | keyed by the address asked about        |
/// | other/     | LLDP 0x88cc, IS-IS (NLPID 0x83); IGMP, OSPF, PIM, VRRP by IP protocol | no ports |
/// | ipv4/      | 0x0800, IP protocol 4 (IP-in-IP)             | fragments reassembled (fragments.h)     |
/// | ipv6/      | 0x86dd, IP protocol 41                       | hop-by-hop, routing, dest-opts walked   |
/// | gre/       | IP protocol 47, ERSPAN I/II/III              |                                         |
/// | tcp/ udp/ sctp/ icmp/ esp/ | IP protocols 6, 17, 132, 1 and 58, 50 and 51 |                   |
/// | vxlan/ geneve/ gtp/ | UDP ports 4789 and 4790, 6081, 2152  | decoded only with > 8 bytes of payload  |
/// | nsh/       | 0x894f (Network Service Header)              |                                         |
/// | link/      | Decoder::decode (pcap link types)            | Ethernet, NULL, raw, SLL, SLL2, NFLOG, FR, radiotap |
#include "decode/decoder.h"

namespace flowdex::decode {

void register_ethernet(Decoder& d);
void register_vlan(Decoder& d);
void register_mpls(Decoder& d);
void register_pppoe(Decoder& d);
void register_arp(Decoder& d);
void register_other(Decoder& d);
void register_ipv4(Decoder& d);
void register_ipv6(Decoder& d);
void register_gre(Decoder& d);
void register_tcp(Decoder& d);
void register_udp(Decoder& d);
void register_sctp(Decoder& d);
void register_icmp(Decoder& d);
void register_esp(Decoder& d);
void register_vxlan(Decoder& d);
void register_geneve(Decoder& d);
void register_gtp(Decoder& d);
void register_nsh(Decoder& d);

/// Offset of `at` within the packet's bytes.
inline int32_t offset_of(const Packet& p, const uint8_t* at) {
    return static_cast<int32_t>(at - p.data);
}

/// Ethertypes the built-in layers use.
namespace ethertype {
constexpr uint16_t kIpv4 = 0x0800;
constexpr uint16_t kArp = 0x0806;
constexpr uint16_t kTeb = 0x6558;
constexpr uint16_t kVlan = 0x8100;
constexpr uint16_t kQinQ = 0x88a8;
constexpr uint16_t kQinQOld = 0x9100;
constexpr uint16_t kIpv6 = 0x86dd;
constexpr uint16_t kPpp = 0x880b;
constexpr uint16_t kMplsUnicast = 0x8847;
constexpr uint16_t kMplsMulticast = 0x8848;
constexpr uint16_t kPppoeDiscovery = 0x8863;
constexpr uint16_t kPppoeSession = 0x8864;
constexpr uint16_t kErspan2 = 0x88be;
constexpr uint16_t kErspan3 = 0x22eb;
constexpr uint16_t kLldp = 0x88cc;
constexpr uint16_t kMax8023Length = 1500;
}  // namespace ethertype

namespace ipproto {
constexpr uint8_t kIcmp = 1;
constexpr uint8_t kIgmp = 2;
constexpr uint8_t kIpip = 4;
constexpr uint8_t kTcp = 6;
constexpr uint8_t kUdp = 17;
constexpr uint8_t kIpv6 = 41;
constexpr uint8_t kIpv6Route = 43;
constexpr uint8_t kIpv6Frag = 44;
constexpr uint8_t kGre = 47;
constexpr uint8_t kEsp = 50;
constexpr uint8_t kAh = 51;
constexpr uint8_t kIcmpv6 = 58;
constexpr uint8_t kIpv6DstOpts = 60;
constexpr uint8_t kIpv6HopByHop = 0;
constexpr uint8_t kOspf = 89;
constexpr uint8_t kPim = 103;
constexpr uint8_t kVrrp = 112;
constexpr uint8_t kSctp = 132;
}  // namespace ipproto

}  // namespace flowdex::decode
