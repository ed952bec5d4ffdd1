#pragma once
/// The bytes a parser holds for a session while it waits for the rest of a message: a TLS record,
/// a DNS-over-TCP message, a text line, a length-prefixed frame.
///
/// Every built-in parser that buffers keeps those bytes in a ParserBuffer, so what all the parsers
/// of one session hold at once, both directions together, is counted in Session::parserHeld. That
/// total stays under the table's budget, TableSettings::maxParserBuffer (the `maxParserBuffer`
/// setting). Each parser's own cap, the constexpr limit its header documents, still applies too:
/// the budget is the operator's bound on memory per session whatever mix of parsers a session gets.
///
/// append() is all or nothing. When the bytes would take the session over its budget nothing is
/// added and append() returns false. The session is marked (Session::parserBudgetHit, counted once
/// per session in TableStats::parserBudgetSessions) and the parser gives up what the message
/// needed. Usually it stops the direction, or unregisters itself so that what it held goes back to
/// the session. Fields it already filled stay.
///
/// A buffer binds to its session on the first append, gives bytes back as it shrinks, and gives the
/// rest back when destroyed. Parsers destroy their state in their free function, which the table
/// calls while the session is alive. A moved-from buffer is empty and unbound.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace flowdex::session {

struct Session;

class ParserBuffer {
  public:
    ParserBuffer() = default;
    ~ParserBuffer() { clear(); }
    ParserBuffer(const ParserBuffer&) = delete;
    ParserBuffer& operator=(const ParserBuffer&) = delete;
    ParserBuffer(ParserBuffer&& o) noexcept : buf_(std::move(o.buf_)), held_(o.held_) {
        o.buf_.clear();
        o.held_ = nullptr;
    }
    ParserBuffer& operator=(ParserBuffer&& o) noexcept {
        if (this != &o) {
            clear();
            buf_ = std::move(o.buf_);
            held_ = o.held_;
            o.buf_.clear();
            o.held_ = nullptr;
        }
        return *this;
    }

    /// Adds `n` bytes when the session's budget has room for them; false (nothing added) otherwise.
    [[nodiscard]] bool append(Session& s, const void* p, size_t n);
    /// Drops the first `n` bytes (all of them when n >= size()).
    void consume(size_t n);
    /// Keeps the first `n` bytes (no-op when n >= size()).
    void truncate(size_t n);
    void clear() { truncate(0); }

    size_t size() const { return buf_.size(); }
    bool empty() const { return buf_.empty(); }
    const char* data() const { return buf_.data(); }
    const uint8_t* bytes() const { return reinterpret_cast<const uint8_t*>(buf_.data()); }
    uint8_t operator[](size_t i) const { return static_cast<uint8_t>(buf_[i]); }
    std::string_view view() const { return buf_; }
    const std::string& str() const { return buf_; }

  private:
    std::string buf_;
    uint32_t* held_ = nullptr;  ///< the bound session's Session::parserHeld
};

}  // namespace flowdex::session
