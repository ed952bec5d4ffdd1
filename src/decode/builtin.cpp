#include "decode/layers.h"

namespace flowdex::decode {

void register_builtin_layers(Decoder& d) {
    register_ethernet(d);
    register_vlan(d);
    register_mpls(d);
    register_pppoe(d);
    register_arp(d);
    register_other(d);
    register_ipv4(d);
    register_ipv6(d);
    register_gre(d);
    register_tcp(d);
    register_udp(d);
    register_sctp(d);
    register_icmp(d);
    register_esp(d);
    register_vxlan(d);
    register_geneve(d);
    register_gtp(d);
    register_nsh(d);
}

}  // namespace flowdex::decode
