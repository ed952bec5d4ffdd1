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

/// True for ASCII white space: space, tab, CR, LF, vertical tab, form feed (isspace in the C locale).
constexpr bool is_ascii_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/// `v` without its leading and trailing ASCII white space (is_ascii_space): header values whose line
/// still ends in CR, INI values, manuf lines.
constexpr std::string_view trim_space(std::string_view v) {
    while (!v.empty() && is_ascii_space(v.front()))
        v.remove_prefix(1);
    while (!v.empty() && is_ascii_space(v.back()))
        v.remove_suffix(1);
    return v;
}

/// `v` without its leading and trailing blanks (spaces and tabs).
constexpr std::string_view trim_blanks(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
        v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
        v.remove_suffix(1);
    return v;
}

/// True when `a` equals `lower` (all lower case) ignoring the case of ASCII letters in `a`.
constexpr bool equals_lower(std::string_view a, std::string_view lower) {
    if (a.size() != lower.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        const char c = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
        if (c != lower[i]) return false;
    }
    return true;
}

}  // namespace flowdex::core
