#include "core/json.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>

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

TEST(Json, DocBuilderShapesStayRightAcrossManyKindsOfRecords) {
    // More distinct path sets than the shape cache keeps, revisited in turn, plus two records whose
    // paths concatenate to the same text ("a.bc" + "d" against "a.b" + "cd").
    DocBuilder b;
    std::string out;
    for (int round = 0; round < 3; ++round) {
        for (int kind = 0; kind < 700; ++kind) {
            b.clear();
            b.add_int("z.k" + std::to_string(kind), kind);
            b.add_int("a.v", round);
            if (kind % 2) b.add_string("m", "odd");
            out.clear();
            b.finish(out);
            const auto j = nlohmann::json::parse(out);
            ASSERT_EQ(j["z"]["k" + std::to_string(kind)], kind) << out;
            ASSERT_EQ(j["a"]["v"], round) << out;
            ASSERT_EQ(j.size(), kind % 2 ? 3u : 2u) << out;
        }
    }
    for (int i = 0; i < 2; ++i) {
        b.clear();
        b.add_int(i ? "a.bc" : "a.b", 1);
        b.add_int(i ? "d" : "cd", 2);
        out.clear();
        b.finish(out);
        EXPECT_EQ(out, i ? "{\"a\":{\"bc\":1},\"d\":2}" : "{\"a\":{\"b\":1},\"cd\":2}");
    }
}

}  // namespace json_test
}  // namespace flowdex
