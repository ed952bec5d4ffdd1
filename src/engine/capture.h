#pragma once
/// The capture job: inputs → reader → decoder → packet threads (flow tables) → writer.
///
/// With one packet thread everything runs inline on the calling thread (read a batch, decode it,
/// add it to the flow table). With N > 1 the calling thread reads and decodes, then hands each
/// packet to the thread that owns its session (flow hash modulo N) in batches; every thread has
/// its own flow table, record builder and timers, so the records are the same as with one thread.
/// Saved records go to the writer (usually a QueuedWriter, so storage runs on its own thread).
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "classify/classifier.h"
#include "config/config.h"
#include "decode/decoder.h"
#include "fields/field_registry.h"
#include "reader/pcap_source.h"
#include "session/flow_table.h"
#include "session/hooks.h"
#include "session/record.h"
#include "store/writer.h"

namespace flowdex::engine {

struct Input {
    enum class Kind : uint8_t { File, Stdin, Interface } kind = Kind::File;
    std::string path;  ///< file path, "-" or interface name
};

struct CaptureSettings {
    session::TableSettings table;
    decode::DecoderOptions decoder;
    unsigned packetThreads = 1;
    session::RecordOptions record;
    bool quiet = false;
    bool progress = false;  ///< print a progress line on standard error once a second

    /// Reads every engine setting from `cfg` (throws config::ConfigError naming the key).
    static CaptureSettings from_config(const config::Config& cfg);
};

/// Expands files and folders (recursively on request) into the ordered list of inputs; folders
/// contribute their *.pcap, *.pcapng, *.cap and *.dmp files sorted by name. Throws
/// std::runtime_error naming a path that does not exist.
std::vector<Input> expand_inputs(const std::vector<std::string>& files, const std::vector<std::string>& dirs,
                                 bool recursive, const std::vector<std::string>& interfaces);

struct InputResult {
    std::string name;
    uint64_t packets = 0;
    uint64_t bytes = 0;
    uint64_t sessions = 0;  ///< sessions whose first packet came from this input
    bool skipped = false;   ///< already loaded completely
    std::string error;      ///< empty when read to the end
};

struct CaptureSummary {
    uint64_t packets = 0;
    uint64_t bytes = 0;
    uint64_t sessions = 0;  ///< records written (segments included)
    decode::DecodeStats decode;
    std::vector<InputResult> inputs;
    double seconds = 0;
    uint64_t peakOpenSessions = 0;
    uint64_t parserBudgetSessions = 0;  ///< sessions whose parsers hit maxParserBuffer (TableStats)
    uint64_t parserHeldAtFree = 0;      ///< sessions freed with parser bytes still counted: a bug, reported
    bool failed() const;
};

class CaptureEngine {
  public:
    /// `writer` may be null (no output). Registries must be frozen before run().
    CaptureEngine(CaptureSettings settings, fields::FieldRegistry& registry,
                  const classify::ClassifierRegistry& classifiers, const session::HookRegistry& hooks,
                  store::Writer* writer);
    ~CaptureEngine();
    CaptureEngine(const CaptureEngine&) = delete;
    CaptureEngine& operator=(const CaptureEngine&) = delete;

    /// The reader thread's decoder (ethernet/IP handlers may be replaced before run()).
    decode::Decoder& decoder() { return decoder_; }
    const session::Context& context() const { return ctx_; }

    /// Processes every input in order and saves all sessions at the end.
    CaptureSummary run(const std::vector<Input>& inputs);
    /// Asks a running capture to stop after the current batch (signal-safe: an atomic flag and
    /// pcap_breakloop(), which wakes a live capture that is waiting for packets).
    void request_stop() {
        stop_.store(true, std::memory_order_relaxed);
        if (reader::PcapSource* live = liveSource_.load(std::memory_order_acquire)) live->break_loop();
    }

  private:
    struct Worker;
    CaptureSettings settings_;
    fields::FieldRegistry& registry_;
    session::Context ctx_;
    store::Writer* writer_;
    decode::Decoder decoder_;
    std::atomic<bool> stop_{false};
    std::atomic<reader::PcapSource*> liveSource_{nullptr};
};

/// Formats the end-of-run summary (several lines, no trailing newline).
std::string format_summary(const CaptureSummary& s);

}  // namespace flowdex::engine
