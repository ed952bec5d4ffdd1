#pragma once
/// OpenVPN over UDP and TCP: the TLS handshake inside the control channel. The name `openvpn`
/// comes from the signature table (a hard-reset packet); this module attaches its parser on the
/// same first packet and hands the payloads of P_CONTROL_V1 packets, in packet-id order, to a
/// tls::CarriedStream, which fills `tls.*`, `cert` and `http.host` as for a TLS session.
///
/// Packets: opcode/key id (1), session id (8), with tls-auth an HMAC (SHA-1/256/512) + packet id +
/// time, an ack array (count, ids, remote session id), the packet id (4), then the TLS bytes. Over
/// TCP each packet has a 2-byte length in front. Whether tls-auth is on (and which HMAC) is found
/// on the first P_CONTROL_V1 packet: the layout whose payload starts a TLS record wins; when none
/// does (tls-crypt encrypts the channel), the parser stops.
/// Packets are taken in order per direction: a repeated packet id (retransmission) is skipped,
/// and a gap ends that direction's TLS stream.
///
/// Bounds: one TCP packet buffered per direction (at most kMaxPacket bytes); the TLS stream keeps
/// the limits of the TLS parser. The packets held count against the session's parser budget
/// (`maxParserBuffer`), with the TLS stream's bytes; when it refuses a packet the parser ends and
/// gives back all it held (fields already filled stay). A UDP datagram is read in place.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::openvpn {

constexpr size_t kMaxPacket = 65535 + 2;

void register_openvpn(Registries& r);

}  // namespace flowdex::protocols::openvpn

namespace flowdex::protocols {
using openvpn::register_openvpn;
}
