#include "core/json.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace flowdex {
namespace json_test {

TEST(Json, EscapesControlQuotesAndInvalidUtf8) {
    std::string out;
    json_append_string(out, std::string_view("a\"b\\c\n\x01\xff\xc3\xa9", 10));
    EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\\u00ff\xc3\xa9\"");
    EXPECT_TRUE(nlohmann::json::accept(out));
}

TEST(Json, DocBuilderNestsSortedPaths) {
    DocBuilder b;
    b.add_int("source.port", 80);
    b.add_string("source.ip", "1.2.3.4");
    b.add_int("network.vlan.id", 5);
    b.add_int("network.bytes", 10);
    b.add_raw("protocol", "[\"tcp\"]");
    b.add_int("firstPacket", 1);
    b.add_int("source-x", 2);
    std::string out;
    b.finish(out);
    auto j = nlohmann::json::parse(out);
    EXPECT_EQ(j["source"]["port"], 80);
    EXPECT_EQ(j["source"]["ip"], "1.2.3.4");
    EXPECT_EQ(j["network"]["vlan"]["id"], 5);
    EXPECT_EQ(j["network"]["bytes"], 10);
    EXPECT_EQ(j["protocol"][0], "tcp");
    EXPECT_EQ(j["source-x"], 2);
    EXPECT_EQ(j.size(), 5u);
}

TEST(Json, DocBuilderReusesAndHandlesEmpty) {
    DocBuilder b;
    std::string out;
    b.finish(out);
    EXPECT_EQ(out, "{}");
    b.add_int("a", 1);
    b.clear();
    b.add_int("b", 2);
    out.clear();
    b.finish(out);
    EXPECT_EQ(out, "{\"b\":2}");
}

}  // namespace json_test
}  // namespace flowdex
