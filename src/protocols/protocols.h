#pragma once
/// Built-in application protocols: one folder per protocol under src/protocols/, each registering
/// its fields, classifiers and parsers through the same seams the Python API uses (the field
/// registry, the classifier registry, per-session parsers and save hooks).
///
/// A protocol's classifier runs on the first payload of a direction that matches its bytes or
/// ports; it names the protocol on the session (`s.table->add_protocol(s, "http")`) and, when it
/// extracts fields, attaches a parser (`s.table->register_parser(s, {...})`). Parsers are
/// incremental and bounded: they see payload in order, split anywhere, and keep at most a fixed
/// amount of state per session. The payload bytes they hold between calls live in
/// session::ParserBuffer objects, so all the parsers of a session together stay under the
/// `maxParserBuffer` setting (session/parser_buffer.h); a parser refused bytes stops cleanly.
#include <cstdint>

#include "classify/classifier.h"
#include "fields/field_registry.h"
#include "session/hooks.h"

namespace flowdex::config {
class Config;
}

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

/// Arkime's parser settings, read from the `[default]` keys of the same names. The defaults are
/// those of Arkime's regression configuration (the corpus in ../shared/corpus/arkime was made with
/// them), which fill more than Arkime's own defaults: set a key to false (maxReqBody to 256) for
/// Arkime's default records. A switched-off field is still defined and searchable; it is left out
/// of every record, whoever fills it (built-in parser or Python plugin).
struct Settings {
    bool parseDNSRecordAll = true;           ///< NS/MX/SOA… names and addresses in `dns` objects
    bool dnsOutputAnswers = true;            ///< the `answers` array of `dns` objects
    bool parseSMTPHeaderAll = true;          ///< email.headerField / email.headerValue
    bool parseHTTPHeaderRequestAll = true;   ///< http.requestHeaderField / http.requestHeaderValue
    bool parseHTTPHeaderResponseAll = true;  ///< http.responseHeaderField / http.responseHeaderValue
    bool ja3Strings = true;                  ///< tls.ja3string / tls.ja3sstring
    bool ja4Raw = true;                      ///< tls.ja4_r
    bool supportSha256 = true;               ///< http.sha256 / email.sha256
    bool parseQSValue = true;                ///< http.value (http.key is always filled)
    bool parseCookieValue = true;            ///< http.cookieValue (http.cookieKey is always filled)
    uint32_t maxReqBody = 2000;              ///< longest request body kept in http.requestBody (0: none)

    /// The keys present in `cfg` over the defaults; a value of the wrong kind throws
    /// config::ConfigError naming the file and key.
    static Settings from_config(const config::Config& cfg);
};

/// Registers every built-in protocol (start-up only, before the registries are frozen).
void register_builtin_protocols(Registries& r, const Settings& settings = {});

}  // namespace flowdex::protocols
