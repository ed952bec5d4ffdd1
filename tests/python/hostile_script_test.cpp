// Scripts that misuse the API: forged and stale handles, kept memoryviews, wrong types,
// exceptions in every kind of callback, run_ethernet_cb recursing into itself, huge parser
// results. Each must get a Python exception, never a signal (scripts/test runs these with ASan).
#include "python/py_util.h"

namespace flowdex::pytest {
namespace hostile_script_test {

TEST(PythonHostile, ForgedStaleHandlesAndKeptViews) {
    ScriptRun run = run_script(R"(import arkime, arkime_session as s, arkime_packet as p
kept, packets, sessions = [], [], []
def attempt(label, fn, *exc):
    try:
        fn()
        print(label, "no error")
    except exc:
        print(label, "raised")
def eth(batch, packet, b, n):
    kept.append(b)
    kept.append(b[2:10])
    packets.append((batch, packet))
    attempt("forged batch", lambda: p.run_ethernet_cb(batch + 1000, packet, b, 0, "x"), ValueError)
    attempt("forged packet", lambda: p.run_ethernet_cb(batch, packet + 1000, b, 0, "x"), ValueError)
    attempt("swapped handles", lambda: p.get(batch, "pktlen"), ValueError)
    attempt("foreign bytes", lambda: p.run_ethernet_cb(batch, packet, b"x" * 100, 0, "x"), ValueError)
    attempt("bytes type", lambda: p.run_ethernet_cb(batch, packet, "text", 0, "x"), TypeError)
    attempt("strided bytes", lambda: p.run_ethernet_cb(batch, packet, b[::2], 0, "x"), ValueError, BufferError)
    attempt("type range", lambda: p.run_ethernet_cb(batch, packet, b, 70000, "x"), ValueError)
    attempt("packet type", lambda: p.get("packet", "pktlen"), TypeError)
    attempt("negative packet", lambda: p.get(-5, "pktlen"), ValueError)
    attempt("huge packet", lambda: p.get(10**40, "pktlen"), ValueError)
    return p.run_ethernet_cb(batch, packet, b[18:], 0, "x")
def classify(session, b, n, which):
    for i, k in enumerate(kept):
        attempt("kept view", lambda: k[0], ValueError)
        attempt("kept view bytes", lambda: bytes(k), ValueError)
    for batch, packet in packets:
        attempt("stale packet", lambda: p.get(packet, "pktlen"), ValueError)
        attempt("stale batch", lambda: p.run_ethernet_cb(batch, packet, b, 0, "x"), ValueError)
    attempt("forged session", lambda: s.get(123456789, "ip.src"), ValueError)
    attempt("forged session 2", lambda: s.add_tag(session + (1 << 32), "x"), ValueError)
    attempt("negative session", lambda: s.get(-1, "ip.src"), ValueError)
    attempt("session type", lambda: s.get("x", "ip.src"), TypeError)
    attempt("session float", lambda: s.incref(1.0), TypeError)
    for old in sessions:
        attempt("stale session", lambda: s.get(old, "ip.src"), ValueError)
        attempt("stale decref", lambda: s.decref(old), ValueError)
        attempt("stale attr", lambda: s.set_attr(old, "k", 1), ValueError)
    attempt("missing args", lambda: s.get(session), TypeError)
    attempt("extra args", lambda: s.add_tag(session, "a", "b"), TypeError)
    attempt("unhashable key", lambda: s.set_attr(session, [], 1), TypeError)
    kept.append(b)
def save(session, final):
    for old in sessions:
        attempt("stale session", lambda: s.get(old, "ip.src"), ValueError)
        attempt("stale decref", lambda: s.decref(old), ValueError)
    sessions.append(session)
p.set_ethernet_cb(0xff12, eth)
arkime.register_tcp_classifier("all", 0, b"", classify)
arkime.register_udp_classifier("all", 0, b"", classify)
arkime.register_save(save)
)",
                               {"wrapped", "tcp_udp"});
    EXPECT_CLEAN(run);
    EXPECT_GT(run.lines.size(), 50u);
    for (const std::string& l : run.lines)
        EXPECT_EQ(l.find("no error"), std::string::npos) << l;
    EXPECT_GE(run.count_prefix("stale session raised"), 1u);
    EXPECT_GE(run.count_prefix("kept view raised"), 10u);
    EXPECT_GE(run.count_prefix("stale packet raised"), 10u);
    EXPECT_EQ(run.records.size(), 6u);
}

TEST(PythonHostile, ExceptionsInEveryCallbackKindAreReportedAndTheRunGoesOn) {
    ScriptRun run = run_script(R"(import arkime, arkime_session as s, arkime_packet as p
def classify(session, b, n, which):
    s.register_parser(session, parser)
    raise KeyError("boom-classify")
def parser(session, b, n, which):
    raise ValueError("boom-parser")
def pre(session, final):
    raise RuntimeError("boom-pre")
def save(session, final):
    1 / 0
def eth(batch, packet, b, n):
    p.run_ethernet_cb(batch, packet, b[18:], 0, "x")
    raise OSError("boom-ethernet")
def ipcb(batch, packet, b, n):
    import sys
    sys.exit(3)
arkime.register_tcp_classifier("all", 0, b"", classify)
arkime.register_udp_classifier("all", 0, b"", classify)
arkime.register_port_classifier("port", 53, arkime.PORT_UDP_DST, classify)
arkime.register_pre_save(pre)
arkime.register_save(save)
p.set_ethernet_cb(0xff12, eth)
p.set_ip_cb(253, ipcb)
)",
                               {"wrapped", "tcp_udp"});
    EXPECT_CLEAN(run);
    for (const char* what : {"KeyError: 'boom-classify'", "ValueError: boom-parser", "RuntimeError: boom-pre",
                             "ZeroDivisionError", "OSError: boom-ethernet", "SystemExit: 3", "Traceback"})
        EXPECT_NE(run.r.err.find(what), std::string::npos) << what << "\n" << run.r.err;
    // Classifiers and save callbacks stay registered: every session still gets both.
    // The ethernet callback decoded before raising; the IP callback exited before decoding (dropped).
    EXPECT_EQ(run.records.size(), 5u);
    // Rate limit: the same callback and exception type is printed at most once a second; the
    // summary counts every error.
    size_t printed = 0;
    for (size_t at = 0; (at = run.r.err.find("KeyError: 'boom-classify'", at)) != std::string::npos; ++at)
        ++printed;
    EXPECT_GE(printed, 1u);
    EXPECT_LT(printed, 9u);  // 9 classifier calls raised
    EXPECT_NE(run.r.err.find("callback errors"), std::string::npos) << run.r.err;
}

TEST(PythonHostile, WeakReferencesAndTheGarbageCollectorSeeNoLiveBytes) {
    ScriptRun run = run_script(R"(import arkime, gc, weakref
refs = []
def classify(session, b, n, which):
    for r in refs:
        v = r()
        if v is None:
            print("gone")
        else:
            try:
                v[0]
                print("readable")
            except ValueError:
                print("released")
    refs.append(weakref.ref(b))
    for o in gc.get_objects():
        if isinstance(o, memoryview) and o is not b:
            try:
                if len(o):
                    print("other view readable", len(o))
            except ValueError:
                pass
arkime.register_tcp_classifier("all", 0, b"", classify)
arkime.register_udp_classifier("all", 0, b"", classify)
)",
                               {"tcp_udp"});
    EXPECT_CLEAN(run);
    EXPECT_GE(run.lines.size(), 10u);
    for (const std::string& l : run.lines)
        EXPECT_TRUE(l == "gone" || l == "released") << l;
}

TEST(PythonHostile, ARawBufferKeptPastTheCallbackIsReported) {
    ScriptRun run = run_script(R"(import arkime, struct
kept = []
def classify(session, b, n, which):
    kept.append(struct.iter_unpack("B", b))
arkime.register_tcp_classifier("all", 0, b"", classify)
)",
                               {"tcp_udp"});
    EXPECT_CLEAN(run);
    EXPECT_NE(run.r.err.find("keeps a raw buffer of packetBytes"), std::string::npos) << run.r.err;
}

TEST(PythonHostile, EthernetCallbackRecursingIntoItself) {
    ScriptRun run = run_script(R"(import arkime_packet as p
depth = [0, 0]
def eth(batch, packet, b, n):
    depth[0] += 1
    depth[1] = max(depth[1], depth[0])
    rc = p.run_ethernet_cb(batch, packet, b, 0xff12, "again")
    depth[0] -= 1
    if depth[0] == 0:
        print("DEPTH", depth[1], "RC", rc)
    return rc
p.set_ethernet_cb(0xff12, eth)
)",
                               {"wrapped"});
    EXPECT_CLEAN(run);
    EXPECT_EQ(run.count_prefix("DEPTH 12 RC 3"), 8u) << run.r.out;  // CORRUPT past the nesting cap
}

TEST(PythonHostile, ParserReturningHugeAndOddNumbers) {
    ScriptRun run = run_script(R"(import arkime, arkime_session as s
vals = [10**100, -10**100, 2**31, -2**31, 2**63, True, 3.5, None, b"x"]
def parser(session, b, n, which):
    v = vals.pop(0) if vals else 0
    print("P", n)
    return v
def classify(session, b, n, which):
    s.register_parser(session, parser)
    s.register_parser(session, lambda *a: print("SECOND") or 0)
arkime.register_tcp_classifier("all", 0, b"", classify)
)",
                               {"tcp_udp"});
    EXPECT_CLEAN(run);
    EXPECT_GE(run.count_prefix("P "), 5u);
    EXPECT_EQ(run.records.size(), 4u);
}

TEST(PythonHostile, LoadErrorsStopStartUpNamingFileLineAndException) {
    struct Case {
        const char* script;
        const char* want;
    };
    for (const Case& c :
         {Case{"x = 1\n\ndef f(:\n", "t.py:3: SyntaxError"},
          Case{"import arkime\n\n\nraise LookupError('nope')\n", "t.py:4: LookupError: nope"},
          Case{"def f():\n    return 1 / 0\nf()\n", "t.py:2: ZeroDivisionError"},
          Case{"import sys\nsys.exit(0)\n", "t.py:2: SystemExit"},
          Case{"import arkime\narkime.register_tcp_classifier('x', -1, b'', print)\n", "t.py:2: ValueError"},
          Case{"import arkime\narkime.register_tcp_classifier('x', 0, 'str', print)\n", "t.py:2: TypeError"},
          Case{"import arkime\narkime.register_save(5)\n", "t.py:2: TypeError"},
          Case{"import arkime_packet\narkime_packet.set_ip_cb(256, print)\n", "t.py:2: ValueError"}}) {
        ScriptRun run = run_script(c.script, {"tcp_udp"});
        EXPECT_EQ(run.r.exitCode, 2) << c.script << run.r.describe();
        EXPECT_NE(run.r.err.find(c.want), std::string::npos) << c.want << "\n" << run.r.err;
        EXPECT_TRUE(run.records.empty());
    }
}

}  // namespace hostile_script_test
}  // namespace flowdex::pytest
