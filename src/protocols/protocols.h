#pragma once
/// Built-in application protocols: one folder per protocol under src/protocols/, each registering
/// its fields, classifiers and parsers through the same seams the Python API uses (the field
/// registry, the classifier registry, per-session parsers and save hooks).
///
/// A protocol's classifier runs on the first payload of a direction that matches its bytes or
/// ports; it names the protocol on the session (`s.table->add_protocol(s, "http")`) and, when it
/// extracts fields, attaches a parser (`s.table->register_parser(s, {...})`). Parsers are
/// incremental and bounded: they see payload in order, split anywhere, and keep at most a fixed
/// amount of state per session.
#include "classify/classifier.h"
#include "fields/field_registry.h"
#include "session/hooks.h"

namespace flowdex::protocols {

struct Registries {
    fields::FieldRegistry& fields;
    classify::ClassifierRegistry& classifiers;
    session::HookRegistry& hooks;
};

/// A tunnel or upgrade ends here (SOCKS handshake done, STARTTLS accepted, HTTP CONNECT answered):
/// the next payload of each direction is classified again, as the first payload of the protocol
/// carried inside, so its classifiers and parsers join the session.
void restart_classification(session::Session& s);

/// Registers every built-in protocol (start-up only, before the registries are frozen).
void register_builtin_protocols(Registries& r);

}  // namespace flowdex::protocols
