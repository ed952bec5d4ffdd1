#pragma once
/// The monitor: watches an upload folder, moves each capture to the processed folder (unpacking
/// gzip/zstd/xz ones there), rejects everything else to a rejected folder with a `.reason` file
/// beside it, and publishes one message per capture (wire.h) on a ZeroMQ socket.
///
/// Readiness (../shared/spec/pipeline.md): a file created in the watched folder is ready when it
/// was closed after writing (inotify IN_CLOSE_WRITE; however long the writer pauses before that);
/// one moved in, present at start-up, or seen in polling mode (the folder scanned instead of
/// watched) when it has not changed for `settleSeconds`. Sub-folders are
/// watched too; a message's `name` is the path relative to the upload folder (and so to the
/// processed folder).
///
/// Nothing is lost: the socket is an XPUB (a PUB to every subscriber) that holds messages while
/// no subscriber is connected and sends them when one subscribes; in work-queue mode a PUSH
/// socket holds them until a puller connects. Each sent message is recorded in the ledger; at
/// start-up captures in the processed folder that the ledger has not seen published (a crash
/// between move and send) are published.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/log.h"

namespace zmq {
class context_t;
}

namespace flowdex::pipeline {

struct MonitorOptions {
    std::string uploadDir;
    std::string processedDir;
    std::string rejectedDir;             ///< default: `rejected` beside the processed folder
    std::string db = "./flowdex.db";     ///< the store holding the ledger
    std::vector<std::string> endpoints;  ///< bound; default tcp://*:30441
    bool push = false;                   ///< PUSH (work queue) instead of PUB
    std::string node;                    ///< default: the host name
    bool polling = false;                ///< scan instead of inotify
    double settleSeconds = 10;           ///< unchanged this long → ready
    double pollSeconds = 1;              ///< polling interval
    uint64_t minSize = 24;               ///< smaller files are rejected
    uint64_t maxSize = 50ull << 30;      ///< larger files (and larger unpacked files) are rejected
    Log log;
};

/// Runs until `stop` becomes true. Throws std::runtime_error on start-up failures (folders,
/// store, socket bind); per-file problems are logged and the file rejected or left for later.
void run_monitor(const MonitorOptions& options, zmq::context_t& ctx, const std::atomic<bool>& stop);

/// The host name, or "flowdex" when it cannot be read.
std::string default_node_name();

}  // namespace flowdex::pipeline
