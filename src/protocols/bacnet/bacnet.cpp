#include "protocols/bacnet/bacnet.h"

#include <deque>
#include <string_view>

#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::bacnet {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int function = -1, apduType = -1, service = -1, objectName = -1;
};

constexpr uint8_t kBvllIp = 0x81;
enum class Bvlc : uint8_t {
    ForwardedNpdu = 0x04,
    DistributeBroadcast = 0x09,
    OriginalUnicast = 0x0a,
    OriginalBroadcast = 0x0b
};
enum class Apdu : uint8_t { ConfirmedRequest = 0, UnconfirmedRequest = 1, ComplexAck = 3 };
enum class Unconfirmed : uint8_t { IHave = 1, WhoHas = 7 };
enum class Confirmed : uint8_t { ReadProperty = 12, ReadPropertyMultiple = 14 };
constexpr uint8_t kAppCharacterString = 7, kAppObjectId = 12;
constexpr uint32_t kPropObjectName = 77;
constexpr int kMaxTags = 256;  ///< tags looked at per datagram

constexpr const char* kFunctions[] = {"result",           "write-bdt",
                                      "read-bdt",         "read-bdt-ack",
                                      "forwarded-npdu",   "register-foreign-device",
                                      "read-fdt",         "read-fdt-ack",
                                      "delete-fdt-entry", "distribute-broadcast",
                                      "original-unicast", "original-broadcast",
                                      "secured-bvll"};
constexpr const char* kApduTypes[] = {
    "confirmed-request", "unconfirmed-request", "simple-ack", "complex-ack", "segment-ack", "error", "reject", "abort"};
constexpr const char* kConfirmed[] = {"acknowledge-alarm",
                                      "confirmed-cov-notification",
                                      "confirmed-event-notification",
                                      "get-alarm-summary",
                                      "get-enrollment-summary",
                                      "subscribe-cov",
                                      "atomic-read-file",
                                      "atomic-write-file",
                                      "add-list-element",
                                      "remove-list-element",
                                      "create-object",
                                      "delete-object",
                                      "read-property",
                                      "read-property-conditional",
                                      "read-property-multiple",
                                      "write-property",
                                      "write-property-multiple",
                                      "device-communication-control",
                                      "confirmed-private-transfer",
                                      "confirmed-text-message",
                                      "reinitialize-device",
                                      "vt-open",
                                      "vt-close",
                                      "vt-data",
                                      "authenticate",
                                      "request-key",
                                      "read-range",
                                      "life-safety-operation",
                                      "subscribe-cov-property",
                                      "get-event-information"};
constexpr const char* kUnconfirmed[] = {"i-am",
                                        "i-have",
                                        "unconfirmed-cov-notification",
                                        "unconfirmed-event-notification",
                                        "unconfirmed-private-transfer",
                                        "unconfirmed-text-message",
                                        "time-synchronization",
                                        "who-has",
                                        "who-is",
                                        "utc-time-synchronization"};

/// One encoded BACnet tag (clause 20.2.1) and its content.
struct Tag {
    uint8_t number = 0;
    bool context = false, open = false, close = false;
    const uint8_t* data = nullptr;
    uint32_t len = 0;
    bool is_ctx(uint8_t n) const { return context && !open && !close && number == n; }
    bool opens(uint8_t n) const { return context && open && number == n; }
    bool closes(uint8_t n) const { return context && close && number == n; }
    uint32_t unsigned_value() const {
        uint32_t v = 0;
        for (uint32_t i = 0; i < len && i < 4; ++i)
            v = v << 8 | data[i];
        return v;
    }
};

struct Reader {
    const uint8_t* p;
    size_t n, off = 0;
    int budget = kMaxTags;
    bool tag(Tag& t) {
        if (off >= n || --budget < 0) return false;
        const uint8_t b = p[off++];
        t = Tag{};
        t.number = b >> 4;
        t.context = b & 0x08;
        uint32_t lvt = b & 0x07;
        if (t.number == 15) {
            if (off >= n) return false;
            t.number = p[off++];
        }
        if (t.context && (lvt == 6 || lvt == 7)) {
            (lvt == 6 ? t.open : t.close) = true;
            return true;
        }
        if (!t.context && t.number == 1) return true;  // application boolean: the value is the LVT
        if (lvt == 5) {
            if (off >= n) return false;
            lvt = p[off++];
            const size_t k = lvt == 254 ? 2 : lvt == 255 ? 4 : 0;
            if (k) {
                if (n - off < k) return false;
                lvt = 0;
                for (size_t i = 0; i < k; ++i)
                    lvt = lvt << 8 | p[off++];
            }
        }
        if (lvt > n - off) return false;
        t.data = p + off;
        t.len = lvt;
        off += lvt;
        return true;
    }
    /// Skips to the closing tag that matches an opening tag just read.
    bool skip_constructed() {
        Tag t;
        for (int depth = 1; depth > 0;) {
            if (!tag(t)) return false;
            if (t.open) ++depth;
            if (t.close) --depth;
        }
        return true;
    }
};

struct Out {
    const Fields& f;
    const FieldRegistry& reg;
    Session& s;
    void add(int pos, std::string_view v) const {
        if (pos >= 0 && !v.empty()) s.fields.add_string(reg, pos, v);
    }
    /// A CharacterString in character set 0 (UTF-8).
    void name(const Tag& t) const {
        if (t.len >= 2 && t.data[0] == 0)
            add(f.objectName, std::string_view(reinterpret_cast<const char*>(t.data + 1), t.len - 1));
    }
    void app_name(const Tag& t) const {
        if (!t.context && t.number == kAppCharacterString) name(t);
    }
};

void who_has(const Out& o, Reader r) {
    Tag t;
    while (r.tag(t)) {
        if (t.is_ctx(3)) return o.name(t);
        if (!t.is_ctx(0) && !t.is_ctx(1)) return;  // device instance range limits, else the object id
    }
}

void i_have(const Out& o, Reader r) {
    Tag device, object, name;
    if (r.tag(device) && r.tag(object) && r.tag(name) && !device.context && device.number == kAppObjectId &&
        !object.context && object.number == kAppObjectId)
        o.app_name(name);
}

/// The value of one property between its opening and closing tags (just opened).
bool property_value(const Out& o, Reader& r, uint32_t property) {
    const size_t start = r.off;
    Tag t;
    if (property == kPropObjectName && r.tag(t)) o.app_name(t);
    r.off = start;
    return r.skip_constructed();
}

void read_property_ack(const Out& o, Reader r) {
    Tag t;
    if (!r.tag(t) || !t.is_ctx(0) || !r.tag(t) || !t.is_ctx(1)) return;
    const uint32_t property = t.unsigned_value();
    if (!r.tag(t)) return;
    if (t.is_ctx(2) && !r.tag(t)) return;
    if (t.opens(3)) property_value(o, r, property);
}

void read_property_multiple_ack(const Out& o, Reader r) {
    Tag t;
    while (r.tag(t) && t.is_ctx(0)) {
        if (!r.tag(t) || !t.opens(1)) return;
        for (;;) {
            if (!r.tag(t)) return;
            if (t.closes(1)) break;
            if (!t.is_ctx(2)) return;
            const uint32_t property = t.unsigned_value();
            if (!r.tag(t)) return;
            if (t.is_ctx(3) && !r.tag(t)) return;
            if (t.opens(4)) {
                if (!property_value(o, r, property)) return;
            } else if (!t.opens(5) || !r.skip_constructed()) {
                return;
            }
        }
    }
}

void datagram(const Out& o, const uint8_t* d, size_t n) {
    if (n < 4 || d[0] != kBvllIp) return;
    const size_t len = size_t(d[2]) << 8 | d[3];
    if (len < 4 || len > n || d[1] >= std::size(kFunctions)) return;
    n = len;
    const auto fn = static_cast<Bvlc>(d[1]);
    o.add(o.f.function, kFunctions[d[1]]);
    size_t at = 4;
    if (fn == Bvlc::ForwardedNpdu) {
        at += 6;  // original source B/IP address and port
    } else if (fn != Bvlc::DistributeBroadcast && fn != Bvlc::OriginalUnicast && fn != Bvlc::OriginalBroadcast) {
        return;
    }
    // NPDU (clause 6.2): version, control, [DNET DLEN DADR], [SNET SLEN SADR], [hop count].
    if (at + 2 > n || d[at] != 1) return;
    const uint8_t control = d[at + 1];
    at += 2;
    for (uint8_t bit : {uint8_t(0x20), uint8_t(0x08)}) {
        if (!(control & bit)) continue;
        if (at + 3 > n) return;
        at += 3 + d[at + 2];
    }
    if (control & 0x20) ++at;
    if ((control & 0x80) || at >= n) return;  // network layer message
    // APDU (clause 20.1).
    const uint8_t pdu = d[at];
    const auto type = static_cast<Apdu>(pdu >> 4);
    if ((pdu >> 4) < std::size(kApduTypes)) o.add(o.f.apduType, kApduTypes[pdu >> 4]);
    const bool segmented = pdu & 0x08;
    if (type == Apdu::ConfirmedRequest) {
        at += 3 + (segmented ? 2 : 0);  // type, max segments/response, invoke id, [sequence, window]
        if (at < n && d[at] < std::size(kConfirmed)) o.add(o.f.service, kConfirmed[d[at]]);
    } else if (type == Apdu::UnconfirmedRequest) {
        if (at + 1 >= n) return;
        const uint8_t choice = d[at + 1];
        if (choice < std::size(kUnconfirmed)) o.add(o.f.service, kUnconfirmed[choice]);
        Reader r{d + at + 2, n - at - 2};
        if (choice == static_cast<uint8_t>(Unconfirmed::WhoHas)) who_has(o, r);
        if (choice == static_cast<uint8_t>(Unconfirmed::IHave)) i_have(o, r);
    } else if (type == Apdu::ComplexAck && !segmented) {
        at += 2;  // type, invoke id
        if (at >= n) return;
        const uint8_t choice = d[at];
        Reader r{d + at + 1, n - at - 1};
        if (choice == static_cast<uint8_t>(Confirmed::ReadProperty)) read_property_ack(o, r);
        if (choice == static_cast<uint8_t>(Confirmed::ReadPropertyMultiple)) read_property_multiple_ack(o, r);
    }
}

int bacnet_parse(void* ctx, Session& s, const uint8_t* d, uint32_t len, int) {
    datagram(Out{*static_cast<const Fields*>(ctx), *s.table->context().registry, s}, d, len);
    return 0;
}

void bacnet_classify(void* ctx, Session& s, const uint8_t* d, uint32_t len, int) {
    if (!s.table || len < 4 || d[1] >= std::size(kFunctions) || (size_t(d[2]) << 8 | d[3]) != len) return;
    if (s.has_parser(bacnet_parse)) return;
    s.table->register_parser(s, session::ParserEntry{bacnet_parse, nullptr, nullptr, ctx});
}

}  // namespace

void register_bacnet(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.function = r.fields.find_db("bacnet.function");
    f.apduType = r.fields.find_db("bacnet.apduType");
    f.service = r.fields.find_db("bacnet.service");
    f.objectName = r.fields.find_db("bacnet.objectName");
    r.classifiers.add(classify::Transport::Udp, classify::Classifier{"bacnet-parser", 0, "\x81", bacnet_classify, &f});
}

}  // namespace flowdex::protocols::bacnet
