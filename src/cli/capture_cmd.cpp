#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "engine/capture.h"
#include "store/ndjson/ndjson_writer.h"
#include "store/queued_writer.h"
#include "store/sqlite/sqlite_writer.h"

namespace flowdex::cli {
namespace {

engine::CaptureEngine* gEngine = nullptr;

extern "C" void on_signal(int) {
    if (gEngine) gEngine->request_stop();
}

}  // namespace

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
}

int run_capture(const CaptureArgs& a) {
    if (a.files.empty() && a.dirs.empty() && a.interfaces.empty()) {
        std::cerr << "flowdex capture: nothing to read: give -r FILE, -R DIR or -i IFACE\n";
        return kExitUsage;
    }
    engine::CaptureSettings settings;
    std::vector<engine::Input> inputs;
    std::unique_ptr<store::Writer> writer;
    fields::FieldRegistry registry;
    classify::ClassifierRegistry classifiers;
    session::HookRegistry hooks;
    try {
        config::Config cfg = a.configFile.empty() ? config::Config() : config::Config::load(a.configFile);
        for (const auto& o : a.overrides) cfg.set_override(o);
        settings = engine::CaptureSettings::from_config(cfg);
        settings.quiet = a.quiet;
        settings.progress = !a.quiet && isatty(STDERR_FILENO);
        settings.record.tags = a.tags;
        settings.record.node = !a.node.empty() ? a.node : cfg.get_string("nodeName", "flowdex");
        inputs = engine::expand_inputs(a.files, a.dirs, a.recursive, a.interfaces);

        auto tee = std::make_unique<store::TeeWriter>();
        if (!a.noDb) tee->add(std::make_unique<store::SqliteWriter>(a.db));
        if (!a.json.empty()) tee->add(std::make_unique<store::NdjsonWriter>(a.json));
        if (!tee->empty()) writer = std::make_unique<store::QueuedWriter>(std::move(tee));
    } catch (const config::ConfigError& e) {
        std::cerr << "flowdex: " << e.what() << "\n";
        return kExitUsage;
    } catch (const std::exception& e) {
        std::cerr << "flowdex: " << e.what() << "\n";
        return kExitUsage;
    }

    engine::CaptureSummary summary;
    try {
        engine::CaptureEngine eng(settings, registry, classifiers, hooks, writer.get());
        registry.freeze();
        classifiers.freeze();
        if (writer) writer->define_fields(registry);
        gEngine = &eng;
        std::signal(SIGINT, on_signal);
        std::signal(SIGTERM, on_signal);
        summary = eng.run(inputs);
        gEngine = nullptr;
        if (writer) writer->flush();
        writer.reset();
    } catch (const std::exception& e) {
        gEngine = nullptr;
        std::cerr << "flowdex: " << e.what() << "\n";
        return kExitInputFailed;
    }
    std::cerr << engine::format_summary(summary) << "\n";
    return summary.failed() ? kExitInputFailed : kExitOk;
}

}  // namespace flowdex::cli
