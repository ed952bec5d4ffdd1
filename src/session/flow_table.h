#pragma once
/// The per-thread session table: finds or creates the session of each packet, keeps counters
/// and per-packet fields, orders TCP payload, runs classifiers and parsers, and saves sessions
/// when they go idle, close, grow too long, or the input ends.
///
/// Timers run in packet time. Before a packet is added, the table's timers run with the time of
/// the packet read just before it in the whole run (Packet::clockUs), so a session is never
/// expired by its own next packet, and the outcome does not depend on how many packet threads
/// share the work (Arkime's observable behaviour on its regression captures).
///
/// No heap allocation per packet in steady state: sessions come from a pool, the table is an
/// open-addressing array, and per-packet fields are collected only for the first packets of each
/// direction. TCP segments that arrive ahead of a gap are the exception (copied, bounded).
#include <cstdint>
#include <memory>
#include <vector>

#include "classify/classifier.h"
#include "core/packet.h"
#include "fields/field_registry.h"
#include "session/hooks.h"
#include "session/session.h"

namespace flowdex::session {

enum class IdTracking : uint8_t { None, Vlan, Vni };

/// Timer shards: fixed slices of the flow-hash space. Each shard belongs wholly to one packet
/// thread (thread = shard % threads), and the catch-up expiry limit counts per shard, so records
/// are the same for any thread count. It also caps useful packet threads at kTimerShards.
constexpr uint32_t kTimerShards = 8;
/// Microseconds per second (packet times are µs, timers whole seconds).
inline constexpr uint64_t kUsPerSec = 1000000;

struct TableSettings {
    uint32_t tcpTimeout = 480;
    uint32_t udpTimeout = 60;
    uint32_t icmpTimeout = 10;
    uint32_t sctpTimeout = 60;
    uint32_t espTimeout = 600;
    uint32_t tcpSaveTimeout = 480;
    uint32_t tcpClosingTimeout = 5;
    uint32_t maxPackets = 10000;
    uint32_t maxTcpOutOfOrder = 256;
    /// Bytes all the parsers of one session may hold at once, waiting for the rest of a message
    /// (session/parser_buffer.h). The default fits every built-in parser's own caps at once.
    uint32_t maxParserBuffer = kDefaultMaxParserBuffer;
    static constexpr uint32_t kDefaultMaxParserBuffer = 256 * 1024;
    IdTracking idTracking = IdTracking::None;
    uint32_t timeout_for(SessionKind k) const;
};

/// Field positions the table fills from packets (resolved once from the registry).
struct CoreFields {
    int srcMac = -1, dstMac = -1, srcTtl = -1, dstTtl = -1, srcDscp = -1, dstDscp = -1;
    int vlan = -1, dot1q = -1, dot1ad = -1, vni = -1;
    int srcOuterIp = -1, dstOuterIp = -1, srcOuterMac = -1, dstOuterMac = -1;
    int icmpType = -1, icmpCode = -1, protocol = -1, tags = -1;
    int arpIp = -1, arpMac = -1, arpOpcode = -1;
    int sctpProtoId = -1;  ///< payload protocol id of every SCTP DATA chunk
    /// Looks the fields up by db name, defining any that the registry lacks.
    static CoreFields resolve(fields::FieldRegistry& registry);
};

struct Context {
    TableSettings settings;
    const fields::FieldRegistry* registry = nullptr;
    const classify::ClassifierRegistry* classifiers = nullptr;
    const HookRegistry* hooks = nullptr;
    CoreFields core;
};

/// The session key of a decoded packet (not yet canonical).
void make_flow_key(const Packet& p, IdTracking tracking, FlowKey& k);

/// Receives each save of a session (after the hooks) to turn it into a record.
class SessionSink {
  public:
    virtual ~SessionSink() = default;
    virtual void write_session(Session& s, bool final) = 0;
};

struct TableStats {
    uint64_t created = 0;
    uint64_t saved = 0;  ///< records written (segments included)
    uint64_t packets = 0;
    uint64_t tcpQueued = 0;             ///< segments copied because they arrived ahead of a gap
    uint64_t parserBudgetSessions = 0;  ///< sessions in which a parser was refused bytes by maxParserBuffer
    uint64_t parserHeldAtFree = 0;      ///< sessions freed while parser buffers still counted bytes (a parser bug)
};

class FlowTable {
  public:
    FlowTable(const Context& ctx, SessionSink& sink);
    ~FlowTable();
    FlowTable(const FlowTable&) = delete;
    FlowTable& operator=(const FlowTable&) = delete;

    /// Adds one decoded packet (Packet::kind != None).
    void process(Packet& p);
    /// Saves sessions whose timers expired before `nowSecs`.
    void run_timers(uint64_t nowSecs);
    /// The run's clock moved to `clockUs` (a packet for another thread): run timers if a second passed.
    void tick(uint64_t clockUs) {
        if (clockUs / kUsPerSec > timerSecs_) run_timers(clockUs / kUsPerSec);
    }
    /// Saves every session (end of input); held sessions are completed too.
    void flush_all();

    /// Tag and protocol helpers used by parsers and the Python layer.
    bool add_tag(Session& s, std::string_view tag);
    bool add_protocol(Session& s, std::string_view proto);
    bool has_protocol(const Session& s, std::string_view proto) const;
    /// Attaches a parser to a session (runs on later payload of either direction).
    void register_parser(Session& s, ParserEntry e) { s.parsers.push_back(e); }
    /// Registers `e` unless a parser with the same parse function is already on the session (a
    /// classifier that runs for each direction attaches its parser once); false when it was there.
    bool register_parser_once(Session& s, ParserEntry e) {
        if (s.has_parser(e.parse)) return false;
        s.parsers.push_back(e);
        return true;
    }
    /// Asks for a mid-save of `s` when its next packet comes more than `idleSecs` whole seconds after
    /// the current one (each call moves the deadline). As Arkime's BGP parser does, so that a
    /// long-lived quiet session is saved in pieces. The late packet is counted (packets, bytes,
    /// lastPacket) in the segment being saved; its fields, flags and payload go to the next one,
    /// as for a maxPackets mid-save.
    void save_when_idle(Session& s, uint32_t idleSecs) { s.idleSaveAfterSecs = s.lastUs / kUsPerSec + idleSecs; }
    /// A ParserBuffer of `s` was refused bytes by the budget (counted once per session).
    void parser_budget_hit(Session& s) {
        if (s.parserBudgetHit) return;
        s.parserBudgetHit = true;
        ++stats_.parserBudgetSessions;
    }
    void incref(Session& s) { ++s.holdCount; }
    /// Releases a hold; completes a final save that was waiting for it.
    void decref(Session& s);

    size_t open_sessions() const { return count_; }
    const TableStats& stats() const { return stats_; }
    const Context& context() const { return ctx_; }
    /// The session whose callback is running (for handle validation), or nullptr.
    Session* current() const { return current_; }
    /// True when `s` is a live session of this table (forged or stale handles fail this).
    bool owns(const Session* s) const;

  private:
    friend class TcpTracker;
    enum Lru : uint8_t { kLruTimeout = 0, kLruClosing = 1, kLruHeld = 2 };

    Session* find(const FlowKey& k, uint32_t h) const;
    Session* create(const Packet& p, const FlowKey& k, uint32_t h, bool swap);
    void insert(Session* s, uint32_t h);
    void erase(Session* s);
    void grow();
    void make_key(const Packet& p, FlowKey& k) const { make_flow_key(p, ctx_.settings.idTracking, k); }

    struct ListHead;
    ListHead& list_of(uint8_t list);
    void lru_push(Session* s, uint8_t list);
    void lru_remove(Session* s);
    void save_list_push(Session* s);
    void save_list_remove(Session* s);

    void add_packet(Session& s, const Packet& p, int dir);
    void add_packet_fields(Session& s, const Packet& p, int dir);
    void tcp_packet(Session& s, const Packet& p, int dir);
    void tcp_data(Session& s, int dir, uint32_t seq, const uint8_t* data, uint32_t len);
    void tcp_drain(Session& s, int dir);
    void tcp_flush_queues(Session& s);
    void mark_closing(Session& s);
    void deliver(Session& s, int dir, const uint8_t* data, uint32_t len, classify::Transport t, bool stream,
                 bool count = true);
    void run_parsers(Session& s, int dir, const uint8_t* data, uint32_t len);
    void sctp_chunks(Session& s, int dir, const uint8_t* data, uint32_t len);
    void arp_fields(Session& s, const Packet& p);

    void save(Session& s, bool final);
    void finish_final(Session& s);
    void reset_segment(Session& s);
    void release(Session* s);

    Context ctx_;
    SessionSink& sink_;
    std::vector<Session*> slots_;
    std::vector<uint32_t> hashes_;
    size_t mask_ = 0;
    size_t count_ = 0;
    std::vector<std::unique_ptr<Session>> pool_;  ///< every session object ever made
    std::vector<Session*> free_;
    struct ListHead {
        Session* head = nullptr;
        Session* tail = nullptr;
    };
    ListHead lru_[kSessionKinds];
    ListHead closing_;
    ListHead held_;
    ListHead saveList_;
    uint64_t timerSecs_ = 0;
    std::vector<Session*> deferred_;
    Session* current_ = nullptr;
    TableStats stats_;
};

}  // namespace flowdex::session
