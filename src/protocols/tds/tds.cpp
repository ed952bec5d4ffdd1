#include "protocols/tds/tds.h"

#include <algorithm>
#include <deque>
#include <string>
#include <string_view>

#include "core/byte_reader.h"
#include "core/text.h"
#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::tds {
namespace {

using fields::FieldRegistry;
using session::Session;

enum class Type : uint8_t { Tds5Login = 0x02, Login7 = 0x10, PreLogin = 0x12 };
constexpr size_t kHeader = 8;
constexpr uint8_t kEndOfMessage = 0x01;
constexpr size_t kLogin7UserOffset = 40;  // ibUserName, cchUserName
constexpr size_t kTds5NameField = 30, kTds5User = 31, kTds5UserLength = 61;

struct Fields {
    int user = -1;
};

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    uint8_t header[kHeader] = {};
    size_t headerHave = 0;
    size_t bodyLeft = 0;
    size_t packets = 0;
    uint8_t loginType = 0;        // 0 until a login packet starts
    session::ParserBuffer login;  // first kMaxLogin bytes of the login message
};

uint16_t le16(const session::ParserBuffer& b, size_t at) {
    return load_le16(b.bytes() + at);
}

uint32_t le32(const session::ParserBuffer& b, size_t at) {
    return load_le32(b.bytes() + at);
}

enum class Found : uint8_t { NeedMore, Done };

void add(const State& st, Session& s, std::string_view v) {
    v = v.substr(0, v.find('\0'));
    if (st.f->user >= 0 && !v.empty()) s.fields.add_string(*st.reg, st.f->user, v);
}

Found login7(const State& st, Session& s) {
    const session::ParserBuffer& b = st.login;
    if (b.size() < kLogin7UserOffset + 4) return Found::NeedMore;
    const size_t at = le16(b, kLogin7UserOffset), bytes = size_t(le16(b, kLogin7UserOffset + 2)) * 2;
    if (bytes == 0 || at < kLogin7UserOffset + 4 || at + bytes > le32(b, 0) || at + bytes > kMaxLogin)
        return Found::Done;
    if (b.size() < at + bytes) return Found::NeedMore;
    add(st, s, core::utf16le_to_utf8(b.bytes() + at, bytes));
    return Found::Done;
}

Found tds5(const State& st, Session& s) {
    const session::ParserBuffer& b = st.login;
    if (b.size() <= kTds5UserLength) return Found::NeedMore;
    const size_t n = b[kTds5UserLength];
    if (n <= kTds5NameField) add(st, s, b.view().substr(kTds5User, n));
    return Found::Done;
}

/// Header complete: false when the parser should end.
bool start_packet(State& st) {
    const uint8_t type = st.header[0];
    const size_t len = size_t(st.header[2]) << 8 | st.header[3];
    if (len < kHeader || ++st.packets > kMaxPackets) return false;
    if (type == static_cast<uint8_t>(Type::PreLogin) && st.loginType == 0) {
        st.bodyLeft = len - kHeader;
        return true;
    }
    if (type != static_cast<uint8_t>(Type::Login7) && type != static_cast<uint8_t>(Type::Tds5Login)) return false;
    if (st.loginType != 0 && st.loginType != type) return false;
    st.loginType = type;
    st.bodyLeft = len - kHeader;
    return true;
}

int tds_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which != 0) return 0;
    size_t i = 0;
    while (i < len) {
        if (st.headerHave < kHeader) {
            const size_t k = std::min(kHeader - st.headerHave, len - i);
            std::copy_n(data + i, k, st.header + st.headerHave);
            st.headerHave += k;
            i += k;
            if (st.headerHave < kHeader) return 0;
            if (!start_packet(st)) return -1;
        } else {
            const size_t k = std::min(st.bodyLeft, len - i);
            if (st.loginType != 0 && st.login.size() < kMaxLogin &&
                !st.login.append(s, data + i, std::min(k, kMaxLogin - st.login.size())))
                return -1;  // refused by the parser budget: the state and its bytes go
            st.bodyLeft -= k;
            i += k;
        }
        if (st.loginType != 0) {
            const Found r = st.loginType == static_cast<uint8_t>(Type::Login7) ? login7(st, s) : tds5(st, s);
            if (r == Found::Done) return -1;
        }
        if (st.bodyLeft == 0) {  // packet done
            if (st.loginType != 0 && (st.header[1] & kEndOfMessage)) return -1;
            st.headerHave = 0;
        }
    }
    return 0;
}

void tds_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void tds_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int which) {
    if (!s.table || which != 0 || !s.table->has_protocol(s, "tds")) return;
    if (s.has_parser(tds_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    s.table->register_parser(s, session::ParserEntry{tds_parse, nullptr, tds_free, st});
}

}  // namespace

void register_tds(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.user = r.fields.find_db("user");
    // Registered after the signature table, so these run after its `tds` entries (same first bytes).
    for (const Type t : {Type::PreLogin, Type::Login7, Type::Tds5Login})
        r.classifiers.add(
            classify::Transport::Tcp,
            classify::Classifier{"tds-parser", 0, std::string(1, static_cast<char>(t)), tds_classify, &f});
}

}  // namespace flowdex::protocols::tds
