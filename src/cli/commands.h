#pragma once
/// flowdex subcommands. Exit codes: 0 success; 1 an input failed (after every other input was
/// processed); 2 a usage, configuration or start-up error (one line on standard error).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace flowdex::cli {

constexpr std::string_view kVersion = "0.1.0";
constexpr int kExitOk = 0;
constexpr int kExitInputFailed = 1;
constexpr int kExitUsage = 2;

/// `flowdex capture`: Arkime's capture flags where they exist.
struct CaptureArgs {
    std::vector<std::string> files;       ///< -r (repeatable, "-" for standard input)
    std::vector<std::string> dirs;        ///< -R
    bool recursive = false;               ///< --recursive
    std::vector<std::string> interfaces;  ///< -i
    std::string configFile;               ///< -c
    std::vector<std::string> overrides;   ///< -o key=value
    std::vector<std::string> tags;        ///< -t/--tag
    std::string node;                     ///< -n/--node
    std::string db = "./flowdex.db";      ///< --db
    bool noDb = false;                    ///< --no-db
    std::string json;                     ///< --json PATH|-
    bool quiet = false;                   ///< -q
    std::vector<std::string> parsers;     ///< --parsers DIR: Python scripts, before parsersDir
};
void add_capture_command(CLI::App& app, CaptureArgs& args);
int run_capture(const CaptureArgs& args);

/// `flowdex fields`: every field the engine knows (built-in and defined by scripts).
struct FieldsArgs {
    bool json = false;
    std::string configFile;
    std::vector<std::string> overrides;
    std::vector<std::string> parsers;  ///< --parsers DIR (scripts' fields are listed too)
};
void add_fields_command(CLI::App& app, FieldsArgs& args);
int run_fields(const FieldsArgs& args);

/// `flowdex files`: one row per input file recorded in a store.
struct FilesArgs {
    std::string db = "./flowdex.db";
    bool json = false;
};
void add_files_command(CLI::App& app, FilesArgs& args);
int run_files(const FilesArgs& args);

/// Options shared by the pipeline commands: log verbosity (-v … -vvvv, also from
/// PCAP_PIPELINE_VERBOSITY) and the node name.
struct PipelineCommon {
    int verbosity = 0;
    std::string node;
    std::string db = "./flowdex.db";
};

/// `flowdex monitor UPLOAD_DIR --processed DIR`: see src/pipeline/monitor.h.
struct MonitorArgs {
    PipelineCommon common;
    std::string uploadDir;
    std::string processedDir;
    std::string rejectedDir;
    std::vector<std::string> publish;
    bool push = false;
    bool polling = false;
    double settle = 10;
    double pollInterval = 1;
    uint64_t minSize = 24;
    uint64_t maxSize = 50ull << 30;
};
void add_monitor_command(CLI::App& app, MonitorArgs& args);
int run_monitor(const MonitorArgs& args);

/// `flowdex process --connect tcp://HOST:30441 --pcap-dir DIR`: see src/pipeline/processor.h.
struct ProcessArgs {
    PipelineCommon common;
    std::vector<std::string> connect;
    bool pull = false;
    std::vector<std::string> pcapDirs;
    unsigned workers = 1;
    double timeout = 7200;
    unsigned retries = 2;
    bool noCatchUp = false;
    bool catchUp = false;
    std::string configFile;
    std::vector<std::string> overrides;
};
void add_process_command(CLI::App& app, ProcessArgs& args);
int run_process(const ProcessArgs& args);

/// `flowdex pipeline UPLOAD_DIR`: monitor and processor in one process (one machine).
struct PipelineArgs {
    MonitorArgs monitor;
    ProcessArgs process;
};
void add_pipeline_command(CLI::App& app, PipelineArgs& args);
int run_pipeline(const PipelineArgs& args);

}  // namespace flowdex::cli
