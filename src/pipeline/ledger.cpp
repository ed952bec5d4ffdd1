#include "pipeline/ledger.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "store/sqlite/sqlite_writer.h"

namespace flowdex::pipeline {
namespace {

constexpr const char* kLedgerSchema = R"sql(
CREATE TABLE IF NOT EXISTS pipeline_files (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    path TEXT,
    size INTEGER,
    mime TEXT,
    type TEXT,
    tags TEXT,
    node TEXT,
    live INTEGER,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    packets INTEGER,
    sessions INTEGER,
    file_id INTEGER,
    published INTEGER,
    queued INTEGER,
    started INTEGER,
    finished INTEGER,
    UNIQUE (name, fingerprint)
);
CREATE INDEX IF NOT EXISTS pipeline_files_status ON pipeline_files(status);
)sql";

constexpr int kBusyTimeoutMs = 60000;
constexpr const char* kColumns =
    "id, name, fingerprint, path, size, mime, type, tags, node, live, status, attempts, error, packets, sessions, "
    "file_id, published, queued, started, finished";

int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string tags_json(const std::vector<std::string>& tags) {
    return nlohmann::json(tags).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void bind_text(sqlite3_stmt* st, int col, const std::string& s) {
    sqlite3_bind_text(st, col, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

LedgerEntry read_row(sqlite3_stmt* st) {
    using store::sqlite::column_text;
    LedgerEntry e;
    e.id = sqlite3_column_int64(st, 0);
    e.name = column_text(st, 1);
    e.fingerprint = column_text(st, 2);
    e.path = column_text(st, 3);
    e.size = static_cast<uint64_t>(sqlite3_column_int64(st, 4));
    e.mime = column_text(st, 5);
    e.type = column_text(st, 6);
    auto tags = nlohmann::json::parse(column_text(st, 7), nullptr, false);
    if (tags.is_array())
        for (auto& t : tags)
            if (t.is_string()) e.tags.push_back(t.get<std::string>());
    e.node = column_text(st, 8);
    e.live = sqlite3_column_int(st, 9) != 0;
    e.status = parse_ledger_status(column_text(st, 10)).value_or(LedgerStatus::Queued);
    e.attempts = sqlite3_column_int(st, 11);
    e.error = column_text(st, 12);
    e.packets = static_cast<uint64_t>(sqlite3_column_int64(st, 13));
    e.sessions = static_cast<uint64_t>(sqlite3_column_int64(st, 14));
    e.fileId = sqlite3_column_int64(st, 15);
    e.publishedMs = sqlite3_column_int64(st, 16);
    e.queuedMs = sqlite3_column_int64(st, 17);
    e.startedMs = sqlite3_column_int64(st, 18);
    e.finishedMs = sqlite3_column_int64(st, 19);
    return e;
}

/// BEGIN IMMEDIATE … COMMIT, rolled back when an exception leaves the scope.
class Txn {
  public:
    explicit Txn(const store::sqlite::Db& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
    ~Txn() {
        if (!done_) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    void commit() {
        db_.exec("COMMIT");
        done_ = true;
    }

  private:
    const store::sqlite::Db& db_;
    bool done_ = false;
};

bool table_exists(const store::sqlite::Db& db, const char* name) {
    auto st = db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?");
    sqlite3_bind_text(st.get(), 1, name, -1, SQLITE_STATIC);
    return db.step(st.get());
}

/// Creates the store's own tables (with its page size and WAL settings) before ours.
const std::string& init_store(const std::string& path) {
    store::SqliteWriter init(path);
    return path;
}

}  // namespace

const char* to_string(LedgerStatus s) {
    switch (s) {
        case LedgerStatus::Published:
            return "published";
        case LedgerStatus::Queued:
            return "queued";
        case LedgerStatus::Running:
            return "running";
        case LedgerStatus::Done:
            return "done";
        case LedgerStatus::Failed:
            return "failed";
        case LedgerStatus::Rejected:
            return "rejected";
    }
    return "queued";
}

std::optional<LedgerStatus> parse_ledger_status(std::string_view text) {
    for (auto s : {LedgerStatus::Published, LedgerStatus::Queued, LedgerStatus::Running, LedgerStatus::Done,
                   LedgerStatus::Failed, LedgerStatus::Rejected})
        if (text == to_string(s)) return s;
    return std::nullopt;
}

Ledger::Ledger(const std::string& path)
    : db_(init_store(path), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX) {
    sqlite3_busy_timeout(db_.get(), kBusyTimeoutMs);
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA synchronous=NORMAL");
    Txn t(db_);
    db_.exec(kLedgerSchema);
    t.commit();
}

bool Ledger::was_published(const std::string& name, const std::string& fingerprint) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare(
        "SELECT 1 FROM pipeline_files WHERE name=? AND fingerprint=? AND (published IS NOT NULL OR status='rejected')");
    bind_text(st.get(), 1, name);
    bind_text(st.get(), 2, fingerprint);
    return db_.step(st.get());
}

void Ledger::record_published(const LedgerEntry& e) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare(
        "INSERT INTO pipeline_files (name, fingerprint, path, size, mime, type, tags, node, live, status, published) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,'published',?10) ON CONFLICT(name, fingerprint) DO UPDATE SET "
        "published=excluded.published, mime=excluded.mime, type=excluded.type, "
        "path=COALESCE(pipeline_files.path, excluded.path)");
    bind_text(st.get(), 1, e.name);
    bind_text(st.get(), 2, e.fingerprint);
    bind_text(st.get(), 3, e.path);
    sqlite3_bind_int64(st.get(), 4, static_cast<int64_t>(e.size));
    bind_text(st.get(), 5, e.mime);
    bind_text(st.get(), 6, e.type);
    bind_text(st.get(), 7, tags_json(e.tags));
    bind_text(st.get(), 8, e.node);
    sqlite3_bind_int(st.get(), 9, e.live ? 1 : 0);
    sqlite3_bind_int64(st.get(), 10, e.publishedMs ? e.publishedMs : now_ms());
    db_.step(st.get());
}

void Ledger::record_rejected(const LedgerEntry& e) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare(
        "INSERT INTO pipeline_files (name, fingerprint, path, size, mime, type, tags, node, live, status, error, "
        "finished) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,'rejected',?10,?11) ON CONFLICT(name, fingerprint) DO UPDATE "
        "SET status='rejected', path=excluded.path, error=excluded.error, finished=excluded.finished");
    bind_text(st.get(), 1, e.name);
    bind_text(st.get(), 2, e.fingerprint);
    bind_text(st.get(), 3, e.path);
    sqlite3_bind_int64(st.get(), 4, static_cast<int64_t>(e.size));
    bind_text(st.get(), 5, e.mime);
    bind_text(st.get(), 6, e.type);
    bind_text(st.get(), 7, tags_json(e.tags));
    bind_text(st.get(), 8, e.node);
    sqlite3_bind_int(st.get(), 9, e.live ? 1 : 0);
    bind_text(st.get(), 10, e.error);
    sqlite3_bind_int64(st.get(), 11, now_ms());
    db_.step(st.get());
}

std::optional<int64_t> Ledger::enqueue(const LedgerEntry& e, LedgerStatus* status) {
    std::lock_guard lock(mutex_);
    Txn t(db_);
    int64_t id = 0;
    {
        auto st = db_.prepare("SELECT id, status FROM pipeline_files WHERE name=? AND fingerprint=?");
        bind_text(st.get(), 1, e.name);
        bind_text(st.get(), 2, e.fingerprint);
        if (db_.step(st.get())) {
            id = sqlite3_column_int64(st.get(), 0);
            auto s = parse_ledger_status(store::sqlite::column_text(st.get(), 1)).value_or(LedgerStatus::Queued);
            if (status) *status = s;
            if (s == LedgerStatus::Done || s == LedgerStatus::Failed || s == LedgerStatus::Rejected)
                return std::nullopt;
        }
    }
    if (id == 0) {
        auto st = db_.prepare(
            "INSERT INTO pipeline_files (name, fingerprint, path, size, mime, type, tags, node, live, status, queued) "
            "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,'queued',?10)");
        bind_text(st.get(), 1, e.name);
        bind_text(st.get(), 2, e.fingerprint);
        bind_text(st.get(), 3, e.path);
        sqlite3_bind_int64(st.get(), 4, static_cast<int64_t>(e.size));
        bind_text(st.get(), 5, e.mime);
        bind_text(st.get(), 6, e.type);
        bind_text(st.get(), 7, tags_json(e.tags));
        bind_text(st.get(), 8, e.node);
        sqlite3_bind_int(st.get(), 9, e.live ? 1 : 0);
        sqlite3_bind_int64(st.get(), 10, now_ms());
        db_.step(st.get());
        id = sqlite3_last_insert_rowid(db_.get());
    } else {
        auto st = db_.prepare(
            "UPDATE pipeline_files SET path=?1, size=?2, tags=?3, node=?4, live=?5, status='queued', "
            "queued=COALESCE(queued, ?6) WHERE id=?7");
        bind_text(st.get(), 1, e.path);
        sqlite3_bind_int64(st.get(), 2, static_cast<int64_t>(e.size));
        bind_text(st.get(), 3, tags_json(e.tags));
        bind_text(st.get(), 4, e.node);
        sqlite3_bind_int(st.get(), 5, e.live ? 1 : 0);
        sqlite3_bind_int64(st.get(), 6, now_ms());
        sqlite3_bind_int64(st.get(), 7, id);
        db_.step(st.get());
    }
    t.commit();
    if (status) *status = LedgerStatus::Queued;
    return id;
}

bool Ledger::finished_with(const std::string& name, uint64_t size) {
    std::lock_guard lock(mutex_);
    auto st =
        db_.prepare("SELECT 1 FROM pipeline_files WHERE name=? AND size=? AND status IN ('done','failed','rejected')");
    bind_text(st.get(), 1, name);
    sqlite3_bind_int64(st.get(), 2, static_cast<int64_t>(size));
    return db_.step(st.get());
}

bool Ledger::claim(int64_t id) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare(
        "UPDATE pipeline_files SET status='running', attempts=attempts+1, started=?1, finished=NULL "
        "WHERE id=?2 AND status='queued'");
    sqlite3_bind_int64(st.get(), 1, now_ms());
    sqlite3_bind_int64(st.get(), 2, id);
    db_.step(st.get());
    return sqlite3_changes(db_.get()) == 1;
}

void Ledger::retry_later(int64_t id, const std::string& error) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare("UPDATE pipeline_files SET status='queued', error=?1 WHERE id=?2 AND status='running'");
    bind_text(st.get(), 1, error);
    sqlite3_bind_int64(st.get(), 2, id);
    db_.step(st.get());
}

void Ledger::release(int64_t id) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare(
        "UPDATE pipeline_files SET status='queued', attempts=MAX(attempts-1, 0) WHERE id=?1 AND status='running'");
    sqlite3_bind_int64(st.get(), 1, id);
    db_.step(st.get());
}

void Ledger::finish_done(int64_t id, int64_t fileId, uint64_t packets, uint64_t sessions) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare(
        "UPDATE pipeline_files SET status='done', error=NULL, file_id=?1, packets=?2, sessions=?3, finished=?4 "
        "WHERE id=?5");
    sqlite3_bind_int64(st.get(), 1, fileId);
    sqlite3_bind_int64(st.get(), 2, static_cast<int64_t>(packets));
    sqlite3_bind_int64(st.get(), 3, static_cast<int64_t>(sessions));
    sqlite3_bind_int64(st.get(), 4, now_ms());
    sqlite3_bind_int64(st.get(), 5, id);
    db_.step(st.get());
}

void Ledger::finish_failed(int64_t id, const std::string& error, const std::optional<AnalysedFile>& partial) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare(
        "UPDATE pipeline_files SET status='failed', error=?1, finished=?2, file_id=?3, packets=?4, sessions=?5 "
        "WHERE id=?6");
    bind_text(st.get(), 1, error);
    sqlite3_bind_int64(st.get(), 2, now_ms());
    if (partial) {
        sqlite3_bind_int64(st.get(), 3, partial->id);
        sqlite3_bind_int64(st.get(), 4, static_cast<int64_t>(partial->packets));
        sqlite3_bind_int64(st.get(), 5, static_cast<int64_t>(partial->sessions));
    }
    sqlite3_bind_int64(st.get(), 6, id);
    db_.step(st.get());
}

std::vector<LedgerEntry> Ledger::recover_queued() {
    std::lock_guard lock(mutex_);
    db_.exec("UPDATE pipeline_files SET status='queued' WHERE status='running'");
    auto st = db_.prepare(
        (std::string("SELECT ") + kColumns + " FROM pipeline_files WHERE status='queued' ORDER BY id").c_str());
    std::vector<LedgerEntry> out;
    while (db_.step(st.get()))
        out.push_back(read_row(st.get()));
    return out;
}

std::optional<LedgerEntry> Ledger::get(int64_t id) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare((std::string("SELECT ") + kColumns + " FROM pipeline_files WHERE id=?").c_str());
    sqlite3_bind_int64(st.get(), 1, id);
    if (!db_.step(st.get())) return std::nullopt;
    return read_row(st.get());
}

std::optional<AnalysedFile> Ledger::analysed(const std::string& fingerprint) {
    std::lock_guard lock(mutex_);
    return find_analysed(db_, fingerprint);
}

std::vector<LedgerEntry> Ledger::list() {
    std::lock_guard lock(mutex_);
    return read_ledger(db_);
}

std::vector<LedgerEntry> read_ledger(const store::sqlite::Db& db) {
    std::vector<LedgerEntry> out;
    if (!table_exists(db, "pipeline_files")) return out;
    auto st = db.prepare((std::string("SELECT ") + kColumns + " FROM pipeline_files ORDER BY id").c_str());
    while (db.step(st.get()))
        out.push_back(read_row(st.get()));
    return out;
}

std::optional<AnalysedFile> find_analysed(const store::sqlite::Db& db, const std::string& fingerprint) {
    auto st = db.prepare("SELECT id, status, packets, sessions, error FROM files WHERE fingerprint=?");
    bind_text(st.get(), 1, fingerprint);
    if (!db.step(st.get())) return std::nullopt;
    AnalysedFile a;
    a.id = sqlite3_column_int64(st.get(), 0);
    a.status = store::sqlite::column_text(st.get(), 1);
    a.packets = static_cast<uint64_t>(sqlite3_column_int64(st.get(), 2));
    a.sessions = static_cast<uint64_t>(sqlite3_column_int64(st.get(), 3));
    a.error = store::sqlite::column_text(st.get(), 4);
    return a;
}

}  // namespace flowdex::pipeline
