#pragma once
/// DNP3 (IEEE 1815) link frames over TCP or UDP port 20000. The name `dnp3` comes from the
/// signature table; this module attaches its parser when a first payload (TCP or UDP, usually
/// port 20000) starts with the 0x05 0x64 start bytes and reads every link frame of both directions (several may share
/// a segment or datagram, one may span segments):
/// - the link header's destination and source addresses → `dnp3.dst`, `dnp3.src`;
/// - frames with user data (whatever their link function code) whose transport header starts a
///   fragment (FIR): the application function code → `dnp3.func` and its name → `dnp3.funcName` (Read,
///   Write, DirectOperate, ColdRestart, Response, UnsolicitedResponse, …).
/// A frame is LEN (control, addresses and user data) plus a 2-byte CRC after the header and after
/// every 16 bytes of user data; CRCs are not checked. On TCP, bytes that do not start a frame are
/// skipped up to the next start bytes. Bounds: at most kMaxFrame bytes of a frame are kept (the
/// fields are all in the first 13); nothing is kept between UDP datagrams.
#include <cstddef>
#include <cstdint>

#include "protocols/protocols.h"

namespace flowdex::protocols::dnp3 {

constexpr size_t kMaxFrame = 16;

void register_dnp3(Registries& r);

}  // namespace flowdex::protocols::dnp3

namespace flowdex::protocols {
using dnp3::register_dnp3;
}
