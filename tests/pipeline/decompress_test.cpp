#include "pipeline/decompress.h"

#include <gtest/gtest.h>

#include "pipeline/magic.h"
#include "pipeline/pipeline_util.h"

namespace flowdex::pipeline {
namespace decompress_test {

using pipeline_test::make_capture;
using pipeline_test::pack;
namespace fs = std::filesystem;

TEST(PipelineDecompress, GzipZstdXzRoundTrip) {
    e2e::TempDir tmp;
    std::string data = make_capture(1000, 50);
    // Two members/frames/streams back to back are one file to the tools; they must be to us too.
    for (auto [tool, kind] : {std::pair{"gzip", Compression::Gzip}, std::pair{"zstd -q", Compression::Zstd},
                              std::pair{"xz", Compression::Xz}}) {
        std::string packed = pack(tool, data, tmp) + pack(tool, "tail", tmp);
        EXPECT_EQ(compression_of(packed), kind) << tool;
        e2e::write_file(tmp.file("in"), packed);
        std::string error;
        ASSERT_TRUE(decompress_file(kind, tmp.file("in"), tmp.file("out"), 1 << 30, &error)) << tool << error;
        EXPECT_EQ(e2e::read_file(tmp.file("out")), data + "tail") << tool;
    }
}

TEST(PipelineDecompress, TruncatedCorruptAndTooLargeFail) {
    e2e::TempDir tmp;
    std::string data = make_capture(1000, 200);
    for (auto [tool, kind] : {std::pair{"gzip", Compression::Gzip}, std::pair{"zstd -q", Compression::Zstd},
                              std::pair{"xz", Compression::Xz}}) {
        std::string packed = pack(tool, data, tmp);
        std::string error;
        e2e::write_file(tmp.file("in"), packed.substr(0, packed.size() / 2));
        EXPECT_FALSE(decompress_file(kind, tmp.file("in"), tmp.file("out"), 1 << 30, &error)) << tool;
        EXPECT_NE(error.find("corrupt"), std::string::npos) << tool << ": " << error;
        EXPECT_FALSE(fs::exists(tmp.file("out")));
        std::string garbled = packed;
        for (size_t i = 20; i < garbled.size() - 20; i += 7)
            garbled[i] = static_cast<char>(garbled[i] ^ 0x5A);
        e2e::write_file(tmp.file("in"), garbled);
        EXPECT_FALSE(decompress_file(kind, tmp.file("in"), tmp.file("out"), 1 << 30, &error)) << tool;
        e2e::write_file(tmp.file("in"), packed);
        EXPECT_FALSE(decompress_file(kind, tmp.file("in"), tmp.file("out"), 100, &error)) << tool;
        EXPECT_NE(error.find("larger than 100 bytes"), std::string::npos) << error;
        EXPECT_FALSE(fs::exists(tmp.file("out")));
    }
}

TEST(PipelineDecompress, SuffixesAndMagic) {
    EXPECT_EQ(strip_compression_suffix("a.pcap.gz"), "a.pcap");
    EXPECT_EQ(strip_compression_suffix("dir/a.pcap.zst"), "dir/a.pcap");
    EXPECT_EQ(strip_compression_suffix("a.pcapng.xz"), "a.pcapng");
    EXPECT_EQ(strip_compression_suffix("a.pcap"), "a.pcap");
    EXPECT_EQ(strip_compression_suffix(".gz"), ".gz");
    EXPECT_EQ(compression_of("\x1f"), Compression::None);
    EXPECT_EQ(compression_of(""), Compression::None);

    e2e::TempDir tmp;
    Magic magic;
    e2e::write_file(tmp.file("a"), make_capture(1, 1));
    e2e::write_file(tmp.file("b"), make_capture(1, 1, true));
    e2e::write_file(tmp.file("c"), "hello, this is text\n");
    EXPECT_TRUE(is_capture(magic.identify(tmp.file("a"))));
    EXPECT_TRUE(is_capture(magic.identify(tmp.file("b")))) << magic.identify(tmp.file("b")).type;
    EXPECT_FALSE(is_capture(magic.identify(tmp.file("c"))));
    EXPECT_TRUE(is_capture({"application/octet-stream", "PCAP-NG capture"}));
    EXPECT_TRUE(is_capture({"x", "pcapng capture file - version 1.0"}));
    EXPECT_FALSE(is_capture({"application/octet-stream", "pcap-n"}));
    EXPECT_THROW(magic.identify(tmp.file("missing")), std::runtime_error);
}

}  // namespace decompress_test
}  // namespace flowdex::pipeline
