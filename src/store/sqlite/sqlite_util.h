#pragma once
/// Internal to the SQLite store: RAII handles and small helpers shared by SqliteWriter and
/// SqliteReader. Every failure throws std::runtime_error("PATH: sqlite message").
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/writer.h"

namespace flowdex::store::sqlite {

inline constexpr int kSchemaVersion = 1;

struct DbClose {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalize {
    void operator()(sqlite3_stmt* st) const { sqlite3_finalize(st); }
};
using DbPtr = std::unique_ptr<sqlite3, DbClose>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

/// A connection plus the path its errors are reported under.
class Db {
  public:
    Db(const std::string& path, int flags);
    sqlite3* get() const { return db_.get(); }
    const std::string& path() const { return path_; }

    [[noreturn]] void fail(std::string_view what = {}) const;
    void exec(const char* sql) const;
    StmtPtr prepare(const char* sql) const;
    /// Steps once; true when a row is ready, false when done; throws on error.
    bool step(sqlite3_stmt* st) const;
    int64_t query_int(const char* sql) const;

  private:
    std::string path_;
    DbPtr db_;
};

/// Binds text, or NULL when empty. The text must outlive the step.
void bind_text_or_null(sqlite3_stmt* st, int col, std::string_view s);
std::string column_text(sqlite3_stmt* st, int col);

/// Queries shared by writer and reader.
std::vector<InputFile> list_files(const Db& db);
int64_t count_sessions(const Db& db, int64_t fileId);
std::vector<SessionRecord> list_sessions(const Db& db, int64_t fileId, int64_t limit);

}  // namespace flowdex::store::sqlite
