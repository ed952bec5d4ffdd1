#include "core/text.h"

#include <gtest/gtest.h>

namespace flowdex::core {
namespace text_test {

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

}  // namespace text_test
}  // namespace flowdex::core

namespace flowdex::core {
namespace text_test {

std::string u16(std::u16string_view s) {
    std::string b;
    for (char16_t c : s) {
        b += static_cast<char>(c & 0xff);
        b += static_cast<char>(c >> 8);
    }
    return b;
}

TEST(Utf16, ToUtf8) {
    auto conv = [](const std::string& b) {
        return utf16le_to_utf8(reinterpret_cast<const uint8_t*>(b.data()), b.size());
    };
    EXPECT_EQ(conv(u16(u"Admin")), "Admin");
    EXPECT_EQ(conv(u16(u"caf\u00e9 \u20ac")), "caf\xc3\xa9 \xe2\x82\xac");
    EXPECT_EQ(conv(u16(u"\U0001F600")), "\xf0\x9f\x98\x80") << "a surrogate pair is one character";
    EXPECT_EQ(conv(u16(u"a") + std::string("\x00\xd8", 2) + u16(u"b")),
              "a\xef\xbf\xbd"
              "b")
        << "lone surrogate";
    EXPECT_EQ(conv(u16(u"ab") + std::string("\0\0", 2) + u16(u"cd")), "ab") << "NUL ends the text";
    EXPECT_EQ(conv(u16(u"ab") + "x"), "ab") << "an odd last byte is ignored";
    EXPECT_EQ(conv(""), "");
}

TEST(Text, TrimSpaceAndBlanks) {
    EXPECT_EQ(trim_space(" \t value \r\n"), "value");
    EXPECT_EQ(trim_space("\v\fa b\f"), "a b") << "inner spaces stay";
    EXPECT_EQ(trim_space(" \r\n\t"), "");
    EXPECT_EQ(trim_space(""), "");
    EXPECT_EQ(trim_space(std::string_view("x\0", 2)), std::string_view("x\0", 2)) << "NUL is not space";
    EXPECT_EQ(trim_blanks(" \tv\r"), "v\r") << "blanks are spaces and tabs only";
    static_assert(trim_space("  k ") == "k");
}

}  // namespace text_test
}  // namespace flowdex::core
