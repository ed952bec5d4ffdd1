#include "protocols/stun/stun.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>

#include "core/ip_format.h"
#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::stun {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int error = -1, mappedIp = -1, mappedPort = -1, realm = -1, software = -1, type = -1, username = -1,
        xorMappedIp = -1, xorMappedPort = -1, xorPeerIp = -1, xorPeerPort = -1, xorRelayedIp = -1, xorRelayedPort = -1;
};

constexpr size_t kHeader = 20;
constexpr uint8_t kCookie[4] = {0x21, 0x12, 0xa4, 0x42};

enum class Attr : uint16_t {
    MappedAddress = 0x0001,
    Username = 0x0006,
    ErrorCode = 0x0009,
    XorPeerAddress = 0x0012,
    Realm = 0x0014,
    XorRelayedAddress = 0x0016,
    XorMappedAddress = 0x0020,
    Software = 0x8022,
};

const char* method_name(uint16_t m) {
    switch (m) {
        case 1:
            return "Binding";
        case 2:
            return "SharedSecret";
        case 3:
            return "Allocate";
        case 4:
            return "Refresh";
        case 6:
            return "Send";
        case 7:
            return "Data";
        case 8:
            return "CreatePermission";
        case 9:
            return "ChannelBind";
        case 10:
            return "Connect";
        case 11:
            return "ConnectionBind";
        case 12:
            return "ConnectionAttempt";
        default:
            return nullptr;
    }
}
constexpr const char* kClasses[] = {"Request", "Indication", "Response", "Error"};

uint16_t be16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

struct Direction {
    bool done = false;
    size_t want = 0;  ///< total bytes of the current frame once its header is in
    size_t skip = 0;  ///< bytes to drop (ChannelData, or a message's part past kMaxMessage)
    session::ParserBuffer buf;
    /// Ends the direction and gives its bytes back to the session.
    void stop() {
        done = true;
        buf.clear();
    }
};

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    bool stream = true;
    Direction d[2];
};

void add(const State& st, Session& s, int pos, std::string_view v) {
    if (pos >= 0 && !v.empty()) s.fields.add_string(*st.reg, pos, v);
}

/// A (XOR-)MAPPED-ADDRESS style value: family, port, address.
void address(const State& st, Session& s, const uint8_t* hdr, const uint8_t* v, size_t n, bool x, int ipPos,
             int portPos, bool portAsText) {
    if (n < 8) return;
    const uint8_t family = v[1];
    uint16_t port = be16(v + 2);
    uint8_t ip[16];
    size_t alen = family == 1 ? 4 : family == 2 ? 16 : 0;
    if (alen == 0 || n < 4 + alen) return;
    std::memcpy(ip, v + 4, alen);
    if (x) {
        port ^= 0x2112;
        for (size_t i = 0; i < alen; ++i)
            ip[i] ^= hdr[4 + i];  // cookie, then the transaction id
    }
    char buf[64];
    size_t k = format_ip(ip, alen == 16, buf);
    if (ipPos >= 0) s.fields.add_ip(*st.reg, ipPos, std::string_view(buf, k));
    if (portPos < 0) return;
    if (portAsText) {
        int w = std::snprintf(buf, sizeof buf, "%u", port);
        s.fields.add_string(*st.reg, portPos, std::string_view(buf, static_cast<size_t>(w)));
    } else {
        s.fields.add_int(*st.reg, portPos, port);
    }
}

/// One STUN message (header and the attributes held in [p, p+n)).
void message(const State& st, Session& s, const uint8_t* p, size_t n) {
    const Fields& f = *st.f;
    const uint16_t t = be16(p);
    const uint16_t method = static_cast<uint16_t>(((t & 0x3e00) >> 2) | ((t & 0x00e0) >> 1) | (t & 0x000f));
    const int cls = ((t & 0x0100) >> 7) | ((t & 0x0010) >> 4);
    if (const char* m = method_name(method)) {
        char buf[48];
        int k = std::snprintf(buf, sizeof buf, "%s %s", m, kClasses[cls]);
        add(st, s, f.type, std::string_view(buf, static_cast<size_t>(k)));
    }
    const bool cookie = std::memcmp(p + 4, kCookie, 4) == 0;
    const size_t end = std::min(n, kHeader + be16(p + 2));
    size_t at = kHeader;
    while (at + 4 <= end) {
        const uint16_t type = be16(p + at), alen = be16(p + at + 2);
        if (alen > end - at - 4) return;
        const uint8_t* v = p + at + 4;
        std::string_view text(reinterpret_cast<const char*>(v), alen);
        text = text.substr(0, text.find('\0'));
        switch (static_cast<Attr>(type)) {
            case Attr::Username:
                add(st, s, f.username, text);
                break;
            case Attr::Realm:
                add(st, s, f.realm, text);
                break;
            case Attr::Software:
                add(st, s, f.software, text);
                break;
            case Attr::ErrorCode:
                if (alen >= 4 && f.error >= 0) s.fields.add_int(*st.reg, f.error, (v[2] & 7) * 100 + v[3]);
                break;
            case Attr::MappedAddress:
                address(st, s, p, v, alen, false, f.mappedIp, f.mappedPort, false);
                break;
            case Attr::XorMappedAddress:
                if (cookie) address(st, s, p, v, alen, true, f.xorMappedIp, f.xorMappedPort, false);
                break;
            case Attr::XorPeerAddress:
                if (cookie) address(st, s, p, v, alen, true, f.xorPeerIp, f.xorPeerPort, true);
                break;
            case Attr::XorRelayedAddress:
                if (cookie) address(st, s, p, v, alen, true, f.xorRelayedIp, f.xorRelayedPort, false);
                break;
        }
        at += 4 + ((alen + 3u) & ~3u);
    }
}

void feed(State& st, Session& s, int which, const uint8_t* data, size_t len) {
    Direction& d = st.d[which];
    size_t i = 0;
    while (i < len && !d.done) {
        if (d.skip) {
            size_t take = std::min(d.skip, len - i);
            d.skip -= take;
            i += take;
            continue;
        }
        const size_t target = d.want ? d.want : 4;
        size_t take = std::min(target - d.buf.size(), len - i);
        if (!d.buf.append(s, data + i, take)) return d.stop();
        i += take;
        if (d.buf.size() < target) return;
        const uint8_t* p = d.buf.bytes();
        if (!d.want) {
            const size_t body = be16(p + 2);
            if ((p[0] & 0xc0) == 0x40) {  // ChannelData: channel, length, data padded to 4
                d.skip = (body + 3u) & ~size_t(3);
                d.buf.clear();
                continue;
            }
            if ((p[0] & 0xc0) != 0) return d.stop();
            d.want = std::min(kHeader + body, kMaxMessage);
            d.skip = 0;
            if (d.want > 4) continue;
        }
        const size_t total = kHeader + be16(p + 2);
        message(st, s, p, d.buf.size());
        d.buf.clear();
        d.want = 0;
        if (total > kMaxMessage) d.skip = total - kMaxMessage;
    }
}

int stun_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    if (!st.stream) {
        if (len >= kHeader && (data[0] & 0xc0) == 0) message(st, s, data, len);
        return 0;
    }
    feed(st, s, which, data, len);
    return st.d[0].done && st.d[1].done ? -1 : 0;
}

void stun_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void stun_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table || !s.table->has_protocol(s, "stun")) return;
    if (s.has_parser(stun_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    st->stream = s.ipProtocol != 17;
    s.table->register_parser(s, session::ParserEntry{stun_parse, nullptr, stun_free, st});
}

}  // namespace

void register_stun(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.error = r.fields.find_db("stun.error");
    f.mappedIp = r.fields.find_db("stun.mappedIp");
    f.mappedPort = r.fields.find_db("stun.mappedPort");
    f.realm = r.fields.find_db("stun.realm");
    f.software = r.fields.find_db("stun.software");
    f.type = r.fields.find_db("stun.type");
    f.username = r.fields.find_db("stun.username");
    f.xorMappedIp = r.fields.find_db("stun.xorMappedIp");
    f.xorMappedPort = r.fields.find_db("stun.xorMappedPort");
    f.xorPeerIp = r.fields.find_db("stun.xorPeerIp");
    f.xorPeerPort = r.fields.find_db("stun.xorPeerPort");
    f.xorRelayedIp = r.fields.find_db("stun.xorRelayedIp");
    f.xorRelayedPort = r.fields.find_db("stun.xorRelayedPort");
    // Runs after the byte signatures (an empty match is tried after every first-byte match).
    for (auto t : {classify::Transport::Tcp, classify::Transport::Udp})
        r.classifiers.add(t, classify::Classifier{"stun-parser", 0, "", stun_classify, &f});
}

}  // namespace flowdex::protocols::stun
