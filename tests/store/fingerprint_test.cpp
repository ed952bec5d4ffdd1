#include "store/fingerprint.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <stdexcept>

#include "store_test_util.h"

namespace flowdex::store {
namespace fingerprint_test {

using testing::TempDir;

std::string sha256sum(const std::string& path) {
    std::string cmd = "sha256sum '" + path + "'";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return {};
    char buf[65] = {};
    size_t n = fread(buf, 1, 64, p);
    pclose(p);
    return std::string(buf, n);
}

TEST(Fingerprint, KnownDigests) {
    Sha256 sha;
    EXPECT_EQ(sha.final_hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha.update("abc");
    EXPECT_EQ(sha.final_hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha.update("a");
    sha.update("bc");  // streaming gives the same digest
    EXPECT_EQ(sha.final_hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Fingerprint, MatchesSha256sum) {
    TempDir dir;
    auto path = dir.file("cap.pcap");
    std::string content;
    for (uint32_t i = 0; i < 3'000'000; ++i)
        content.push_back(static_cast<char>((i * 7919u) >> 3));  // > one chunk
    testing::write_file(path, content);
    uint64_t size = 0;
    auto fp = file_fingerprint(path, &size);
    EXPECT_EQ(size, content.size());
    EXPECT_EQ(fp.size(), 64u);
    EXPECT_EQ(fp, sha256sum(path));

    auto small = dir.file("small");
    testing::write_file(small, "abc");
    EXPECT_EQ(file_fingerprint(small), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(file_fingerprint(small), sha256sum(small));
}

TEST(Fingerprint, UnreadableFileThrowsNamingIt) {
    TempDir dir;
    auto missing = dir.file("missing.pcap");
    try {
        file_fingerprint(missing);
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
    }
    EXPECT_THROW(file_fingerprint("/"), std::runtime_error);  // a directory: read fails
}

}  // namespace fingerprint_test
}  // namespace flowdex::store
