// End-to-end robustness: `flowdex capture` on truncated, corrupted and non-capture files must end
// (exit 0 or 1) within a time limit, never by a signal, name the file when it fails, and keep the
// sessions of the packets read before a truncation.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>

#include "e2e/e2e_util.h"

namespace flowdex::e2e {
namespace bad_input_test {

constexpr int kTimeoutSecs = 20;
constexpr size_t kPcapHeader = 24;
constexpr size_t kRecordHeader = 16;

uint32_t fnv1a(const std::string& s) {
    uint32_t h = 2166136261u;
    for (unsigned char c : s)
        h = (h ^ c) * 16777619u;
    return h;
}

/// Offsets of the records of a classic pcap file (any byte order, micro- or nanosecond), each
/// with its end; nullopt when the file is not a classic pcap.
struct Record {
    size_t start, end;
};
std::optional<std::vector<Record>> pcap_records(const std::string& bytes) {
    if (bytes.size() < kPcapHeader) return std::nullopt;
    auto u32 = [&](size_t off, bool swap) {
        uint32_t v;
        std::memcpy(&v, bytes.data() + off, 4);
        return swap ? __builtin_bswap32(v) : v;
    };
    uint32_t magic = u32(0, false);
    bool swap;
    if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
        swap = false;
    else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
        swap = true;
    else
        return std::nullopt;
    std::vector<Record> out;
    size_t off = kPcapHeader;
    while (off + kRecordHeader <= bytes.size()) {
        size_t caplen = u32(off + 8, swap);
        if (off + kRecordHeader + caplen > bytes.size()) break;
        out.push_back({off, off + kRecordHeader + caplen});
        off += kRecordHeader + caplen;
    }
    return out;
}

/// NDJSON lines without `rootId`, sorted: a copy of a capture is another file, so the ids of
/// split sessions differ; everything else must not.
std::vector<std::string> comparable_records(const std::string& ndjson) {
    std::vector<std::string> out;
    for (const std::string& line : split_lines(ndjson)) {
        nlohmann::json doc = nlohmann::json::parse(line, nullptr, false);
        if (doc.is_discarded()) {
            out.push_back("NOT JSON: " + line);
            continue;
        }
        doc.erase("rootId");
        out.push_back(doc.dump());
    }
    std::sort(out.begin(), out.end());
    return out;
}

struct Case {
    std::string path;
    std::string what;              ///< for messages
    bool mustFail = false;         ///< exit 1 expected
    bool mustSucceed = false;      ///< exit 0 expected
    int64_t packets = -1;          ///< packets the summary must count, -1 unchecked
    std::optional<size_t> sameAs;  ///< index of the case whose records this one must equal
};

/// Builds the variants of one capture in `dir`. `thorough` adds several cuts and corrupted copies;
/// otherwise one cut in the middle of a record (with its clean twin).
void add_variants(const std::string& src, bool thorough, const fs::path& dir, std::vector<Case>& cases) {
    const std::string bytes = read_file(src);
    const std::string stem = fs::path(src).stem().string();
    const auto recs = pcap_records(bytes);
    auto write = [&](const std::string& tag, const std::string& content) {
        std::string path = (dir / (stem + "." + tag + ".pcap")).string();
        write_file(path, content);
        return path;
    };
    // A cut inside record `r` (header and half its data kept) and the same file cut cleanly
    // before that record: their sessions must be the same.
    auto cut_in_record = [&](size_t r, const std::string& tag) {
        const Record& rec = (*recs)[r];
        size_t cut = rec.start + kRecordHeader + (rec.end - rec.start - kRecordHeader) / 2;
        if (cut == rec.start + kRecordHeader) cut = rec.start + kRecordHeader / 2;  // empty frame: mid-header
        cases.push_back({write("clean-" + tag, bytes.substr(0, rec.start)), "cut before record " + std::to_string(r),
                         false, true, static_cast<int64_t>(r), std::nullopt});
        size_t clean = cases.size() - 1;
        cases.push_back({write("cut-" + tag, bytes.substr(0, cut)),
                         "cut at byte " + std::to_string(cut) + " inside record " + std::to_string(r), true, false,
                         static_cast<int64_t>(r), clean});
    };

    if (recs && !recs->empty()) {
        cut_in_record(recs->size() * 3 / 5, "mid");
    } else {
        cases.push_back({write("cut-hdr", bytes.substr(0, std::min<size_t>(10, bytes.size()))),
                         "cut inside the file header", true, false, -1, std::nullopt});
    }
    if (!thorough) return;

    cases.push_back({write("cut-10", bytes.substr(0, 10)), "cut inside the file header", true, false, -1, {}});
    if (recs) {
        cases.push_back({write("cut-24", bytes.substr(0, kPcapHeader)), "file header only", false, true, 0, {}});
        if (!recs->empty()) {
            cases.push_back({write("cut-32", bytes.substr(0, kPcapHeader + 8)),
                             "cut inside the first record header",
                             true,
                             false,
                             0,
                             {}});
            cut_in_record(0, "first");
            cut_in_record(recs->size() / 3, "third");
            cut_in_record(recs->size() - 1, "last");
        }
    }
    cases.push_back({write("cut-end1", bytes.substr(0, bytes.size() - 1)), "last byte cut", false, false, -1, {}});

    // Corrupted copies: bytes flipped after the file header (record headers and frames alike).
    if (bytes.size() > kPcapHeader + 1) {
        const size_t area = bytes.size() - kPcapHeader;
        const size_t counts[] = {1, std::max<size_t>(1, area / 500), std::max<size_t>(2, area / 50),
                                 std::max<size_t>(4, area / 5)};
        for (size_t k = 0; k < std::size(counts); ++k) {
            std::mt19937 rng(fnv1a(stem) + static_cast<uint32_t>(k));
            std::string copy = bytes;
            for (size_t i = 0; i < counts[k]; ++i) {
                size_t at = kPcapHeader + rng() % area;
                copy[at] = static_cast<char>(copy[at] ^ (1 + rng() % 255));
            }
            cases.push_back({write("flip" + std::to_string(k), copy),
                             std::to_string(counts[k]) + " corrupted bytes (seed " + std::to_string(k) + ")",
                             false,
                             false,
                             -1,
                             {}});
        }
    }
}

Command capture(const std::vector<std::string>& paths) {
    std::vector<std::string> args = {kBinary, "capture", "-q", "--no-db", "--json", "-"};
    for (const auto& p : paths)
        args.insert(args.end(), {"-r", p});
    return Command(args, {}, kTimeoutSecs);
}

bool error_names(const Result& r, const std::string& path) {
    for (const auto& l : split_lines(r.err))
        if (l.find("error") != std::string::npos && l.find(path) != std::string::npos) return true;
    return false;
}

/// Checks one run of one case (cut-vs-clean equality is checked by the caller).
void check_run(const Case& c, const Result& r) {
    SCOPED_TRACE(c.path + " (" + c.what + ")");
    EXPECT_FALSE(r.timedOut) << "still running after " << kTimeoutSecs << " s";
    EXPECT_TRUE(r.exited()) << r.describe();
    if (!r.exited()) return;
    EXPECT_TRUE(r.exitCode == 0 || r.exitCode == 1) << r.describe();
    if (c.mustFail) {
        EXPECT_EQ(r.exitCode, 1) << r.describe();
    }
    if (c.mustSucceed) {
        EXPECT_EQ(r.exitCode, 0) << r.describe();
    }
    if (r.exitCode == 1) {
        EXPECT_TRUE(error_names(r, c.path)) << "no error line names the file:\n" << r.err;
    }
    if (c.packets >= 0) {
        EXPECT_EQ(summary_packets(r.err), c.packets) << r.err;
    }
}

/// Runs every case and checks the contract. Unpaired cases (corrupted copies, cuts in headers,
/// non-captures) run one file per process. Cut-inside-a-record cases and their clean twins run in
/// chunks (many -r in one process, cheap under sanitizers): the chunk of cut files must fail naming
/// every file, count exactly the packets before the cuts, and write the same sessions as the
/// chunk of clean twins. A chunk that crashes or hangs is re-run file by file to name the culprit.
void check_cases(const std::vector<Case>& cases) {
    constexpr size_t kChunk = 32;
    std::vector<size_t> single, cuts;
    std::vector<bool> isTwin(cases.size(), false);
    for (size_t i = 0; i < cases.size(); ++i)
        if (cases[i].sameAs) isTwin[*cases[i].sameAs] = true;
    for (size_t i = 0; i < cases.size(); ++i) {
        if (cases[i].sameAs)
            cuts.push_back(i);
        else if (!isTwin[i])
            single.push_back(i);
    }
    std::vector<Command> cmds;
    for (size_t i : single)
        cmds.push_back(capture({cases[i].path}));
    std::vector<std::vector<size_t>> chunks;
    for (size_t k = 0; k < cuts.size(); k += kChunk) {
        chunks.emplace_back(cuts.begin() + static_cast<std::ptrdiff_t>(k),
                            cuts.begin() + static_cast<std::ptrdiff_t>(std::min(cuts.size(), k + kChunk)));
        std::vector<std::string> cutPaths, cleanPaths;
        for (size_t i : chunks.back()) {
            cutPaths.push_back(cases[i].path);
            cleanPaths.push_back(cases[*cases[i].sameAs].path);
        }
        cmds.push_back(capture(cutPaths));
        cmds.push_back(capture(cleanPaths));
    }
    std::vector<Result> rs = run_all(cmds);

    for (size_t k = 0; k < single.size(); ++k)
        check_run(cases[single[k]], rs[k]);
    for (size_t k = 0; k < chunks.size(); ++k) {
        const Result& cut = rs[single.size() + 2 * k];
        const Result& clean = rs[single.size() + 2 * k + 1];
        const std::vector<size_t>& chunk = chunks[k];
        SCOPED_TRACE("chunk of " + std::to_string(chunk.size()) + " files cut inside a record, from " +
                     cases[chunk.front()].path);
        if (!cut.exited() || !clean.exited()) {
            ADD_FAILURE() << "a chunk crashed or hung (cut: " << cut.describe() << "\nclean: " << clean.describe()
                          << "); running its files one by one";
            for (size_t i : chunk) {
                check_run(cases[i], run(capture({cases[i].path})));
                check_run(cases[*cases[i].sameAs], run(capture({cases[*cases[i].sameAs].path})));
            }
            continue;
        }
        int64_t packets = 0;
        for (size_t i : chunk) {
            packets += cases[i].packets;
            EXPECT_TRUE(error_names(cut, cases[i].path))
                << "no error line names " << cases[i].path << " (" << cases[i].what << "):\n"
                << cut.err;
        }
        EXPECT_EQ(cut.exitCode, 1) << cut.describe();
        EXPECT_EQ(clean.exitCode, 0) << clean.describe();
        EXPECT_EQ(summary_packets(cut.err), packets) << cut.err;
        EXPECT_EQ(summary_packets(clean.err), packets) << clean.err;
        EXPECT_EQ(comparable_records(cut.out), comparable_records(clean.out))
            << "the sessions before the cuts differ from those of the files cut cleanly there";
    }
}

TEST(BadInput, SampleVariants) {
    TempDir tmp;
    std::vector<Case> cases;
    add_variants(kSample, true, tmp.path(), cases);
    check_cases(cases);
    // The cut inside a record after 3/5 of the packets (the second case) keeps sessions.
    ASSERT_GE(cases.size(), 2u);
    ASSERT_NE(cases[1].path.find(".cut-mid."), std::string::npos);
    Result mid = run(capture({cases[1].path}));
    check_run(cases[1], mid);
    EXPECT_FALSE(split_lines(mid.out).empty()) << mid.describe();
}

TEST(BadInput, NotCaptures) {
    TempDir tmp;
    std::vector<Case> cases;
    std::mt19937 rng(12345);
    std::string random(4096, '\0');
    for (char& ch : random)
        ch = static_cast<char>(rng());
    // A valid little-endian Ethernet pcap header followed by garbage records.
    std::string header(
        "\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00",
        kPcapHeader);
    const std::pair<const char*, std::string> files[] = {
        {"empty.pcap", ""},
        {"text.pcap", "This is not a capture file.\nJust some text.\n"},
        {"random.pcap", random},
        {"header-then-random.pcap", header + random},
        {"pcapng-magic-only.pcapng", std::string("\x0a\x0d\x0d\x0a\x1c\x00\x00\x00", 8)},
    };
    for (const auto& [name, content] : files) {
        std::string path = tmp.file(name);
        write_file(path, content);
        bool fails = std::string(name) != "header-then-random.pcap";
        cases.push_back({path, name, fails, false, -1, std::nullopt});
    }
    check_cases(cases);
}

TEST(BadInput, CorpusVariants) {
    std::vector<std::string> pcaps = corpus_pcaps();
    if (pcaps.empty())
        GTEST_SKIP() << "no Arkime corpus at " << kCorpusDir.string()
                     << " (the ../shared folder is absent in this clone); corpus checks skipped";
    TempDir tmp;
    std::vector<Case> cases;
    // Every capture is cut once; every 12th (by name) gets the full set of variants.
    for (size_t i = 0; i < pcaps.size(); ++i)
        add_variants(pcaps[i], i % 12 == 0, tmp.path(), cases);
    check_cases(cases);
}

}  // namespace bad_input_test
}  // namespace flowdex::e2e
