#pragma once
/// The processor: subscribes to a monitor (ours or Malcolm's), queues each file, and analyses it
/// as `flowdex capture -r FILE --tag … -n NODE` would, into the store.
///
/// Each analysis runs as a child process (`EXE capture …`), so a hung or crashing analysis is
/// ended at the timeout (SIGTERM, then SIGKILL) without harming the processor, and retried up to
/// `retries` more times before the file is marked failed with the reason. Per-file status lives
/// in the ledger (ledger.h); at start-up rows left queued or running are queued again and, unless
/// disabled, the capture folders are scanned for captures the ledger has no finished row for, so
/// files published while the processor was down are analysed too. A file (name + fingerprint)
/// that is done, failed or rejected is never analysed again.
///
/// Message handling (../shared/spec/pipeline.md): `name` is resolved against the capture folders
/// in order (names that are absolute or climb out with `..` are refused); tags are the message's
/// (or, when it has none, those of the name) minus USERTAG, AUTO*, NBSITEID*, plus EXTRA_TAGS; the
/// node is `<node>-upload` unless the file is live.
///
/// Test hook: when the environment variable FLOWDEX_TEST_HANG_MATCH is set and a file's path
/// contains its value, that file's analysis child sleeps instead of analysing (to test timeouts).
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/log.h"

namespace zmq {
class context_t;
}

namespace flowdex::pipeline {

struct ProcessorOptions {
    std::vector<std::string> endpoints;  ///< connected; e.g. tcp://127.0.0.1:30441
    bool pull = false;                   ///< PULL (work queue) instead of SUB
    std::vector<std::string> pcapDirs;
    std::string db = "./flowdex.db";
    unsigned workers = 1;
    double timeoutSeconds = 7200;  ///< per analysis attempt; 0: none
    unsigned retries = 2;          ///< further attempts after a failed one
    std::string node;              ///< default: the host name
    std::vector<std::string> extraTags;
    bool catchUp = true;                 ///< scan the capture folders at start-up
    std::string exe;                     ///< the flowdex binary (default /proc/self/exe)
    std::string configFile;              ///< passed to capture as -c
    std::vector<std::string> overrides;  ///< passed to capture as -o
    Log log;
};

/// Runs until `stop` becomes true (in-flight analyses are then ended and left queued for the next
/// start). Throws std::runtime_error on start-up failures.
void run_processor(const ProcessorOptions& options, zmq::context_t& ctx, const std::atomic<bool>& stop);

}  // namespace flowdex::pipeline
