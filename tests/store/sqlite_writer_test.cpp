#include "store/sqlite/sqlite_writer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "fields/field_registry.h"
#include "store/sqlite/sqlite_util.h"
#include "store_test_util.h"

namespace flowdex::store {
namespace sqlite_writer_test {

using testing::make_file;
using testing::make_record;
using testing::TempDir;

/// A separate connection, as another process (sqlite3, flowdex files) would have.
class Peek {
  public:
    explicit Peek(const std::string& path) : db_(path, SQLITE_OPEN_READONLY) {}
    int64_t num(const std::string& sql) const { return db_.query_int(sql.c_str()); }
    std::string text(const std::string& sql) const {
        auto st = db_.prepare(sql.c_str());
        return db_.step(st.get()) ? sqlite::column_text(st.get(), 0) : std::string("<no row>");
    }

  private:
    sqlite::Db db_;
};

TEST(SqliteWriter, CreatesVersionedSchemaInWalMode) {
    TempDir dir;
    auto path = dir.file("s.db");
    { SqliteWriter w(path); }
    Peek p(path);
    EXPECT_EQ(p.num("PRAGMA user_version"), sqlite::kSchemaVersion);
    EXPECT_EQ(p.text("PRAGMA journal_mode"), "wal");
    for (const char* t : {"files", "sessions", "fields"})
        EXPECT_EQ(p.num(std::string("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='") + t + "'"), 1)
            << t;
    for (const char* i : {"sessions_first_packet", "sessions_src_ip", "sessions_dst_ip", "sessions_file_id"})
        EXPECT_EQ(p.num(std::string("SELECT count(*) FROM sqlite_master WHERE type='index' AND name='") + i + "'"), 1)
            << i;
    EXPECT_EQ(p.num("SELECT count(*) FROM pragma_table_info('sessions')"), 12);
    EXPECT_EQ(p.num("SELECT count(*) FROM pragma_table_info('files')"), 12);
    // Reopening an existing database keeps it.
    EXPECT_NO_THROW(SqliteWriter{path});
}

TEST(SqliteWriter, WritesRecordsAndReadsThemBack) {
    TempDir dir;
    auto path = dir.file("s.db");
    SqliteWriter w(path);
    auto f = make_file("aa");
    EXPECT_EQ(w.begin_file(f), FileSeen::New);
    EXPECT_GT(f.id, 0);
    auto r = make_record("id-1", f.id, 5000);
    auto expected = r;
    w.write(std::move(r));
    auto empty = make_record("id-2", f.id, 6000);
    empty.communityId.clear();
    empty.srcIp.clear();
    w.write(std::move(empty));
    w.flush();

    SqliteReader reader(path);
    auto rows = reader.list_sessions();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].id, expected.id);
    EXPECT_EQ(rows[0].fileId, f.id);
    EXPECT_EQ(rows[0].firstPacket, expected.firstPacket);
    EXPECT_EQ(rows[0].lastPacket, expected.lastPacket);
    EXPECT_EQ(rows[0].ipProtocol, 6);
    EXPECT_EQ(rows[0].srcIp, expected.srcIp);
    EXPECT_EQ(rows[0].srcPort, expected.srcPort);
    EXPECT_EQ(rows[0].dstIp, expected.dstIp);
    EXPECT_EQ(rows[0].dstPort, expected.dstPort);
    EXPECT_EQ(rows[0].protocols, expected.protocols);
    EXPECT_EQ(rows[0].communityId, expected.communityId);
    EXPECT_EQ(rows[0].json, expected.json);
    EXPECT_EQ(rows[1].communityId, "");
    EXPECT_EQ(reader.count_sessions(), 2);
    EXPECT_EQ(reader.count_sessions(f.id), 2);
    EXPECT_EQ(reader.count_sessions(f.id + 1), 0);
    EXPECT_EQ(reader.list_sessions(0, 1).size(), 1u);

    Peek p(path);
    EXPECT_EQ(p.text("SELECT json_extract(doc, '$.source.ip') FROM sessions WHERE id='id-1'"), "10.0.0.1");
    EXPECT_EQ(p.num("SELECT count(*) FROM sessions WHERE src_ip IS NULL"), 1);
}

TEST(SqliteWriter, CommitsEveryBatch) {
    TempDir dir;
    auto path = dir.file("s.db");
    SqliteWriter w(path, {.batchRecords = 10});
    auto f = make_file("aa");
    w.begin_file(f);
    for (int i = 0; i < 25; ++i)
        w.write(make_record(testing::num_id("r", i), f.id));
    EXPECT_EQ(Peek(path).num("SELECT count(*) FROM sessions"), 20);  // 5 still in the open transaction
    EXPECT_EQ(w.count_sessions(), 25);                               // the writer's own connection sees them
    w.flush();
    EXPECT_EQ(Peek(path).num("SELECT count(*) FROM sessions"), 25);
}

TEST(SqliteWriter, DestructorCommits) {
    TempDir dir;
    auto path = dir.file("s.db");
    {
        SqliteWriter w(path);
        auto f = make_file("aa");
        w.begin_file(f);
        w.write(make_record("x", f.id));
    }
    EXPECT_EQ(SqliteReader(path).count_sessions(), 1);
}

TEST(SqliteWriter, FilesRowHoldsCountsStatusErrorTags) {
    TempDir dir;
    auto path = dir.file("s.db");
    SqliteWriter w(path);
    auto f = make_file("fp1", "/caps/one.pcap");
    f.startedMs = 1700000000000;
    w.begin_file(f);
    {
        auto rows = SqliteReader(path).list_files();  // committed at begin_file
        ASSERT_EQ(rows.size(), 1u);
        EXPECT_EQ(rows[0].status, FileStatus::Running);
    }
    f.packets = 77;
    f.sessions = 5;
    f.status = FileStatus::Failed;
    f.error = "truncated packet at offset 99";
    f.finishedMs = 1700000001000;
    w.end_file(f);

    auto rows = SqliteReader(path).list_files();
    ASSERT_EQ(rows.size(), 1u);
    const auto& r = rows[0];
    EXPECT_EQ(r.id, f.id);
    EXPECT_EQ(r.name, "/caps/one.pcap");
    EXPECT_EQ(r.size, 1234u);
    EXPECT_EQ(r.fingerprint, "fp1");
    EXPECT_EQ(r.tags, (std::vector<std::string>{"t1", "t\"2"}));
    EXPECT_EQ(r.node, "node1");
    EXPECT_EQ(r.packets, 77u);
    EXPECT_EQ(r.sessions, 5u);
    EXPECT_EQ(r.status, FileStatus::Failed);
    EXPECT_EQ(r.error, "truncated packet at offset 99");
    EXPECT_EQ(r.startedMs, 1700000000000);
    EXPECT_EQ(r.finishedMs, 1700000001000);
    EXPECT_EQ(Peek(path).text("SELECT tags FROM files"), R"(["t1","t\"2"])");
    EXPECT_EQ(w.list_files().size(), 1u);
}

TEST(SqliteWriter, CompleteFileIsReportedAndLeftAlone) {
    TempDir dir;
    auto path = dir.file("s.db");
    int64_t id = 0;
    {
        SqliteWriter w(path);
        auto f = make_file("same");
        ASSERT_EQ(w.begin_file(f), FileSeen::New);
        id = f.id;
        for (int i = 0; i < 3; ++i)
            w.write(make_record(testing::num_id("s", i), f.id));
        f.status = FileStatus::Done;
        f.sessions = 3;
        w.end_file(f);
    }
    SqliteWriter w(path);
    auto again = make_file("same", "/elsewhere/renamed.pcap");
    EXPECT_EQ(w.begin_file(again), FileSeen::Complete);
    EXPECT_EQ(again.id, id);
    w.flush();
    auto rows = SqliteReader(path).list_files();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].name, "/caps/a.pcap");  // not modified
    EXPECT_EQ(rows[0].status, FileStatus::Done);
    EXPECT_EQ(rows[0].sessions, 3u);
    EXPECT_EQ(SqliteReader(path).count_sessions(), 3);
}

TEST(SqliteWriter, IncompleteFileLosesItsOldSessions) {
    TempDir dir;
    auto path = dir.file("s.db");
    int64_t id = 0;
    {
        SqliteWriter w(path);
        auto other = make_file("other", "/caps/other.pcap");
        w.begin_file(other);
        w.write(make_record("keep", other.id));
        auto f = make_file("partial");
        w.begin_file(f);
        id = f.id;
        for (int i = 0; i < 3; ++i)
            w.write(make_record(testing::num_id("old", i), f.id));
        // the run dies: no end_file
    }
    SqliteWriter w(path);
    auto f = make_file("partial", "/caps/partial.pcap");
    EXPECT_EQ(w.begin_file(f), FileSeen::Incomplete);
    EXPECT_EQ(f.id, id);
    EXPECT_EQ(w.count_sessions(f.id), 0);
    EXPECT_EQ(w.count_sessions(), 1);  // other files keep theirs
    w.write(make_record("new0", f.id));
    w.write(make_record("new1", f.id));
    f.status = FileStatus::Done;
    w.end_file(f);
    SqliteReader r(path);
    EXPECT_EQ(r.count_sessions(id), 2);
    auto files = r.list_files();
    ASSERT_EQ(files.size(), 2u);
    EXPECT_EQ(files[1].name, "/caps/partial.pcap");
    EXPECT_EQ(files[1].status, FileStatus::Done);
    EXPECT_EQ(files[1].error, "");
}

TEST(SqliteWriter, FailedFileIsIncompleteToo) {
    TempDir dir;
    SqliteWriter w(dir.file("s.db"));
    auto f = make_file("x");
    w.begin_file(f);
    f.status = FileStatus::Failed;
    f.error = "boom";
    w.end_file(f);
    auto g = make_file("x");
    EXPECT_EQ(w.begin_file(g), FileSeen::Incomplete);
    auto files = w.list_files();
    ASSERT_EQ(files.size(), 1u);
    EXPECT_EQ(files[0].status, FileStatus::Running);
    EXPECT_EQ(files[0].error, "");
}

TEST(SqliteWriter, InsertOrReplaceById) {
    TempDir dir;
    auto path = dir.file("s.db");
    SqliteWriter w(path);
    auto f = make_file("aa");
    w.begin_file(f);
    w.write(make_record("dup", f.id, 1));
    auto second = make_record("dup", f.id, 2);
    second.json = R"({"v":2})";
    w.write(std::move(second));
    w.flush();
    auto rows = SqliteReader(path).list_sessions();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].json, R"({"v":2})");
    EXPECT_EQ(rows[0].firstPacket, 2);
}

TEST(SqliteWriter, LiveInputsWithoutFingerprintAlwaysGetNewRows) {
    TempDir dir;
    auto path = dir.file("s.db");
    SqliteWriter w(path);
    auto a = make_file("", "iface:eth0");
    auto b = make_file("", "iface:eth0");
    EXPECT_EQ(w.begin_file(a), FileSeen::New);
    EXPECT_EQ(w.begin_file(b), FileSeen::New);
    EXPECT_NE(a.id, b.id);
    EXPECT_EQ(Peek(path).num("SELECT count(*) FROM files WHERE fingerprint IS NULL"), 2);
}

TEST(SqliteWriter, StoreFieldsReplacesTable) {
    TempDir dir;
    auto path = dir.file("s.db");
    SqliteWriter w(path);
    std::vector<fields::FieldDef> defs(3);
    defs[0].expression = "ip.src";
    defs[0].db = "source.ip";
    defs[0].kind = fields::FieldKind::Ip;
    defs[0].friendly = "Src IP";
    defs[0].help = "Source IP";
    defs[0].group = "general";
    defs[0].pos = 0;
    defs[1].expression = "port.src";
    defs[1].db = "source.port";
    defs[1].kind = fields::FieldKind::Integer;
    defs[1].pos = 1;
    defs[2].expression = "http.host";
    defs[2].db = "http.host";
    defs[2].kind = fields::FieldKind::LoTermField;
    defs[2].pos = 2;
    w.store_fields(defs);
    w.store_fields(defs);  // replaces, no duplicates
    Peek p(path);
    EXPECT_EQ(p.num("SELECT count(*) FROM fields"), 3);
    EXPECT_EQ(
        p.text("SELECT db || '|' || kind || '|' || friendly || '|' || help || '|' || grp FROM fields WHERE pos=0"),
        "source.ip|ip|Src IP|Source IP|general");
    EXPECT_EQ(p.text("SELECT kind FROM fields WHERE expression='http.host'"), "lotermfield");
    defs.pop_back();
    w.store_fields(defs);
    EXPECT_EQ(Peek(path).num("SELECT count(*) FROM fields"), 2);
}

TEST(SqliteWriter, UnwritablePathThrowsNamingIt) {
    const std::string path = "/nonexistent-flowdex-dir/sub/s.db";
    try {
        SqliteWriter w(path);
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
}

TEST(SqliteWriter, NotADatabaseThrowsNamingIt) {
    TempDir dir;
    auto path = dir.file("text.db");
    testing::write_file(path, std::string(4096, 'x'));
    try {
        SqliteWriter w(path);
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
}

TEST(SqliteWriter, NewerSchemaIsRefused) {
    TempDir dir;
    auto path = dir.file("s.db");
    {
        sqlite::Db db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        db.exec("PRAGMA user_version=99");
    }
    EXPECT_THROW(SqliteWriter{path}, std::runtime_error);
    EXPECT_THROW(SqliteReader{path}, std::runtime_error);
}

TEST(SqliteReader, MissingOrForeignDatabaseThrows) {
    TempDir dir;
    auto path = dir.file("missing.db");
    try {
        SqliteReader r(path);
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
    auto empty = dir.file("empty.db");
    {
        sqlite::Db db(empty, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        db.exec("CREATE TABLE t(x)");
    }
    EXPECT_THROW(SqliteReader{empty}, std::runtime_error);
    { SqliteWriter w(path); }
    EXPECT_EQ(SqliteReader(path).schema_version(), sqlite::kSchemaVersion);
}

}  // namespace sqlite_writer_test
}  // namespace flowdex::store
