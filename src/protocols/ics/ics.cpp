#include "protocols/ics/ics.h"

#include <cstdio>
#include <deque>
#include <string_view>

#include "protocols/ics/frames.h"
#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::ics {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int rosctr = -1, pduref = -1, errorClass = -1, errorCode = -1, func = -1, funcName = -1, opcode = -1;
    int command = -1, status = -1, service = -1, cls = -1, vendor = -1, deviceType = -1, product = -1;
};

enum class Kind : uint8_t { Tpkt, Enip };

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    Kind kind = Kind::Tpkt;
    Framer d[2];
    size_t messages = 0;
};

struct Out {
    const State& st;
    Session& s;
    void str(int pos, std::string_view v) const {
        if (pos >= 0 && !v.empty()) s.fields.add_string(*st.reg, pos, v);
    }
    void num(int pos, int64_t v) const {
        if (pos >= 0) s.fields.add_int(*st.reg, pos, v);
    }
    void proto(std::string_view name) const {
        if (!s.table->has_protocol(s, name)) s.table->add_protocol(s, name);
    }
};

uint16_t be16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
uint16_t le16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] | p[1] << 8);
}
uint32_t le32(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

template <class T>
const char* lookup(const T& table, uint32_t code) {
    for (const auto& e : table)
        if (e.code == code) return e.name;
    return nullptr;
}
struct Name {
    uint32_t code;
    const char* name;
};

// ---------------------------------------------------------------- S7 over TPKT/COTP

constexpr size_t kTpktHeader = 4, kS7Header = 10;
constexpr uint8_t kTpktVersion = 3, kCotpData = 0x0f, kS7 = 0x32, kS7Plus = 0x72;
enum class Rosctr : uint8_t { Job = 1, Ack = 2, AckData = 3, UserData = 7 };
constexpr Name kS7Functions[] = {
    {0x00, "CPU services"},   {0x04, "Read Var"},       {0x05, "Write Var"},    {0x1a, "Request download"},
    {0x1b, "Download block"}, {0x1c, "Download ended"}, {0x1d, "Start upload"}, {0x1e, "Upload"},
    {0x1f, "End upload"},     {0x28, "PLC Control"},    {0x29, "PLC Stop"},     {0xf0, "Setup communication"},
};

int64_t tpkt_length(const uint8_t* h) {
    const uint16_t len = be16(h + 2);
    if (h[0] != kTpktVersion || h[1] != 0 || len < kTpktHeader + 3) return kBadFrame;
    return len;
}

void s7(const Out& o, const uint8_t* p, size_t n) {
    const Fields& f = *o.st.f;
    o.proto("s7comm");
    if (n < kS7Header) return;
    const uint8_t rosctr = p[1];
    o.num(f.rosctr, rosctr);
    o.num(f.pduref, be16(p + 4));
    const uint16_t params = be16(p + 6);
    size_t at = kS7Header;
    if (rosctr == static_cast<uint8_t>(Rosctr::Ack) || rosctr == static_cast<uint8_t>(Rosctr::AckData)) {
        if (n < at + 2) return;
        if (p[at]) o.num(f.errorClass, p[at]);
        if (p[at + 1]) o.num(f.errorCode, p[at + 1]);
        at += 2;
    }
    if (params == 0 || at >= n) return;
    o.num(f.func, p[at]);
    if (const char* name = lookup(kS7Functions, p[at])) o.str(f.funcName, name);
}

void s7plus(const Out& o, const uint8_t* p, size_t n) {
    o.proto("s7comm-plus");
    // protocol id, version, length, digest length, digest, opcode
    if (n < 5 || n < size_t(5) + p[4] + 1) return;
    o.num(o.st.f->opcode, p[5 + p[4]]);
}

void tpkt(const Out& o, const uint8_t* p, size_t kept) {
    const size_t li = p[4], at = kTpktHeader + 1 + li;
    if (li < 1 || kept < 6 || (p[5] >> 4) != kCotpData || at >= kept) return;
    if (p[at] == kS7) s7(o, p + at, kept - at);
    if (p[at] == kS7Plus) s7plus(o, p + at, kept - at);
}

// ---------------------------------------------------------------- EtherNet/IP and CIP

constexpr size_t kEnipHeader = 24;
enum class Command : uint16_t { ListIdentity = 0x63, SendRRData = 0x6f, SendUnitData = 0x70 };
constexpr Name kCommands[] = {{0x00, "NOP"},
                              {0x04, "ListServices"},
                              {0x63, "ListIdentity"},
                              {0x64, "ListInterfaces"},
                              {0x65, "RegisterSession"},
                              {0x66, "UnRegisterSession"},
                              {0x6f, "SendRRData"},
                              {0x70, "SendUnitData"},
                              {0x72, "IndicateStatus"},
                              {0x73, "Cancel"}};
constexpr Name kServices[] = {{0x01, "Get_Attributes_All"},
                              {0x02, "Set_Attributes_All"},
                              {0x03, "Get_Attribute_List"},
                              {0x04, "Set_Attribute_List"},
                              {0x05, "Reset"},
                              {0x06, "Start"},
                              {0x07, "Stop"},
                              {0x08, "Create"},
                              {0x09, "Delete"},
                              {0x0a, "Multiple_Service_Packet"},
                              {0x0d, "Apply_Attributes"},
                              {0x0e, "Get_Attribute_Single"},
                              {0x10, "Set_Attribute_Single"},
                              {0x11, "Find_Next_Object_Instance"},
                              {0x14, "Error_Response"},
                              {0x15, "Restore"},
                              {0x16, "Save"},
                              {0x17, "NoOp"},
                              {0x18, "Get_Member"},
                              {0x19, "Set_Member"},
                              {0x1a, "Insert_Member"},
                              {0x1b, "Remove_Member"},
                              {0x1c, "GroupSync"},
                              {0x4b, "Execute_PCCC"},
                              {0x4c, "Read_Tag"},
                              {0x4d, "Write_Tag"},
                              {0x4e, "Forward_Close"},
                              {0x52, "Read_Tag_Fragmented"},
                              {0x53, "Write_Tag_Fragmented"},
                              {0x54, "Forward_Open"},
                              {0x55, "Get_Connection_Owner"},
                              {0x5b, "Large_Forward_Open"}};
constexpr Name kClasses[] = {{0x01, "Identity"},
                             {0x02, "Message Router"},
                             {0x03, "DeviceNet"},
                             {0x04, "Assembly"},
                             {0x05, "Connection"},
                             {0x06, "Connection Manager"},
                             {0x07, "Register"},
                             {0x08, "Discrete Input Point"},
                             {0x09, "Discrete Output Point"},
                             {0x0a, "Analog Input Point"},
                             {0x0b, "Analog Output Point"},
                             {0x0e, "Presence Sensing"},
                             {0x0f, "Parameter"},
                             {0x10, "Parameter Group"},
                             {0x1d, "Discrete Input Group"},
                             {0x1e, "Discrete Output Group"},
                             {0x1f, "Discrete Group"},
                             {0x20, "Analog Input Group"},
                             {0x21, "Analog Output Group"},
                             {0x22, "Analog Group"},
                             {0x23, "Position Sensor"},
                             {0x24, "Position Controller Supervisor"},
                             {0x25, "Position Controller"},
                             {0x26, "Block Sequencer"},
                             {0x27, "Command Block"},
                             {0x28, "Motor Data"},
                             {0x29, "Control Supervisor"},
                             {0x2a, "AC/DC Drive"},
                             {0x2b, "Acknowledge Handler"},
                             {0x2c, "Overload"},
                             {0x2d, "Softstart"},
                             {0x2e, "Selection"},
                             {0x30, "S-Device Supervisor"},
                             {0x31, "S-Analog Sensor"},
                             {0x32, "S-Analog Actuator"},
                             {0x33, "S-Single Stage Controller"},
                             {0x34, "S-Gas Calibration"},
                             {0x35, "Trip Point"},
                             {0x37, "File"},
                             {0x38, "S-Partial Pressure"},
                             {0x39, "Safety Supervisor"},
                             {0x3a, "Safety Validator"},
                             {0x3b, "Safety Discrete Output Point"},
                             {0x3c, "Safety Discrete Output Group"},
                             {0x3d, "Safety Discrete Input Point"},
                             {0x3e, "Safety Discrete Input Group"},
                             {0x3f, "Safety Dual Channel Output"},
                             {0x40, "S-Sensor Calibration"},
                             {0x41, "Event Log"},
                             {0x42, "Motion Device Axis"},
                             {0x43, "Time Sync"},
                             {0x44, "Modbus"},
                             {0xf0, "ControlNet"},
                             {0xf1, "ControlNet Keeper"},
                             {0xf2, "ControlNet Scheduling"},
                             {0xf3, "Connection Configuration"},
                             {0xf4, "Port"},
                             {0xf5, "TCP/IP Interface"},
                             {0xf6, "EtherNet Link"},
                             {0xf7, "CompoNet"},
                             {0xf8, "CompoNet Repeater"}};
constexpr Name kVendors[] = {{0x0001, "Rockwell Automation/Allen-Bradley"},
                             {0x0002, "Namco Controls Corp."},
                             {0x0005, "Schneider Electric"},
                             {0x000c, "Festo"},
                             {0x0017, "OMRON"},
                             {0x001a, "Hitachi"},
                             {0x002a, "Mitsubishi Electric"},
                             {0x0031, "Siemens"},
                             {0x0036, "Bosch Rexroth"},
                             {0x004d, "Lenze"},
                             {0x005a, "Beckhoff"},
                             {0x0064, "Yaskawa"},
                             {0x0090, "Pilz"},
                             {0x0100, "Phoenix Contact"},
                             {0x011b, "WAGO"},
                             {0x012e, "Rockwell Automation"}};
constexpr uint16_t kItemIdentity = 0x0c, kItemConnected = 0xb1, kItemUnconnected = 0xb2;
constexpr uint8_t kReply = 0x80;
constexpr uint16_t kMaxItems = 16;
constexpr uint32_t kNoClass = 0xffffffff;

int64_t enip_length(const uint8_t* h) {
    if (!lookup(kCommands, le16(h))) return kBadFrame;
    return int64_t(kEnipHeader) + le16(h + 2);
}

/// The class id of the first class segment of a CIP request path (CIP Vol 1 appendix C), or
/// kNoClass.
uint32_t path_class(const uint8_t* p, size_t n) {
    size_t at = 0;
    while (at < n) {
        const uint8_t seg = p[at++];
        const uint8_t type = seg & 0xe0;
        if (type == 0x20) {  // logical: kind in bits 2-4, format in bits 0-1
            const uint8_t format = seg & 0x03;
            const size_t size = format == 0 ? 1 : format == 1 ? 3 : format == 2 ? 5 : 0;  // with pad byte
            if (size == 0 || n - at < size) return kNoClass;
            if ((seg & 0x1c) == 0) {
                if (format == 0) return p[at];
                return format == 1 ? le16(p + at + 1) : le32(p + at + 1);
            }
            at += size;
        } else if (type == 0x00) {  // port: [link size] [extended port] link address [pad]
            const bool ext = seg & 0x10;
            size_t link = 1, head = 0;
            if (ext) {
                if (at >= n) return kNoClass;
                link = p[at];
                head = 1;
            }
            if ((seg & 0x0f) == 0x0f) head += 2;
            at += head + link + ((1 + head + link) & 1);
        } else if (seg == 0x91) {  // ANSI extended symbol, padded to an even length
            if (at >= n) return kNoClass;
            at += 1 + p[at] + (p[at] & 1);
        } else if (seg == 0x80) {  // simple data segment, length in words
            if (at >= n) return kNoClass;
            at += 1 + 2 * size_t(p[at]);
        } else {
            return kNoClass;
        }
    }
    return kNoClass;
}

void cip(const Out& o, const uint8_t* p, size_t n) {
    const Fields& f = *o.st.f;
    if (n < 1) return;
    const uint8_t svc = p[0];
    const char* name = lookup(kServices, svc & 0x7f);
    char buf[32];
    if (svc & kReply) {
        o.str(f.service, name ? name : "Reply");
        return;
    }
    if (!name) {
        std::snprintf(buf, sizeof buf, "Service-0x%02x", svc & 0x7f);
        name = buf;
    }
    o.str(f.service, name);
    if (n < 2) return;
    const uint32_t cls = path_class(p + 2, std::min<size_t>(n - 2, size_t(p[1]) * 2));
    if (cls == kNoClass) return;
    const char* cname = lookup(kClasses, cls);
    if (!cname) {
        std::snprintf(buf, sizeof buf, "Class-0x%02x", cls);
        cname = buf;
    }
    o.str(f.cls, cname);
}

/// Common packet format items: count, then type/length/data.
template <class ItemFn>
void items(const uint8_t* p, size_t n, uint16_t maxItems, ItemFn&& fn) {
    if (n < 2) return;
    const uint16_t count = le16(p);
    if (count == 0 || count > maxItems) return;
    size_t at = 2;
    for (uint16_t i = 0; i < count; ++i) {
        if (n - at < 4) return;
        const uint16_t type = le16(p + at), len = le16(p + at + 2);
        at += 4;
        if (len > n - at) return;
        fn(type, p + at, size_t(len));
        at += len;
    }
}

void identity(const Out& o, const uint8_t* p, size_t n) {
    const Fields& f = *o.st.f;
    // version, socket address, vendor, device type, product code, revision, status, serial, name
    constexpr size_t kName = 2 + 16 + 2 + 2 + 2 + 2 + 2 + 4;
    if (n < kName + 1) return;
    char buf[32];
    const uint16_t vendor = le16(p + 18);
    const char* vname = lookup(kVendors, vendor);
    if (!vname) {
        std::snprintf(buf, sizeof buf, "Vendor-%u", vendor);
        vname = buf;
    }
    o.str(f.vendor, vname);
    std::snprintf(buf, sizeof buf, "DeviceType-0x%04x", le16(p + 20));
    o.str(f.deviceType, buf);
    const size_t len = p[kName];
    if (len > 0 && len <= n - kName - 1)
        o.str(f.product, std::string_view(reinterpret_cast<const char*>(p + kName + 1), len));
}

void enip(const Out& o, const uint8_t* p, size_t kept, size_t total) {
    const Fields& f = *o.st.f;
    if (kept < kEnipHeader) return;
    const uint16_t command = le16(p);
    const uint32_t status = le32(p + 8);
    o.str(f.command, lookup(kCommands, command));
    o.num(f.status, int32_t(status));
    const auto cmd = static_cast<Command>(command);
    if (cmd == Command::SendRRData || cmd == Command::SendUnitData) o.proto("cip");
    const size_t len = std::min<size_t>(le16(p + 2), total - kEnipHeader);
    if (len == 0 || kept < kEnipHeader + len) return;  // bodies are read only when kept whole
    const uint8_t* body = p + kEnipHeader;
    if (cmd == Command::ListIdentity && status == 0) {
        items(body, len, 8, [&](uint16_t type, const uint8_t* d, size_t n) {
            if (type == kItemIdentity) identity(o, d, n);
        });
    } else if (cmd == Command::SendRRData || cmd == Command::SendUnitData) {
        if (len < 6) return;  // interface handle, timeout
        items(body + 6, len - 6, kMaxItems, [&](uint16_t type, const uint8_t* d, size_t n) {
            if (type == kItemConnected && n >= 2) cip(o, d + 2, n - 2);  // after the sequence count
            if (type == kItemUnconnected) cip(o, d, n);
        });
    }
}

// ---------------------------------------------------------------- parser

int ics_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    const Out o{st, s};
    if (st.kind == Kind::Enip && s.ipProtocol == 17) {  // datagrams: one message each
        if (len >= kEnipHeader && enip_length(data) > 0 && ++st.messages <= kMaxMessages)
            enip(o, data, std::min<size_t>(len, kMaxKept), len);
        return st.messages > kMaxMessages ? -1 : 0;
    }
    auto one = [&](const uint8_t* p, size_t kept, size_t total) {
        if (++st.messages > kMaxMessages) {
            st.d[0].stop();
            st.d[1].stop();
            return;
        }
        if (st.kind == Kind::Tpkt)
            tpkt(o, p, kept);
        else
            enip(o, p, kept, total);
    };
    if (st.kind == Kind::Tpkt)
        st.d[which].feed(s, data, len, kTpktHeader, kMaxKept, tpkt_length, one);
    else
        st.d[which].feed(s, data, len, 4, kMaxKept, enip_length, one);
    return st.d[0].dead() && st.d[1].dead() ? -1 : 0;
}

void ics_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void attach(void* ctx, Session& s, Kind kind) {
    if (!s.table) return;
    if (s.has_parser(ics_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    st->kind = kind;
    s.table->register_parser(s, session::ParserEntry{ics_parse, nullptr, ics_free, st});
}

void tpkt_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    attach(ctx, s, Kind::Tpkt);
}
void enip_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    attach(ctx, s, Kind::Enip);
}

}  // namespace

void register_ics(Registries& r) {
    using classify::PortKind;
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.rosctr = r.fields.find_db("s7comm.rosctr");
    f.pduref = r.fields.find_db("s7comm.pduref");
    f.errorClass = r.fields.find_db("s7comm.errorClass");
    f.errorCode = r.fields.find_db("s7comm.errorCode");
    f.func = r.fields.find_db("s7comm.func");
    f.funcName = r.fields.find_db("s7comm.funcName");
    f.opcode = r.fields.find_db("s7comm.opcode");
    f.command = r.fields.find_db("enip.command");
    f.status = r.fields.find_db("enip.status");
    f.service = r.fields.find_db("enip.service");
    f.cls = r.fields.find_db("enip.class");
    f.vendor = r.fields.find_db("enip.vendor");
    f.deviceType = r.fields.find_db("enip.deviceType");
    f.product = r.fields.find_db("enip.product");
    r.classifiers.add(classify::Transport::Tcp,
                      classify::Classifier{"tpkt-follow", 0, std::string("\x03\x00", 2), tpkt_classify, &f});
    r.classifiers.add_port(
        "enip-follow", 44818,
        PortKind::kPortTcpSrc | PortKind::kPortTcpDst | PortKind::kPortUdpSrc | PortKind::kPortUdpDst, enip_classify,
        &f);
}

}  // namespace flowdex::protocols::ics
