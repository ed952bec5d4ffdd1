// libFuzzer target: decoder → flow table → records, on arbitrary frames.
//
// Input layout:
//   byte 0      settings: bits 0-3 link type (kLinkTypes), bits 4-5 sessionIdTracking
//               (none/vlan/vni/none), bit 6 trackESP, bit 7 small maxPackets and timeouts
//   then frames, each: u16 big-endian length, u8 time step, `length` bytes (a short last frame
//   is cut to what is left). Time steps: 0-199 → that many ms, 200-254 → (n-199) × 30 s,
//   255 → the clock goes back 1 h (captures are not always in order).
// Every frame is decoded with decode::Decoder and added to a session::FlowTable (all built-in
// protocols registered) whose sink builds
// each saved session's record with session::RecordBuilder; flush_all() saves the rest.
// tests/fuzz/run builds this and seeds it from real captures.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "classify/classifier.h"
#include "decode/decoder.h"
#include "fields/field_registry.h"
#include "protocols/protocols.h"
#include "session/flow_table.h"
#include "session/hooks.h"
#include "session/record.h"

namespace {

using namespace flowdex;

constexpr decode::LinkType kLinkTypes[16] = {
    decode::LinkType::Ethernet, decode::LinkType::Null,      decode::LinkType::Loop,     decode::LinkType::Raw,
    decode::LinkType::RawAlt,   decode::LinkType::LinuxRaw,  decode::LinkType::Ipv4,     decode::LinkType::Ipv6,
    decode::LinkType::LinuxSll, decode::LinkType::LinuxSll2, decode::LinkType::Nflog,    decode::LinkType::FrameRelay,
    decode::LinkType::Ethernet, decode::LinkType::Ethernet,  decode::LinkType::Ethernet, decode::LinkType::Ethernet,
};

/// Registries are built once and frozen, as in a capture run.
struct Globals {
    fields::FieldRegistry registry;
    classify::ClassifierRegistry classifiers;
    session::HookRegistry hooks;
    session::CoreFields core;
    Globals() {
        core = session::CoreFields::resolve(registry);
        protocols::Registries r{registry, classifiers, hooks};
        protocols::register_builtin_protocols(r);  // payloads reach every built-in parser
        registry.freeze();
        classifiers.freeze();
    }
};

struct Sink final : session::SessionSink {
    Sink(const session::Context& ctx, const session::RecordOptions& opts) : builder(ctx, opts) {}
    void write_session(session::Session& s, bool final) override {
        store::SessionRecord rec;
        builder.build(s, final, 0x5eed, 1, rec);
        // Touch the document so a bad length or pointer is caught here.
        if (!rec.json.empty() && (rec.json.front() != '{' || rec.json.back() != '}')) __builtin_trap();
        ++records;
    }
    session::RecordBuilder builder;
    uint64_t records = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Globals* g = new Globals();
    if (size < 1) return 0;
    const uint8_t settingsByte = data[0];
    const auto link = kLinkTypes[settingsByte & 0x0f];

    decode::DecoderOptions dopts;
    dopts.trackEsp = (settingsByte & 0x40) != 0;
    session::Context ctx;
    ctx.registry = &g->registry;
    ctx.classifiers = &g->classifiers;
    ctx.hooks = &g->hooks;
    ctx.core = g->core;
    static constexpr session::IdTracking kTracking[4] = {session::IdTracking::None, session::IdTracking::Vlan,
                                                         session::IdTracking::Vni, session::IdTracking::None};
    ctx.settings.idTracking = kTracking[(settingsByte >> 4) & 3];
    if (settingsByte & 0x80) {
        ctx.settings.maxPackets = 3;
        ctx.settings.tcpTimeout = ctx.settings.udpTimeout = ctx.settings.icmpTimeout = 2;
        ctx.settings.tcpSaveTimeout = 10;
        ctx.settings.tcpClosingTimeout = 1;
        dopts.fragsTimeoutSecs = 1;
        dopts.maxFrags = 8;
    }

    decode::Decoder decoder(dopts);
    session::RecordOptions ropts;
    ropts.tags = {"fuzz"};
    Sink sink(ctx, ropts);
    session::FlowTable table(ctx, sink);

    // Each frame gets a heap copy of exactly its size so that ASan catches any read past its end;
    // the copies live until the end (the real reader keeps a batch's frames for a while too).
    std::vector<std::unique_ptr<uint8_t[]>> frames;
    uint64_t ts = 1700000000ull * 1000000ull;
    uint64_t prevTs = ts;
    size_t off = 1;
    int64_t pos = 24;
    while (off + 3 <= size) {
        size_t len = (size_t{data[off]} << 8) | data[off + 1];
        const uint8_t step = data[off + 2];
        off += 3;
        len = std::min(len, size - off);
        if (step < 200)
            ts += uint64_t{step} * 1000;
        else if (step < 255)
            ts += uint64_t{step - 199u} * 30 * 1000000;
        else
            ts -= 3600ull * 1000000;

        frames.push_back(std::make_unique<uint8_t[]>(len));
        if (len) std::memcpy(frames.back().get(), data + off, len);
        Packet p;
        p.data = frames.back().get();
        p.caplen = static_cast<uint32_t>(len);
        p.wirelen = static_cast<uint32_t>(len);
        p.tsUs = ts;
        p.clockUs = prevTs;
        p.readerPos = pos;
        p.linkType = static_cast<uint16_t>(link);
        prevTs = ts;
        pos += 16 + static_cast<int64_t>(len);
        off += len;
        if (decoder.decode(p) == PacketRC::DoProcess) table.process(p);
    }
    table.flush_all();
    return 0;
}
