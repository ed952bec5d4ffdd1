// libFuzzer target: arbitrary application payloads through every built-in classifier and parser.
//
// Input layout:
//   byte 0      bits 0-5 server port (index into kPorts), bit 6 UDP instead of TCP,
//               bit 7 the server speaks first
//   then pieces, each: u8 flags (bit 0 direction: 0 client→server), u16 big-endian length,
//   `length` bytes (a short last piece is cut to what is left).
// For TCP the session opens with a handshake and each piece is one in-order segment, so payloads
// reach the stream parsers split wherever the input says; for UDP each piece is one datagram.
// The frames (Ethernet/IPv4) go through decode::Decoder and session::FlowTable with all built-in
// protocols registered; the saved records are built with session::RecordBuilder.
// tests/fuzz/run builds this and seeds it with the first payloads of the corpus captures.
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

/// Server ports that select port-based classifiers (the rest of the 64 slots reuse them).
constexpr uint16_t kPorts[] = {80,   443,  445,  25,   389,  135,  1080, 3306, 5432,  22,    21,   1433, 143,
                               110,  3389, 5060, 1883, 502,  102,  88,   53,   67,    547,   161,  123,  1812,
                               500,  5353, 5355, 69,   2055, 4739, 6343, 137,  138,   20000, 3868, 179,  1521,
                               5000, 6379, 9092, 2152, 4789, 6081, 1194, 3478, 44818, 47808, 2404, 8080, 5555};

struct Globals {
    fields::FieldRegistry registry;
    classify::ClassifierRegistry classifiers;
    session::HookRegistry hooks;
    session::CoreFields core;
    Globals() {
        core = session::CoreFields::resolve(registry);
        protocols::Registries r{registry, classifiers, hooks};
        protocols::register_builtin_protocols(r);
        registry.freeze();
        classifiers.freeze();
    }
};

struct Sink final : session::SessionSink {
    Sink(const session::Context& ctx, const session::RecordOptions& opts) : builder(ctx, opts) {}
    void write_session(session::Session& s, bool final) override {
        store::SessionRecord rec;
        builder.build(s, final, 0x5eed, 1, rec);
        if (!rec.json.empty() && (rec.json.front() != '{' || rec.json.back() != '}')) __builtin_trap();
    }
    session::RecordBuilder builder;
};

void put16(std::vector<uint8_t>& f, size_t at, uint32_t v) {
    f[at] = static_cast<uint8_t>(v >> 8);
    f[at + 1] = static_cast<uint8_t>(v);
}
void put32(std::vector<uint8_t>& f, size_t at, uint32_t v) {
    put16(f, at, v >> 16);
    put16(f, at + 2, v & 0xffff);
}

/// Ethernet + IPv4 + TCP/UDP frame from `fromClient`'s side.
std::vector<uint8_t> frame(bool udp, bool fromClient, uint16_t serverPort, uint32_t seq, uint32_t ack, uint8_t flags,
                           const uint8_t* payload, size_t len) {
    constexpr size_t kEth = 14, kIp = 20;
    const size_t l4 = udp ? 8 : 20;
    std::vector<uint8_t> f(kEth + kIp + l4 + len, 0);
    f[12] = 0x08;  // IPv4
    uint8_t* ip = f.data() + kEth;
    ip[0] = 0x45;
    put16(f, kEth + 2, static_cast<uint32_t>(kIp + l4 + len));
    ip[8] = 64;
    ip[9] = udp ? 17 : 6;
    const uint8_t client[4] = {10, 0, 0, 1}, server[4] = {10, 0, 0, 2};
    std::memcpy(ip + 12, fromClient ? client : server, 4);
    std::memcpy(ip + 16, fromClient ? server : client, 4);
    const size_t t = kEth + kIp;
    put16(f, t, fromClient ? 40000 : serverPort);
    put16(f, t + 2, fromClient ? serverPort : 40000);
    if (udp) {
        put16(f, t + 4, static_cast<uint32_t>(8 + len));
    } else {
        put32(f, t + 4, seq);
        put32(f, t + 8, ack);
        f[t + 12] = 0x50;
        f[t + 13] = flags;
        put16(f, t + 14, 65535);
    }
    if (len) std::memcpy(f.data() + t + l4, payload, len);
    return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Globals* g = new Globals();
    if (size < 1) return 0;
    const uint16_t port = kPorts[(data[0] & 0x3f) % std::size(kPorts)];
    const bool udp = (data[0] & 0x40) != 0;
    const bool serverFirst = (data[0] & 0x80) != 0;

    session::Context ctx;
    ctx.registry = &g->registry;
    ctx.classifiers = &g->classifiers;
    ctx.hooks = &g->hooks;
    ctx.core = g->core;
    decode::Decoder decoder(decode::DecoderOptions{});
    session::RecordOptions ropts;
    Sink sink(ctx, ropts);
    session::FlowTable table(ctx, sink);

    std::vector<std::unique_ptr<uint8_t[]>> keep;  // frames live until the end, each its exact size
    uint64_t ts = 1700000000ull * 1000000ull;
    auto send = [&](const std::vector<uint8_t>& f) {
        keep.push_back(std::make_unique<uint8_t[]>(f.size()));
        std::memcpy(keep.back().get(), f.data(), f.size());
        Packet p;
        p.data = keep.back().get();
        p.caplen = p.wirelen = static_cast<uint32_t>(f.size());
        p.clockUs = ts;
        p.tsUs = ts += 1000;
        p.linkType = 1;
        if (decoder.decode(p) == PacketRC::DoProcess) table.process(p);
    };
    constexpr uint8_t kSyn = 0x02, kAck = 0x10, kPsh = 0x08;
    uint32_t seq[2] = {1000, 5000};
    if (!udp) {
        send(frame(false, true, port, seq[0]++, 0, kSyn, nullptr, 0));
        send(frame(false, false, port, seq[1]++, seq[0], kSyn | kAck, nullptr, 0));
        send(frame(false, true, port, seq[0], seq[1], kAck, nullptr, 0));
    }
    size_t off = 1;
    bool first = true;
    while (off + 3 <= size) {
        bool fromClient = (data[off] & 1) == 0;
        if (first && serverFirst) fromClient = false;
        first = false;
        size_t len = std::min((size_t{data[off + 1]} << 8) | data[off + 2], size - off - 3);
        off += 3;
        const int dir = fromClient ? 0 : 1;
        send(frame(udp, fromClient, port, seq[dir], seq[1 - dir], kAck | kPsh, data + off, len));
        seq[dir] += static_cast<uint32_t>(len);
        off += len;
    }
    table.flush_all();
    return 0;
}
