// Shared by the protocol tests: run one client/server exchange through every built-in protocol and
// get back the session record, so each test states only its bytes and the fields it expects.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "protocols/protocols.h"
#include "session/session_harness.h"

namespace flowdex::session::test {

/// One message of an exchange: who sends it (0 = client 10.0.0.1:40000, 1 = server 10.0.0.2:port)
/// and its bytes, sent as one TCP segment or one UDP datagram.
struct Msg {
    int which;
    std::string bytes;
    uint64_t delayUs = 0;  ///< time before this message on top of the usual 1 ms
};

/// First packet time of every exchange.
inline constexpr uint64_t kExchangeStart = 1700000000 * kSec;

/// A harness with every built-in protocol registered and started, its parsers limited to `budget`
/// bytes per session (TableSettings::maxParserBuffer).
struct ProtocolHarness : Harness {
    explicit ProtocolHarness(uint32_t budget = TableSettings::kDefaultMaxParserBuffer) {
        protocols::Registries regs{registry, classifiers, hooks};
        protocols::register_builtin_protocols(regs);
        ctx.settings.maxParserBuffer = budget;
        start();
    }

    /// Sends `msgs` between 10.0.0.1:`cport` and 10.0.0.2:`port`, 1 ms apart (plus each one's delayUs): over TCP
    /// (handshake first, each message one segment) or UDP (each message one datagram); then flushes the table and
    /// returns the client's record (an empty object, and a test failure, when none was saved).
    nlohmann::json exchange(uint16_t port, const std::vector<Msg>& msgs, bool udp, uint16_t cport = 40000) {
        uint64_t t = kExchangeStart;
        if (udp) {
            const Ip4 c = ip4(10, 0, 0, 1), s = ip4(10, 0, 0, 2);
            for (const Msg& m : msgs) {
                const Bytes b(m.bytes.begin(), m.bytes.end());
                feed(m.which == 0 ? udp4_frame(c, cport, s, port, b) : udp4_frame(s, port, c, cport, b),
                     t += 1000 + m.delayUs);
            }
        } else {
            TcpFlow f;
            f.sport = port;
            f.cport = cport;
            feed(f.syn(), t += 1000);
            feed(f.synack(), t += 1000);
            feed(f.ack(), t += 1000);
            uint32_t off[2] = {0, 0};
            for (const Msg& m : msgs) {
                feed(m.which == 0 ? f.cdata(off[0], m.bytes) : f.sdata(off[1], m.bytes), t += 1000 + m.delayUs);
                off[m.which != 0] += static_cast<uint32_t>(m.bytes.size());
            }
        }
        table->flush_all();
        const Saved* saved = find_saved("10.0.0.1");
        EXPECT_NE(saved, nullptr);
        return saved ? saved->json : nlohmann::json::object();
    }
};

/// The record of the client's session after `msgs` were sent over TCP to server port `port`.
inline nlohmann::json tcp_exchange(uint16_t port, const std::vector<Msg>& msgs) {
    return ProtocolHarness().exchange(port, msgs, false);
}

/// The same over UDP, from client port `cport`.
inline nlohmann::json udp_exchange(uint16_t port, const std::vector<Msg>& msgs, uint16_t cport = 40000) {
    return ProtocolHarness().exchange(port, msgs, true, cport);
}

/// An exchange run under a parser budget, with the table's counts.
struct BudgetRun {
    nlohmann::json record;
    uint64_t budgetSessions = 0;  ///< TableStats::parserBudgetSessions
    uint64_t heldAtFree = 0;      ///< TableStats::parserHeldAtFree (must stay 0)
};

/// tcp_exchange (udp_exchange when `udp`) with the parsers of the session limited to `budget` bytes.
inline BudgetRun budget_exchange(uint16_t port, const std::vector<Msg>& msgs, uint32_t budget, bool udp = false) {
    ProtocolHarness h(budget);
    BudgetRun r;
    r.record = h.exchange(port, msgs, udp);
    r.budgetSessions = h.table->stats().parserBudgetSessions;
    r.heldAtFree = h.table->stats().parserHeldAtFree;
    return r;
}

/// Runs `msgs` over TCP to `port` under every parser budget 0, step, 2·step … up to `maxBudget`.
/// Whatever the budget nothing stays counted when the session is freed, at most the one session is
/// stopped, and a run that was never refused gives the unbudgeted record's `key` object. Some budget
/// in the range must refuse and some must fit the whole exchange.
inline void expect_every_budget_gives_bytes_back(uint16_t port, const std::vector<Msg>& msgs, const std::string& key,
                                                 uint32_t maxBudget, uint32_t step) {
    const nlohmann::json full = tcp_exchange(port, msgs)[key];
    bool refused = false, whole = false;
    for (uint32_t budget = 0; budget <= maxBudget; budget += step) {
        BudgetRun r = budget_exchange(port, msgs, budget);
        EXPECT_EQ(r.heldAtFree, 0u) << budget;
        EXPECT_LE(r.budgetSessions, 1u) << budget;
        if (r.budgetSessions == 0) {
            EXPECT_EQ(r.record[key], full) << budget;
        }
        refused |= r.budgetSessions == 1;
        whole |= r.budgetSessions == 0;
    }
    EXPECT_TRUE(refused) << "no budget up to " << maxBudget << " stopped the parsers";
    EXPECT_TRUE(whole) << "no budget up to " << maxBudget << " fitted the exchange";
}

/// Every way of cutting message `index` of `msgs` in two (at each byte), as separate exchanges.
inline std::vector<std::vector<Msg>> splits_of(const std::vector<Msg>& msgs, size_t index) {
    std::vector<std::vector<Msg>> out;
    const Msg& m = msgs.at(index);
    for (size_t cut = 1; cut < m.bytes.size(); ++cut) {
        std::vector<Msg> v(msgs.begin(), msgs.begin() + static_cast<std::ptrdiff_t>(index));
        v.push_back({m.which, m.bytes.substr(0, cut), m.delayUs});
        v.push_back({m.which, m.bytes.substr(cut)});
        v.insert(v.end(), msgs.begin() + static_cast<std::ptrdiff_t>(index) + 1, msgs.end());
        out.push_back(std::move(v));
    }
    return out;
}

/// The same messages with every one sent a byte per segment.
inline std::vector<Msg> bytewise(const std::vector<Msg>& msgs) {
    std::vector<Msg> out;
    for (const Msg& m : msgs)
        for (char c : m.bytes)
            out.push_back({m.which, std::string(1, c)});
    return out;
}

/// The same, except the first message of each direction, which stays whole (classifiers look at
/// a direction's first payload, and a one-byte one is too short to be classified).
inline std::vector<Msg> bytewise_after_first(const std::vector<Msg>& msgs) {
    std::vector<Msg> out;
    bool seen[2] = {false, false};
    for (const Msg& m : msgs) {
        if (!seen[m.which != 0]) {
            seen[m.which != 0] = true;
            out.push_back(m);
            continue;
        }
        for (char c : m.bytes)
            out.push_back({m.which, std::string(1, c)});
    }
    return out;
}

/// The record's application part: `rec` without the keys every session has whatever its payload
/// (times, addresses, counts of packets and bytes, TCP flags, first payload bytes, node, segments).
inline nlohmann::json app_fields(const nlohmann::json& rec) {
    static constexpr const char* kSessionKeys[] = {"firstPacket",
                                                   "lastPacket",
                                                   "length",
                                                   "ipProtocol",
                                                   "ethertype",
                                                   "source",
                                                   "destination",
                                                   "network",
                                                   "client",
                                                   "server",
                                                   "totDataBytes",
                                                   "tcpflags",
                                                   "tcpseq",
                                                   "srcISNCnt",
                                                   "initRTT",
                                                   "srcPayload8",
                                                   "dstPayload8",
                                                   "segmentCnt",
                                                   "rootId",
                                                   "node",
                                                   "srcTTL",
                                                   "dstTTL",
                                                   "srcTTLCnt",
                                                   "dstTTLCnt",
                                                   "packetPos",
                                                   "packetLen",
                                                   "fileId",
                                                   "srcMac",
                                                   "dstMac",
                                                   "srcMacCnt",
                                                   "dstMacCnt",
                                                   "srcOui",
                                                   "dstOui",
                                                   "srcOuiCnt",
                                                   "dstOuiCnt",
                                                   "tcpSynValidated",
                                                   "tcpSynAckValidated"};
    nlohmann::json out = rec.is_object() ? rec : nlohmann::json::object();
    for (const char* k : kSessionKeys)
        out.erase(k);
    return out;
}

/// Empty when `part` lies within `whole`, else the path of the first value that does not: objects
/// key by key, arrays element by element (each element of `part` within some element of `whole`),
/// scalars equal; a count (a key ending in "Cnt") may be smaller than the whole's, since a cut
/// message may carry fewer values. Under a key listed in `partial` a string may also be the start
/// of the whole's (a value cut with its message, where a parser documents that it keeps it), and
/// that key's count may be one more than the whole's; a number there may be smaller (a counter).
inline std::string not_within(const nlohmann::json& part, const nlohmann::json& whole,
                              const std::vector<std::string>& partial = {}, const std::string& path = "",
                              bool cutOk = false) {
    if (part.is_object()) {
        if (!whole.is_object()) return path.empty() ? "/" : path;
        for (const auto& [k, v] : part.items()) {
            const std::string p = path + "/" + k;
            if (!whole.contains(k)) return p;
            const nlohmann::json& w = whole.at(k);
            if (k.size() > 3 && k.ends_with("Cnt") && v.is_number_unsigned() && w.is_number_unsigned()) {
                // One cut value may come on top of the whole one (the cut message's beside another's).
                const bool cutBase =
                    std::find(partial.begin(), partial.end(), k.substr(0, k.size() - 3)) != partial.end();
                if (v.get<uint64_t>() > w.get<uint64_t>() + (cutBase ? 1 : 0)) return p;
                continue;
            }
            const bool cut = std::find(partial.begin(), partial.end(), k) != partial.end();
            if (std::string why = not_within(v, w, partial, p, cut); !why.empty()) return why;
        }
        return "";
    }
    if (part.is_array()) {
        if (!whole.is_array()) return path;
        for (size_t i = 0; i < part.size(); ++i) {
            const bool found = std::any_of(whole.begin(), whole.end(), [&](const nlohmann::json& w) {
                return not_within(part[i], w, partial, path, cutOk).empty();
            });
            if (!found) return path + "/" + std::to_string(i);
        }
        return "";
    }
    if (cutOk && part.is_string() && whole.is_string() && whole.get<std::string>().starts_with(part.get<std::string>()))
        return "";
    if (cutOk && part.is_number_unsigned() && whole.is_number_unsigned() &&
        part.get<uint64_t>() <= whole.get<uint64_t>())
        return "";
    return part == whole ? "" : path;
}

/// Every-prefix check of one message: `run(bytes)` returns the record of an exchange carrying
/// `bytes` in place of the message. The whole message's record must hold the object `key` (unless
/// `key` is empty); the
/// record of every prefix of it (0 to all but one bytes, each sent alone) must have only app
/// fields that lie within the whole one's (not_within). Returns the whole message's record.
template <class Run>
nlohmann::json every_prefix_of(const std::string& message, const std::string& key, Run run,
                               const std::vector<std::string>& partial = {}) {
    const nlohmann::json whole = app_fields(run(message));
    if (!key.empty()) {
        EXPECT_TRUE(whole.contains(key)) << whole.dump();
    }
    for (size_t n = 0; n < message.size(); ++n) {
        const nlohmann::json cut = app_fields(run(message.substr(0, n)));
        const std::string why = not_within(cut, whole, partial);
        EXPECT_EQ(why, "") << "prefix of " << n << " bytes: " << cut.dump() << "\nwhole: " << whole.dump();
    }
    return whole;
}

/// every_prefix_of for message `index` of `msgs`, sent between 10.0.0.1:`cport` and 10.0.0.2:`port`
/// over UDP (one datagram a message; TCP when `udp` is false).
inline nlohmann::json every_prefix(uint16_t port, const std::vector<Msg>& msgs, size_t index, const std::string& key,
                                   bool udp = true, uint16_t cport = 40000,
                                   const std::vector<std::string>& partial = {}) {
    return every_prefix_of(
        msgs.at(index).bytes, key,
        [&](const std::string& bytes) {
            std::vector<Msg> v = msgs;
            v[index].bytes = bytes;
            return ProtocolHarness().exchange(port, v, udp, cport);
        },
        partial);
}

/// Every truncation of a TCP exchange: for each message from `from` on, the stream ends inside it
/// (each of its prefixes sent, nothing after it). Each record's app fields must lie within those of
/// the exchange that ends just after that message, whole (not_within).
inline void every_tcp_truncation(uint16_t port, const std::vector<Msg>& msgs, size_t from = 0,
                                 const std::vector<std::string>& partial = {}) {
    for (size_t i = from; i < msgs.size(); ++i) {
        SCOPED_TRACE("stream ending inside message " + std::to_string(i));
        every_prefix(port, std::vector<Msg>(msgs.begin(), msgs.begin() + static_cast<std::ptrdiff_t>(i) + 1), i, "",
                     false, 40000, partial);
    }
}

/// The same, except the first `keep` bytes of the first message of each direction, which go in one
/// segment (what a classifier needs to see in a direction's first payload).
inline std::vector<Msg> bytewise_after(const std::vector<Msg>& msgs, size_t keep) {
    std::vector<Msg> out;
    bool seen[2] = {false, false};
    for (const Msg& m : msgs) {
        size_t from = 0;
        if (!seen[m.which != 0]) {
            seen[m.which != 0] = true;
            from = std::min(keep, m.bytes.size());
            out.push_back({m.which, m.bytes.substr(0, from)});
        }
        for (size_t i = from; i < m.bytes.size(); ++i)
            out.push_back({m.which, m.bytes.substr(i, 1)});
    }
    return out;
}

inline bool has_protocol(const nlohmann::json& j, const std::string& p) {
    return j.contains("protocol") && std::find(j["protocol"].begin(), j["protocol"].end(), p) != j["protocol"].end();
}

}  // namespace flowdex::session::test
