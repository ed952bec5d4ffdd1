#include "store/queued_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "store/sqlite/sqlite_writer.h"
#include "store_test_util.h"

namespace flowdex::store {
namespace queued_writer_test {

using testing::FakeWriter;
using testing::make_record;

TEST(QueuedWriter, FourProducersAllRecordsArriveInPerThreadOrder) {
    FakeWriter::Log log;
    {
        QueuedWriter q(std::make_unique<FakeWriter>(&log), {.maxQueuedRecords = 64});  // small: back-pressure
        InputFile f;
        f.name = "a";
        EXPECT_EQ(q.begin_file(f), FileSeen::New);
        EXPECT_EQ(f.id, 42);  // set by the inner writer before begin_file returned
        std::vector<std::thread> producers;
        for (int t = 0; t < 4; ++t) {
            producers.emplace_back([&q, t] {
                for (int i = 0; i < 10000; ++i)
                    q.write(make_record(std::to_string(t) + ":" + std::to_string(i)));
            });
        }
        for (auto& p : producers)
            p.join();
        q.end_file(f);
        q.flush();
        std::lock_guard lk(log.mu);
        EXPECT_EQ(log.ids.size(), 40000u);
        EXPECT_EQ(log.calls, (std::vector<std::string>{"begin:a", "end:a", "flush"}));
    }
    std::map<int, int> next;
    for (const auto& id : log.ids) {
        int t = std::stoi(id.substr(0, id.find(':')));
        int i = std::stoi(id.substr(id.find(':') + 1));
        EXPECT_EQ(i, next[t]) << id;
        next[t] = i + 1;
    }
    EXPECT_EQ(std::set<std::string>(log.ids.begin(), log.ids.end()).size(), 40000u);
}

TEST(QueuedWriter, CallsStayInOrder) {
    FakeWriter::Log log;
    QueuedWriter q(std::make_unique<FakeWriter>(&log));
    InputFile a, b;
    a.name = "a";
    b.name = "b";
    q.begin_file(a);
    q.write(make_record("1"));
    q.end_file(a);
    q.begin_file(b);
    std::vector<SessionRecord> batch;
    batch.push_back(make_record("2"));
    batch.push_back(make_record("3"));
    q.write_batch(std::move(batch));
    q.end_file(b);
    q.flush();
    std::lock_guard lk(log.mu);
    EXPECT_EQ(log.calls, (std::vector<std::string>{"begin:a", "end:a", "begin:b", "end:b", "flush"}));
    EXPECT_EQ(log.ids, (std::vector<std::string>{"1", "2", "3"}));
}

TEST(QueuedWriter, DestructorDrainsTheQueue) {
    FakeWriter::Log log;
    {
        QueuedWriter q(std::make_unique<FakeWriter>(&log));
        for (int i = 0; i < 1000; ++i)
            q.write(make_record(std::to_string(i)));
        InputFile f;
        f.name = "z";
        q.end_file(f);
    }
    EXPECT_EQ(log.ids.size(), 1000u);
    EXPECT_EQ(log.calls.back(), "end:z");
}

TEST(QueuedWriter, WorkerExceptionSurfacesAtFlushAndLaterCalls) {
    FakeWriter::Log log;
    QueuedWriter q(std::make_unique<FakeWriter>(&log, FileSeen::New, 5));
    try {
        // The worker may fail while the loop still writes: the failure then surfaces at that write.
        for (int i = 0; i < 10; ++i)
            q.write(make_record(std::to_string(i)));
        q.flush();
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "fake: disk on fire");
    }
    EXPECT_THROW(q.write(make_record("late")), std::runtime_error);
    InputFile f;
    EXPECT_THROW(q.begin_file(f), std::runtime_error);
    EXPECT_THROW(q.end_file(f), std::runtime_error);
    EXPECT_EQ(log.ids.size(), 5u);  // nothing after the failure reached the inner writer
}

TEST(QueuedWriter, BlockedProducersAreReleasedByAFailure) {
    FakeWriter::Log log;
    QueuedWriter q(std::make_unique<FakeWriter>(&log, FileSeen::New, 0), {.maxQueuedRecords = 4});
    std::atomic<int> threw{0};
    std::vector<std::thread> producers;
    for (int t = 0; t < 4; ++t) {
        producers.emplace_back([&] {
            try {
                for (int i = 0; i < 100000; ++i)
                    q.write(make_record("x"));
            } catch (const std::runtime_error&) {
                ++threw;
            }
        });
    }
    for (auto& p : producers)
        p.join();
    EXPECT_EQ(threw.load(), 4);
}

TEST(QueuedWriter, OverSqliteStoresEverything) {
    testing::TempDir dir;
    auto path = dir.file("q.db");
    {
        QueuedWriter q(std::make_unique<SqliteWriter>(path));
        auto f = testing::make_file("fp");
        ASSERT_EQ(q.begin_file(f), FileSeen::New);
        std::vector<std::thread> producers;
        for (int t = 0; t < 4; ++t) {
            producers.emplace_back([&q, &f, t] {
                for (int i = 0; i < 10000; ++i)
                    q.write(make_record(std::to_string(t) + "-" + std::to_string(i), f.id, i));
            });
        }
        for (auto& p : producers)
            p.join();
        f.status = FileStatus::Done;
        f.sessions = 40000;
        q.end_file(f);
        q.flush();
        EXPECT_EQ(SqliteReader(path).count_sessions(f.id), 40000);
        auto again = testing::make_file("fp");
        EXPECT_EQ(q.begin_file(again), FileSeen::Complete);
    }
    EXPECT_EQ(SqliteReader(path).count_sessions(), 40000);
}

}  // namespace queued_writer_test
}  // namespace flowdex::store
