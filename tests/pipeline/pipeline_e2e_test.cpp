// End-to-end tests of `flowdex monitor`, `flowdex process` and `flowdex pipeline` over real
// ZeroMQ sockets on 127.0.0.1.
#include <gtest/gtest.h>

#include "pipeline/pipeline_util.h"

namespace flowdex::pipeline_test {
namespace pipeline_e2e_test {

using e2e::kBinary;

constexpr const char* kSettle = "0.3";

struct Layout {
    TempDir tmp;
    fs::path upload = tmp.path() / "upload";
    fs::path processed = tmp.path() / "processed";
    fs::path rejected = tmp.path() / "rejected";
    std::string db = tmp.file("flowdex.db");
    int port = free_port();
    Layout() {
        fs::create_directories(upload);
        fs::create_directories(processed);
    }
    std::string monitorDb() const { return tmp.file("monitor.db"); }
    std::string bind() const { return "tcp://127.0.0.1:" + std::to_string(port); }
    std::vector<std::string> monitor(std::vector<std::string> extra = {}) const {
        std::vector<std::string> a = {kBinary,     "monitor", upload.string(), "--processed", processed.string(),
                                      "--publish", bind(),    "--db",          monitorDb(),   "--settle",
                                      kSettle,     "-vvvv",   "--node",        "mon"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
    std::vector<std::string> process(std::vector<std::string> extra = {}, const std::string& db = {}) const {
        std::vector<std::string> a = {kBinary,      "process",          "--connect", bind(),
                                      "--pcap-dir", processed.string(), "--db",      db.empty() ? this->db : db,
                                      "-vvvv",      "--node",           "proc"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
};

TEST(PipelineE2E, CapturesAreAnalysedAndOtherFilesRejected) {
    Layout l;
    Proc proc(l.process({"--workers", "3"}), l.tmp.file("process.log"));  // analyses write the store side by side
    Proc mon(l.monitor(), l.tmp.file("monitor.log"));
    drop_file(l.upload, "siteA_vlan10.pcap", make_capture(1000, 3));
    drop_file(l.upload, "second.pcapng", make_capture(2000, 4, true));
    drop_file(l.upload, "third.pcap.gz", gzip(make_capture(3000, 5)));
    drop_file(l.upload, "fourth.pcap.zst", pack("zstd -q", make_capture(5000, 6), l.tmp));
    drop_file(l.upload, "fifth.pcapng.xz", pack("xz", make_capture(6000, 7, true), l.tmp));
    drop_file(l.upload, "notes.txt", "these are notes, not a capture file at all\n");
    e2e::write_file((l.upload / "direct.pcap").string(), make_capture(4000, 2));  // closed after writing

    std::vector<std::string> names = {"siteA_vlan10.pcap", "second.pcapng", "third.pcap",
                                      "direct.pcap",       "fourth.pcap",   "fifth.pcapng"};
    ASSERT_TRUE(wait_for([&] { return all_status(l.db, names, "done"); }))
        << files_json(l.db).dump(1) << mon.log() << proc.log();
    auto rows = files_json(l.db);
    EXPECT_EQ(find_row(rows, "siteA_vlan10.pcap")["sessions"], 3);
    EXPECT_EQ(find_row(rows, "siteA_vlan10.pcap")["packets"], 3);
    EXPECT_EQ(find_row(rows, "siteA_vlan10.pcap")["tags"], nlohmann::json({"siteA", "vlan10"}));
    EXPECT_EQ(find_row(rows, "siteA_vlan10.pcap")["node"], "proc-upload");
    EXPECT_EQ(find_row(rows, "second.pcapng")["sessions"], 4);
    EXPECT_EQ(find_row(rows, "third.pcap")["sessions"], 5);
    EXPECT_EQ(find_row(rows, "direct.pcap")["sessions"], 2);
    EXPECT_EQ(find_row(rows, "fourth.pcap")["sessions"], 6);
    EXPECT_EQ(find_row(rows, "fifth.pcapng")["sessions"], 7);
    for (const auto& key :
         {"name", "size", "tags", "node", "status", "sessions", "packets", "started", "finished", "error"})
        EXPECT_TRUE(find_row(rows, "third.pcap").contains(key)) << key;

    // The text file: rejected with a reason, still there.
    ASSERT_TRUE(wait_for([&] { return all_status(l.monitorDb(), {"notes.txt"}, "rejected"); }));
    EXPECT_TRUE(fs::exists(l.rejected / "notes.txt"));
    EXPECT_NE(e2e::read_file((l.rejected / "notes.txt.reason").string()).find("not a capture"), std::string::npos);
    EXPECT_NE(find_row(files_json(l.monitorDb()), "notes.txt")["error"].get<std::string>().find("text/plain"),
              std::string::npos);
    // The compressed original is kept beside what was unpacked from it; the upload folder is empty.
    EXPECT_TRUE(fs::exists(l.processed / "third.pcap.gz"));
    EXPECT_TRUE(fs::is_empty(l.upload));
    for (const auto& n : names)
        EXPECT_EQ(count_of(proc.log(), "analysing " + n + " "), 1u) << n;
}

TEST(PipelineE2E, ProcessorDownCatchesUpAndRestartsDuplicateNothing) {
    Layout l;
    auto proc1 = std::make_unique<Proc>(l.process(), l.tmp.file("process1.log"));
    auto mon1 = std::make_unique<Proc>(l.monitor(), l.tmp.file("monitor1.log"));
    drop_file(l.upload, "first.pcap", make_capture(1000, 2));
    ASSERT_TRUE(wait_for([&] { return all_status(l.db, {"first.pcap"}, "done"); })) << mon1->log() << proc1->log();
    proc1->stop();

    // Files arrive while the processor is down.
    drop_file(l.upload, "while_down_a.pcap", make_capture(2000, 3));
    drop_file(l.upload, "while_down_b.pcap", make_capture(3000, 4));
    ASSERT_TRUE(wait_for([&] {
        return fs::exists(l.processed / "while_down_a.pcap") && fs::exists(l.processed / "while_down_b.pcap");
    }));
    // The monitor restarts too: what it already published is not published again.
    mon1->stop();
    auto mon2 = std::make_unique<Proc>(l.monitor(), l.tmp.file("monitor2.log"));
    auto proc2 = std::make_unique<Proc>(l.process(), l.tmp.file("process2.log"));
    std::vector<std::string> all = {"first.pcap", "while_down_a.pcap", "while_down_b.pcap"};
    ASSERT_TRUE(wait_for([&] { return all_status(l.db, all, "done"); })) << mon2->log() << proc2->log();
    EXPECT_EQ(find_row(files_json(l.db), "while_down_b.pcap")["sessions"], 4);

    // A third processor start finds nothing to do.
    proc2->stop();
    auto proc3 = std::make_unique<Proc>(l.process(), l.tmp.file("process3.log"));
    ASSERT_TRUE(wait_for([&] { return proc3->log().find("catch-up scan") != std::string::npos; }));
    proc3->stop();
    mon2->stop();

    std::string logs = proc1->log() + proc2->log() + proc3->log();
    for (const auto& n : all)
        EXPECT_EQ(count_of(logs, "analysing " + n + " "), 1u) << n << "\n" << logs;
    EXPECT_EQ(count_of(mon2->log(), "published {\"name\": \"first.pcap\""), 0u) << mon2->log();
    EXPECT_EQ(files_json(l.db).size(), 3u) << files_json(l.db).dump(1);
    // One session row per UDP flow: nothing was loaded twice.
    auto sessions = e2e::run({{"/usr/bin/sqlite3", l.db, "SELECT count(*) FROM sessions"}});
    ASSERT_EQ(sessions.exitCode, 0) << sessions.describe();
    EXPECT_EQ(sessions.out, "9\n");
}

TEST(PipelineE2E, HungAndFailingAnalysesEndFailedAfterTheirRetries) {
    Layout l;
    Proc proc(l.process({"--timeout", "1", "--retries", "1"}), l.tmp.file("process.log"),
              {"FLOWDEX_TEST_HANG_MATCH=hangs"});
    Proc mon(l.monitor(), l.tmp.file("monitor.log"));
    drop_file(l.upload, "hangs.pcap", make_capture(1000, 2));
    drop_file(l.upload, "fine.pcap", make_capture(2000, 2));
    // Cut inside the seventh of ten packets (24-byte header, 62-byte records): an analysis that
    // fails, is retried, fails again, and keeps the sessions read before the cut.
    drop_file(l.upload, "cut.pcap", make_capture(3000, 10).substr(0, 24 + 62 * 6 + 30));
    ASSERT_TRUE(wait_for([&] { return all_status(l.db, {"hangs.pcap", "cut.pcap"}, "failed"); })) << proc.log();
    ASSERT_TRUE(wait_for([&] { return all_status(l.db, {"fine.pcap"}, "done"); })) << proc.log();
    auto row = find_row(files_json(l.db), "hangs.pcap");
    EXPECT_NE(row["error"].get<std::string>().find("timeout"), std::string::npos) << row.dump();
    EXPECT_EQ(count_of(proc.log(), "analysing hangs.pcap "), 2u) << proc.log();
    EXPECT_NE(proc.log().find("hangs.pcap: failed after 2 attempt(s)"), std::string::npos);
    auto cut = find_row(files_json(l.db), "cut.pcap");
    EXPECT_NE(cut["error"].get<std::string>().find("truncated"), std::string::npos) << cut.dump();
    EXPECT_EQ(cut["sessions"], 6) << cut.dump();
    EXPECT_EQ(count_of(proc.log(), "analysing cut.pcap "), 2u) << proc.log();
}

TEST(PipelineE2E, PushPullSharesFilesBetweenProcessorsEachOnce) {
    Layout l;
    std::string db2 = l.tmp.file("second.db");
    Proc p1(l.process({"--pull"}), l.tmp.file("p1.log"));
    Proc p2(l.process({"--pull"}, db2), l.tmp.file("p2.log"));
    Proc mon(l.monitor({"--push"}), l.tmp.file("monitor.log"));
    std::vector<std::string> names;
    for (int i = 0; i < 8; ++i) {
        names.push_back("wq" + std::to_string(i) + ".pcap");
        drop_file(l.upload, names.back(), make_capture(static_cast<uint16_t>(1000 + 100 * i), 1));
    }
    auto done_somewhere = [&] {
        auto a = files_json(l.db), b = files_json(db2);
        for (const auto& n : names) {
            auto ra = find_row(a, n), rb = find_row(b, n);
            bool da = !ra.is_null() && ra["status"] == "done", dbb = !rb.is_null() && rb["status"] == "done";
            if (!da && !dbb) return false;
        }
        return true;
    };
    ASSERT_TRUE(wait_for(done_somewhere)) << p1.log() << p2.log() << mon.log();
    auto a = files_json(l.db), b = files_json(db2);
    EXPECT_EQ(a.size() + b.size(), names.size()) << a.dump(1) << b.dump(1);
    for (const auto& n : names)
        EXPECT_EQ(count_of(p1.log() + p2.log(), "analysing " + n + " "), 1u) << n;
}

TEST(PipelineE2E, PipelineCommandInOneProcessWithPolling) {
    TempDir tmp;
    fs::path upload = tmp.path() / "upload";
    fs::create_directories(upload / "site1");
    std::string db = tmp.file("flowdex.db");
    // Already there at start-up.
    e2e::write_file((upload / "early.pcap").string(), make_capture(500, 1));
    Proc p({kBinary, "pipeline", upload.string(), "--db", db, "--polling", "--settle", kSettle, "--poll-interval",
            "0.2", "--node", "box", "-vvv"},
           tmp.file("pipeline.log"));
    drop_file(upload, "site1/one.pcap", make_capture(1000, 2));
    const std::string odd = "my capture: 10:00, 東京 café.pcap";
    drop_file(upload, odd, make_capture(2000, 3));
    drop_file(upload, "junk.bin", std::string(100, 'x'));
    drop_file(upload, "tiny.pcap", make_capture(1, 0).substr(0, 20));
    drop_file(upload, "bad\xFFname.pcap", make_capture(3000, 1));
    ASSERT_TRUE(wait_for([&] { return all_status(db, {"site1/one.pcap", "early.pcap", odd}, "done"); })) << p.log();
    ASSERT_TRUE(wait_for([&] { return all_status(db, {"junk.bin", "tiny.pcap"}, "rejected"); })) << p.log();
    auto rows = files_json(db);
    auto row = find_row(rows, "site1/one.pcap");
    EXPECT_EQ(row["tags"], nlohmann::json({"site1", "one"}));
    EXPECT_EQ(row["node"], "box-upload");
    EXPECT_EQ(find_row(rows, odd)["tags"], nlohmann::json({"my capture: 10:00", " 東京 café"}));
    EXPECT_EQ(find_row(rows, odd)["sessions"], 3);
    EXPECT_NE(find_row(rows, "tiny.pcap")["error"].get<std::string>().find("smaller than 24 bytes"), std::string::npos);
    EXPECT_TRUE(fs::exists(tmp.path() / "processed" / "site1" / "one.pcap"));
    EXPECT_TRUE(fs::exists(tmp.path() / "rejected" / "junk.bin"));
    // A name that is not UTF-8 cannot go into a JSON message: rejected, kept, with its reason.
    ASSERT_TRUE(wait_for([&] { return fs::exists(tmp.path() / "rejected" / "bad\xFFname.pcap.reason"); })) << p.log();
    EXPECT_NE(e2e::read_file((tmp.path() / "rejected" / "bad\xFFname.pcap.reason").string()).find("UTF-8"),
              std::string::npos);
    EXPECT_TRUE(fs::exists(tmp.path() / "rejected" / "bad\xFFname.pcap"));
    EXPECT_EQ(p.stop(), 0);
}

TEST(PipelineE2E, FileBeingWrittenWaitsForItsClose) {
    Layout l;
    Proc mon(l.monitor(), l.tmp.file("monitor.log"));
    ASSERT_TRUE(wait_for([&] { return mon.log().find("(inotify)") != std::string::npos; })) << mon.log();
    const std::string capture = make_capture(1000, 50);
    const fs::path path = l.upload / "slow_upload.pcap";
    {
        std::ofstream out(path, std::ios::binary);
        out.write(capture.data(), 1000);
        out.flush();
        // Quiet for several settle times, but still open: not ready.
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        EXPECT_TRUE(fs::exists(path)) << mon.log();
        out.write(capture.data() + 1000, static_cast<std::streamsize>(capture.size() - 1000));
    }
    ASSERT_TRUE(wait_for([&] { return fs::exists(l.processed / "slow_upload.pcap"); })) << mon.log();
    EXPECT_EQ(fs::file_size(l.processed / "slow_upload.pcap"), capture.size());
}

/// Processes whose command line contains `text`.
size_t processes_mentioning(const std::string& text) {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/proc", ec)) {
        std::string cmd = e2e::read_file((e.path() / "cmdline").string());
        std::replace(cmd.begin(), cmd.end(), '\0', ' ');
        if (cmd.find(text) != std::string::npos) ++n;
    }
    return n;
}

TEST(PipelineE2E, ProcessorKilledOutrightTakesItsAnalysisAlongAndRedoesItOnce) {
    Layout l;
    auto proc1 = std::make_unique<Proc>(l.process({"--timeout", "600"}), l.tmp.file("process1.log"),
                                        std::vector<std::string>{"FLOWDEX_TEST_HANG_MATCH=stuck"});
    Proc mon(l.monitor(), l.tmp.file("monitor.log"));
    drop_file(l.upload, "stuck.pcap", make_capture(1000, 4));
    ASSERT_TRUE(wait_for([&] { return proc1->log().find("analysing stuck.pcap") != std::string::npos; }))
        << proc1->log();
    // The processor and its (hanging, so not yet exec'd) analysis child.
    const std::string processorArgs = "--pcap-dir " + l.processed.string() + " ";
    ASSERT_TRUE(wait_for([&] { return processes_mentioning(processorArgs) == 2; }));
    proc1->stop(SIGKILL);
    // The analysis child dies with its processor.
    EXPECT_TRUE(wait_for([&] { return processes_mentioning(processorArgs) == 0; }, 20));
    EXPECT_EQ(find_row(files_json(l.db), "stuck.pcap")["status"], "running");
    Proc proc2(l.process(), l.tmp.file("process2.log"));
    ASSERT_TRUE(wait_for([&] { return all_status(l.db, {"stuck.pcap"}, "done"); })) << proc2.log();
    EXPECT_EQ(find_row(files_json(l.db), "stuck.pcap")["sessions"], 4);
    EXPECT_EQ(count_of(proc2.log(), "analysing stuck.pcap "), 1u) << proc2.log();
    EXPECT_NE(proc2.log().find("stuck.pcap: queued again"), std::string::npos) << proc2.log();
}

TEST(PipelineE2E, StartUpErrorsAreOneLine) {
    TempDir tmp;
    auto r = e2e::flowdex({"monitor", tmp.file("missing"), "--processed", tmp.file("p")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("missing: not a folder"), std::string::npos) << r.err;
    r = e2e::flowdex({"process", "--connect", "tcp://127.0.0.1:1", "--pcap-dir", tmp.file("nope")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("nope: not a folder"), std::string::npos) << r.err;
    r = e2e::flowdex({"monitor", tmp.path().string(), "--processed", tmp.file("p"), "--publish", "bogus://x"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("bogus://x: cannot bind"), std::string::npos) << r.err;
}

}  // namespace pipeline_e2e_test
}  // namespace flowdex::pipeline_test
