#pragma once
/// WebSocket frames (RFC 6455) after an HTTP/1.1 upgrade that the server accepted with 101: both
/// directions of the HTTP session are handed to a WebSocket reader, which fills Arkime's
/// `websocket.*` fields:
/// - `frameCnt`, `payloadBytes`: frames and payload bytes in both directions;
/// - `maskedFromClient`: masked frames sent by the client;
/// - `opcode`: Text, Binary, Close, Ping, Pong (continuation frames name none);
/// - `textSample`: the unmasked payload of text frames and of their continuations, each cut at
///   kMaxSample bytes, for the first kMaxSamples such frames of the session (Arkime's records
///   stop there too);
/// - `closeCode` / `closeReason` from Close frames.
/// Frame headers may be split anywhere; payloads stream through and only the kept sample (and a
/// control frame's at most 125 bytes) is copied. A reserved opcode or a length with the top bit
/// set ends that direction. The kept bytes count against the session's parser budget
/// (`maxParserBuffer`); when the budget refuses them the direction ends and gives them back.
#include <cstddef>
#include <cstdint>

#include "session/parser_buffer.h"

namespace flowdex::session {
struct Session;
}
namespace flowdex::fields {
class FieldRegistry;
}

namespace flowdex::protocols::websocket {

inline constexpr size_t kMaxSample = 256;
inline constexpr int kMaxSamples = 4;

/// The websocket.* field positions.
struct Fields {
    int frameCnt = -1, masked = -1, opcode = -1, payloadBytes = -1, textSample = -1, closeCode = -1, closeReason = -1;
    static Fields resolve(const fields::FieldRegistry& reg);
};

class Reader {
  public:
    /// Feeds one direction (0 = the client); false once it cannot be followed.
    bool feed(session::Session& s, const fields::FieldRegistry& reg, const Fields& f, int which, const uint8_t* p,
              size_t n);

  private:
    struct Direction {
        uint8_t head[14];
        size_t headLen = 0;
        bool inPayload = false;
        uint8_t opcode = 0;
        bool masked = false;
        uint8_t mask[4] = {};
        uint64_t length = 0, got = 0;
        bool textMessage = false;    ///< continuation frames belong to a text message
        session::ParserBuffer keep;  ///< unmasked bytes kept for a sample or a Close frame
        bool dead = false;
    };
    void frame_done(session::Session& s, const fields::FieldRegistry& reg, const Fields& f, Direction& d);

    Direction d_[2];
    int64_t frames_ = 0, masked_ = 0, bytes_ = 0;
    int samples_ = 0;
};

}  // namespace flowdex::protocols::websocket
