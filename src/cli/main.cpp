// flowdex: capture files in, one Arkime-compatible record per session out.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"

namespace flowdex::cli {

// Option definitions live here so CLI11, a heavy header-only library, is compiled once.
void add_capture_command(CLI::App& app, CaptureArgs& a) {
    CLI::App* c = app.add_subcommand("capture", "Read captures and save one record per session");
    c->add_option("-r,--pcapfile", a.files, "Capture file to read (repeatable; - for standard input)");
    c->add_option("-R,--pcapdir", a.dirs, "Folder of capture files to read (repeatable)");
    c->add_flag("--recursive", a.recursive, "Read folders given with -R recursively");
    c->add_option("-i,--interface", a.interfaces, "Live interface to capture from (libpcap)");
    c->add_option("-c,--config", a.configFile, "INI config file ([default] section, Arkime key names)");
    c->add_option("-o,--option", a.overrides, "Override a config key: key=value (repeatable)");
    c->add_option("-t,--tag", a.tags, "Tag added to every session (repeatable)");
    c->add_option("-n,--node", a.node, "Node name stored with every session");
    c->add_option("--db", a.db, "SQLite store to write (default ./flowdex.db)");
    c->add_flag("--no-db", a.noDb, "Do not write the SQLite store");
    c->add_option("--json", a.json, "Also write NDJSON records to PATH (- for standard output)");
    c->add_flag("-q,--quiet", a.quiet, "No progress line");
    c->add_option("--parsers", a.parsers, "Folder of Python parser scripts, searched before parsersDir (repeatable)");
}

void add_fields_command(CLI::App& app, FieldsArgs& a) {
    CLI::App* c = app.add_subcommand("fields", "List every field: expression, db name, kind, friendly name, help");
    c->add_flag("--json", a.json, "Print a JSON array");
    c->add_option("-c,--config", a.configFile, "INI config file");
    c->add_option("-o,--option", a.overrides, "Override a config key: key=value (repeatable)");
    c->add_option("--parsers", a.parsers, "Folder of Python parser scripts whose fields to list (repeatable)");
}

void add_files_command(CLI::App& app, FilesArgs& a) {
    CLI::App* c = app.add_subcommand("files", "List the input files recorded in a store");
    c->add_option("--db", a.db, "SQLite store (default ./flowdex.db)");
    c->add_flag("--json", a.json, "Print a JSON array of objects");
}

namespace {
void add_common(CLI::App* c, PipelineCommon& a) {
    c->add_flag("-v,--verbose", a.verbosity,
                "More log output: -v errors, -vv warnings, -vvv info, -vvvv debug (also PCAP_PIPELINE_VERBOSITY)");
    c->add_option("--node", a.node, "Node name (default: the host name)");
    c->add_option("--db", a.db, "SQLite store holding the ledger (and the sessions) (default ./flowdex.db)");
}

void add_monitor_options(CLI::App* c, MonitorArgs& a, bool standalone) {
    c->add_option("UPLOAD_DIR", a.uploadDir, "Folder to watch for uploaded captures")->required();
    auto* processed = c->add_option("--processed", a.processedDir, "Folder captures are moved to and published from");
    if (standalone) processed->required();
    c->add_option("--rejected", a.rejectedDir,
                  "Folder for files that are not captures, each with a .reason file (default: rejected beside the "
                  "processed folder)");
    c->add_flag("--polling", a.polling, "Scan the folder instead of using inotify (network file systems)");
    c->add_option("--settle", a.settle, "Seconds a file must stay unchanged to be ready (default 10)");
    c->add_option("--poll-interval", a.pollInterval, "Seconds between scans in polling mode (default 1)");
    c->add_option("--min-size", a.minSize, "Smaller files are rejected (default 24 bytes)");
    c->add_option("--max-size", a.maxSize, "Larger files, packed or unpacked, are rejected (default 50 GiB)");
}

void add_process_options(CLI::App* c, ProcessArgs& a) {
    c->add_option("--workers", a.workers, "Analyses at a time (default 1)");
    c->add_option("--timeout", a.timeout, "Seconds an analysis may take before it is ended (default 7200; 0: none)");
    c->add_option("--retries", a.retries, "Further attempts after a failed or timed-out one (default 2)");
    c->add_option("-c,--config", a.configFile, "INI config file passed to each analysis");
    c->add_option("-o,--option", a.overrides, "Config override passed to each analysis: key=value (repeatable)");
}
}  // namespace

void add_monitor_command(CLI::App& app, MonitorArgs& a) {
    CLI::App* c = app.add_subcommand("monitor", "Watch an upload folder and publish each capture on ZeroMQ");
    add_monitor_options(c, a, true);
    add_common(c, a.common);
    c->add_option("--publish", a.publish, "Endpoint to bind (repeatable; default tcp://*:30441)");
    c->add_flag("--push", a.push, "Work-queue mode: PUSH each file to one processor instead of PUB to all");
}

void add_process_command(CLI::App& app, ProcessArgs& a) {
    CLI::App* c = app.add_subcommand("process", "Subscribe to a monitor and analyse each published capture");
    c->add_option("--connect", a.connect, "Monitor endpoint, e.g. tcp://HOST:30441 (repeatable)")->required();
    c->add_flag("--pull", a.pull, "Work-queue mode: PULL from a monitor started with --push");
    c->add_option("--pcap-dir", a.pcapDirs, "Folder(s) where published names are found (comma-separated or repeated)")
        ->required()
        ->delimiter(',');
    add_process_options(c, a);
    add_common(c, a.common);
    c->add_flag("--no-catch-up", a.noCatchUp, "Do not scan the capture folders at start-up (default with --pull)");
    c->add_flag("--catch-up", a.catchUp, "Scan the capture folders at start-up even with --pull");
}

void add_pipeline_command(CLI::App& app, PipelineArgs& a) {
    CLI::App* c = app.add_subcommand("pipeline", "Monitor and processor in one process, for a single machine");
    add_monitor_options(c, a.monitor, false);
    add_process_options(c, a.process);
    add_common(c, a.monitor.common);
    c->add_option("--publish", a.monitor.publish,
                  "Also publish on this endpoint for other subscribers, e.g. tcp://*:30441 (repeatable)");
}

}  // namespace flowdex::cli

int main(int argc, char** argv) {
    // A closed pipe on --json - must become an error we report, not a silent death.
    std::signal(SIGPIPE, SIG_IGN);
    CLI::App app{"flowdex: network captures to searchable sessions"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string(flowdex::cli::kVersion));
    flowdex::cli::CaptureArgs capture;
    flowdex::cli::add_capture_command(app, capture);
    flowdex::cli::FieldsArgs fieldsArgs;
    flowdex::cli::add_fields_command(app, fieldsArgs);
    flowdex::cli::FilesArgs filesArgs;
    flowdex::cli::add_files_command(app, filesArgs);
    flowdex::cli::MonitorArgs monitorArgs;
    flowdex::cli::add_monitor_command(app, monitorArgs);
    flowdex::cli::ProcessArgs processArgs;
    flowdex::cli::add_process_command(app, processArgs);
    flowdex::cli::PipelineArgs pipelineArgs;
    flowdex::cli::add_pipeline_command(app, pipelineArgs);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : flowdex::cli::kExitUsage;
    }
    if (app.got_subcommand("capture")) return flowdex::cli::run_capture(capture);
    if (app.got_subcommand("fields")) return flowdex::cli::run_fields(fieldsArgs);
    if (app.got_subcommand("files")) return flowdex::cli::run_files(filesArgs);
    if (app.got_subcommand("monitor")) return flowdex::cli::run_monitor(monitorArgs);
    if (app.got_subcommand("process")) return flowdex::cli::run_process(processArgs);
    if (app.got_subcommand("pipeline")) return flowdex::cli::run_pipeline(pipelineArgs);
    return flowdex::cli::kExitUsage;
}
