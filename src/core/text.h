#pragma once
/// Small text helpers shared by protocol parsers and the pipeline.
#include <cstdint>
#include <string>
#include <string_view>

namespace flowdex::core {

/// True when `s` is well-formed UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF,
/// no sequence cut at the end.
bool valid_utf8(std::string_view s);

/// What a lenient base64 decoder does with a character outside the alphabet.
enum class Base64Junk : uint8_t {
    Skip,         ///< skip it, `=` included (SMTP AUTH and encoded words, where line breaks and padding occur)
    SkipPadEnds,  ///< skip it, but `=` ends the data (HTTP Authorization)
    Ends,         ///< any character outside the alphabet, `=` included, ends the data (NTLM tokens)
};

/// Decodes base64 leniently: never fails; a trailing partial group is dropped.
std::string base64_decode(std::string_view v, Base64Junk junk);

/// UTF-16LE text (`bytes` bytes; an odd last byte is ignored) to UTF-8, up to the first NUL
/// character. Surrogate pairs are joined; a lone surrogate becomes U+FFFD.
std::string utf16le_to_utf8(const uint8_t* p, size_t bytes);

}  // namespace flowdex::core
