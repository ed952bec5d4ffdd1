#pragma once
/// A FlowTable driven directly with decoded hand-built frames, and a sink that keeps every save.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "classify/classifier.h"
#include "decode/decoder.h"
#include "decode/frame_builder.h"
#include "fields/field_registry.h"
#include "session/flow_table.h"
#include "session/hooks.h"
#include "session/record.h"

namespace flowdex::session::test {

using namespace flowdex::testing;

constexpr uint64_t kSec = 1000000;

/// One save as the sink saw it.
struct Saved {
    bool final = false;
    uint64_t packets[2] = {};
    uint64_t bytes[2] = {};
    uint64_t databytes[2] = {};
    uint16_t segments = 0;  ///< saves done before this one
    const Session* session = nullptr;
    store::SessionRecord record;
    nlohmann::json json;

    /// A value by dotted path ("source.ip"); null when absent.
    nlohmann::json at(const std::string& dotted) const {
        std::string ptr = "/";
        for (char c : dotted)
            ptr += c == '.' ? '/' : c;
        nlohmann::json::json_pointer jp(ptr);
        return json.contains(jp) ? json.at(jp) : nlohmann::json();
    }
    uint64_t total_packets() const { return packets[0] + packets[1]; }
};

class RecordingSink : public SessionSink {
  public:
    RecordingSink(const Context& ctx, const RecordOptions& opts) : builder_(ctx, opts) {}
    void write_session(Session& s, bool final) override {
        Saved r;
        r.final = final;
        for (int d = 0; d < 2; ++d) {
            r.packets[d] = s.packets[d];
            r.bytes[d] = s.bytes[d];
            r.databytes[d] = s.databytes[d];
        }
        r.segments = s.segments;
        r.session = &s;
        builder_.build(s, final, 42, 1, r.record);
        r.json = nlohmann::json::parse(r.record.json);
        saved.push_back(std::move(r));
        if (onWrite) onWrite(s, final);
    }
    std::vector<Saved> saved;
    void (*onWrite)(Session&, bool) = nullptr;

  private:
    RecordBuilder builder_;
};

/// Registries, context, decoder, table and sink. Call start() after changing `settings`,
/// `classifiers` or `hooks`.
class Harness {
  public:
    Harness() { ctx.core = CoreFields::resolve(registry); }

    void start() {
        ctx.registry = &registry;
        ctx.classifiers = &classifiers;
        ctx.hooks = &hooks;
        sink = std::make_unique<RecordingSink>(ctx, recordOpts);
        table = std::make_unique<FlowTable>(ctx, *sink);
    }

    /// Decodes and processes one frame at `tsUs`; the clock is the previous frame's time.
    /// Returns the packet as the table saw it (its bytes are gone after the call).
    Packet feed(const Bytes& frame, uint64_t tsUs, uint16_t linkType = 1) {
        Packet p = packet_of(frame, linkType, tsUs);
        p.clockUs = lastUs_;
        lastUs_ = tsUs;
        PacketRC rc = decoder.decode(p);
        EXPECT_EQ(rc, PacketRC::DoProcess) << "frame did not decode: " << decode::to_string(decoder.last_outcome());
        if (rc == PacketRC::DoProcess) table->process(p);
        return p;
    }

    const Saved* find_saved(const std::string& srcIp, bool finalOnly = true) const {
        for (const Saved& s : sink->saved)
            if ((!finalOnly || s.final) && s.at("source.ip") == srcIp) return &s;
        return nullptr;
    }

    fields::FieldRegistry registry;
    classify::ClassifierRegistry classifiers;
    HookRegistry hooks;
    Context ctx;
    RecordOptions recordOpts;
    decode::Decoder decoder;
    std::unique_ptr<RecordingSink> sink;
    std::unique_ptr<FlowTable> table;

  private:
    uint64_t lastUs_ = 0;
};

// ---------------------------------------------------------------- common frames

inline Bytes tcp4_frame(Ip4 src, uint16_t sport, Ip4 dst, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                        const Bytes& payload = {}) {
    return eth(0x0800, ipv4(src, dst, 6, tcp(sport, dport, seq, ack, flags, payload)));
}
inline Bytes udp4_frame(Ip4 src, uint16_t sport, Ip4 dst, uint16_t dport, const Bytes& payload = text("data")) {
    return eth(0x0800, ipv4(src, dst, 17, udp(sport, dport, payload)));
}
inline Bytes icmp4_frame(Ip4 src, Ip4 dst, uint8_t type, uint8_t code = 0) {
    return eth(0x0800, ipv4(src, dst, 1, icmp(type, code)));
}

/// Client 10.0.0.1:40000 ↔ server 10.0.0.2:80 with ISNs 1000 (client) and 5000 (server).
struct TcpFlow {
    Ip4 c = ip4(10, 0, 0, 1), s = ip4(10, 0, 0, 2);
    uint16_t cport = 40000, sport = 80;
    uint32_t cisn = 1000, sisn = 5000;

    Bytes syn() const { return tcp4_frame(c, cport, s, sport, cisn, 0, tcpflag::kSyn); }
    Bytes synack() const { return tcp4_frame(s, sport, c, cport, sisn, cisn + 1, tcpflag::kSyn | tcpflag::kAck); }
    Bytes ack() const { return tcp4_frame(c, cport, s, sport, cisn + 1, sisn + 1, tcpflag::kAck); }
    /// Client data at offset `off` of its stream (0 = first byte after the SYN).
    Bytes cdata(uint32_t off, const std::string& d, uint8_t extra = 0) const {
        return tcp4_frame(c, cport, s, sport, cisn + 1 + off, sisn + 1, tcpflag::kAck | tcpflag::kPsh | extra, text(d));
    }
    Bytes sdata(uint32_t off, const std::string& d, uint8_t extra = 0) const {
        return tcp4_frame(s, sport, c, cport, sisn + 1 + off, cisn + 1, tcpflag::kAck | tcpflag::kPsh | extra, text(d));
    }
    /// FIN from the client after `coff` client bytes, acking `sack` server bytes.
    Bytes cfin(uint32_t coff, uint32_t sack) const {
        return tcp4_frame(c, cport, s, sport, cisn + 1 + coff, sisn + 1 + sack, tcpflag::kFin | tcpflag::kAck);
    }
    Bytes sfin(uint32_t soff, uint32_t cack) const {
        return tcp4_frame(s, sport, c, cport, sisn + 1 + soff, cisn + 1 + cack, tcpflag::kFin | tcpflag::kAck);
    }
    Bytes cack(uint32_t coff, uint32_t sack) const {
        return tcp4_frame(c, cport, s, sport, cisn + 1 + coff, sisn + 1 + sack, tcpflag::kAck);
    }
    Bytes crst(uint32_t coff) const { return tcp4_frame(c, cport, s, sport, cisn + 1 + coff, 0, tcpflag::kRst); }
};

}  // namespace flowdex::session::test
