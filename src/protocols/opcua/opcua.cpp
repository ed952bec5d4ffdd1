#include "protocols/opcua/opcua.h"

#include <cstring>
#include <deque>
#include <string_view>

#include "core/byte_reader.h"
#include "protocols/tls/certs.h"
#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols {
namespace {

using namespace opcua;
using session::Session;

constexpr size_t kHelloFields = 20;  ///< five uint32 before the EndpointUrl
constexpr std::string_view kTypes[] = {"HEL", "ACK", "ERR", "RHE", "OPN", "CLO", "MSG"};

struct Fields {
    int endpointUrl = -1, securityPolicyUri = -1, cert = -1;
};

struct State {
    const Fields* f = nullptr;
    session::ParserBuffer buf[2];
    size_t messages[2] = {};
};

bool valid_header(const uint8_t* p) {
    if (p[3] != 'F' && p[3] != 'C' && p[3] != 'A') return false;
    const std::string_view type(reinterpret_cast<const char*>(p), 3);
    for (std::string_view t : kTypes)
        if (t == type) return true;
    return false;
}

/// A little-endian int32 length at `at` of `m` whose bytes follow it and fit `cap`; -1 when absent,
/// -2 when it is set but does not fit.
int64_t string_at(const uint8_t* m, size_t n, size_t at, size_t cap) {
    if (at + 4 > n) return -2;
    const auto len = static_cast<int32_t>(load_le32(m + at));
    if (len <= 0) return -1;
    if (static_cast<size_t>(len) > cap || static_cast<size_t>(len) > n - at - 4) return -2;
    return len;
}

void add(Session& s, int pos, const uint8_t* p, size_t n) {
    if (pos >= 0) s.fields.add_string(*s.table->context().registry, pos, {reinterpret_cast<const char*>(p), n});
}

void hello(Session& s, const Fields& f, const uint8_t* m, size_t n) {
    const int64_t len = string_at(m, n, kHeader + kHelloFields, kMaxString);
    if (len > 0) add(s, f.endpointUrl, m + kHeader + kHelloFields + 4, static_cast<size_t>(len));
}

void open_channel(Session& s, const Fields& f, const uint8_t* m, size_t n) {
    size_t at = kHeader + 4;  // SecureChannelId
    const int64_t policy = string_at(m, n, at, kMaxString);
    if (policy == -2) return;
    if (policy > 0) {
        add(s, f.securityPolicyUri, m + at + 4, static_cast<size_t>(policy));
        at += static_cast<size_t>(policy);
    }
    at += 4;
    const int64_t cert = string_at(m, n, at, kMaxCert);
    if (cert <= 0 || f.cert < 0) return;
    tls::CertInfo info;
    if (!tls::decode_cert(m + at + 4, static_cast<size_t>(cert), static_cast<int64_t>(s.firstUs / 1000000), info))
        return;
    auto* objs = s.fields.object<tls::CertObjects>(*s.table->context().registry, f.cert);
    if (!objs) return;
    tls::tag_certificate(s, info, objs->count() == 0);
    objs->add(std::move(info));
}

int opcua_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1 || st.messages[which] >= kMaxMessages) return 0;
    session::ParserBuffer& b = st.buf[which];
    if (!b.append(s, data, len)) return -1;
    while (b.size() >= kHeader) {
        const uint8_t* m = b.bytes();
        if (!valid_header(m)) return -1;
        const uint32_t total = load_le32(m + 4);
        if (total < kHeader || total > kMaxHeld) return -1;
        if (b.size() < total) return 0;
        if (m[3] == 'F' && std::memcmp(m, "HEL", 3) == 0) hello(s, *st.f, m, total);
        if (m[3] == 'F' && std::memcmp(m, "OPN", 3) == 0) open_channel(s, *st.f, m, total);
        b.consume(total);
        if (++st.messages[which] >= kMaxMessages) {
            b.clear();
            return st.messages[1 - which] >= kMaxMessages ? -1 : 0;
        }
    }
    return 0;
}

void opcua_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void opcua_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table || !s.table->has_protocol(s, "opcua") || s.has_parser(opcua_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    s.table->register_parser(s, session::ParserEntry{opcua_parse, nullptr, opcua_free, st});
}

}  // namespace

void register_opcua(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.endpointUrl = r.fields.find_db("opcua.endpointUrl");
    f.securityPolicyUri = r.fields.find_db("opcua.securityPolicyUri");
    f.cert = r.fields.find_db("cert");
    r.classifiers.add(classify::Transport::Tcp, classify::Classifier{"opcua-parser", 0, "HELF", opcua_classify, &f});
}

}  // namespace flowdex::protocols
