#include "protocols/mqtt/mqtt.h"

#include <cstring>
#include <deque>
#include <string>
#include <string_view>

#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::mqtt {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int type = -1, version = -1, flags = -1, qos = -1, clientId = -1, willTopic = -1, topic = -1, connackCode = -1,
        user = -1;
};

enum class Type : uint8_t { Connect = 1, Connack = 2, Publish = 3, Subscribe = 8, Unsubscribe = 10 };

constexpr const char* kTypeNames[16] = {"Reserved", "CONNECT",  "CONNACK",    "PUBLISH", "PUBACK",      "PUBREC",
                                        "PUBREL",   "PUBCOMP",  "SUBSCRIBE",  "SUBACK",  "UNSUBSCRIBE", "UNSUBACK",
                                        "PINGREQ",  "PINGRESP", "DISCONNECT", "AUTH"};

constexpr uint8_t kMaxVarintBytes = 4;

/// Reads a packet body; every read checks the bytes left and fails without moving past the end.
struct Reader {
    const uint8_t* p;
    size_t n, off = 0;
    size_t left() const { return n - off; }
    bool u8(uint8_t& v) {
        if (left() < 1) return false;
        v = p[off++];
        return true;
    }
    bool u16(uint16_t& v) {
        if (left() < 2) return false;
        v = static_cast<uint16_t>(p[off] << 8 | p[off + 1]);
        off += 2;
        return true;
    }
    bool skip(size_t k) {
        if (left() < k) return false;
        off += k;
        return true;
    }
    /// A length-prefixed (u16) string.
    bool str(std::string_view& v) {
        uint16_t len = 0;
        if (!u16(len) || left() < len) return false;
        v = std::string_view(reinterpret_cast<const char*>(p + off), len);
        off += len;
        return true;
    }
    /// A variable byte integer (1 to 4 bytes, 7 bits each, least significant first).
    bool varint(uint32_t& v) {
        v = 0;
        for (uint8_t i = 0; i < kMaxVarintBytes; ++i) {
            uint8_t b = 0;
            if (!u8(b)) return false;
            v |= uint32_t(b & 0x7f) << (7 * i);
            if (!(b & 0x80)) return true;
        }
        return false;
    }
    bool skip_properties() {
        uint32_t len = 0;
        return varint(len) && skip(len);
    }
};

struct Direction {
    uint8_t head[1 + kMaxVarintBytes] = {};
    uint8_t headLen = 0;
    bool inBody = false, handled = false, dead = false;
    uint32_t left = 0;  ///< body bytes still to come
    size_t keep = 0;    ///< body bytes kept for parsing
    session::ParserBuffer body;
};

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    int connectSide = 0;
    bool connected = false;  ///< the first packet was a valid CONNECT
    bool done = false;
    uint8_t level = 0;
    Direction d[2];

    void str(Session& s, int pos, std::string_view v) const {
        if (pos >= 0 && !v.empty()) s.fields.add_string(*reg, pos, v);
    }
    void num(Session& s, int pos, int64_t v) const {
        if (pos >= 0) s.fields.add_int(*reg, pos, v);
    }
};

/// False when the CONNECT does not name MQTT: the stream is then not followed.
bool connect(State& st, Session& s, Reader r) {
    std::string_view name, v;
    uint8_t level = 0, flags = 0;
    if (!r.str(name) || (name != "MQTT" && name != "MQIsdp") || !r.u8(level)) return false;
    st.level = level;
    st.str(s, st.f->version, level == 3 ? "3.1" : level == 4 ? "3.1.1" : level == 5 ? "5.0" : "unknown");
    if (!r.u8(flags)) return true;
    const bool will = flags & 0x04, user = flags & 0x80;
    if (will) {
        st.str(s, st.f->flags, "hasWill");
        if (((flags >> 3) & 3) <= 2) st.num(s, st.f->qos, (flags >> 3) & 3);
        if (flags & 0x20) st.str(s, st.f->flags, "willRetain");
    }
    if (flags & 0x02) st.str(s, st.f->flags, "cleanSession");
    if (flags & 0x40) st.str(s, st.f->flags, "hasPassword");
    if (!r.skip(2) || (level == 5 && !r.skip_properties()) || !r.str(v)) return true;
    st.str(s, st.f->clientId, v);
    if (will) {
        if ((level == 5 && !r.skip_properties()) || !r.str(v)) return true;
        st.str(s, st.f->willTopic, v);
        if (!r.str(v)) return true;  // will message
    }
    if (user && r.str(v)) st.str(s, st.f->user, v);
    return true;
}

void publish(State& st, Session& s, uint8_t flags, Reader r) {
    const uint8_t qos = (flags >> 1) & 3;
    std::string_view topic;
    if (!r.str(topic) || (qos > 0 && r.left() < 2)) return;
    st.str(s, st.f->topic, topic);
    if (qos <= 2) st.num(s, st.f->qos, qos);
}

void subscribe(State& st, Session& s, bool options, Reader r) {
    if (!r.skip(2) || (st.level == 5 && !r.skip_properties())) return;
    std::string_view topic;
    while (r.left() >= 2 && r.str(topic)) {
        st.str(s, st.f->topic, topic);
        if (options && !r.skip(1)) return;
    }
}

/// The kept body of the current packet is complete.
void handle(State& st, Session& s, Direction& d) {
    const auto type = static_cast<Type>(d.head[0] >> 4);
    Reader r{d.body.bytes(), d.body.size()};
    switch (type) {
        case Type::Connect:
            if (connect(st, s, r) && !st.connected) {
                st.connected = true;
                st.str(s, st.f->type, kTypeNames[1]);
            } else if (!st.connected) {
                st.done = true;
            }
            break;
        case Type::Connack:
            if (d.body.size() >= 2) st.num(s, st.f->connackCode, d.body[1]);
            break;
        case Type::Publish:
            publish(st, s, d.head[0] & 0x0f, r);
            break;
        case Type::Subscribe:
            subscribe(st, s, true, r);
            break;
        case Type::Unsubscribe:
            subscribe(st, s, false, r);
            break;
    }
}

/// The fixed header is complete: `total` body bytes follow.
void start_body(State& st, Session& s, Direction& d, int which, uint32_t total) {
    const uint8_t type = d.head[0] >> 4;
    const bool first = !st.connected && which == st.connectSide;  // must be a CONNECT naming MQTT
    if (first && (type != static_cast<uint8_t>(Type::Connect) || total > kMaxBody)) {
        st.done = true;
        return;
    }
    if (st.connected) st.str(s, st.f->type, kTypeNames[type]);
    const bool wanted = type == 1 || type == 2 || type == 3 || type == 8 || type == 10;
    d.inBody = true;
    d.handled = (!st.connected && !first) || !wanted || (type != 3 && total > kMaxBody);
    d.left = total;
    d.keep = d.handled ? 0 : std::min<size_t>(total, kMaxBody);
    d.body.clear();
}

void feed(State& st, Session& s, int which, const uint8_t* p, size_t n) {
    Direction& d = st.d[which];
    while (!d.dead && !st.done) {
        if (!d.inBody) {
            if (n == 0) return;
            d.head[d.headLen++] = *p++;
            --n;
            if (d.headLen == 1) continue;
            if (d.head[d.headLen - 1] & 0x80) {
                if (d.headLen == 1 + kMaxVarintBytes) d.dead = true;
                continue;
            }
            uint32_t total = 0;
            for (uint8_t i = 1; i < d.headLen; ++i)
                total |= uint32_t(d.head[i] & 0x7f) << (7 * (i - 1));
            start_body(st, s, d, which, total);
            if (st.done) return;
        }
        if (!d.handled && d.body.size() == d.keep) {
            handle(st, s, d);
            d.handled = true;
            d.body.clear();
            if (st.done) return;
        }
        if (d.left == 0) {
            d.inBody = false;
            d.headLen = 0;
            continue;
        }
        if (n == 0) return;
        const size_t take = std::min<size_t>(d.left, n);
        if (d.body.size() < d.keep && !d.body.append(s, p, std::min(take, d.keep - d.body.size()))) {
            d.dead = true;  // over the parser budget: this direction stops
            d.body.clear();
            return;
        }
        d.left -= static_cast<uint32_t>(take);
        p += take;
        n -= take;
    }
}

int mqtt_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    feed(st, s, which, data, len);
    return st.done || (st.d[0].dead && st.d[1].dead) ? -1 : 0;
}

void mqtt_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void mqtt_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int which) {
    if (!s.table) return;
    if (s.has_parser(mqtt_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    st->connectSide = which;
    s.table->register_parser(s, session::ParserEntry{mqtt_parse, nullptr, mqtt_free, st});
}

}  // namespace

void register_mqtt(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.type = r.fields.find_db("mqtt.type");
    f.version = r.fields.find_db("mqtt.version");
    f.flags = r.fields.find_db("mqtt.flags");
    f.qos = r.fields.find_db("mqtt.qos");
    f.clientId = r.fields.find_db("mqtt.clientId");
    f.willTopic = r.fields.find_db("mqtt.willTopic");
    f.topic = r.fields.find_db("mqtt.topic");
    f.connackCode = r.fields.find_db("mqtt.connackCode");
    f.user = r.fields.find_db("user");
    r.classifiers.add(classify::Transport::Tcp, classify::Classifier{"mqtt-parser", 0, "\x10", mqtt_classify, &f});
}

}  // namespace flowdex::protocols::mqtt
