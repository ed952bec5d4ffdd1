#pragma once
/// IEEE C37.118.2 synchrophasor frames over TCP (a stream of frames, each carrying its size) or
/// UDP (one frame per datagram). The name `synchrophasor` comes from the signature table; this
/// module attaches its parser to sessions whose first payload starts with the 0xAA sync byte and
/// reads every frame of both directions:
/// - the frame type from the SYNC word → `synchrophasor.frameType` (data, header, cfg1, cfg2,
///   command, cfg3) and the header's IDCODE → `synchrophasor.idcode`;
/// - command frames: CMD → `synchrophasor.cmd`;
/// - configuration frames (CFG-1/CFG-2 with fixed 16-byte names, CFG-3 with length-prefixed
///   names, scale words and PMU location): NUM_PMU → `synchrophasor.numPMU`, each PMU's station
///   name (trailing spaces and NULs trimmed) → `synchrophasor.station`, and DATA_RATE (signed:
///   negative is seconds per frame) → `synchrophasor.dataRate`.
/// On TCP, bytes that do not start a frame are skipped up to the next sync byte. Bounds: at most
/// kMaxFrame bytes of a frame are kept (a configuration frame is read as far as those go); the
/// rest of a longer frame is skipped without being stored.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::synchrophasor {

constexpr size_t kMaxFrame = 16384;

void register_synchrophasor(Registries& r);

}  // namespace flowdex::protocols::synchrophasor

namespace flowdex::protocols {
using synchrophasor::register_synchrophasor;
}
