#include "store/sqlite/sqlite_util.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace flowdex::store::sqlite {
namespace {

// SQLite does not call the busy handler in every case (in WAL mode a connection may meet another
// one's recovery or checkpoint): outside a transaction such a statement is simply tried again.
constexpr int kBusyRetries = 200;
constexpr auto kBusyPause = std::chrono::milliseconds(50);

bool retry_busy(sqlite3* db, int rc, int& attempt) {
    if ((rc & 0xff) != SQLITE_BUSY || attempt >= kBusyRetries || !sqlite3_get_autocommit(db)) return false;
    ++attempt;
    std::this_thread::sleep_for(kBusyPause);
    return true;
}

}  // namespace

Db::Db(const std::string& path, int flags) : path_(path) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK) fail();
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 10000);
}

void Db::fail(std::string_view what) const {
    std::string msg = path_ + ": ";
    if (!what.empty()) msg.append(what).append(": ");
    msg += db_ ? sqlite3_errmsg(db_.get()) : "out of memory";
    throw std::runtime_error(msg);
}

void Db::exec(const char* sql) const {
    int attempt = 0;
    int rc;
    while ((rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr)) != SQLITE_OK)
        if (!retry_busy(db_.get(), rc, attempt)) fail();
}

StmtPtr Db::prepare(const char* sql) const {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) fail();
    return StmtPtr(st);
}

bool Db::step(sqlite3_stmt* st) const {
    int attempt = 0;
    for (;;) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        sqlite3_reset(st);
        if (!retry_busy(db_.get(), rc, attempt)) break;
    }
    fail();
}

int64_t Db::query_int(const char* sql) const {
    auto st = prepare(sql);
    return step(st.get()) ? sqlite3_column_int64(st.get(), 0) : 0;
}

void bind_text_or_null(sqlite3_stmt* st, int col, std::string_view s) {
    if (s.empty())
        sqlite3_bind_null(st, col);
    else
        sqlite3_bind_text(st, col, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
}

std::string column_text(sqlite3_stmt* st, int col) {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st, col))) : std::string();
}

std::vector<InputFile> list_files(const Db& db) {
    auto st = db.prepare(
        "SELECT id, name, size, fingerprint, tags, node, packets, sessions, status, error, started, finished "
        "FROM files ORDER BY id");
    std::vector<InputFile> out;
    while (db.step(st.get())) {
        InputFile f;
        f.id = sqlite3_column_int64(st.get(), 0);
        f.name = column_text(st.get(), 1);
        f.path = f.name;
        f.size = static_cast<uint64_t>(sqlite3_column_int64(st.get(), 2));
        f.fingerprint = column_text(st.get(), 3);
        auto tags = nlohmann::json::parse(column_text(st.get(), 4), nullptr, false);
        if (tags.is_array())
            for (auto& t : tags)
                if (t.is_string()) f.tags.push_back(t.get<std::string>());
        f.node = column_text(st.get(), 5);
        f.packets = static_cast<uint64_t>(sqlite3_column_int64(st.get(), 6));
        f.sessions = static_cast<uint64_t>(sqlite3_column_int64(st.get(), 7));
        parse_file_status(column_text(st.get(), 8), f.status);
        f.error = column_text(st.get(), 9);
        f.startedMs = sqlite3_column_int64(st.get(), 10);
        f.finishedMs = sqlite3_column_int64(st.get(), 11);
        out.push_back(std::move(f));
    }
    return out;
}

int64_t count_sessions(const Db& db, int64_t fileId) {
    if (fileId == 0) return db.query_int("SELECT count(*) FROM sessions");
    auto st = db.prepare("SELECT count(*) FROM sessions WHERE file_id = ?");
    sqlite3_bind_int64(st.get(), 1, fileId);
    return db.step(st.get()) ? sqlite3_column_int64(st.get(), 0) : 0;
}

std::vector<SessionRecord> list_sessions(const Db& db, int64_t fileId, int64_t limit) {
    auto st = db.prepare(
        "SELECT id, file_id, first_packet, last_packet, ip_protocol, src_ip, src_port, dst_ip, dst_port, protocols, "
        "community_id, doc FROM sessions WHERE (?1 = 0 OR file_id = ?1) ORDER BY first_packet, id LIMIT ?2");
    sqlite3_bind_int64(st.get(), 1, fileId);
    sqlite3_bind_int64(st.get(), 2, limit);
    std::vector<SessionRecord> out;
    while (db.step(st.get())) {
        SessionRecord r;
        r.id = column_text(st.get(), 0);
        r.fileId = sqlite3_column_int64(st.get(), 1);
        r.firstPacket = sqlite3_column_int64(st.get(), 2);
        r.lastPacket = sqlite3_column_int64(st.get(), 3);
        r.ipProtocol = sqlite3_column_int(st.get(), 4);
        r.srcIp = column_text(st.get(), 5);
        r.srcPort = sqlite3_column_int(st.get(), 6);
        r.dstIp = column_text(st.get(), 7);
        r.dstPort = sqlite3_column_int(st.get(), 8);
        r.protocols = column_text(st.get(), 9);
        r.communityId = column_text(st.get(), 10);
        r.json = column_text(st.get(), 11);
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace flowdex::store::sqlite
