#pragma once
/// flowdex subcommands. Exit codes: 0 success; 1 an input failed (after every other input was
/// processed); 2 a usage, configuration or start-up error (one line on standard error).
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

}  // namespace flowdex::cli
