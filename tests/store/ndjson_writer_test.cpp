#include "store/ndjson/ndjson_writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <sstream>

#include "store_test_util.h"

namespace flowdex::store {
namespace ndjson_writer_test {

using testing::make_record;
using testing::TempDir;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

TEST(NdjsonWriter, OneJsonDocumentPerLine) {
    TempDir dir;
    auto path = dir.file("out.ndjson");
    {
        NdjsonWriter w(path);
        InputFile f;
        EXPECT_EQ(w.begin_file(f), FileSeen::New);
        for (int i = 0; i < 100; ++i)
            w.write(make_record(testing::num_id("r", i)));
        w.end_file(f);
        EXPECT_EQ(testing::read_file(path).size() > 0, true);  // end_file hands data to the OS
        EXPECT_EQ(w.records(), 100u);
    }
    auto text = testing::read_file(path);
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    auto lines = lines_of(text);
    ASSERT_EQ(lines.size(), 100u);
    for (size_t i = 0; i < lines.size(); ++i) {
        auto j = nlohmann::json::parse(lines[i]);
        EXPECT_EQ(j["id"], testing::num_id("r", i));
        EXPECT_EQ(j["source"]["ip"], "10.0.0.1");
    }
}

TEST(NdjsonWriter, BulkFormatHasActionLines) {
    TempDir dir;
    auto path = dir.file("bulk.ndjson");
    {
        NdjsonWriter w(path, {.bulk = true, .index = "arkime_sessions3-240101"});
        w.write(make_record("a\"1"));
        w.write(make_record("b2"));
        w.flush();
    }
    auto lines = lines_of(testing::read_file(path));
    ASSERT_EQ(lines.size(), 4u);
    for (size_t i = 0; i < lines.size(); i += 2) {
        auto action = nlohmann::json::parse(lines[i]);
        auto doc = nlohmann::json::parse(lines[i + 1]);
        ASSERT_TRUE(action.contains("index"));
        EXPECT_EQ(action["index"]["_index"], "arkime_sessions3-240101");
        EXPECT_EQ(action["index"]["_id"], doc["id"]);
        EXPECT_EQ(action.size(), 1u);
    }
    EXPECT_EQ(nlohmann::json::parse(lines[0])["index"]["_id"], "a\"1");
}

TEST(NdjsonWriter, DefaultIndexIsSessions3) {
    TempDir dir;
    auto path = dir.file("bulk.ndjson");
    { NdjsonWriter(path, {.bulk = true}).write(make_record("x")); }
    auto lines = lines_of(testing::read_file(path));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], R"({"index":{"_index":"sessions3","_id":"x"}})");
}

TEST(NdjsonWriter, LargeOutputCrossesTheBuffer) {
    TempDir dir;
    auto path = dir.file("big.ndjson");
    {
        NdjsonWriter w(path, {.bufferBytes = 4096});
        for (int i = 0; i < 5000; ++i)
            w.write(make_record(std::to_string(i)));
    }
    auto lines = lines_of(testing::read_file(path));
    ASSERT_EQ(lines.size(), 5000u);
    EXPECT_EQ(nlohmann::json::parse(lines[4999])["id"], "4999");
}

TEST(NdjsonWriter, UnwritablePathThrowsNamingIt) {
    const std::string path = "/nonexistent-flowdex-dir/out.ndjson";
    try {
        NdjsonWriter w(path);
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
}

TEST(NdjsonWriter, DiskFullThrowsAtFlushNamingThePath) {
    if (access("/dev/full", W_OK) != 0) GTEST_SKIP() << "no /dev/full";
    NdjsonWriter w("/dev/full");
    w.write(make_record("x"));
    try {
        w.flush();
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("/dev/full"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("No space left"), std::string::npos) << e.what();
    }
    EXPECT_NO_THROW(w.flush());  // the failed data is dropped, not retried forever
}

TEST(NdjsonWriter, ClosedPipeThrowsEpipe) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    close(fds[0]);
    auto old = std::signal(SIGPIPE, SIG_IGN);
    std::string path = "/dev/fd/" + std::to_string(fds[1]);
    {
        NdjsonWriter w(path);
        w.write(make_record("x"));
        try {
            w.flush();
            ADD_FAILURE() << "no exception";
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("Broken pipe"), std::string::npos) << e.what();
        }
    }
    std::signal(SIGPIPE, old);
    close(fds[1]);
}

}  // namespace ndjson_writer_test
}  // namespace flowdex::store
