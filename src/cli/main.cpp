// flowdex: capture files in, one Arkime-compatible record per session out.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
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
