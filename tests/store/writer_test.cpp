#include "store/writer.h"

#include <gtest/gtest.h>

#include "store_test_util.h"

namespace flowdex::store {
namespace writer_test {

using testing::FakeWriter;

TEST(Writer, FileStatusNames) {
    EXPECT_STREQ(to_string(FileStatus::Queued), "queued");
    EXPECT_STREQ(to_string(FileStatus::Running), "running");
    EXPECT_STREQ(to_string(FileStatus::Done), "done");
    EXPECT_STREQ(to_string(FileStatus::Failed), "failed");
    EXPECT_STREQ(to_string(FileStatus::Rejected), "rejected");
    for (auto s :
         {FileStatus::Queued, FileStatus::Running, FileStatus::Done, FileStatus::Failed, FileStatus::Rejected}) {
        FileStatus back = FileStatus::Queued;
        EXPECT_TRUE(parse_file_status(to_string(s), back));
        EXPECT_EQ(back, s);
    }
    FileStatus x = FileStatus::Done;
    EXPECT_FALSE(parse_file_status("Done", x));
    EXPECT_EQ(x, FileStatus::Done);
}

TEST(TeeWriter, ForwardsEveryCallToEveryWriter) {
    FakeWriter::Log a, b;
    TeeWriter tee;
    EXPECT_TRUE(tee.empty());
    tee.add(std::make_unique<FakeWriter>(&a));
    tee.add(std::make_unique<FakeWriter>(&b));
    InputFile f;
    f.name = "x.pcap";
    EXPECT_EQ(tee.begin_file(f), FileSeen::New);
    EXPECT_EQ(f.id, 42);
    tee.write(testing::make_record("r1"));
    tee.write(testing::make_record("r2"));
    tee.end_file(f);
    tee.flush();
    for (auto* log : {&a, &b}) {
        EXPECT_EQ(log->ids, (std::vector<std::string>{"r1", "r2"}));
        EXPECT_EQ(log->calls, (std::vector<std::string>{"begin:x.pcap", "end:x.pcap", "flush"}));
    }
}

TEST(TeeWriter, CompleteOnlyWhenAllWritersSaySo) {
    auto seen = [](FileSeen x, FileSeen y) {
        FakeWriter::Log la, lb;
        TeeWriter tee;
        tee.add(std::make_unique<FakeWriter>(&la, x));
        tee.add(std::make_unique<FakeWriter>(&lb, y));
        InputFile f;
        return tee.begin_file(f);
    };
    EXPECT_EQ(seen(FileSeen::Complete, FileSeen::Complete), FileSeen::Complete);
    EXPECT_EQ(seen(FileSeen::Complete, FileSeen::New), FileSeen::Incomplete);
    EXPECT_EQ(seen(FileSeen::New, FileSeen::Incomplete), FileSeen::Incomplete);
    EXPECT_EQ(seen(FileSeen::New, FileSeen::New), FileSeen::New);
}

}  // namespace writer_test
}  // namespace flowdex::store
