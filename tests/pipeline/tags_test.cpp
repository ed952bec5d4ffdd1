#include "pipeline/tags.h"

#include <gtest/gtest.h>

#include "pipeline/log.h"

namespace flowdex::pipeline {
namespace tags_test {

using Tags = std::vector<std::string>;

TEST(PipelineTags, SpecExamples) {
    EXPECT_EQ(tags_from_name("ACME_Scada_VLAN10.pcap"), (Tags{"ACME", "Scada", "VLAN10"}));
    EXPECT_EQ(tags_from_name("mtcpdump-eth0_20240101.pcap"), (Tags{"eth0"}));
    EXPECT_EQ(tags_from_name("a,b,USERTAG,,NBSITEID1,x.pcapng"),
              (Tags{"a", "b", "USERTAG", "NBSITEID1", "x", "pcapng"}));
    EXPECT_EQ(tags_from_name("siteA,vlan10,USERTAG,capture.pcap"), (Tags{"siteA", "vlan10", "USERTAG", "capture"}));
}

TEST(PipelineTags, DroppedPiecesWholeAndCaseInsensitive) {
    EXPECT_EQ(tags_from_name("PCAP.CAP.Dmp.LOG.bro.Zeek.SURICATA.tcpdump.mTcpDump.netsniff.MNETSNIFF.12345"), Tags{});
    // Only whole pieces are dropped: these merely contain a dropped word.
    EXPECT_EQ(tags_from_name("pcaps.zeekish.logs.x1.1x.cap2"), (Tags{"pcaps", "zeekish", "logs", "x1", "1x", "cap2"}));
    EXPECT_EQ(tags_from_name("mmtcpdump.ppcap"), (Tags{"mmtcpdump", "ppcap"}));
}

TEST(PipelineTags, SeparatorRunsAndFolders) {
    EXPECT_EQ(tags_from_name("site/sub dir/a--b__c..d,,e.pcap"), (Tags{"site", "sub dir", "a", "b", "c", "d", "e"}));
    EXPECT_EQ(tags_from_name(",-./_"), Tags{});
    EXPECT_EQ(tags_from_name(""), Tags{});
    EXPECT_EQ(tags_from_name("a.a.a.pcap"), (Tags{"a", "a", "a"}));
}

TEST(PipelineTags, OddNames) {
    EXPECT_EQ(tags_from_name("my capture: 10:00 am.pcap"), (Tags{"my capture: 10:00 am"}));
    EXPECT_EQ(tags_from_name("größe_東京-café.pcapng"), (Tags{"größe", "東京", "café", "pcapng"}));
    std::string longName(5000, 'x');
    auto t = tags_from_name(longName + "_" + longName + ".pcap");
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0], longName);
    EXPECT_EQ(t[1], longName);
}

TEST(PipelineTags, LiveNames) {
    EXPECT_TRUE(is_live_name("mtcpdump-eth0_20240101.pcap"));
    EXPECT_TRUE(is_live_name("mnetsniff-eth1.pcap"));
    EXPECT_TRUE(is_live_name("sensor1/mtcpdump-eth0.pcap"));
    EXPECT_FALSE(is_live_name("mtcpdump/eth0.pcap"));
    EXPECT_FALSE(is_live_name("tcpdump-eth0.pcap"));
    EXPECT_FALSE(is_live_name("upload.pcap"));
}

TEST(PipelineTags, ProcessorDropsControlTagsAndAddsExtra) {
    EXPECT_EQ(processor_tags(tags_from_name("a,b,USERTAG,,NBSITEID1,x.pcapng"), {}), (Tags{"a", "b", "x", "pcapng"}));
    EXPECT_EQ(
        processor_tags({"AUTOARKIME", "AUTOZEEK", "AUTOSURICATA", "NBSITEIDfoo", "keep", "usertag"}, {"e1", "e2"}),
        (Tags{"keep", "usertag", "e1", "e2"}));
    EXPECT_EQ(processor_tags({}, split_list(" one, two ,,three ")), (Tags{"one", "two", "three"}));
    EXPECT_EQ(split_list(""), Tags{});
}

TEST(PipelineLog, Verbosity) {
    EXPECT_EQ(verbosity_from_env_text("-vv"), 2);
    EXPECT_EQ(verbosity_from_env_text("-vvvv"), 4);
    EXPECT_EQ(verbosity_from_env_text(""), 0);
    EXPECT_EQ(verbosity_from_env_text("-x"), 0);
    EXPECT_EQ(verbosity_from_env_text("vv"), 0);
    EXPECT_EQ(level_for_verbosity(0), Level::Error);
    EXPECT_EQ(level_for_verbosity(1), Level::Error);
    EXPECT_EQ(level_for_verbosity(2), Level::Warning);
    EXPECT_EQ(level_for_verbosity(3), Level::Info);
    EXPECT_EQ(level_for_verbosity(4), Level::Debug);
    EXPECT_EQ(level_for_verbosity(9), Level::Debug);
    Log log(Level::Warning);
    EXPECT_FALSE(log.enabled(Level::Info));
    EXPECT_TRUE(log.enabled(Level::Warning));
    EXPECT_TRUE(log.enabled(Level::Critical));
}

}  // namespace tags_test
}  // namespace flowdex::pipeline
