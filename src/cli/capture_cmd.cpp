#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "engine/capture.h"
#include "enrich/oui.h"
#include "protocols/protocols.h"
#include "python/python_host.h"
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
    protocols::Registries regs{registry, classifiers, hooks};
    std::unique_ptr<enrich::OuiTable> oui;  // the OUI hook points into it
    std::unique_ptr<python::Host> py;       // outlives the engine: sessions release Python state on free
    try {
        config::Config cfg = a.configFile.empty() ? config::Config() : config::Config::load(a.configFile);
        for (const auto& o : a.overrides)
            cfg.set_override(o);
        settings = engine::CaptureSettings::from_config(cfg);
        settings.quiet = a.quiet;
        settings.progress = !a.quiet && isatty(STDERR_FILENO);
        settings.record.tags = a.tags;
        settings.record.node = !a.node.empty() ? a.node : cfg.get_string("nodeName", "flowdex");
        inputs = engine::expand_inputs(a.files, a.dirs, a.recursive, a.interfaces);
        protocols::register_builtin_protocols(regs, protocols::Settings::from_config(cfg));
        oui = enrich::load_oui_table(cfg);
        if (oui) enrich::register_oui(regs, *oui);
        // Scripts run before any output is opened: one that fails to load ends the run here.
        py = python::Host::start(python::Options::from_config(cfg, a.parsers).scripts(), regs);

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
        if (py) {
            py->install(eng.decoder());
            py->hold_gil_between_callbacks(settings.packetThreads <= 1);
        }
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
    if (py && py->errors()) std::cerr << py->error_summary() << "\n";
    return summary.failed() ? kExitInputFailed : kExitOk;
}

}  // namespace flowdex::cli
