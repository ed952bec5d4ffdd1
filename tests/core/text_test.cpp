#include "core/text.h"

#include <gtest/gtest.h>

namespace flowdex::core {
namespace {

TEST(Text, Utf8Validation) {
    EXPECT_TRUE(valid_utf8(""));
    EXPECT_TRUE(valid_utf8("größe 東京 \xF0\x9F\x98\x80"));
    EXPECT_FALSE(valid_utf8("\x80"));              // stray continuation byte
    EXPECT_FALSE(valid_utf8("a\xE6\x9D"));         // cut at the end
    EXPECT_FALSE(valid_utf8("\xE0\x80\xAF"));      // overlong
    EXPECT_FALSE(valid_utf8("\xED\xB0\x80"));      // surrogate
    EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
    EXPECT_FALSE(valid_utf8("\xC3\x28"));          // bad continuation
}

TEST(Text, Base64JunkPolicies) {
    EXPECT_EQ(base64_decode("dXNlcjpwYXNz", Base64Junk::Ends), "user:pass");
    // Line breaks and padding in the middle: skipped, or the end of the data.
    EXPECT_EQ(base64_decode("dXNl\r\ncjpw YXNz", Base64Junk::Skip), "user:pass");
    EXPECT_EQ(base64_decode("dXNl\r\ncjpw YXNz", Base64Junk::SkipPadEnds), "user:pass");
    EXPECT_EQ(base64_decode("dXNl\r\ncjpw YXNz", Base64Junk::Ends), "use");
    EXPECT_EQ(base64_decode("YQ==YWI=", Base64Junk::Skip), std::string("a\x06\x16", 3));  // one bit stream
    EXPECT_EQ(base64_decode("YQ==YWI=", Base64Junk::SkipPadEnds), "a");
    EXPECT_EQ(base64_decode("YQ==YWI=", Base64Junk::Ends), "a");
    EXPECT_EQ(base64_decode("", Base64Junk::Skip), "");
}

}  // namespace
}  // namespace flowdex::core
