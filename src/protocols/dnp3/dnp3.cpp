#include "protocols/dnp3/dnp3.h"

#include <deque>
#include <string_view>

#include "protocols/ics/frames.h"
#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::dnp3 {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int src = -1, dst = -1, func = -1, funcName = -1;
};

constexpr uint8_t kStart0 = 0x05, kStart1 = 0x64;
constexpr size_t kLinkHeader = 10, kBlock = 16, kCrc = 2;
constexpr uint8_t kMinLen = 5;  ///< control and the two addresses
constexpr uint8_t kFir = 0x40;

struct FuncName {
    uint8_t code;
    const char* name;
};
constexpr FuncName kFunctions[] = {
    {0, "Confirm"},
    {1, "Read"},
    {2, "Write"},
    {3, "Select"},
    {4, "Operate"},
    {5, "DirectOperate"},
    {6, "DirectOperateNoAck"},
    {7, "ImmediateFreeze"},
    {8, "ImmediateFreezeNoAck"},
    {9, "FreezeClear"},
    {10, "FreezeClearNoAck"},
    {11, "FreezeAtTime"},
    {12, "FreezeAtTimeNoAck"},
    {13, "ColdRestart"},
    {14, "WarmRestart"},
    {15, "InitializeData"},
    {16, "InitializeApplication"},
    {17, "StartApplication"},
    {18, "StopApplication"},
    {19, "SaveConfiguration"},
    {20, "EnableUnsolicited"},
    {21, "DisableUnsolicited"},
    {22, "AssignClass"},
    {23, "DelayMeasure"},
    {24, "RecordCurrentTime"},
    {25, "OpenFile"},
    {26, "CloseFile"},
    {27, "DeleteFile"},
    {28, "GetFileInfo"},
    {29, "AuthenticateFile"},
    {30, "AbortFile"},
    {31, "ActivateConfig"},
    {32, "AuthenticateRequest"},
    {33, "AuthenticateRequestNoAck"},
    {129, "Response"},
    {130, "UnsolicitedResponse"},
    {131, "AuthenticateResponse"},
};

/// Total bytes of the frame whose first 3 bytes are `h`, or kResync.
int64_t frame_length(const uint8_t* h) {
    if (h[0] != kStart0 || h[1] != kStart1 || h[2] < kMinLen) return ics::kResync;
    const size_t user = h[2] - kMinLen;
    return static_cast<int64_t>(kLinkHeader + user + kCrc * ((user + kBlock - 1) / kBlock));
}

/// One frame, of which `kept` bytes are present.
void frame(const Fields& f, const FieldRegistry& reg, Session& s, const uint8_t* p, size_t kept) {
    if (kept < kLinkHeader) return;
    auto num = [&](int pos, int64_t v) {
        if (pos >= 0) s.fields.add_int(reg, pos, v);
    };
    num(f.dst, p[4] | p[5] << 8);
    num(f.src, p[6] | p[7] << 8);
    // user data (any frame longer than its header): transport header, application control, function
    if (p[2] < kMinLen + 3 || kept < kLinkHeader + 3) return;
    if (!(p[kLinkHeader] & kFir)) return;
    const uint8_t fc = p[kLinkHeader + 2];
    num(f.func, fc);
    for (const FuncName& n : kFunctions)
        if (n.code == fc && f.funcName >= 0) s.fields.add_string(reg, f.funcName, n.name);
}

struct State {
    const Fields* f = nullptr;
    ics::Framer d[2];
};

int dnp3_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    const FieldRegistry& reg = *s.table->context().registry;
    if (s.ipProtocol == 17) {  // frames of one datagram
        size_t off = 0;
        while (len - off >= 3) {
            const int64_t total = frame_length(data + off);
            if (total < 0) break;
            const size_t kept = std::min<size_t>(static_cast<size_t>(total), len - off);
            frame(*st.f, reg, s, data + off, kept);
            off += kept;
        }
        return 0;
    }
    st.d[which].feed(s, data, len, 3, kMaxFrame, frame_length,
                     [&](const uint8_t* p, size_t kept, size_t) { frame(*st.f, reg, s, p, kept); });
    return st.d[0].dead() && st.d[1].dead() ? -1 : 0;
}

void dnp3_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void dnp3_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table) return;
    if (s.has_parser(dnp3_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    s.table->register_parser(s, session::ParserEntry{dnp3_parse, nullptr, dnp3_free, st});
}

}  // namespace

void register_dnp3(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.src = r.fields.find_db("dnp3.src");
    f.dst = r.fields.find_db("dnp3.dst");
    f.func = r.fields.find_db("dnp3.func");
    f.funcName = r.fields.find_db("dnp3.funcName");
    for (classify::Transport t : {classify::Transport::Tcp, classify::Transport::Udp})
        r.classifiers.add(t, classify::Classifier{"dnp3-parser", 0, "\x05\x64", dnp3_classify, &f});
}

}  // namespace flowdex::protocols::dnp3
