#pragma once
/// The pipeline's durable ledger: the table `pipeline_files` in the SQLite store (schema in
/// docs/storage.md), one row per capture file identified by (name, fingerprint) — name as published
/// (relative to the watched folder), fingerprint store::quick_file_fingerprint().
///
/// The monitor records what it published or rejected; the processor records each file's way
/// through queued → running → done | failed (with attempts and the reason). When both run on one
/// machine with one store they share the row. Status transitions are single SQL statements
/// guarded by the current status, so two processes (or threads) never both claim a file.
///
/// Thread-safe: one connection behind a mutex. The store's other tables are created the first
/// time through store::SqliteWriter, so a ledger can be opened on a new path.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_util.h"

namespace flowdex::pipeline {

enum class LedgerStatus : uint8_t { Published, Queued, Running, Done, Failed, Rejected };
const char* to_string(LedgerStatus s);
std::optional<LedgerStatus> parse_ledger_status(std::string_view text);

struct LedgerEntry {
    int64_t id = 0;
    std::string name;
    std::string fingerprint;
    std::string path;  ///< where the file is now
    uint64_t size = 0;
    std::string mime, type;
    std::vector<std::string> tags;
    std::string node;
    bool live = false;
    LedgerStatus status = LedgerStatus::Queued;
    int attempts = 0;
    std::string error;
    uint64_t packets = 0, sessions = 0;
    int64_t fileId = 0;  ///< files.id once analysed
    int64_t publishedMs = 0, queuedMs = 0, startedMs = 0, finishedMs = 0;
};

/// The store's `files` row for a fingerprint (what the analysis recorded).
struct AnalysedFile {
    int64_t id = 0;
    std::string status;
    uint64_t packets = 0, sessions = 0;
    std::string error;
};

class Ledger {
  public:
    /// Opens (creating when needed) the store at `path`. Throws std::runtime_error("PATH: reason").
    explicit Ledger(const std::string& path);

    // --- monitor side
    /// True when (name, fingerprint) was published before.
    bool was_published(const std::string& name, const std::string& fingerprint);
    /// Records a publication (the row's processing status, if any, is left alone).
    void record_published(const LedgerEntry& e);
    /// Records a rejected file with the reason (e.error).
    void record_rejected(const LedgerEntry& e);

    // --- processor side
    /// Adds the file as queued, or puts a published/queued/running row (back) in the queue with the
    /// given path, tags and node. Returns the row id, or nothing when the file is already done,
    /// failed or rejected (*status then says which).
    std::optional<int64_t> enqueue(const LedgerEntry& e, LedgerStatus* status = nullptr);
    /// True when a row with this name and size is done, failed or rejected: the start-up scan skips
    /// such files without reading them (files in the processed folder are not rewritten in place).
    bool finished_with(const std::string& name, uint64_t size);
    /// queued → running with attempts + 1; false when the row is not queued (someone else has it).
    bool claim(int64_t id);
    /// running → queued after a failed attempt that will be retried (error kept for the record).
    void retry_later(int64_t id, const std::string& error);
    /// running → queued without counting the attempt (the processor is shutting down).
    void release(int64_t id);
    /// running → done with the counts from the store's files row.
    void finish_done(int64_t id, int64_t fileId, uint64_t packets, uint64_t sessions);
    /// running → failed with the reason, and the counts of what the last attempt did read (a
    /// truncated capture still yields the sessions before the cut).
    void finish_failed(int64_t id, const std::string& error, const std::optional<AnalysedFile>& partial = {});
    /// Rows left running by a process that died go back to queued; returns every queued row.
    std::vector<LedgerEntry> recover_queued();

    std::optional<LedgerEntry> get(int64_t id);
    /// The store's `files` row for a fingerprint (see find_analysed below).
    std::optional<AnalysedFile> analysed(const std::string& fingerprint);
    /// Every row, in id order.
    std::vector<LedgerEntry> list();

    const std::string& path() const { return db_.path(); }

  private:
    mutable std::mutex mutex_;
    store::sqlite::Db db_;
};

/// Reads the ledger rows of a store that has them (an empty list when the table is absent),
/// through an existing connection (for `flowdex files`).
std::vector<LedgerEntry> read_ledger(const store::sqlite::Db& db);

std::optional<AnalysedFile> find_analysed(const store::sqlite::Db& db, const std::string& fingerprint);

}  // namespace flowdex::pipeline
