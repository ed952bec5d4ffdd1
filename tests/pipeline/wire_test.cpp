#include "pipeline/wire.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace flowdex::pipeline {
namespace wire_test {

TEST(PipelineWire, SpecExampleByteForByte) {
    FileMessage m;
    m.name = "siteA,vlan10,USERTAG,capture.pcap";
    m.size = 123456;
    m.mime = "application/vnd.tcpdump.pcap";
    m.type = "pcap capture file, microsecond ts (little-endian) - version 2.4 (Ethernet, capture length 65535)";
    m.node = "malcolm";
    m.live = false;
    m.tags = {"siteA", "vlan10", "USERTAG", "capture"};
    EXPECT_EQ(
        to_wire(m),
        R"x({"name": "siteA,vlan10,USERTAG,capture.pcap", "size": 123456, "mime": "application/vnd.tcpdump.pcap", )x"
        R"x("type": "pcap capture file, microsecond ts (little-endian) - version 2.4 (Ethernet, capture length )x"
        R"x(65535)", "node": "malcolm", "live": false, "tags": ["siteA", "vlan10", "USERTAG", "capture"]})x");
}

TEST(PipelineWire, RoundTripWithOddNames) {
    FileMessage m;
    m.name = "dir/größe \"quoted\" \\ tab\t: 東京.pcap";
    m.size = 1ull << 40;
    m.live = true;
    m.tags = {"größe \"quoted\" \\ tab\t: 東京"};
    std::string w = to_wire(m);
    auto j = nlohmann::json::parse(w);
    EXPECT_EQ(j["name"], m.name);
    auto back = parse_wire(w);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->name, m.name);
    EXPECT_EQ(back->size, m.size);
    EXPECT_TRUE(back->live);
    EXPECT_TRUE(back->hasTags);
    EXPECT_EQ(back->tags, m.tags);
}

TEST(PipelineWire, MalcolmMessageWithoutNodeLiveTags) {
    auto m = parse_wire(R"({"name": "x.pcap", "size": 100, "type": "pcap", "mime": "application/vnd.tcpdump.pcap",
                            "extra": {"ignored": [1, 2]}})");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->name, "x.pcap");
    EXPECT_EQ(m->size, 100u);
    EXPECT_EQ(m->node, "");
    EXPECT_FALSE(m->live);
    EXPECT_FALSE(m->hasTags);
}

TEST(PipelineWire, BadMessagesAreRefusedWithAReason) {
    std::string why;
    EXPECT_FALSE(parse_wire("not json", &why));
    EXPECT_EQ(why, "not a JSON object");
    EXPECT_FALSE(parse_wire("[1,2]", &why));
    EXPECT_FALSE(parse_wire(R"({"size": 1})", &why));
    EXPECT_EQ(why, "no file name");
    EXPECT_FALSE(parse_wire(R"({"name": ""})", &why));
    EXPECT_FALSE(parse_wire(R"({"name": "a", "size": -1})", &why));
    EXPECT_FALSE(parse_wire(R"({"name": "a", "tags": "a,b"})", &why));
    EXPECT_EQ(why, "tags is not a list");
    EXPECT_FALSE(parse_wire(R"({"name": "a", "tags": [1]})", &why));
    EXPECT_FALSE(parse_wire(R"({"name": "a", "live": "yes"})", &why));
    EXPECT_FALSE(parse_wire(R"({"name": "a", "node": 3})", &why));
    EXPECT_TRUE(parse_wire(R"({"name": "a", "node": null, "tags": null})", &why));
}

TEST(PipelineWire, Utf8Validation) {
    EXPECT_TRUE(valid_utf8("plain"));
    EXPECT_TRUE(valid_utf8("größe 東京 \xF0\x9F\x98\x80"));
    EXPECT_FALSE(valid_utf8("\xFF"));
    EXPECT_FALSE(valid_utf8("a\xC3"));             // truncated
    EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong
    EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // surrogate
    EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
}

}  // namespace wire_test
}  // namespace flowdex::pipeline
