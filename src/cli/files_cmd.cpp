#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/commands.h"
#include "pipeline/ledger.h"
#include "store/sqlite/sqlite_writer.h"

namespace flowdex::cli {
namespace {

/// One row of the listing: a file loaded with `flowdex capture`, or one the pipeline handled.
struct Row {
    std::string name;
    uint64_t size = 0;
    std::vector<std::string> tags;
    std::string node;
    std::string status;
    uint64_t sessions = 0, packets = 0;
    int64_t started = 0, finished = 0;
    std::string error;
};

std::vector<Row> collect(const std::string& path) {
    store::SqliteReader check(path);  // exists, is a flowdex store, schema not newer
    store::sqlite::Db db(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
    auto ledger = pipeline::read_ledger(db);
    std::set<std::string> covered;
    for (const auto& l : ledger)
        if (!l.fingerprint.empty()) covered.insert(l.fingerprint);
    std::vector<Row> rows;
    for (const auto& f : store::sqlite::list_files(db)) {
        if (!f.fingerprint.empty() && covered.count(f.fingerprint)) continue;
        rows.push_back({f.name, f.size, f.tags, f.node, store::to_string(f.status), f.sessions, f.packets, f.startedMs,
                        f.finishedMs, f.error});
    }
    for (const auto& l : ledger) {
        // Published but not yet taken by a processor sharing this store: waiting, i.e. queued.
        auto status = l.status == pipeline::LedgerStatus::Published ? pipeline::LedgerStatus::Queued : l.status;
        rows.push_back({l.name, l.size, l.tags, l.node, pipeline::to_string(status), l.sessions, l.packets,
                        l.startedMs ? l.startedMs : l.publishedMs, l.finishedMs, l.error});
    }
    return rows;
}

}  // namespace

int run_files(const FilesArgs& a) {
    try {
        auto rows = collect(a.db);
        if (a.json) {
            nlohmann::json out = nlohmann::json::array();
            for (const auto& f : rows)
                out.push_back({{"name", f.name},
                               {"size", f.size},
                               {"tags", f.tags},
                               {"node", f.node},
                               {"status", f.status},
                               {"sessions", f.sessions},
                               {"packets", f.packets},
                               {"started", f.started},
                               {"finished", f.finished},
                               {"error", f.error}});
            std::cout << out.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
            return kExitOk;
        }
        for (const auto& f : rows)
            std::cout << f.name << "\t" << f.size << "\t" << f.status << "\t" << f.sessions << " sessions\t"
                      << f.packets << " packets" << (f.error.empty() ? "" : "\t" + f.error) << "\n";
    } catch (const std::exception& e) {
        std::cerr << "flowdex: " << e.what() << "\n";
        return kExitUsage;
    }
    return kExitOk;
}

}  // namespace flowdex::cli
