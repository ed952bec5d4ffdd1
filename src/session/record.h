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
