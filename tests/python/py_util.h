#pragma once
// Helpers for the Python plugin tests: write a script into a fresh parsers folder, run the real
// `flowdex capture` over the generated captures in tests/python/captures (make_captures.py), and
// hand back standard output lines and the NDJSON records.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "e2e/e2e_util.h"

namespace flowdex::pytest {

using e2e::Result;
using e2e::TempDir;

inline std::string capture(const std::string& name) {
    return (e2e::kSourceDir / "tests" / "python" / "captures" / (name + ".pcap")).string();
}

struct ScriptRun {
    Result r;
    std::vector<std::string> lines;  ///< standard output, in order
    std::vector<nlohmann::json> records;

    bool has_line(const std::string& l) const { return std::find(lines.begin(), lines.end(), l) != lines.end(); }
    /// Index of the first line equal to `l`, or -1.
    long index_of(const std::string& l) const {
        auto it = std::find(lines.begin(), lines.end(), l);
        return it == lines.end() ? -1 : static_cast<long>(it - lines.begin());
    }
    size_t count_prefix(const std::string& p) const {
        return static_cast<size_t>(
            std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(p, 0) == 0; }));
    }
    /// The record whose destination port is `port`; null json when none.
    const nlohmann::json* record_to_port(int port) const {
        for (const auto& r : records)
            if (r.contains("destination") && r["destination"].value("port", -1) == port) return &r;
        return nullptr;
    }
};

/// Runs `flowdex capture` with `script` as t.py in a parsers folder, over `captures`.
inline ScriptRun run_script(const std::string& script, const std::vector<std::string>& captures,
                            std::vector<std::string> extra = {}) {
    TempDir dir;
    std::filesystem::create_directories(dir.path() / "parsers");
    e2e::write_file((dir.path() / "parsers" / "t.py").string(), script);
    std::vector<std::string> args{
        "capture", "-q", "--no-db", "--json", dir.file("out.json"), "--parsers", (dir.path() / "parsers").string()};
    for (const auto& c : captures) {
        args.push_back("-r");
        args.push_back(capture(c));
    }
    args.insert(args.end(), extra.begin(), extra.end());
    ScriptRun run;
    run.r = e2e::flowdex(args);
    run.lines = e2e::split_lines(run.r.out);
    for (const auto& l : e2e::split_lines(e2e::read_file(dir.file("out.json"))))
        run.records.push_back(nlohmann::json::parse(l));
    return run;
}

/// The run ended normally (exit 0, no signal).
#define EXPECT_CLEAN(run) EXPECT_EQ((run).r.exitCode, 0) << (run).r.describe()

}  // namespace flowdex::pytest
