#pragma once
/// A session: the state kept for one flow between its first packet and its save.
///
/// Counters are per direction (0 = client→server, 1 = server→client) and restart at each
/// intermediate save of a long session; of the fields (FieldValues) only those defined with
/// fields::kFlagLinked persist across those saves, as in Arkime. Sessions are owned by exactly one FlowTable (one
/// packet thread) and are recycled through its pool, so their vectors keep their capacity between uses.
#include <cstdint>
#include <string>
#include <vector>

#include "core/flow_key.h"
#include "fields/field_values.h"

namespace flowdex::session {

struct Session;
class FlowTable;

/// A parser attached to one session. `parse` returns -1 to unregister itself, 0 to go on, n > 0
/// for n bytes consumed (n >= len: the parsers registered after it skip this chunk).
using ParseFn = int (*)(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which);
/// Called at every save of the session, before the pre-save hooks (`final` false for splits).
using ParserSaveFn = void (*)(void* ctx, Session& s, bool final);
/// Called once when the parser is removed or the session is freed; releases `ctx`.
using ParserFreeFn = void (*)(void* ctx, Session& s);

struct ParserEntry {
    ParseFn parse = nullptr;
    ParserSaveFn save = nullptr;
    ParserFreeFn free = nullptr;
    void* ctx = nullptr;
    bool active = true;
};

enum class TcpFlag : uint8_t { Syn, SynAck, Ack, Psh, Fin, Rst, Urg, Ece, Cwr, Ae, SrcZero, DstZero, Count };
constexpr size_t kTcpFlagCount = static_cast<size_t>(TcpFlag::Count);

/// One direction of a TCP stream: the next sequence number we expect and the segments that
/// arrived ahead of it (copies, bounded by kMaxQueuedSegments).
struct TcpDirection {
    struct Segment {
        uint32_t seq;
        std::vector<uint8_t> data;
    };
    uint32_t nextSeq = 0;
    bool haveSeq = false;
    bool finSeen = false;
    bool finAcked = false;
    uint32_t finSeq = 0;
    std::vector<Segment> queue;  ///< sorted by seq
};

enum class CloseState : uint8_t { Open, Closing };

struct Session {
    // --- identity
    FlowTable* table = nullptr;  ///< the owning table: parsers reach tags, protocols and fields through it
    FlowKey key;                 ///< canonical
    SessionKind kind = SessionKind::None;
    uint8_t client = 0;  ///< index in key.addr/key.port of the client end
    uint8_t ipProtocol = 0;
    bool haveEthertype = false;
    uint16_t ethertype = 0;
    uint16_t linkType = 0;
    const char* kindName = nullptr;
    uint8_t ip[2][16] = {};  ///< client, server (IP kinds only)
    uint16_t port[2] = {};   ///< client, server (TCP, UDP, SCTP)
    bool v6 = false;
    bool noCommunityId = false;
    bool oneWay = false;  ///< every packet counts as client→server (ARP, non-IP, lumped sessions)
    uint32_t firstFileIndex = 0;
    int64_t firstPos = 0;
    std::string id;         ///< assigned at the first save
    uint16_t segments = 0;  ///< saves done so far

    // --- times (µs)
    uint64_t firstUs = 0;
    uint64_t lastUs = 0;

    // --- counters of the current segment, per direction
    uint64_t packets[2] = {};
    uint64_t bytes[2] = {};
    uint64_t databytes[2] = {};
    uint32_t tcpFlags[kTcpFlagCount] = {};
    uint8_t lastMacs[2][12] = {};  ///< MAC pair last added per direction: repeats skip the field work

    // --- first payload bytes per direction (kept across segments)
    uint8_t payload8[2][8] = {};
    uint8_t payload8Len[2] = {};

    // --- ICMP type/code of the first packet (community id)
    uint8_t icmpType = 0, icmpCode = 0;
    bool haveIcmp = false;

    // --- TCP
    TcpDirection tcp[2];
    bool tcpStarted = false;  ///< a SYN or SYN-ACK was seen: data is tracked in order
    bool haveSyn = false, haveSynAck = false;
    bool synValidated = false, synAckValidated = false;
    bool finOrRst = false;
    uint32_t clientIsn = 0, serverIsn = 0;
    uint32_t synAckAck = 0;    ///< what the first SYN-ACK acknowledged (validates a SYN seen after it)
    bool synAckFirst = false;  ///< the SYN-ACK came before any SYN: its seq is the record's tcpseq.dst
    uint64_t synTimeUs = 0, ackTimeUs = 0;
    bool haveAckTime = false;
    bool firstSegmentTcpInfo = true;  ///< tcpseq/initRTT fields belong to the first segment only
    std::vector<uint32_t> clientIsns;
    bool tcpGaveUp = false;
    uint32_t unstartedSegments = 0;  ///< data segments seen without a handshake (never delivered)
    uint8_t loneDir = 0;             ///< direction of the first of them, kept in tcp[loneDir].queue

    // --- application layer
    bool classified[2] = {};
    std::vector<ParserEntry> parsers;
    /// True when a parser with this parse function is attached (classifiers attach theirs once).
    bool has_parser(ParseFn fn) const {
        for (const ParserEntry& e : parsers)
            if (e.parse == fn) return true;
        return false;
    }
    fields::FieldValues fields;
    void* pluginState = nullptr;   ///< owned by the Python layer (freed through its session-free hook)
    uint32_t holdCount = 0;        ///< incref/decref: the final save waits while > 0
    uint32_t parserHeld = 0;       ///< bytes the parsers' ParserBuffers hold now (session/parser_buffer.h)
    bool parserBudgetHit = false;  ///< a parser was refused bytes by TableSettings::maxParserBuffer
    bool finalPending = false;

    // --- bookkeeping for the owning FlowTable
    Session* lruPrev = nullptr;
    Session* lruNext = nullptr;
    Session* savePrev = nullptr;
    Session* saveNext = nullptr;
    uint8_t lruList = 0;
    bool inSaveList = false;
    CloseState closeState = CloseState::Open;
    uint64_t closeAtSecs = 0;
    uint64_t saveAtSecs = 0;  ///< tcpSaveTimeout deadline
    /// FlowTable::save_when_idle: a packet later than this (whole seconds) mid-saves the session; 0 = none.
    uint64_t idleSaveAfterSecs = 0;
    uint32_t slot = 0;  ///< index in the table

    /// True when `which` is the client side of a packet with these endpoints.
    uint64_t total_packets() const { return packets[0] + packets[1]; }
};

}  // namespace flowdex::session
