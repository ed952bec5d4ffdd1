// Interop with Malcolm's side of the pipeline, played by Debian's python3-zmq: a subscriber that
// reads our monitor's messages, and a publisher whose Malcolm-format messages our processor takes.
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "pipeline/pipeline_util.h"

namespace flowdex::pipeline_test {
namespace interop_test {

using e2e::kBinary;
const std::string kPython = "/usr/bin/python3";
const std::string kScripts = (e2e::kSourceDir / "tests" / "pipeline").string();

TEST(PipelineInterop, MalcolmSubscriberReadsOurMessages) {
    TempDir tmp;
    fs::path upload = tmp.path() / "upload", processed = tmp.path() / "processed";
    fs::create_directories(upload);
    std::string ep = "tcp://127.0.0.1:" + std::to_string(free_port());
    e2e::Result sub;
    std::thread subscriber([&] {
        sub = e2e::run({{kPython, kScripts + "/interop_subscriber.py", ep, "3", "60"}, {}, 90});
    });
    Proc mon({kBinary, "monitor", upload.string(), "--processed", processed.string(), "--publish", ep, "--db",
              tmp.file("m.db"), "--settle", "0.3", "--node", "malcolm", "-vvvv"},
             tmp.file("monitor.log"));
    const std::string pcap = make_capture(1000, 2), pcapng = make_capture(2000, 3, true);
    drop_file(upload, "ACME_Scada_VLAN10.pcap", pcap);
    drop_file(upload, "mtcpdump-eth0_20240101.pcap", make_capture(3000, 1));
    drop_file(upload, "a,b,USERTAG,,NBSITEID1,x.pcapng", pcapng);
    subscriber.join();
    ASSERT_EQ(sub.exitCode, 0) << sub.describe() << mon.log();

    std::map<std::string, nlohmann::ordered_json> byName;
    for (const auto& line : e2e::split_lines(sub.out)) {
        ASSERT_EQ(line.substr(0, 2), "1\t") << "one frame per message: " << line;
        auto j = nlohmann::ordered_json::parse(line.substr(2));
        std::vector<std::string> keys;
        for (auto it = j.begin(); it != j.end(); ++it)
            keys.push_back(it.key());
        EXPECT_EQ(keys, (std::vector<std::string>{"name", "size", "mime", "type", "node", "live", "tags"})) << line;
        EXPECT_EQ(j["node"], "malcolm");
        byName[j["name"].get<std::string>()] = j;
    }
    ASSERT_EQ(byName.size(), 3u) << sub.out;
    auto& a = byName["ACME_Scada_VLAN10.pcap"];
    EXPECT_EQ(a["tags"], nlohmann::ordered_json({"ACME", "Scada", "VLAN10"}));
    EXPECT_EQ(a["size"], pcap.size());
    EXPECT_EQ(a["mime"], "application/vnd.tcpdump.pcap");
    EXPECT_EQ(a["type"].get<std::string>().rfind("pcap capture file", 0), 0u) << a["type"];
    EXPECT_EQ(a["live"], false);
    auto& live = byName["mtcpdump-eth0_20240101.pcap"];
    EXPECT_EQ(live["tags"], nlohmann::ordered_json({"eth0"}));
    EXPECT_EQ(live["live"], true);
    auto& ng = byName["a,b,USERTAG,,NBSITEID1,x.pcapng"];
    EXPECT_EQ(ng["tags"], nlohmann::ordered_json({"a", "b", "USERTAG", "NBSITEID1", "x", "pcapng"}));
    EXPECT_EQ(ng["size"], pcapng.size());
    EXPECT_NE(ng["type"].get<std::string>().find("pcapng"), std::string::npos) << ng["type"];
    EXPECT_EQ(ng["live"], false);
}

TEST(PipelineInterop, OurProcessorAnalysesMalcolmMessages) {
    TempDir tmp;
    fs::path processed = tmp.path() / "processed";
    fs::create_directories(processed);
    const std::string db = tmp.file("flowdex.db");
    const std::string up = "siteB,USERTAG,NBSITEID7,AUTOZEEK,cap1.pcap", live = "mtcpdump-eth1_20240101.pcap",
                      untagged = "plain_upload.pcap";
    e2e::write_file((processed / up).string(), make_capture(1000, 3));
    e2e::write_file((processed / live).string(), make_capture(2000, 2));
    e2e::write_file((processed / untagged).string(), make_capture(3000, 1));
    std::string ep = "tcp://127.0.0.1:" + std::to_string(free_port());
    auto msg = [&](const std::string& name, const std::string& tagsJson) {
        std::string m = R"({"name": ")" + name + R"(", )" + tagsJson + R"("size": )" +
                        std::to_string(fs::file_size(processed / name)) +
                        R"(, "type": "pcap capture file", "mime": "application/vnd.tcpdump.pcap"})";
        return m;
    };
    e2e::Result pub;
    std::thread publisher([&] {
        pub = e2e::run({{kPython, kScripts + "/interop_publisher.py", ep, "60",
                         msg(up, R"("tags": ["siteB", "USERTAG", "NBSITEID7", "AUTOZEEK", "cap1"], )"),
                         msg(live, R"("tags": ["eth1"], )"), msg(untagged, "")},
                        {},
                        90});
    });
    fs::create_directories(tmp.path() / "elsewhere");  // searched first, holds nothing
    // No catch-up scan: these files must be analysed because of the messages alone.
    Proc proc({kBinary, "process", "--connect", ep, "--pcap-dir", tmp.file("elsewhere") + "," + processed.string(),
               "--db", db, "--node", "malcolm", "--no-catch-up"},
              tmp.file("process.log"), {"EXTRA_TAGS=extra1, extra2", "PCAP_PIPELINE_VERBOSITY=-vvvv"});
    publisher.join();
    ASSERT_EQ(pub.exitCode, 0) << pub.describe() << proc.log();
    ASSERT_TRUE(wait_for([&] { return all_status(db, {up, live, untagged}, "done"); })) << proc.log();
    auto rows = files_json(db);
    EXPECT_EQ(find_row(rows, up)["tags"], nlohmann::json({"siteB", "cap1", "extra1", "extra2"}));
    EXPECT_EQ(find_row(rows, up)["node"], "malcolm-upload");
    EXPECT_EQ(find_row(rows, up)["sessions"], 3);
    EXPECT_EQ(find_row(rows, live)["node"], "malcolm");
    EXPECT_EQ(find_row(rows, live)["tags"], nlohmann::json({"eth1", "extra1", "extra2"}));
    EXPECT_EQ(find_row(rows, untagged)["tags"], nlohmann::json({"plain", "upload", "extra1", "extra2"}));
    // Debug output from the environment's verbosity, every line `TIMESTAMP LEVEL: message`.
    const std::regex line(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL): .+)");
    EXPECT_NE(proc.log().find(" DEBUG: received {"), std::string::npos) << proc.log();
    for (const auto& l : e2e::split_lines(proc.log()))
        EXPECT_TRUE(std::regex_match(l, line)) << l;
    // Every message came twice; each file was analysed once.
    for (const auto& n : {up, live, untagged})
        EXPECT_EQ(count_of(proc.log(), "analysing " + n + " "), 1u) << n << "\n" << proc.log();
}

}  // namespace interop_test
}  // namespace flowdex::pipeline_test
