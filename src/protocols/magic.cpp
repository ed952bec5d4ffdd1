#include "protocols/magic.h"

#include <magic.h>

#include <string>

namespace flowdex::protocols {
namespace {

class Magic {
  public:
    Magic() : cookie_(magic_open(MAGIC_MIME_TYPE)) {
        if (cookie_ && magic_load(cookie_, nullptr) != 0) {
            magic_close(cookie_);
            cookie_ = nullptr;
        }
    }
    ~Magic() {
        if (cookie_) magic_close(cookie_);
    }
    Magic(const Magic&) = delete;
    Magic& operator=(const Magic&) = delete;
    const char* type(const uint8_t* p, size_t n) { return cookie_ ? magic_buffer(cookie_, p, n) : nullptr; }

  private:
    magic_t cookie_;
};

}  // namespace

std::string_view body_magic(const uint8_t* p, size_t n) {
    if (n == 0) return {};
    thread_local Magic magic;
    const char* t = magic.type(p, n);
    if (!t) return {};
    thread_local std::string out;
    out.assign(t);
    if (out == "application/gzip") out = "application/x-gzip";  // the name Arkime's libmagic gives
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');  // video/MP2T → video/mp2t
    return out;
}

}  // namespace flowdex::protocols
