#pragma once
/// The default store: one SQLite database file (schema in docs/storage.md).
///
/// Tables `files` (one row per input, identified by the SHA-256 of its content), `sessions` (one
/// row per saved session: indexed columns plus the sessions3 document in `doc`) and `fields` (the
/// field registry). The schema version is PRAGMA user_version (kSchemaVersion); a missing schema
/// is created, a newer one is refused.
///
/// The database runs in WAL mode with synchronous=NORMAL, so readers (`flowdex files`, sqlite3)
/// can look while a load runs. Session rows are inserted with INSERT OR REPLACE keyed by the
/// deterministic session id: loading a capture again never duplicates its sessions. Writes are
/// batched into transactions committed every `batchRecords` records and at begin_file, end_file,
/// flush() and destruction.
///
/// Used from one thread at a time (wrap in a QueuedWriter to write from packet threads).
#include <cstdint>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_util.h"
#include "store/writer.h"

namespace flowdex::fields {
struct FieldDef;
}

namespace flowdex::store {

class SqliteWriter final : public Writer {
  public:
    struct Options {
        size_t batchRecords = 10000;  ///< records per transaction
    };

    /// Opens or creates the database. Throws std::runtime_error("PATH: reason") when it cannot be
    /// opened or created, is not a database, or has a newer schema.
    explicit SqliteWriter(const std::string& path) : SqliteWriter(path, Options()) {}
    SqliteWriter(const std::string& path, Options options);
    /// Commits what is pending; a failure here is reported on stderr (call flush() to see it).
    ~SqliteWriter() override;
    SqliteWriter(const SqliteWriter&) = delete;
    SqliteWriter& operator=(const SqliteWriter&) = delete;

    /// Replaces the contents of the `fields` table with the registry's fields.
    void define_fields(const fields::FieldRegistry& registry) override;
    /// Same, from a list of definitions (what define_fields uses).
    void store_fields(const std::vector<fields::FieldDef>& defs);

    /// By fingerprint: a `done` row → Complete (row untouched, file.id set); any other row → its
    /// sessions are deleted, the row is reset to `running` → Incomplete; no row → a new `running`
    /// row → New. An empty fingerprint (live capture) always gets a new row with fingerprint NULL.
    /// Sets file.id (and file.startedMs when 0) and commits.
    FileSeen begin_file(InputFile& file) override;
    /// Inserts or replaces the session by id.
    void write(SessionRecord&& record) override;
    /// Stores status, error, packets, sessions and finished (now when file.finishedMs is 0) for
    /// file.id, then commits.
    void end_file(const InputFile& file) override;
    /// Commits the open transaction.
    void flush() override;

    /// Reads through this connection, so rows not yet committed are included.
    std::vector<InputFile> list_files() const;
    /// Sessions in the store, or of one file when fileId != 0.
    int64_t count_sessions(int64_t fileId = 0) const;
    const std::string& path() const { return db_.path(); }

  private:
    void begin_txn();
    void commit();

    sqlite::Db db_;
    Options options_;
    size_t pending_ = 0;
    sqlite::StmtPtr insertSession_, findFile_, insertFile_, resetFile_, deleteFileSessions_, endFile_, begin_, commit_;
};

/// Read-only access to a database written by SqliteWriter (for `flowdex files` and friends).
/// Sees what writers have committed.
class SqliteReader {
  public:
    /// Throws std::runtime_error("PATH: reason") when the file does not exist, is not a flowdex
    /// database, or has a newer schema.
    explicit SqliteReader(const std::string& path);

    /// All input files, in load order (by id).
    std::vector<InputFile> list_files() const;
    /// Sessions in the store, or of one file when fileId != 0.
    int64_t count_sessions(int64_t fileId = 0) const;
    /// Sessions ordered by first packet then id; of one file when fileId != 0; at most `limit`
    /// (all when negative).
    std::vector<SessionRecord> list_sessions(int64_t fileId = 0, int64_t limit = -1) const;
    int schema_version() const;
    const std::string& path() const { return db_.path(); }

  private:
    sqlite::Db db_;
};

}  // namespace flowdex::store
