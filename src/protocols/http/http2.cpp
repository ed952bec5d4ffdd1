#include "protocols/http/http2.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>

#include "session/parser_buffer.h"

namespace flowdex::protocols::http2 {
namespace {

constexpr size_t kFrameHeader = 9;
enum class Type : uint8_t { Data = 0, Headers = 1, PushPromise = 5, Continuation = 9 };
constexpr uint8_t kEndStream = 0x1, kEndHeaders = 0x4, kPadded = 0x8, kPriority = 0x20;

}  // namespace

struct Connection::Direction {
    Direction() {
        if (nghttp2_hd_inflate_new(&inflater) != 0) inflater = nullptr;
        if (inflater) nghttp2_hd_inflate_change_table_size(inflater, kMaxTableSize);
    }
    ~Direction() {
        if (inflater) nghttp2_hd_inflate_del(inflater);
    }
    Direction(const Direction&) = delete;
    Direction& operator=(const Direction&) = delete;

    nghttp2_hd_inflater* inflater = nullptr;
    uint8_t head[kFrameHeader];
    size_t headLen = 0;
    uint32_t length = 0, stream = 0;
    uint8_t type = 0, flags = 0;
    size_t got = 0;                 ///< payload bytes of the current frame seen so far
    session::ParserBuffer payload;  ///< header frames: the payload so far
    uint32_t padLeft = 0;           ///< DATA: padding bytes at the end still to skip
    bool padKnown = false;          ///< DATA: the pad length byte has been read (or there is none)
    bool inBlock = false;           ///< a header block continues in CONTINUATION frames
    uint32_t blockStream = 0;
    bool blockPush = false, blockEndStream = false;
    bool dead = false;

    /// Ends the direction and gives its payload bytes back to the session.
    void stop() {
        dead = true;
        payload.clear();
    }

    /// Decodes one header block fragment; false on a decoding error.
    bool inflate(int which, const uint8_t* in, size_t n, bool final, H2Events& ev) {
        if (!inflater) return false;
        for (;;) {
            nghttp2_nv nv;
            int flagsOut = 0;
            const ssize_t used = nghttp2_hd_inflate_hd2(inflater, &nv, &flagsOut, in, n, final ? 1 : 0);
            if (used < 0) return false;
            in += used;
            n -= static_cast<size_t>(used);
            if ((flagsOut & NGHTTP2_HD_INFLATE_EMIT) &&
                !ev.header(which, blockStream, {reinterpret_cast<const char*>(nv.name), nv.namelen},
                           {reinterpret_cast<const char*>(nv.value), nv.valuelen}))
                return false;
            if (flagsOut & NGHTTP2_HD_INFLATE_FINAL) {
                nghttp2_hd_inflate_end_headers(inflater);
                return true;
            }
            if (n == 0 && !(flagsOut & NGHTTP2_HD_INFLATE_EMIT)) return !final;
        }
    }

    /// A complete HEADERS / PUSH_PROMISE / CONTINUATION payload.
    bool header_frame(int which, H2Events& ev) {
        const uint8_t* p = payload.bytes();
        size_t n = payload.size();
        const auto t = static_cast<Type>(type);
        if (t == Type::Continuation) {
            if (!inBlock || stream != blockStream) return false;
        } else {
            if (inBlock) return false;  // a new block before the last one ended
            size_t pad = 0;
            if (flags & kPadded) {
                if (n < 1) return false;
                pad = p[0];
                ++p;
                --n;
            }
            if (t == Type::Headers && (flags & kPriority)) {
                if (n < 5) return false;
                p += 5;
                n -= 5;
            }
            blockStream = stream;
            blockPush = t == Type::PushPromise;
            if (blockPush) {
                if (n < 4) return false;
                blockStream = (static_cast<uint32_t>(p[0] & 0x7f) << 24) | static_cast<uint32_t>(p[1]) << 16 |
                              static_cast<uint32_t>(p[2]) << 8 | p[3];
                p += 4;
                n -= 4;
            }
            if (pad > n) return false;
            n -= pad;
            blockEndStream = t == Type::Headers && (flags & kEndStream);
            inBlock = true;
        }
        const bool end = flags & kEndHeaders;
        if (!inflate(which, p, n, end, ev)) return false;
        if (end) {
            inBlock = false;
            ev.headers_end(which, blockStream, blockPush);
            if (blockEndStream) ev.stream_end(which, blockStream);
        }
        return true;
    }
};

Connection::Connection() {
    d_[0] = std::make_unique<Direction>();
    d_[1] = std::make_unique<Direction>();
}

Connection::~Connection() = default;

bool Connection::feed(session::Session& s, int which, const uint8_t* data, size_t len, H2Events& ev) {
    Direction& d = *d_[which];
    while (len > 0 && !d.dead) {
        if (d.headLen < kFrameHeader) {
            const size_t take = std::min(kFrameHeader - d.headLen, len);
            std::copy(data, data + take, d.head + d.headLen);
            d.headLen += take;
            data += take;
            len -= take;
            if (d.headLen < kFrameHeader) break;
            d.length = static_cast<uint32_t>(d.head[0]) << 16 | static_cast<uint32_t>(d.head[1]) << 8 | d.head[2];
            d.type = d.head[3];
            d.flags = d.head[4];
            d.stream = (static_cast<uint32_t>(d.head[5] & 0x7f) << 24) | static_cast<uint32_t>(d.head[6]) << 16 |
                       static_cast<uint32_t>(d.head[7]) << 8 | d.head[8];
            d.got = 0;
            d.payload.clear();
            const auto t = static_cast<Type>(d.type);
            const bool headerFrame = t == Type::Headers || t == Type::PushPromise || t == Type::Continuation;
            if ((headerFrame && d.length > kMaxHeaderFrame) || (d.inBlock && t != Type::Continuation)) {
                d.stop();
                break;
            }
            d.padKnown = !(t == Type::Data && (d.flags & kPadded));
            d.padLeft = 0;
        }
        const auto t = static_cast<Type>(d.type);
        const size_t take = std::min<size_t>(d.length - d.got, len);
        if (t == Type::Headers || t == Type::PushPromise || t == Type::Continuation) {
            if (take > 0 && !d.payload.append(s, data, take)) {
                d.stop();
                break;
            }
        } else if (t == Type::Data && take > 0) {
            const uint8_t* p = data;
            size_t n = take;
            if (!d.padKnown) {
                d.padLeft = p[0];
                d.padKnown = true;
                ++p;
                --n;
                if (d.padLeft + 1 > d.length) {
                    d.stop();
                    break;
                }
            }
            // Bytes of this frame left after this piece, and how many of them are padding.
            const size_t after = d.length - d.got - take;
            const size_t padHere = d.padLeft > after ? std::min<size_t>(d.padLeft - after, n) : 0;
            if (n > padHere && !ev.data(which, d.stream, p, n - padHere)) {
                d.stop();
                break;
            }
        }
        d.got += take;
        data += take;
        len -= take;
        if (d.got < d.length) break;
        // The frame is complete.
        if (t == Type::Headers || t == Type::PushPromise || t == Type::Continuation) {
            const bool ok = d.header_frame(which, ev);
            d.payload.clear();
            if (!ok) d.stop();
        } else if (t == Type::Data && (d.flags & kEndStream)) {
            ev.stream_end(which, d.stream);
        }
        d.headLen = 0;
    }
    return !d.dead;
}

}  // namespace flowdex::protocols::http2
