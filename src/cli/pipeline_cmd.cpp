#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <thread>
#include <zmq.hpp>

#include "cli/commands.h"
#include "pipeline/monitor.h"
#include "pipeline/processor.h"
#include "pipeline/tags.h"

namespace flowdex::cli {
namespace {

std::atomic<bool> gStop{false};

extern "C" void on_stop_signal(int) {
    gStop.store(true);
}

void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

pipeline::Log make_log(const PipelineCommon& c) {
    int v = c.verbosity;
    if (const char* env = std::getenv("PCAP_PIPELINE_VERBOSITY"))
        v = std::max(v, pipeline::verbosity_from_env_text(env));
    return pipeline::Log(pipeline::level_for_verbosity(v));
}

pipeline::MonitorOptions monitor_options(const MonitorArgs& a) {
    pipeline::MonitorOptions o;
    o.uploadDir = a.uploadDir;
    o.processedDir = a.processedDir;
    o.rejectedDir = a.rejectedDir;
    o.db = a.common.db;
    o.endpoints = a.publish;
    o.push = a.push;
    o.node = a.common.node;
    o.polling = a.polling;
    o.settleSeconds = a.settle;
    o.pollSeconds = a.pollInterval;
    o.minSize = a.minSize;
    o.maxSize = a.maxSize;
    o.log = make_log(a.common);
    return o;
}

pipeline::ProcessorOptions process_options(const ProcessArgs& a, const PipelineCommon& common) {
    pipeline::ProcessorOptions o;
    o.endpoints = a.connect;
    o.pull = a.pull;
    o.pcapDirs = a.pcapDirs;
    o.db = common.db;
    o.workers = a.workers;
    o.timeoutSeconds = a.timeout;
    o.retries = a.retries;
    o.node = common.node;
    if (const char* extra = std::getenv("EXTRA_TAGS")) o.extraTags = pipeline::split_list(extra);
    o.catchUp = a.catchUp || (!a.noCatchUp && !a.pull);
    o.configFile = a.configFile;
    o.overrides = a.overrides;
    o.log = make_log(common);
    return o;
}

}  // namespace

int run_monitor(const MonitorArgs& a) {
    install_stop_handlers();
    try {
        zmq::context_t ctx;
        pipeline::run_monitor(monitor_options(a), ctx, gStop);
    } catch (const std::exception& e) {
        std::cerr << "flowdex monitor: " << e.what() << "\n";
        return kExitUsage;
    }
    return kExitOk;
}

int run_process(const ProcessArgs& a) {
    install_stop_handlers();
    try {
        zmq::context_t ctx;
        pipeline::run_processor(process_options(a, a.common), ctx, gStop);
    } catch (const std::exception& e) {
        std::cerr << "flowdex process: " << e.what() << "\n";
        return kExitUsage;
    }
    return kExitOk;
}

int run_pipeline(const PipelineArgs& a) {
    install_stop_handlers();
    constexpr const char* kInternal = "inproc://flowdex-pipeline";
    MonitorArgs m = a.monitor;
    if (m.processedDir.empty())
        m.processedDir =
            (std::filesystem::absolute(m.uploadDir).lexically_normal().parent_path() / "processed").string();
    m.publish.insert(m.publish.begin(), kInternal);
    ProcessArgs p = a.process;
    p.connect = {kInternal};
    p.pcapDirs = {m.processedDir};
    try {
        std::filesystem::create_directories(m.processedDir);  // the processor checks it at once
        zmq::context_t ctx;
        pipeline::MonitorOptions mo = monitor_options(m);
        pipeline::ProcessorOptions po = process_options(p, m.common);
        std::exception_ptr monitorError;
        std::atomic<bool> stopAll{false};
        // A failure of either side (a bind, the store) ends both.
        std::thread monitor([&] {
            try {
                pipeline::run_monitor(mo, ctx, stopAll);
            } catch (...) {
                monitorError = std::current_exception();
            }
            stopAll.store(true);
        });
        std::thread watcher([&] {
            while (!stopAll.load()) {
                if (gStop.load()) stopAll.store(true);
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        });
        std::exception_ptr processorError;
        try {
            pipeline::run_processor(po, ctx, stopAll);
        } catch (...) {
            processorError = std::current_exception();
        }
        stopAll.store(true);
        monitor.join();
        watcher.join();
        if (monitorError) std::rethrow_exception(monitorError);
        if (processorError) std::rethrow_exception(processorError);
    } catch (const std::exception& e) {
        std::cerr << "flowdex pipeline: " << e.what() << "\n";
        return kExitUsage;
    }
    return kExitOk;
}

}  // namespace flowdex::cli
