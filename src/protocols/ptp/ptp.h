#pragma once
/// PTP (IEEE 1588-2008, version 2) over UDP ports 319/320: every datagram with a 34-byte common
/// header of version 2 → its message type by name in `ptp.msgType` (sync, delay_req, pdelay_req,
/// pdelay_resp, follow_up, delay_resp, pdelay_resp_follow_up, announce, signaling, management)
/// and the source port identity's clock identity, eight colon-separated hex bytes → `ptp.clockId`.
/// Stateless.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::ptp {

constexpr size_t kHeader = 34;

void register_ptp(Registries& r);

}  // namespace flowdex::protocols::ptp

namespace flowdex::protocols {
using ptp::register_ptp;
}
