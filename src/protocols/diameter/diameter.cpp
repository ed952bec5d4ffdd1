#include "protocols/diameter/diameter.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <string>
#include <string_view>

#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::diameter {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int app = -1, cmd = -1, destHost = -1, destRealm = -1, originHost = -1, originRealm = -1, resultCode = -1,
        sessionId = -1, user = -1;
};

struct Name {
    uint32_t code;
    const char* name;
};

constexpr Name kApps[] = {{0, "Common"},
                          {1, "NASREQ"},
                          {2, "Mobile-IPv4"},
                          {3, "Base-Accounting"},
                          {4, "Credit-Control"},
                          {5, "EAP"},
                          {6, "SIP"},
                          {7, "Mobile-IPv6-IKE"},
                          {8, "Mobile-IPv6-Auth"},
                          {16777216, "3GPP-Cx"},
                          {16777217, "3GPP-Sh"},
                          {16777236, "3GPP-Rx"},
                          {16777238, "3GPP-Gx"},
                          {16777251, "3GPP-S6a"},
                          {16777252, "3GPP-S13"},
                          {16777255, "3GPP-SLg"},
                          {16777264, "3GPP-SWm"},
                          {16777265, "3GPP-SWx"},
                          {16777267, "3GPP-S9"},
                          {16777272, "3GPP-S6b"},
                          {16777291, "3GPP-SLh"},
                          {4294967295u, "Relay"}};

constexpr Name kCommands[] = {{257, "Capabilities-Exchange"},
                              {258, "Re-Auth"},
                              {260, "AA-Mobile-Node"},
                              {262, "Home-Agent-MIP"},
                              {265, "AA"},
                              {268, "Diameter-EAP"},
                              {271, "Accounting"},
                              {272, "Credit-Control"},
                              {274, "Abort-Session"},
                              {275, "Session-Termination"},
                              {280, "Device-Watchdog"},
                              {282, "Disconnect-Peer"},
                              {283, "User-Authorization"},
                              {284, "Server-Assignment"},
                              {285, "Location-Info"},
                              {286, "Multimedia-Auth"},
                              {287, "Registration-Termination"},
                              {288, "Push-Profile"},
                              {300, "User-Authorization"},
                              {301, "Server-Assignment"},
                              {302, "Location-Info"},
                              {303, "Multimedia-Auth"},
                              {304, "Registration-Termination"},
                              {305, "Push-Profile"},
                              {306, "User-Data"},
                              {307, "Profile-Update"},
                              {308, "Subscribe-Notifications"},
                              {309, "Push-Notification"},
                              {316, "Update-Location"},
                              {317, "Cancel-Location"},
                              {318, "Authentication-Information"},
                              {319, "Insert-Subscriber-Data"},
                              {320, "Delete-Subscriber-Data"},
                              {321, "Purge-UE"},
                              {322, "Reset"},
                              {323, "Notify"},
                              {324, "ME-Identity-Check"},
                              {8388620, "Provide-Location"},
                              {8388622, "LCS-Routing-Info"}};

template <size_t N>
const char* lookup(const Name (&t)[N], uint32_t code) {
    for (const Name& n : t)
        if (n.code == code) return n.name;
    return nullptr;
}

constexpr size_t kHeader = 20;
enum class Avp : uint32_t {
    UserName = 1,
    SessionId = 263,
    OriginHost = 264,
    ResultCode = 268,
    DestinationRealm = 283,
    DestinationHost = 293,
    OriginRealm = 296,
};

uint32_t be24(const uint8_t* p) {
    return uint32_t(p[0]) << 16 | uint32_t(p[1]) << 8 | p[2];
}
uint32_t be32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | be24(p + 1);
}

enum class St : uint8_t { Header, Body, Skip, Done };

struct Direction {
    St st = St::Header;
    size_t want = 0;  ///< bytes of the message still expected (Body) or to drop (Skip)
    session::ParserBuffer buf;
    /// Ends the direction and gives its bytes back to the session.
    void stop() {
        st = St::Done;
        buf.clear();
    }
};

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    Direction d[2];
};

void add(const State& st, Session& s, int pos, std::string_view v) {
    if (pos >= 0 && !v.empty()) s.fields.add_string(*st.reg, pos, v);
}

/// One message (possibly cut at kMaxMessage): header fields, then the AVPs that are whole.
void message(const State& st, Session& s, const uint8_t* p, size_t n) {
    const Fields& f = *st.f;
    char buf[96];
    const bool request = (p[4] & 0x80) != 0;
    const uint32_t code = be24(p + 5), app = be32(p + 8);
    const char* an = lookup(kApps, app);
    int k = std::snprintf(buf, sizeof buf, "%s (%u)", an ? an : "Unknown", app);
    add(st, s, f.app, std::string_view(buf, static_cast<size_t>(k)));
    const char* cn = lookup(kCommands, code);
    k = std::snprintf(buf, sizeof buf, "%s-%s (%u)", cn ? cn : "Unknown", request ? "Request" : "Answer", code);
    add(st, s, f.cmd, std::string_view(buf, static_cast<size_t>(k)));
    size_t at = kHeader;
    while (at + 8 <= n) {
        const uint32_t avp = be32(p + at), alen = be24(p + at + 5);
        const bool vendor = (p[at + 4] & 0x80) != 0;
        const size_t head = vendor ? 12 : 8;
        if (alen < head || alen > n - at) return;
        std::string_view v(reinterpret_cast<const char*>(p + at + head), alen - head);
        if (!vendor) {
            switch (static_cast<Avp>(avp)) {
                case Avp::UserName:
                    add(st, s, f.user, v);
                    break;
                case Avp::SessionId:
                    add(st, s, f.sessionId, v);
                    break;
                case Avp::OriginHost:
                    add(st, s, f.originHost, v);
                    break;
                case Avp::OriginRealm:
                    add(st, s, f.originRealm, v);
                    break;
                case Avp::DestinationHost:
                    add(st, s, f.destHost, v);
                    break;
                case Avp::DestinationRealm:
                    add(st, s, f.destRealm, v);
                    break;
                case Avp::ResultCode:
                    if (v.size() == 4 && f.resultCode >= 0)
                        s.fields.add_int(*st.reg, f.resultCode, be32(p + at + head));
                    break;
            }
        }
        at += (alen + 3u) & ~size_t(3);
    }
}

void feed(State& st, Session& s, int which, const uint8_t* data, size_t len) {
    Direction& d = st.d[which];
    size_t i = 0;
    while (i < len && d.st != St::Done) {
        if (d.st == St::Skip) {
            size_t take = std::min(d.want, len - i);
            d.want -= take;
            i += take;
            if (d.want == 0) d.st = St::Header;
            continue;
        }
        const size_t target = d.st == St::Header ? kHeader : d.want;
        size_t take = std::min(target - d.buf.size(), len - i);
        if (!d.buf.append(s, data + i, take)) return d.stop();
        i += take;
        if (d.buf.size() < target) return;
        const uint8_t* p = d.buf.bytes();
        if (d.st == St::Header) {
            const uint32_t mlen = be24(p + 1);
            if (p[0] != 1 || mlen < kHeader || (mlen & 3) != 0) return d.stop();
            d.want = std::min<size_t>(mlen, kMaxMessage);
            d.st = St::Body;
            if (d.want > kHeader) continue;
        }
        const uint32_t mlen = be24(p + 1);
        message(st, s, p, d.buf.size());
        d.buf.clear();
        if (mlen > kMaxMessage) {
            d.want = mlen - kMaxMessage;
            d.st = St::Skip;
        } else {
            d.st = St::Header;
        }
    }
}

int diameter_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    feed(st, s, which, data, len);
    return st.d[0].st == St::Done && st.d[1].st == St::Done ? -1 : 0;
}

void diameter_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void diameter_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table || !s.table->has_protocol(s, "diameter")) return;
    if (s.has_parser(diameter_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    s.table->register_parser(s, session::ParserEntry{diameter_parse, nullptr, diameter_free, st});
}

}  // namespace

void register_diameter(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.app = r.fields.find_db("diameter.app");
    f.cmd = r.fields.find_db("diameter.cmd");
    f.destHost = r.fields.find_db("diameter.destHost");
    f.destRealm = r.fields.find_db("diameter.destRealm");
    f.originHost = r.fields.find_db("diameter.originHost");
    f.originRealm = r.fields.find_db("diameter.originRealm");
    f.resultCode = r.fields.find_db("diameter.resultCode");
    f.sessionId = r.fields.find_db("diameter.sessionId");
    f.user = r.fields.find_db("diameter.user");
    // Runs after the byte signatures (an empty match is tried after every first-byte match); the
    // SCTP payload protocol id 46 names the session before its bytes are classified.
    for (auto t : {classify::Transport::Tcp, classify::Transport::Sctp})
        r.classifiers.add(t, classify::Classifier{"diameter-parser", 0, "", diameter_classify, &f});
}

}  // namespace flowdex::protocols::diameter
