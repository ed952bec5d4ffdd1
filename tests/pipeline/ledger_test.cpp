#include "pipeline/ledger.h"

#include <gtest/gtest.h>

#include "e2e/e2e_util.h"

namespace flowdex::pipeline {
namespace ledger_test {

LedgerEntry entry(const std::string& name, const std::string& fp) {
    LedgerEntry e;
    e.name = name;
    e.fingerprint = fp;
    e.path = "/data/" + name;
    e.size = 1234;
    e.tags = {"t1", "ü"};
    e.node = "n-upload";
    return e;
}

TEST(PipelineLedger, QueuedRunningDoneAndNoSecondRun) {
    e2e::TempDir tmp;
    Ledger l(tmp.file("s.db"));
    auto id = l.enqueue(entry("a.pcap", "fp1"));
    ASSERT_TRUE(id);
    EXPECT_EQ(l.enqueue(entry("a.pcap", "fp1")), id);  // queued twice: the same row
    EXPECT_TRUE(l.claim(*id));
    EXPECT_FALSE(l.claim(*id));  // already running
    l.finish_done(*id, 7, 100, 10);
    LedgerStatus st{};
    EXPECT_FALSE(l.enqueue(entry("a.pcap", "fp1"), &st));
    EXPECT_EQ(st, LedgerStatus::Done);
    auto e = l.get(*id);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->status, LedgerStatus::Done);
    EXPECT_EQ(e->attempts, 1);
    EXPECT_EQ(e->sessions, 10u);
    EXPECT_EQ(e->packets, 100u);
    EXPECT_EQ(e->fileId, 7);
    EXPECT_EQ(e->tags, (std::vector<std::string>{"t1", "ü"}));
    // Same name, other content: another file.
    EXPECT_TRUE(l.enqueue(entry("a.pcap", "fp2")));
}

TEST(PipelineLedger, RetriesFailuresAndRecoveryAfterACrash) {
    e2e::TempDir tmp;
    int64_t failedId = 0, crashedId = 0;
    {
        Ledger l(tmp.file("s.db"));
        failedId = *l.enqueue(entry("bad.pcap", "fp1"));
        ASSERT_TRUE(l.claim(failedId));
        l.retry_later(failedId, "exit 1");
        ASSERT_TRUE(l.claim(failedId));
        l.finish_failed(failedId, "exit 1 again");
        crashedId = *l.enqueue(entry("crash.pcap", "fp2"));
        ASSERT_TRUE(l.claim(crashedId));  // and the process dies here
    }
    Ledger l(tmp.file("s.db"));
    auto queued = l.recover_queued();
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].id, crashedId);
    EXPECT_EQ(queued[0].name, "crash.pcap");
    auto f = l.get(failedId);
    EXPECT_EQ(f->status, LedgerStatus::Failed);
    EXPECT_EQ(f->attempts, 2);
    EXPECT_EQ(f->error, "exit 1 again");
    LedgerStatus st{};
    EXPECT_FALSE(l.enqueue(entry("bad.pcap", "fp1"), &st));
    EXPECT_EQ(st, LedgerStatus::Failed);
    // A stop that releases a running file does not count the attempt.
    ASSERT_TRUE(l.claim(crashedId));
    l.release(crashedId);
    EXPECT_EQ(l.get(crashedId)->status, LedgerStatus::Queued);
    EXPECT_EQ(l.get(crashedId)->attempts, 1);
}

TEST(PipelineLedger, MonitorRecordsAndSharedRows) {
    e2e::TempDir tmp;
    Ledger l(tmp.file("s.db"));
    EXPECT_FALSE(l.was_published("x.pcap", "fp"));
    auto id = l.enqueue(entry("x.pcap", "fp"));  // a processor on the same store got it first
    l.record_published(entry("x.pcap", "fp"));
    EXPECT_TRUE(l.was_published("x.pcap", "fp"));
    EXPECT_EQ(l.get(*id)->status, LedgerStatus::Queued);  // publication leaves the processing status alone
    auto r = entry("notes.txt", "fp3");
    r.error = "not a capture file";
    l.record_rejected(r);
    auto rows = l.list();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1].status, LedgerStatus::Rejected);
    EXPECT_EQ(rows[1].error, "not a capture file");
    EXPECT_FALSE(l.enqueue(entry("notes.txt", "fp3")));
}

}  // namespace ledger_test
}  // namespace flowdex::pipeline
