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
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : flowdex::cli::kExitUsage;
    }
    if (app.got_subcommand("capture")) return flowdex::cli::run_capture(capture);
    if (app.got_subcommand("fields")) return flowdex::cli::run_fields(fieldsArgs);
    if (app.got_subcommand("files")) return flowdex::cli::run_files(filesArgs);
    return flowdex::cli::kExitUsage;
}
