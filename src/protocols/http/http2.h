#pragma once
/// HTTP/2 framing and header decoding for the HTTP parser (cleartext HTTP/2: the connection
/// preface `PRI * HTTP/2.0` seen by the HTTP/1 parser hands both directions over to this).
///
/// Each direction is a sequence of frames (9-byte header, payload). HEADERS, CONTINUATION and
/// PUSH_PROMISE payloads are kept whole (at most kMaxHeaderFrame bytes) and their header blocks
/// decoded with nghttp2's HPACK inflater (one per direction, so its dynamic table follows the
/// peer's encoder; table size updates up to kMaxTableSize are accepted). DATA payloads stream
/// through without copies, padding removed. Other frame types are skipped.
/// What comes out goes to H2Events: every header field of a block (pseudo-headers included;
/// for PUSH_PROMISE those of the promised request), the end of each block, DATA bytes per
/// stream and the end of a stream (END_STREAM).
/// A frame larger than the limit on a header frame, a broken header block or a malformed frame
/// ends the direction (feed returns false). The header frame payload being gathered counts against
/// the session's parser budget (`maxParserBuffer`); when the budget refuses it, or an H2Events
/// callback returns false, the direction ends too and gives back what it held.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace flowdex::session {
struct Session;
}

namespace flowdex::protocols::http2 {

inline constexpr size_t kMaxHeaderFrame = 65536;
inline constexpr size_t kMaxTableSize = 65536;
/// The client's connection preface after the HTTP/1-looking request line and blank line.
inline constexpr std::string_view kPrefaceTail = "SM\r\n\r\n";

class H2Events {
  public:
    virtual ~H2Events() = default;
    /// One header field; false ends the direction.
    virtual bool header(int which, uint32_t stream, std::string_view name, std::string_view value) = 0;
    /// The end of a header block; `push` for PUSH_PROMISE (a request promised by the server).
    virtual void headers_end(int which, uint32_t stream, bool push) = 0;
    /// DATA bytes of a stream; false ends the direction.
    virtual bool data(int which, uint32_t stream, const uint8_t* p, size_t n) = 0;
    virtual void stream_end(int which, uint32_t stream) = 0;
};

class Connection {
  public:
    Connection();
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// Feeds frames of one direction; false once that direction cannot be followed.
    bool feed(session::Session& s, int which, const uint8_t* data, size_t len, H2Events& ev);

  private:
    struct Direction;
    std::unique_ptr<Direction> d_[2];
};

}  // namespace flowdex::protocols::http2
