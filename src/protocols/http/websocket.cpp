#include "protocols/http/websocket.h"

#include <algorithm>
#include <string_view>

#include "fields/field_registry.h"
#include "session/session.h"

namespace flowdex::protocols::websocket {
namespace {

enum class Op : uint8_t { Continuation = 0, Text = 1, Binary = 2, Close = 8, Ping = 9, Pong = 10 };
constexpr size_t kMaxControl = 125;

std::string_view op_name(uint8_t op) {
    switch (static_cast<Op>(op)) {
        case Op::Text:
            return "Text";
        case Op::Binary:
            return "Binary";
        case Op::Close:
            return "Close";
        case Op::Ping:
            return "Ping";
        case Op::Pong:
            return "Pong";
        default:
            return {};
    }
}

/// Header length once the first two bytes are known.
size_t header_len(const uint8_t* h) {
    const uint8_t len7 = h[1] & 0x7f;
    return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((h[1] & 0x80) ? 4 : 0);
}

}  // namespace

Fields Fields::resolve(const fields::FieldRegistry& reg) {
    Fields f;
    f.frameCnt = reg.find_db("websocket.frameCnt");
    f.masked = reg.find_db("websocket.maskedFromClient");
    f.opcode = reg.find_db("websocket.opcode");
    f.payloadBytes = reg.find_db("websocket.payloadBytes");
    f.textSample = reg.find_db("websocket.textSample");
    f.closeCode = reg.find_db("websocket.closeCode");
    f.closeReason = reg.find_db("websocket.closeReason");
    return f;
}

void Reader::frame_done(session::Session& s, const fields::FieldRegistry& reg, const Fields& f, Direction& d) {
    const auto op = static_cast<Op>(d.opcode);
    const bool text = op == Op::Text || (op == Op::Continuation && d.textMessage);
    if (text && !d.keep.empty() && samples_ < kMaxSamples && f.textSample >= 0) {
        if (s.fields.add_string_as_is(reg, f.textSample, d.keep.view()) == fields::AddResult::Added) ++samples_;
    }
    if (op == Op::Close && d.keep.size() >= 2) {
        const auto code = static_cast<uint16_t>(d.keep[0] << 8 | d.keep[1]);
        if (f.closeCode >= 0) s.fields.add_int(reg, f.closeCode, code);
        if (d.keep.size() > 2 && f.closeReason >= 0)
            s.fields.add_string_as_is(reg, f.closeReason, d.keep.view().substr(2));
    }
    d.keep.clear();
    d.inPayload = false;
    d.headLen = 0;
}

bool Reader::feed(session::Session& s, const fields::FieldRegistry& reg, const Fields& f, int which, const uint8_t* p,
                  size_t n) {
    Direction& d = d_[which];
    while (n > 0 && !d.dead) {
        if (!d.inPayload) {
            d.head[d.headLen++] = *p++;
            --n;
            if (d.headLen < 2 || d.headLen < header_len(d.head)) continue;
            const uint8_t op = d.head[0] & 0x0f;
            if (op_name(op).empty() && op != 0) {
                d.dead = true;
                break;
            }
            const uint8_t len7 = d.head[1] & 0x7f;
            size_t at = 2;
            uint64_t len = len7;
            if (len7 == 126) {
                len = static_cast<uint64_t>(d.head[2]) << 8 | d.head[3];
                at = 4;
            } else if (len7 == 127) {
                len = 0;
                for (size_t i = 0; i < 8; ++i)
                    len = len << 8 | d.head[2 + i];
                at = 10;
                if (len >> 63) {
                    d.dead = true;
                    break;
                }
            }
            d.masked = d.head[1] & 0x80;
            if (d.masked) std::copy(d.head + at, d.head + at + 4, d.mask);
            if ((op & 0x8) && len > kMaxControl) {
                d.dead = true;
                break;
            }
            d.opcode = op;
            if (op == static_cast<uint8_t>(Op::Text) || op == static_cast<uint8_t>(Op::Binary))
                d.textMessage = op == static_cast<uint8_t>(Op::Text) && !(d.head[0] & 0x80);
            d.length = len;
            d.got = 0;
            d.inPayload = true;
            d.keep.clear();
            ++frames_;
            if (which == 0 && d.masked) ++masked_;
            bytes_ += static_cast<int64_t>(len);
            if (f.frameCnt >= 0) s.fields.add_int(reg, f.frameCnt, frames_);
            if (f.masked >= 0) s.fields.add_int(reg, f.masked, masked_);
            if (f.payloadBytes >= 0) s.fields.add_int(reg, f.payloadBytes, bytes_);
            if (std::string_view name = op_name(op); !name.empty() && f.opcode >= 0)
                s.fields.add_string_as_is(reg, f.opcode, name);
            if (len == 0) {
                frame_done(s, reg, f, d);
                if (op == 0 && (d.head[0] & 0x80)) d.textMessage = false;
            }
            continue;
        }
        const size_t take = static_cast<size_t>(std::min<uint64_t>(d.length - d.got, n));
        const auto op = static_cast<Op>(d.opcode);
        const bool text = op == Op::Text || (op == Op::Continuation && d.textMessage);
        const bool keep = (text && samples_ < kMaxSamples) || op == Op::Close;
        if (keep && d.keep.size() < kMaxSample) {
            uint8_t plain[kMaxSample];
            const size_t m = std::min(take, kMaxSample - d.keep.size());
            for (size_t i = 0; i < m; ++i)
                plain[i] = static_cast<uint8_t>(p[i] ^ (d.masked ? d.mask[(d.got + i) & 3] : 0));
            if (m > 0 && !d.keep.append(s, plain, m)) {
                d.dead = true;
                d.keep.clear();
                break;
            }
        }
        d.got += take;
        p += take;
        n -= take;
        if (d.got == d.length) {
            frame_done(s, reg, f, d);
            if (op == Op::Continuation && (d.head[0] & 0x80)) d.textMessage = false;
        }
    }
    return !d.dead;
}

}  // namespace flowdex::protocols::websocket
