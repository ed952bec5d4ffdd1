#include <array>
#include <deque>
#include <string>
#include <string_view>

#include "protocols/tls/tls.h"
#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols {
namespace {

using session::Session;

constexpr size_t kRecordHeader = 13;    // type, version, epoch, sequence number, length
constexpr size_t kFragmentHeader = 12;  // type, length, message_seq, fragment_offset, fragment_length
constexpr size_t kMaxMessage = 65536;   // one handshake message, reassembled
constexpr uint8_t kHandshake = 22;
constexpr uint8_t kClientHello = 1;
constexpr uint8_t kServerHello = 2;
constexpr uint8_t kCertificate = 11;

uint32_t be16(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) << 8 | p[1];
}
uint32_t be24(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) << 16 | static_cast<uint32_t>(p[1]) << 8 | p[2];
}

/// One direction: the handshake message being put together from its fragments (in order). Its
/// bytes count against the session's parser budget; when refused, the direction stops.
struct Direction {
    int seq = -1;  ///< message_seq of `msg`, -1 when none
    uint8_t type = 0;
    uint32_t total = 0;
    session::ParserBuffer msg;
    bool sawHello = false;
    bool dead = false;  ///< refused by the parser budget: no longer read
    /// Stops the direction and gives its bytes back to the session.
    void stop() {
        dead = true;
        seq = -1;
        msg.clear();
    }
};

struct State {
    Direction d[2];
    int serverWhich = -1;
    bool doneHello = false, doneCert = false;
};

/// A DTLS ClientHello has a cookie after the session id; without it the body is a TLS one.
void client_hello(Session& s, std::string_view body) {
    const auto* p = reinterpret_cast<const uint8_t*>(body.data());
    size_t off = 2 + 32;
    if (body.size() < off + 1) return;
    off += 1 + p[off];  // session id
    if (body.size() < off + 1) return;
    const size_t cookieAt = off, cookieLen = p[off];
    if (body.size() < off + 1 + cookieLen) return;
    std::string tlsBody(body.substr(0, cookieAt));
    tlsBody += body.substr(cookieAt + 1 + cookieLen);
    tls::client_hello_fields(s, reinterpret_cast<const uint8_t*>(tlsBody.data()), tlsBody.size(), 'd');
}

void message(State& st, Session& s, int which, Direction& d) {
    if (d.type == kClientHello && !st.doneHello) {
        st.doneHello = true;
        client_hello(s, d.msg.view());
    } else if (d.type == kServerHello) {
        st.serverWhich = which;
    } else if (d.type == kCertificate && which == st.serverWhich && !st.doneCert) {
        st.doneCert = true;
        tls::certificate_fields(s, d.msg.bytes(), d.msg.size());
    }
}

/// One handshake fragment: appended when it continues the message being built (fragments that
/// arrive out of order or overlap are dropped; a new message_seq starts over).
void fragment(State& st, Session& s, int which, const uint8_t* p, size_t n) {
    if (n < kFragmentHeader) return;
    const uint8_t type = p[0];
    const uint32_t total = be24(p + 1), seq = be16(p + 4), off = be24(p + 6), flen = be24(p + 9);
    if (flen > n - kFragmentHeader || total > kMaxMessage || off + flen > total) return;
    Direction& d = st.d[which];
    if (d.dead) return;
    if (d.seq != static_cast<int>(seq) || d.type != type) {
        if (off != 0) return;
        d.seq = static_cast<int>(seq);
        d.type = type;
        d.total = total;
        d.msg.clear();
    }
    if (off != d.msg.size() || total != d.total) return;
    if (!d.msg.append(s, p + kFragmentHeader, flen)) return d.stop();
    if (d.msg.size() == d.total) {
        message(st, s, which, d);
        d.seq = -1;
        d.msg.clear();
    }
}

int dtls_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    size_t off = 0;
    while (len - off >= kRecordHeader) {
        const uint8_t* r = data + off;
        const uint32_t rlen = be16(r + 11);
        if (rlen > len - off - kRecordHeader) break;
        const uint32_t epoch = be16(r + 3);
        // Epoch 0 is the clear handshake; later epochs are encrypted.
        if (r[0] == kHandshake && epoch == 0) fragment(st, s, which, r + kRecordHeader, rlen);
        off += kRecordHeader + rlen;
    }
    return (st.doneHello && st.doneCert) || (st.d[0].dead && st.d[1].dead) ? -1 : 0;
}

void dtls_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void dtls_classify(void*, Session& s, const uint8_t* d, uint32_t len, int) {
    if (!s.table || len < kRecordHeader + kFragmentHeader || d[0] != kHandshake) return;
    if (s.has_parser(dtls_parse)) return;
    s.table->register_parser(s, session::ParserEntry{dtls_parse, nullptr, dtls_free, new State});
}

}  // namespace

void register_dtls(Registries& r) {
    // DTLS 1.0, 1.2, 1.3 record versions and OpenSSL's pre-standard 0x0100.
    using namespace std::string_view_literals;
    for (std::string_view p : {"\x16\xfe\xff"sv, "\x16\xfe\xfd"sv, "\x16\xfe\xfc"sv, "\x16\x01\x00"sv})
        r.classifiers.add(classify::Transport::Udp,
                          classify::Classifier{"dtls-parser", 0, std::string(p), dtls_classify, nullptr});
}

}  // namespace flowdex::protocols
