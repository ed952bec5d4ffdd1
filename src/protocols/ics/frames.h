#pragma once
/// Length-prefixed frames over a TCP stream, as the industrial protocols use them (TPKT, Modbus
/// MBAP, DNP3 link frames, EtherNet/IP encapsulation, IEEE C37.118): one Framer per direction
/// collects each frame's first bytes, asks the protocol for the frame's total length once its
/// header is in, and hands the frame over when it is complete.
///
/// Bounds: at most `cap` bytes of a frame are kept; a longer frame is handed over with only its
/// first `cap` bytes (and its true length) and the rest is skipped as it arrives, never stored.
/// Data may be split at any byte. A header the protocol rejects either ends the direction or, for
/// protocols with a sync pattern, drops one byte and looks again (at most kMaxResync bytes in a
/// row before the direction ends). The kept bytes count against the session's parser budget
/// (session/parser_buffer.h); a frame the budget refuses ends the direction.
#include <cstddef>
#include <cstdint>

#include "session/parser_buffer.h"

namespace flowdex::protocols::ics {

/// What a protocol's length function returns besides a frame length.
inline constexpr int64_t kBadFrame = -1;  ///< not this protocol: stop reading the direction
inline constexpr int64_t kResync = -2;    ///< drop the first byte and look for the next frame
inline constexpr size_t kMaxResync = 4096;

class Framer {
  public:
    /// `header`: bytes needed to know the length; `length(const uint8_t* head)` → total frame
    /// length (≥ header), kBadFrame or kResync; `frame(const uint8_t* p, size_t kept, size_t
    /// total)` gets each frame. Returns false once the direction is dead.
    template <class LengthFn, class FrameFn>
    bool feed(session::Session& s, const uint8_t* p, size_t n, size_t header, size_t cap, LengthFn&& length,
              FrameFn&& frame) {
        while (!dead_) {
            if (skip_ > 0) {
                if (n == 0) return true;
                const size_t k = skip_ < n ? skip_ : n;
                skip_ -= k;
                p += k;
                n -= k;
                continue;
            }
            if (buf_.size() < header) {
                if (n == 0) return true;
                const size_t k = header - buf_.size() < n ? header - buf_.size() : n;
                if (!buf_.append(s, p, k)) {
                    stop();
                    continue;
                }
                p += k;
                n -= k;
                continue;
            }
            if (total_ == 0) {
                const int64_t t = length(buf_.bytes());
                if (t == kResync) {
                    buf_.consume(1);
                    if (++resync_ > kMaxResync) stop();
                    continue;
                }
                if (t < static_cast<int64_t>(header)) {
                    stop();
                    continue;
                }
                resync_ = 0;
                total_ = static_cast<size_t>(t);
            }
            const size_t keep = total_ < cap ? total_ : cap;
            if (buf_.size() < keep) {
                if (n == 0) return true;
                const size_t k = keep - buf_.size() < n ? keep - buf_.size() : n;
                if (!buf_.append(s, p, k)) {
                    stop();
                    continue;
                }
                p += k;
                n -= k;
                continue;
            }
            frame(buf_.bytes(), buf_.size(), total_);
            skip_ = total_ - buf_.size();
            buf_.clear();
            total_ = 0;
            ++frames_;
        }
        return false;
    }

    bool dead() const { return dead_; }
    /// Ends the direction and gives the kept bytes back.
    void stop() {
        dead_ = true;
        buf_.clear();
    }
    size_t frames() const { return frames_; }

  private:
    session::ParserBuffer buf_;
    size_t total_ = 0, skip_ = 0, resync_ = 0, frames_ = 0;
    bool dead_ = false;
};

}  // namespace flowdex::protocols::ics
