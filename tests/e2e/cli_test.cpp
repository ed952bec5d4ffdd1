// End-to-end tests of `flowdex capture`: the real binary, its exit codes, its stores, and the
// Arkime corpus score.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>
#include <vector>

#include "e2e/e2e_util.h"

namespace flowdex::e2e {
namespace cli_test {

// ---------------------------------------------------------------- helpers

/// A read-only SQLite handle for checking what a run stored.
class Db {
  public:
    explicit Db(const std::string& path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
            throw std::runtime_error(path + ": " + sqlite3_errmsg(db_));
    }
    ~Db() { sqlite3_close(db_); }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    /// Every row of `sql`, each column as text ("" for NULL).
    std::vector<std::vector<std::string>> rows(const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
            throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
        std::vector<std::vector<std::string>> out;
        while (sqlite3_step(st) == SQLITE_ROW) {
            std::vector<std::string> row;
            for (int i = 0; i < sqlite3_column_count(st); ++i) {
                const unsigned char* t = sqlite3_column_text(st, i);
                row.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
            }
            out.push_back(std::move(row));
        }
        sqlite3_finalize(st);
        return out;
    }
    int64_t count(const std::string& sql) {
        auto r = rows(sql);
        return r.empty() || r[0].empty() ? -1 : std::stoll(r[0][0]);
    }

  private:
    sqlite3* db_ = nullptr;
};

bool have_corpus() {
    return fs::is_directory(kCorpusDir);
}

#define SKIP_WITHOUT_CORPUS()                                     \
    if (!have_corpus())                                           \
    GTEST_SKIP() << "no Arkime corpus at " << kCorpusDir.string() \
                 << " (the ../shared folder is absent in this clone); corpus checks skipped"

/// NDJSON of one capture written to standard output (--no-db --json -).
Command json_run(const std::string& pcap, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {kBinary, "capture", "-q", "--no-db", "--json", "-", "-r", pcap};
    args.insert(args.end(), extra.begin(), extra.end());
    return {args};
}

// ---------------------------------------------------------------- corpus score

TEST(CliCorpus, ScoreAgainstArkime) {
    SKIP_WITHOUT_CORPUS();
    ASSERT_TRUE(fs::exists(kBinary)) << kBinary << " is not built";
    // The script runs `<top>/build/flowdex`. For another build folder (the sanitizer build), point
    // <top> at a shim whose scripts/ is the real folder and whose build/ is the folder of the
    // binary under test, so that build scores its own binary.
    TempDir tmp;
    fs::path script = kSourceDir / "scripts" / "score-arkime-corpus";
    std::error_code ec;
    if (!fs::equivalent(fs::path(kBinary).parent_path(), kSourceDir / "build", ec)) {
        fs::path top = tmp.path() / "top";
        fs::create_directories(top);
        fs::create_directory_symlink(kSourceDir / "scripts", top / "scripts");
        fs::create_directory_symlink(fs::path(kBinary).parent_path(), top / "build");
        script = top / "scripts" / "score-arkime-corpus";
    }
    Result r = run({{"/bin/bash", script.string(), kCorpusDir.string()}, "", 900});
    ASSERT_EQ(r.exitCode, 0) << r.describe() << "\nstdout:\n" << r.out;
    std::vector<std::string> lines = split_lines(r.out);
    ASSERT_FALSE(lines.empty()) << r.describe();
    const std::string& last = lines.back();
    unsigned long long a, b, c, d, e, f, g, h, s;
    ASSERT_EQ(
        std::sscanf(last.c_str(), "sessions %llu/%llu core %llu/%llu protocol %llu/%llu deep %llu/%llu spurious %llu",
                    &a, &b, &c, &d, &e, &f, &g, &h, &s),
        9)
        << "unexpected last line: " << last;
    ASSERT_GT(b, 0u) << last;
    const double expected = static_cast<double>(b);
    EXPECT_GE(a / expected, 0.97) << "sessions matched: " << last;
    EXPECT_GE(c / expected, 0.95) << "core fields matched (over expected sessions): " << last;
    EXPECT_LE(s / expected, 0.03) << "spurious sessions: " << last;
    // Application protocols (issue 5): names in `protocol` and the deep field values.
    ASSERT_GT(f, 0u) << last;
    ASSERT_GT(h, 0u) << last;
    EXPECT_GE(static_cast<double>(e) / static_cast<double>(f), 0.90) << "protocol names matched: " << last;
    EXPECT_GE(static_cast<double>(g) / static_cast<double>(h), 0.75) << "deep fields matched: " << last;
    std::printf("corpus score: %s\n", last.c_str());
}

// ---------------------------------------------------------------- packet threads

/// Same records, byte for byte (sorted), with packetThreads=1 and packetThreads=2.
void expect_same_records_across_threads(const std::vector<std::string>& pcaps, const std::vector<std::string>& opts) {
    std::vector<Command> cmds;
    for (const auto& p : pcaps) {
        for (const char* t : {"packetThreads=1", "packetThreads=2"}) {
            std::vector<std::string> extra = opts;
            extra.insert(extra.end(), {"-o", t});
            cmds.push_back(json_run(p, extra));
        }
    }
    std::vector<Result> rs = run_all(cmds);
    for (size_t i = 0; i < pcaps.size(); ++i) {
        const Result& one = rs[2 * i];
        const Result& two = rs[2 * i + 1];
        SCOPED_TRACE(pcaps[i]);
        ASSERT_EQ(one.exitCode, 0) << one.describe();
        ASSERT_EQ(two.exitCode, 0) << two.describe();
        std::vector<std::string> a = sorted_lines(one.out), b = sorted_lines(two.out);
        EXPECT_FALSE(a.empty());
        EXPECT_EQ(a.size(), b.size());
        std::vector<std::string> onlyOne, onlyTwo;
        std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(onlyOne));
        std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(onlyTwo));
        for (size_t k = 0; k < onlyOne.size() && k < 3; ++k)
            ADD_FAILURE() << "only with 1 thread: " << onlyOne[k];
        for (size_t k = 0; k < onlyTwo.size() && k < 3; ++k)
            ADD_FAILURE() << "only with 2 threads: " << onlyTwo[k];
        EXPECT_TRUE(onlyOne.empty() && onlyTwo.empty())
            << onlyOne.size() << " records only with 1 thread, " << onlyTwo.size() << " only with 2";
    }
}

TEST(CliThreads, SampleSameRecordsWithTwoPacketThreads) {
    expect_same_records_across_threads({kSample}, {});
}

TEST(CliThreads, CorpusSameRecordsWithTwoPacketThreads) {
    SKIP_WITHOUT_CORPUS();
    // Files with many sessions, tunnels, fragments and unusual link types. arkime_synthetic jumps
    // its clock by 90 s over more than ten idle TCP sessions (the per-run idle-expiry limit).
    std::vector<std::string> pcaps;
    for (const char* name : {"arkime_synthetic", "wireshark-esp", "bacnet-stack-services", "dcerpc_synthetic",
                             "gtp-iphone", "ntlm_synthetic", "m3ua_synthetic", "tcp-reassembly-synthetic",
                             "single-packets", "nflog", "sctp-www", "http2-nghttp2", "6-4-gre-ppp-udp-4-dns"}) {
        fs::path p = kCorpusDir / (std::string(name) + ".pcap");
        if (fs::exists(p)) pcaps.push_back(p.string());
    }
    ASSERT_GE(pcaps.size(), 5u);
    expect_same_records_across_threads(pcaps, corpus_options());
}

// ---------------------------------------------------------------- SQLite store

TEST(CliSqlite, LoadsAFileOnceWithItsTagsAndCounts) {
    TempDir tmp;
    const std::string db = tmp.file("store.db");
    Result first = flowdex({"capture", "-q", "--db", db, "-r", kSample, "-t", "alpha", "-t", "beta"});
    ASSERT_EQ(first.exitCode, 0) << first.describe();
    int64_t packets = summary_packets(first.err);
    ASSERT_GT(packets, 0) << first.err;

    int64_t sessions;
    {
        Db d(db);
        sessions = d.count("SELECT count(*) FROM sessions");
        ASSERT_GT(sessions, 0);
        auto files = d.rows("SELECT name, status, packets, sessions, tags, error FROM files");
        ASSERT_EQ(files.size(), 1u);
        EXPECT_EQ(files[0][0], fs::absolute(kSample).lexically_normal().string());
        EXPECT_EQ(files[0][1], "done");
        EXPECT_EQ(files[0][2], std::to_string(packets));
        EXPECT_EQ(files[0][3], std::to_string(sessions));
        EXPECT_NE(files[0][4].find("alpha"), std::string::npos) << files[0][4];
        EXPECT_NE(files[0][4].find("beta"), std::string::npos) << files[0][4];
        EXPECT_EQ(files[0][5], "");
        for (const auto& row : d.rows("SELECT doc FROM sessions")) {
            auto doc = nlohmann::json::parse(row[0]);
            ASSERT_TRUE(doc.contains("tags")) << row[0];
            auto tags = doc["tags"].get<std::vector<std::string>>();
            EXPECT_NE(std::find(tags.begin(), tags.end(), "alpha"), tags.end()) << row[0];
            EXPECT_NE(std::find(tags.begin(), tags.end(), "beta"), tags.end()) << row[0];
        }
    }

    Result second = flowdex({"capture", "-q", "--db", db, "-r", kSample, "-t", "alpha", "-t", "beta"});
    ASSERT_EQ(second.exitCode, 0) << second.describe();
    EXPECT_NE(second.err.find("already loaded"), std::string::npos) << second.err;
    EXPECT_NE(second.err.find(kSample), std::string::npos) << second.err;
    Db d(db);
    EXPECT_EQ(d.count("SELECT count(*) FROM sessions"), sessions);
    EXPECT_EQ(d.count("SELECT count(*) FROM files"), 1);
}

// ---------------------------------------------------------------- NDJSON, folders, stdin

TEST(CliJson, StandardOutputIsNdjsonOnly) {
    TempDir tmp;
    const std::string db = tmp.file("store.db");
    Result r = flowdex({"capture", "--db", db, "--json", "-", "-r", kSample});
    ASSERT_EQ(r.exitCode, 0) << r.describe();
    std::vector<std::string> lines = split_lines(r.out);
    ASSERT_FALSE(lines.empty());
    for (const auto& l : lines) {
        nlohmann::json doc = nlohmann::json::parse(l, nullptr, false);
        ASSERT_FALSE(doc.is_discarded()) << "not JSON: " << l;
        EXPECT_TRUE(doc.contains("firstPacket") && doc.contains("network")) << l;
    }
    EXPECT_NE(r.err.find("packets"), std::string::npos) << "summary belongs on stderr: " << r.err;
    EXPECT_EQ(Db(db).count("SELECT count(*) FROM sessions"), static_cast<int64_t>(lines.size()));
}

TEST(CliInputs, FolderRecursive) {
    TempDir tmp;
    fs::path dir = tmp.path() / "caps";
    fs::create_directories(dir / "sub" / "deeper");
    fs::copy_file(kSample, dir / "top.pcap");
    fs::copy_file(kSample, dir / "sub" / "a.cap");
    fs::copy_file(kSample, dir / "sub" / "deeper" / "b.pcap");
    write_file((dir / "notes.txt").string(), "not a capture\n");
    Result one = run(json_run(kSample));
    ASSERT_EQ(one.exitCode, 0) << one.describe();
    const int64_t packets = summary_packets(one.err);
    ASSERT_GT(packets, 0) << one.err;

    // The copies hold the same flows, so their packets join the same sessions: count packets.
    Result flat = flowdex({"capture", "-q", "--no-db", "--json", "-", "-R", dir.string()});
    ASSERT_EQ(flat.exitCode, 0) << flat.describe();
    EXPECT_EQ(summary_packets(flat.err), packets) << flat.err;
    EXPECT_NE(flat.err.find(" 1 inputs"), std::string::npos) << flat.err;
    EXPECT_EQ(split_lines(flat.out).size(), split_lines(one.out).size());

    Result deep = flowdex({"capture", "-q", "--no-db", "--json", "-", "-R", dir.string(), "--recursive"});
    ASSERT_EQ(deep.exitCode, 0) << deep.describe();
    EXPECT_EQ(summary_packets(deep.err), 3 * packets) << deep.err;
    EXPECT_NE(deep.err.find(" 3 inputs"), std::string::npos) << deep.err;
    EXPECT_FALSE(split_lines(deep.out).empty());
}

TEST(CliInputs, StandardInput) {
    Result file = run(json_run(kSample));
    Result in = flowdex({"capture", "-q", "--no-db", "--json", "-", "-r", "-"}, kSample);
    ASSERT_EQ(file.exitCode, 0) << file.describe();
    ASSERT_EQ(in.exitCode, 0) << in.describe();
    EXPECT_FALSE(in.out.empty());
    EXPECT_EQ(sorted_lines(in.out), sorted_lines(file.out));
}

// ---------------------------------------------------------------- parser settings

/// Every key path in the records of `ndjson` (objects in arrays add their keys under the array's path).
std::set<std::string> paths_of(const std::string& ndjson) {
    std::set<std::string> out;
    std::function<void(const nlohmann::json&, const std::string&)> walk = [&](const nlohmann::json& j,
                                                                              const std::string& at) {
        if (j.is_array()) {
            for (const auto& e : j)
                walk(e, at);
        } else if (j.is_object()) {
            for (const auto& [k, v] : j.items()) {
                const std::string p = at.empty() ? k : at + "." + k;
                out.insert(p);
                walk(v, p);
            }
        }
    };
    for (const std::string& line : split_lines(ndjson))
        walk(nlohmann::json::parse(line), "");
    return out;
}

TEST(CliSettings, ParserKeysLeaveTheirFieldsOut) {
    // Each switch with the fields it governs, and a field that stays in either way.
    const std::vector<std::pair<std::string, std::vector<std::string>>> governed = {
        {"parseHTTPHeaderRequestAll=false", {"http.requestHeaderField", "http.requestHeaderValue"}},
        {"parseHTTPHeaderResponseAll=false", {"http.responseHeaderField", "http.responseHeaderValue"}},
        {"parseSMTPHeaderAll=false", {"email.headerField", "email.headerValue"}},
        {"ja3Strings=false", {"tls.ja3string", "tls.ja3sstring"}},
        {"ja4Raw=false", {"tls.ja4_r"}},
        {"supportSha256=false", {"http.sha256"}},
        {"parseQSValue=false", {"http.value"}},
        {"parseCookieValue=false", {"http.cookieValue"}},
        {"maxReqBody=0", {"http.requestBody"}},
        {"dnsOutputAnswers=false", {"dns.answers"}},
        {"parseDNSRecordAll=false", {"dns.nameserverHost", "dns.mailserverHost"}},
    };
    const std::vector<std::string> kept = {"http.host", "http.key", "http.cookieKey", "http.md5",
                                           "tls.ja3",   "tls.ja4",  "dns.host",       "email.header"};
    std::vector<std::string> pcaps = {kSample};
    const fs::path synthetic = kCorpusDir / "arkime_synthetic.pcap";  // query strings, cookies, NS and MX
    const bool corpus = fs::exists(synthetic);
    if (corpus) pcaps.push_back(synthetic.string());
    std::map<std::string, std::set<std::string>> byDefault;  // pcap → paths with the default settings
    std::set<std::string> seen;
    for (const std::string& pcap : pcaps) {
        Result r = run(json_run(pcap));
        ASSERT_EQ(r.exitCode, 0) << r.describe();
        byDefault[pcap] = paths_of(r.out);
        seen.insert(byDefault[pcap].begin(), byDefault[pcap].end());
    }
    const std::set<std::string> corpusOnly = {"email.headerValue", "dns.nameserverHost", "dns.mailserverHost",
                                              "http.value", "http.cookieValue"};
    for (const auto& [setting, dbs] : governed)
        for (const std::string& db : dbs)
            if (corpus || !corpusOnly.count(db)) {
                EXPECT_TRUE(seen.count(db)) << db << " is missing by default, so " << setting << " is not checked";
            }
    for (const std::string& pcap : pcaps) {
        // Each switch leaves out its own fields and nothing else that the record had.
        for (const auto& [setting, dbs] : governed) {
            Result r = run(json_run(pcap, {"-o", setting}));
            ASSERT_EQ(r.exitCode, 0) << setting << ": " << r.describe();
            const std::set<std::string> got = paths_of(r.out);
            for (const std::string& db : dbs)
                EXPECT_FALSE(got.count(db)) << setting << " left " << db << " in the records of " << pcap;
            for (const std::string& db : kept)
                if (byDefault[pcap].count(db)) {
                    EXPECT_TRUE(got.count(db)) << setting << " dropped " << db;
                }
        }
    }
    Result bad = flowdex({"capture", "--no-db", "-r", kSample, "-o", "ja3Strings=maybe"});
    EXPECT_EQ(bad.exitCode, 2) << bad.describe();
    EXPECT_EQ(split_lines(bad.err).size(), 1u) << bad.err;
    EXPECT_NE(bad.err.find("ja3Strings"), std::string::npos) << bad.err;
}

// Certificate tags are not scored by the corpus tool; every cert:* tag of Arkime's records is
// checked here instead, per session, and none may be added where Arkime has none.
TEST(CliCorpus, CertificateTagsAsArkime) {
    SKIP_WITHOUT_CORPUS();
    auto key_of = [](const nlohmann::json& b) {
        return std::to_string(b["source"].value("port", 0)) + ">" + std::to_string(b["destination"].value("port", 0)) +
               "@" + std::to_string(b.value("firstPacket", int64_t{0}));
    };
    auto cert_tags = [](const nlohmann::json& b) {
        std::multiset<std::string> out;
        if (b.contains("tags"))
            for (const auto& t : b["tags"])
                if (t.get<std::string>().rfind("cert:", 0) == 0) out.insert(t.get<std::string>());
        return out;
    };
    size_t tagged = 0;
    for (const auto& e : fs::directory_iterator(kCorpusDir)) {
        if (e.path().extension() != ".test") continue;
        fs::path pcap = e.path();
        pcap.replace_extension(".pcap");
        if (!fs::exists(pcap)) continue;
        const std::string text = read_file(e.path().string());
        if (text.find("\"cert\"") == std::string::npos) continue;  // no certificate, no tag to check
        const nlohmann::json expected = nlohmann::json::parse(text);
        std::map<std::string, std::multiset<std::string>> want;
        for (const auto& s : expected["sessions3"])
            want[key_of(s["body"])] = cert_tags(s["body"]);
        Result r = run(json_run(pcap.string(), {"-o", "sessionIdTracking=vlan", "-o", "trackESP=true"}));
        ASSERT_EQ(r.exitCode, 0) << r.describe();
        for (const std::string& line : split_lines(r.out)) {
            const nlohmann::json b = nlohmann::json::parse(line);
            const auto got = cert_tags(b);
            const auto it = want.find(key_of(b));
            const std::multiset<std::string> none;
            EXPECT_EQ(got, it == want.end() ? none : it->second) << pcap.filename() << " " << key_of(b);
            tagged += got.size();
        }
    }
    EXPECT_GT(tagged, 0u) << "the corpus has self-signed and CA certificates";
}

TEST(CliCorpus, SplitSessionsAsArkime) {
    // Every corpus session Arkime saved in pieces (tcpSaveTimeout, BGP's idle save): each piece,
    // matched by its segmentCnt, has Arkime's counters and the per-segment fields (TTLs, DSCP,
    // MACs, application fields), whatever order the pieces are written in.
    SKIP_WITHOUT_CORPUS();
    auto key_of = [](const nlohmann::json& b) {
        return b["source"].value("ip", "") + ":" + std::to_string(b["source"].value("port", 0)) + ">" +
               std::to_string(b["destination"].value("port", 0)) + "@" +
               std::to_string(b.value("firstPacket", int64_t{0})) + "#" + std::to_string(b.value("segmentCnt", 1));
    };
    auto sorted = [](nlohmann::json v) {
        if (v.is_array()) {
            for (auto& x : v)
                if (!x.is_string()) x = x.dump();
            std::sort(v.begin(), v.end());
        }
        return v;
    };
    const std::vector<std::string> paths = {"/lastPacket",       "/source/packets",    "/destination/packets",
                                            "/source/bytes",     "/destination/bytes", "/client/bytes",
                                            "/server/bytes",     "/tcpflags/psh",      "/tcpflags/ack",
                                            "/tcpflags/syn-ack", "/tcpflags/rst",      "/srcTTL",
                                            "/dstTTL",           "/srcDscp",           "/dstDscp",
                                            "/source/mac",       "/destination/mac",   "/protocol",
                                            "/bgp/type",         "/srcPayload8",       "/dstPayload8"};
    size_t pieces = 0;
    for (const char* name : {"long-session", "y2038-bgp"}) {
        const fs::path test = kCorpusDir / (std::string(name) + ".test");
        ASSERT_TRUE(fs::exists(test)) << test;
        std::map<std::string, nlohmann::json> want;
        const nlohmann::json expected = nlohmann::json::parse(read_file(test.string()));
        for (const auto& s : expected["sessions3"])
            want[key_of(s["body"])] = s["body"];
        Result r = run(json_run((kCorpusDir / (std::string(name) + ".pcap")).string(), {"-o", "icmpTimeout=60"}));
        ASSERT_EQ(r.exitCode, 0) << r.describe();
        size_t got = 0;
        for (const std::string& line : split_lines(r.out)) {
            const nlohmann::json b = nlohmann::json::parse(line);
            const auto it = want.find(key_of(b));
            ASSERT_NE(it, want.end()) << name << ": no Arkime record for " << key_of(b);
            ++got;
            for (const std::string& path : paths) {
                const nlohmann::json::json_pointer jp(path);
                const nlohmann::json w = it->second.contains(jp) ? sorted(it->second.at(jp)) : nlohmann::json();
                const nlohmann::json g = b.contains(jp) ? sorted(b.at(jp)) : nlohmann::json();
                EXPECT_EQ(g, w) << name << " " << key_of(b) << " " << path;
            }
        }
        EXPECT_EQ(got, want.size()) << name;
        pieces += got;
    }
    EXPECT_EQ(pieces, 4u);
}

TEST(CliSettings, MaxParserBufferBoundsWhatParsersHold) {
    SKIP_WITHOUT_CORPUS();
    const std::string corpus = kCorpusDir.string();
    auto capture = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {"capture", "-q", "--no-db", "--json", "-", "-R", corpus};
        args.insert(args.end(), extra.begin(), extra.end());
        return flowdex(args);
    };
    const std::string stopped = "parsers stopped by maxParserBuffer in ";
    Result byDefault = capture({});
    ASSERT_EQ(byDefault.exitCode, 0) << byDefault.describe();
    EXPECT_EQ(byDefault.err.find(stopped), std::string::npos) << "the default budget fits every corpus session\n"
                                                              << byDefault.err;
    // The smallest budget: parsers of the sessions with large messages are refused and stop.
    Result small = capture({"-o", "maxParserBuffer=4096"});
    ASSERT_EQ(small.exitCode, 0) << small.describe();
    const size_t at = small.err.find(stopped);
    ASSERT_NE(at, std::string::npos) << small.err;
    EXPECT_GT(std::stoull(small.err.substr(at + stopped.size())), 0u) << small.err;
    for (const Result* r : {&byDefault, &small})
        EXPECT_EQ(r->err.find("internal error"), std::string::npos) << "parser bytes not given back:\n" << r->err;
    // Sessions and their counters are the table's, not the parsers': the budget leaves them alone.
    auto sessions = [](const std::string& ndjson) {
        std::multiset<std::string> out;
        for (const std::string& line : split_lines(ndjson)) {
            nlohmann::json j = nlohmann::json::parse(line);
            out.insert(j["source"].dump() + j["destination"].dump() + j["network"]["packets"].dump());
        }
        return out;
    };
    EXPECT_EQ(sessions(small.out), sessions(byDefault.out));
    for (const char* bad : {"maxParserBuffer=100", "maxParserBuffer=lots", "maxParserBuffer=99999999999"}) {
        Result r = flowdex({"capture", "--no-db", "-r", kSample, "-o", bad});
        EXPECT_EQ(r.exitCode, 2) << bad << ": " << r.describe();
        EXPECT_EQ(split_lines(r.err).size(), 1u) << bad << ": " << r.err;
        EXPECT_NE(r.err.find("maxParserBuffer"), std::string::npos) << bad << ": " << r.err;
    }
}

// ---------------------------------------------------------------- exit codes

TEST(CliExit, NoInputsIsUsageError) {
    Result r = flowdex({"capture", "--no-db"});
    EXPECT_EQ(r.exitCode, 2) << r.describe();
    EXPECT_EQ(split_lines(r.err).size(), 1u) << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST(CliExit, BadOverrideNamesTheKey) {
    for (const char* o : {"tcpTimeout=abc", "tcpTimeout=0", "sessionIdTracking=mpls", "packetThreads=-1"}) {
        Result r = flowdex({"capture", "--no-db", "-r", kSample, "-o", o});
        std::string key = std::string(o).substr(0, std::string(o).find('='));
        EXPECT_EQ(r.exitCode, 2) << o << ": " << r.describe();
        EXPECT_EQ(split_lines(r.err).size(), 1u) << o << ": " << r.err;
        EXPECT_NE(r.err.find(key), std::string::npos) << o << ": " << r.err;
    }
}

TEST(CliExit, UnreadableConfigNamesTheFile) {
    TempDir tmp;
    const std::string missing = tmp.file("missing.ini");
    const std::string folder = tmp.file("folder.ini");
    fs::create_directory(folder);
    for (const std::string& cfg : {missing, folder}) {
        Result r = flowdex({"capture", "--no-db", "-r", kSample, "-c", cfg});
        EXPECT_EQ(r.exitCode, 2) << cfg << ": " << r.describe();
        EXPECT_EQ(split_lines(r.err).size(), 1u) << r.err;
        EXPECT_NE(r.err.find(cfg), std::string::npos) << r.err;
    }
}

TEST(CliExit, MissingFileFailsButOthersAreProcessed) {
    TempDir tmp;
    const std::string missing = tmp.file("nope.pcap");
    const std::string db = tmp.file("store.db");
    Result good = run(json_run(kSample));
    ASSERT_EQ(good.exitCode, 0) << good.describe();
    Result r = flowdex({"capture", "-q", "--db", db, "--json", "-", "-r", missing, "-r", kSample});
    EXPECT_EQ(r.exitCode, 1) << r.describe();
    bool named = false;
    for (const auto& l : split_lines(r.err))
        if (l.find("error") != std::string::npos && l.find(missing) != std::string::npos) named = true;
    EXPECT_TRUE(named) << "no error line naming " << missing << ":\n" << r.err;
    EXPECT_EQ(sorted_lines(r.out), sorted_lines(good.out));
    Db d(db);
    EXPECT_EQ(d.count("SELECT count(*) FROM sessions"), static_cast<int64_t>(split_lines(good.out).size()));
    EXPECT_EQ(d.count("SELECT count(*) FROM files WHERE status = 'done'"), 1);
}

}  // namespace cli_test
}  // namespace flowdex::e2e
