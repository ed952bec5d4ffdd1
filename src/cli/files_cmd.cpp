#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "store/sqlite/sqlite_writer.h"

namespace flowdex::cli {

int run_files(const FilesArgs& a) {
    try {
        store::SqliteReader reader(a.db);
        auto files = reader.list_files();
        if (a.json) {
            nlohmann::json out = nlohmann::json::array();
            for (const auto& f : files)
                out.push_back({{"name", f.name},
                               {"size", f.size},
                               {"tags", f.tags},
                               {"node", f.node},
                               {"status", store::to_string(f.status)},
                               {"sessions", f.sessions},
                               {"packets", f.packets},
                               {"started", f.startedMs},
                               {"finished", f.finishedMs},
                               {"error", f.error}});
            std::cout << out.dump(1) << "\n";
            return kExitOk;
        }
        for (const auto& f : files)
            std::cout << f.name << "\t" << f.size << "\t" << store::to_string(f.status) << "\t" << f.sessions
                      << " sessions\t" << f.packets << " packets" << (f.error.empty() ? "" : "\t" + f.error) << "\n";
    } catch (const std::exception& e) {
        std::cerr << "flowdex: " << e.what() << "\n";
        return kExitUsage;
    }
    return kExitOk;
}

}  // namespace flowdex::cli
