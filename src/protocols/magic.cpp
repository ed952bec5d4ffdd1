#include "protocols/magic.h"

#include <magic.h>

#include <array>
#include <cstring>
#include <string>

namespace flowdex::protocols {
namespace {

/// Bytes of a body that are typed (and remembered) at most.
constexpr size_t kMaxTyped = 256;
constexpr size_t kCacheSlots = 256;

class Magic {
  public:
    Magic()
        : cookie_(magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_ELF |
                             MAGIC_NO_CHECK_CDF | MAGIC_NO_CHECK_CSV | MAGIC_NO_CHECK_APPTYPE)) {
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

    /// libmagic is slow per call (regex rules): identical bodies (the same page served again and
    /// again) are answered from a small direct-mapped cache of exact byte matches.
    std::string_view type(const uint8_t* p, size_t n) {
        if (!cookie_) return {};
        n = std::min(n, kMaxTyped);
        uint64_t h = 1469598103934665603ull ^ n;
        for (size_t i = 0; i < n; ++i)
            h = (h ^ p[i]) * 1099511628211ull;
        Slot& slot = cache_[h % kCacheSlots];
        if (slot.used && slot.len == n && std::memcmp(slot.bytes.data(), p, n) == 0) return slot.type;
        const char* t = magic_buffer(cookie_, p, n);
        slot.used = true;
        slot.len = n;
        std::memcpy(slot.bytes.data(), p, n);
        slot.type.assign(t ? t : "");
        if (slot.type == "application/gzip") slot.type = "application/x-gzip";  // the name Arkime's libmagic gives
        for (char& c : slot.type)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');  // video/MP2T → video/mp2t
        if (slot.type == "text/plain") slot.type.clear();                    // not reported (see magic.h)
        return slot.type;
    }

  private:
    struct Slot {
        bool used = false;
        size_t len = 0;
        std::array<uint8_t, kMaxTyped> bytes{};
        std::string type;
    };
    magic_t cookie_;
    std::array<Slot, kCacheSlots> cache_{};
};

}  // namespace

std::string_view body_magic(const uint8_t* p, size_t n) {
    if (n == 0) return {};
    thread_local Magic magic;
    return magic.type(p, n);
}

}  // namespace flowdex::protocols
