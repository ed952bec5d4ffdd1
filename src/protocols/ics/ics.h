#pragma once
/// Industrial protocols whose name shows only after the first payload, and their fields:
/// - S7 over TPKT/COTP (TCP, RFC 1006): a TPKT stream whose COTP data (DT) TPDUs carry S7 PDUs.
///   Protocol id 0x32 names `s7comm` (on whichever message it appears — the first payload is
///   usually the COTP connection request) and gives `s7comm.rosctr`, `s7comm.pduref`, for Ack /
///   Ack_Data the non-zero `s7comm.errorClass` and `s7comm.errorCode`, and the first parameter
///   byte as `s7comm.func` with its name `s7comm.funcName` (Read Var, Write Var, Setup
///   communication, PLC Control, PLC Stop, CPU services for user data, …). Protocol id 0x72 names
///   `s7comm-plus` and gives the opcode (after version, length and the integrity digest, whose
///   length byte comes first) → `s7comm.opcode`.
/// - EtherNet/IP encapsulation (port 44818, TCP stream or one message per UDP datagram): every
///   message's command → `enip.command` and status → `enip.status`; SendRRData (0x6f) or
///   SendUnitData (0x70) names `cip`, and their connected (0xb1) / unconnected (0xb2) data items
///   give the CIP service → `enip.service` (request names, "Service-0xNN" when unknown; replies
///   by name or "Reply") and the class of a request's path → `enip.class` (CIP object names,
///   "Class-0xNN" when unknown); a successful ListIdentity reply's identity items give
///   `enip.vendor` (name, "Vendor-N" when unknown), `enip.deviceType` ("DeviceType-0xNNNN") and
///   `enip.product`.
/// The followers frame messages with ics::Framer (frames.h); a message that is not TPKT / has an
/// unknown encapsulation command ends that direction. Bounds: at most kMaxKept bytes of a message
/// are kept (the fields come from its start), and at most kMaxMessages messages are read.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::ics {

constexpr size_t kMaxMessages = 4096;
constexpr size_t kMaxKept = 1024;

void register_ics(Registries& r);

}  // namespace flowdex::protocols::ics

namespace flowdex::protocols {
using ics::register_ics;
}
