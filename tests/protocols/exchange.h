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

inline bool has_protocol(const nlohmann::json& j, const std::string& p) {
    return j.contains("protocol") && std::find(j["protocol"].begin(), j["protocol"].end(), p) != j["protocol"].end();
}

}  // namespace flowdex::session::test
