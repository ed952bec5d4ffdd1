#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "config/config.h"
#include "fields/field_registry.h"
#include "protocols/protocols.h"
#include "python/python_host.h"
#include "session/hooks.h"

namespace flowdex::cli {
namespace {

const char* kind_name(fields::FieldKind k) {
    switch (k) {
        case fields::FieldKind::Integer:
            return "integer";
        case fields::FieldKind::Float:
            return "float";
        case fields::FieldKind::Ip:
            return "ip";
        case fields::FieldKind::TermField:
            return "termfield";
        case fields::FieldKind::LoTermField:
            return "lotermfield";
        case fields::FieldKind::UpTermField:
            return "uptermfield";
        case fields::FieldKind::TextField:
            return "textfield";
        case fields::FieldKind::Seconds:
            return "seconds";
        case fields::FieldKind::Date:
            return "date";
        case fields::FieldKind::Boolean:
            return "boolean";
    }
    return "?";
}

}  // namespace

int run_fields(const FieldsArgs& a) {
    fields::FieldRegistry registry;
    classify::ClassifierRegistry classifiers;
    session::HookRegistry hooks;
    protocols::Registries regs{registry, classifiers, hooks};
    protocols::register_builtin_protocols(regs);
    std::unique_ptr<python::Host> py;  // scripts define their fields at start-up
    try {
        config::Config cfg = a.configFile.empty() ? config::Config() : config::Config::load(a.configFile);
        for (const auto& o : a.overrides)
            cfg.set_override(o);
        py = python::Host::start(python::Options::from_config(cfg, a.parsers).scripts(), regs, true);
    } catch (const std::exception& e) {
        std::cerr << "flowdex: " << e.what() << "\n";
        return kExitUsage;
    }
    registry.freeze();
    if (a.json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& d : registry.all())
            out.push_back({{"expression", d.expression},
                           {"db", d.db},
                           {"kind", kind_name(d.kind)},
                           {"friendly", d.friendly},
                           {"help", d.help},
                           {"group", d.group},
                           {"count", (d.flags & fields::kFlagCount) != 0}});
        std::cout << out.dump(1) << "\n";
        return kExitOk;
    }
    for (const auto& d : registry.all())
        std::cout << d.expression << "\t" << d.db << "\t" << kind_name(d.kind) << "\t" << d.friendly << "\t" << d.help
                  << "\n";
    return kExitOk;
}

}  // namespace flowdex::cli
