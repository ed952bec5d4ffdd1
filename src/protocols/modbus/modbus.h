#pragma once
/// Modbus/TCP (MBAP header + PDU) on port 502. The name `modbus` comes from the signature table;
/// this module attaches its parser when a first payload on port 502 holds a whole MBAP frame
/// (protocol id 0, length 2–254 and no longer than the payload), then reads every frame of both
/// directions. Requests are the frames sent to port 502 (to the server when neither or both ends
/// use it), responses the frames sent from it:
/// - the first frame's unit id → `modbus.unitid` and protocol id → `modbus.protocolid` (one value
///   each per session);
/// - requests: transaction id → `modbus.transactionid`, function code → `modbus.funccode`;
/// - exception responses (function code with bit 0x80): exception code → `modbus.exccode`.
/// A frame with a non-zero protocol id or an impossible length ends that direction. Bounds: at
/// most kMaxFrame bytes of a frame are kept.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::modbus {

constexpr size_t kMaxFrame = 16;
constexpr uint16_t kPort = 502;

void register_modbus(Registries& r);

}  // namespace flowdex::protocols::modbus

namespace flowdex::protocols {
using modbus::register_modbus;
}
