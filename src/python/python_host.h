#pragma once
/// Python plugins: CPython embedded with Arkime's `arkime`, `arkime_session` and `arkime_packet`
/// modules built in (the contract is ../shared/spec/python-api.md; docs/python.md is the guide).
///
/// This header is free of Python.h: the CLI starts one Host per process, before the registries
/// are frozen, and the engine only sees the seams the scripts register into (classifiers,
/// parsers, save/free hooks, decoder handlers). Everything else lives in src/python/.
///
/// Threads: on Python 3.11 one interpreter serves every thread. The interpreter lock (GIL) is
/// taken only while a callback runs; each thread keeps one Python thread state for the whole
/// run, so a callback costs a lock hand-over, not a thread-state creation. (Python 3.12+ would
/// allow one sub-interpreter with its own GIL per packet thread, as Arkime does; the callback
/// trampolines already go through one place that picks the thread state, which is where that
/// would plug in.)
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.h"
#include "protocols/protocols.h"

namespace flowdex::decode {
class Decoder;
}

namespace flowdex::python {

/// A script that failed to load: the message names the file, the line and the exception.
class LoadError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct Options {
    bool disabled = false;                 ///< disablePython=true
    std::vector<std::string> parsersDirs;  ///< searched in order; the first file of a name wins
    std::vector<std::string> plugins;      ///< `plugins` entries (only *.py are ours)
    std::vector<std::string> pluginsDirs;  ///< where `plugins` entries are looked up

    /// Reads disablePython, parsersDir (default `<prefix>/parsers;./parsers`), plugins and
    /// pluginsDir (default `<prefix>/plugins`). `extraParsersDirs` (--parsers) come first and must
    /// exist (LoadError otherwise); missing parsersDir folders are skipped.
    static Options from_config(const config::Config& cfg, const std::vector<std::string>& extraParsersDirs);
    /// The scripts to run, in order: every *.py of each parsers directory (sorted, hidden files
    /// skipped, a name seen in an earlier directory skipped), then the .py plugins. Throws
    /// LoadError for a plugin that is not found in any plugins directory.
    std::vector<std::string> scripts() const;
};

/// The install prefix (arkime.CONFIG_PREFIX) and version (arkime.VERSION).
const char* config_prefix();
const char* version();
/// Arkime's Python API level this layer implements (arkime.API_VERSION).
constexpr int kApiVersion = 607;

class Host {
  public:
    /// Starts the interpreter and runs `scripts` (each as `__main__`, in its own globals), which
    /// register into `regs`. Returns nullptr when `scripts` is empty (no interpreter is started).
    /// Throws LoadError when a script fails, and std::logic_error if a Host already exists.
    /// `printToStderr` sends the scripts' standard output to standard error (`flowdex fields`,
    /// whose standard output is the field list).
    static std::unique_ptr<Host> start(const std::vector<std::string>& scripts, protocols::Registries& regs,
                                       bool printToStderr = false);
    ~Host();
    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;

    /// Puts the ethernet/IP callbacks the scripts set into `d` (replacing built-in handlers, with
    /// a log line on standard error each time one is replaced).
    void install(decode::Decoder& d);
    /// With one packet thread every callback runs on the thread that started the Host: it may then
    /// keep the GIL between callbacks (released whenever a script's own Python thread exists).
    /// Only valid when no other engine thread runs callbacks (packetThreads=1).
    void hold_gil_between_callbacks(bool on);
    /// Callback errors per script, one line each ("python: NAME: N callback errors"); empty when none.
    std::string error_summary() const;
    /// Total callback errors so far.
    uint64_t errors() const;

  private:
    Host() = default;
};

}  // namespace flowdex::python
