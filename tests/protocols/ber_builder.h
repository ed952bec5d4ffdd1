// Shared by the protocol tests that build BER/DER messages (Kerberos, LDAP): one TLV with a short
// or two-byte long-form length.
#pragma once

#include <cstdint>
#include <string>

namespace flowdex::session::test {

inline std::string tlv(uint8_t tag, const std::string& v) {
    std::string out(1, static_cast<char>(tag));
    if (v.size() < 128) {
        out += static_cast<char>(v.size());
    } else {
        out += '\x82';
        out += static_cast<char>(v.size() >> 8);
        out += static_cast<char>(v.size() & 0xff);
    }
    return out + v;
}

}  // namespace flowdex::session::test
