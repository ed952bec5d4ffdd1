#include "protocols/dcerpc/dcerpc.h"

#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "protocols/ntlm/ntlm.h"
#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::dcerpc {
namespace {

using session::Session;

// Set once at start-up (register_dcerpc), read-only afterwards.
struct Fields {
    int uuid = -1, interface = -1, msgType = -1, opnum = -1, version = -1;
};
Fields g;

struct Interface {
    std::string_view uuid, name;
};
/// Interface UUIDs → protocol names (facts from Arkime's DCE/RPC parser and its regression captures).
constexpr std::array<Interface, 21> kInterfaces{{
    {"e3514235-4b06-11d1-ab04-00c04fc2dcd2", "drsuapi"},
    {"12345778-1234-abcd-ef00-0123456789ac", "samr"},
    {"12345678-1234-abcd-ef00-01234567cffb", "netlogon"},
    {"367abb81-9844-35f1-ad32-98f038001003", "svcctl"},
    {"4b324fc8-1670-01d3-1278-5a47bf6ee188", "srvsvc"},
    {"1ff70682-0a51-30e8-076d-740be8cee98b", "atsvc"},
    {"338cd001-2244-31f1-aaaa-900038001003", "winreg"},
    {"c681d488-d850-11d0-8c52-00c04fd90f7e", "efsrpc"},
    {"df1941c5-fe89-4e79-bf10-463657acf44d", "efsr"},
    {"12345778-1234-abcd-ef00-0123456789ab", "lsarpc"},
    {"6bffd098-a112-3610-9833-46c3f87e345a", "wkssvc"},
    {"3919286a-b10c-11d0-9ba8-00c04fd92ef5", "dssetup"},
    {"e1af8308-5d1f-11c9-91a4-08002b14a0fa", "epmapper"},
    {"86d35949-83c9-4044-b424-db363231fd0c", "itaskscheduler"},
    {"99fcfec4-5260-101b-bbcb-00aa0021347a", "ioxidresolver"},
    {"00000131-0000-0000-c000-000000000046", "iremunknown"},
    {"00000134-0000-0000-c000-000000000046", "iremunknown2"},
    {"000001a0-0000-0000-c000-000000000046", "isystemactivator"},
    {"ccd8c074-d0e5-4a40-92b4-d074faa6ba28", "witness"},
    {"afa8bd80-7d8a-11c9-bef4-08002b102989", "mgmt"},
    {"f5cc5a18-4264-101a-8c59-08002b2f8426", "nspi"},
}};

constexpr uint8_t kRequest = 0, kBind = 11, kAlterContext = 14, kMaxType = 19;
constexpr uint32_t kHeader = 16, kMaxFrag = 8192;

/// Packet type names (empty: not named).
constexpr std::array<std::string_view, 20> kTypes{"request",
                                                  "",
                                                  "response",
                                                  "fault",
                                                  "",
                                                  "",
                                                  "",
                                                  "",
                                                  "",
                                                  "",
                                                  "",
                                                  "bind",
                                                  "bind-ack",
                                                  "bind-nak",
                                                  "alter-context",
                                                  "alter-context-resp",
                                                  "",
                                                  "shutdown",
                                                  "co-cancel",
                                                  "orphaned"};

uint32_t u16(const uint8_t* p, bool le) {
    return le ? uint32_t(p[1]) << 8 | p[0] : uint32_t(p[0]) << 8 | p[1];
}
uint32_t u32(const uint8_t* p, bool le) {
    return le ? u16(p + 2, true) << 16 | u16(p, true) : u16(p, false) << 16 | u16(p + 2, false);
}

const fields::FieldRegistry& registry(Session& s) {
    return *s.table->context().registry;
}

/// Bind / alter-context body: context items, each with its abstract syntax (interface).
void parse_bind(Session& s, const uint8_t* d, uint32_t len, bool le) {
    const fields::FieldRegistry& reg = registry(s);
    uint32_t p = kHeader + 8;  // max xmit/recv frag, assoc group
    if (p + 4 > len) return;
    const uint32_t items = d[p];
    p += 4;
    for (uint32_t i = 0; i < items && len - p >= 44; ++i) {
        const uint32_t transfers = d[p + 2];
        const std::string uuid = format_uuid(d + p + 4, le);
        const uint32_t version = u16(d + p + 20, le);
        s.fields.add_string(reg, g.uuid, uuid);
        std::string_view name = interface_name(uuid);
        if (!name.empty()) {
            s.fields.add_string(reg, g.interface, name);
            s.table->add_protocol(s, name);
        }
        s.fields.add_string(reg, g.version, std::to_string(version));
        p += 24 + transfers * 20;
        if (p > len) return;
    }
}

void parse_pdu(Session& s, const uint8_t* d, uint32_t len) {
    const uint8_t type = d[2];
    const bool le = (d[4] & 0x10) != 0;
    if (type <= kMaxType && !kTypes[type].empty()) s.fields.add_string(registry(s), g.msgType, kTypes[type]);
    if (type == kBind || type == kAlterContext) parse_bind(s, d, len, le);
    if (type == kRequest && len >= kHeader + 8) s.fields.add_int(registry(s), g.opnum, u16(d + kHeader + 6, le));
}

/// Unread bytes of each direction (at most one fragment); a direction refused by the parser budget
/// is dead.
struct State {
    session::ParserBuffer buf[2];
    bool dead[2] = {false, false};
};

int parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    State& st = *static_cast<State*>(ctx);
    session::ParserBuffer& buf = st.buf[which];
    if (st.dead[which]) return 0;
    if (!buf.append(s, data, len)) {
        buf.clear();
        st.dead[which] = true;
        return st.dead[1 - which] ? -1 : 0;
    }
    size_t off = 0;
    while (buf.size() - off >= kHeader) {
        const uint8_t* d = buf.bytes() + off;
        const uint32_t frag = u16(d + 8, (d[4] & 0x10) != 0);
        if (frag < kHeader || frag > kMaxFrag) {  // not (or no longer) DCE/RPC: drop this direction's bytes
            off = buf.size();
            break;
        }
        if (buf.size() - off < frag) break;
        parse_pdu(s, d, frag);
        off += frag;
    }
    buf.consume(off);
    return 0;
}

void free_state(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void on_first_payload(void*, Session& s, const uint8_t* d, uint32_t len, int) {
    if (len < kHeader || d[0] != 5 || d[1] != 0 || d[2] > kMaxType) return;
    if (s.table->has_protocol(s, "dcerpc")) return;
    s.table->add_protocol(s, "dcerpc");
    s.table->register_parser(s, {parse, nullptr, free_state, new State});
    ntlm::attach(s);
}

int field(fields::FieldRegistry& reg, const char* db, fields::FieldKind kind, fields::FieldType type) {
    int pos = reg.find_db(db);
    if (pos >= 0) return pos;
    fields::FieldDef def;
    def.expression = db;
    def.db = db;
    def.friendly = db;
    def.help = db;
    def.group = "dcerpc";
    def.kind = kind;
    def.type = type;
    def.flags = fields::kFlagCount;
    return reg.define(std::move(def));
}

}  // namespace

std::string_view interface_name(std::string_view uuid) {
    for (const Interface& i : kInterfaces)
        if (i.uuid == uuid) return i.name;
    return {};
}

std::string format_uuid(const uint8_t* p, bool le) {
    char out[40];
    std::snprintf(out, sizeof out, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", u32(p, le), u16(p + 4, le),
                  u16(p + 6, le), p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15]);
    return out;
}

void register_dcerpc(Registries& r) {
    using fields::FieldKind;
    using fields::FieldType;
    g.uuid = field(r.fields, "dcerpc.uuid", FieldKind::TermField, FieldType::StrSet);
    g.interface = field(r.fields, "dcerpc.interface", FieldKind::TermField, FieldType::StrSet);
    g.msgType = field(r.fields, "dcerpc.msgType", FieldKind::TermField, FieldType::StrSet);
    g.opnum = field(r.fields, "dcerpc.opnum", FieldKind::Integer, FieldType::IntSet);
    g.version = field(r.fields, "dcerpc.version", FieldKind::TermField, FieldType::StrSet);
    // Version 5.0 and a bind, request, response or bind-ack (Arkime's byte patterns).
    for (const char* pat : {"\x05\x00\x0b", "\x05\x00\x00", "\x05\x00\x02", "\x05\x00\x0c"})
        r.classifiers.add(classify::Transport::Tcp,
                          classify::Classifier{"dcerpc", 0, std::string(pat, 3), on_first_payload, nullptr});
}

}  // namespace flowdex::protocols::dcerpc
