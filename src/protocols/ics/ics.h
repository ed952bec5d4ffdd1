#pragma once
/// Industrial protocols whose name shows only after the first payload:
/// - S7 over TPKT/COTP (TCP): a TPKT stream whose COTP data (DT) carries an S7 PDU names
///   `s7comm` (protocol id 0x32) or `s7comm-plus` (0x72), on whichever packet it appears — the
///   first payload is usually the COTP connection request;
/// - EtherNet/IP (port 44818, TCP or UDP): an encapsulation message SendRRData (0x6f) or
///   SendUnitData (0x70) names `cip`.
/// The followers walk the message framing (TPKT length, ENIP header length) across payload
/// pieces with a few bytes of state, and stop after kMaxMessages messages or once named.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::ics {

constexpr size_t kMaxMessages = 64;

void register_ics(Registries& r);

}  // namespace flowdex::protocols::ics

namespace flowdex::protocols {
using ics::register_ics;
}
