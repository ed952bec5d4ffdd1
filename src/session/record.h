#pragma once
/// Turning a saved session into its sessions3 record (see ../shared/spec/sessions.md).
///
/// Core fields come from the session's counters; every other field comes from its FieldValues,
/// nested by db name. One RecordBuilder per packet thread: its buffers are reused, so building a
/// record allocates only the strings that leave with it.
#include <string>
#include <vector>

#include "core/json.h"
#include "session/flow_table.h"
#include "store/writer.h"

namespace flowdex::session {

struct RecordOptions {
    std::string node = "flowdex";
    /// Added to every session's `tags` (from -t/--tag and the processor's tag rules).
    std::vector<std::string> tags;
};

/// `initRTT` in ms: half the time from the client's SYN to its ACK of the SYN-ACK, computed as Arkime
/// computes it: whole seconds apart × 1000, plus the microsecond parts' difference divided by 1000
/// (truncated toward zero, so it may be negative), then halved. When the two times fall in different
/// seconds this is up to 1 ms more than truncating the exact half (all 275 corpus handshakes agree).
constexpr uint64_t init_rtt_ms(uint64_t synUs, uint64_t ackUs) {
    constexpr int64_t kUs = 1000000, kMs = 1000;
    const int64_t secs = static_cast<int64_t>(ackUs / kUs) - static_cast<int64_t>(synUs / kUs);
    const int64_t micros = static_cast<int64_t>(ackUs % kUs) - static_cast<int64_t>(synUs % kUs);
    const int64_t ms = secs * kMs + micros / kMs;
    return ms > 0 ? static_cast<uint64_t>(ms / 2) : 0;
}

class RecordBuilder {
  public:
    RecordBuilder(const Context& ctx, const RecordOptions& opts) : ctx_(ctx), opts_(opts) {}

    /// Fills `out` (id, columns, json). `fileSalt` identifies the first file of the session so
    /// that ids are stable across runs over the same capture. `fileId` is the store's file id.
    void build(Session& s, bool final, uint64_t fileSalt, int64_t fileId, store::SessionRecord& out);

  private:
    const Context& ctx_;
    const RecordOptions& opts_;
    DocBuilder doc_;
};

}  // namespace flowdex::session
