// The `arkime_session` module: parsers, get, add_*, tags and protocols, attributes, incref/decref.
#include "python/py_util.h"

namespace flowdex::pytest {
namespace session_module_test {

TEST(PythonSession, ParserReturnValues) {
    ScriptRun run = run_script(R"(import arkime, arkime_session as s
def mk(name, rc):
    def parser(session, b, n, which):
        print("P", name, n, which)
        return rc(n, which) if callable(rc) else rc
    return parser
def boom(session, b, n, which):
    print("P boom", s.get(session, "port.dst"))
    raise ValueError("parser failed")
def classify(session, b, n, which):
    if which:
        return
    s.register_parser(session, boom)
    if s.get(session, "port.dst") != 8080:
        return
    s.register_parser(session, mk("unreg", -1))
    s.register_parser(session, mk("zero", 0))
    s.register_parser(session, mk("nonint", "x"))
    s.register_parser(session, mk("minus5", -5))
    s.register_parser(session, mk("partial", 1))
    s.register_parser(session, mk("all", lambda n, w: n if w == 0 else 10**30))
    s.register_parser(session, mk("after", 0))
arkime.register_tcp_classifier("all", 0, b"", classify)
)",
                               {"tcp_udp"});
    EXPECT_CLEAN(run);
    // Payloads on 8080: HELLO world (11, c->s), OK\r\n (4, s->c), MORE (4, c->s).
    auto expect_calls = [&](const std::string& name, size_t n) {
        EXPECT_EQ(run.count_prefix("P " + name + " "), n) << name << "\n" << run.r.out;
    };
    expect_calls("unreg", 1);
    expect_calls("zero", 3);
    expect_calls("nonint", 3);
    expect_calls("minus5", 3);
    expect_calls("partial", 3);
    expect_calls("all", 3);
    expect_calls("after", 0);  // every chunk was consumed (n and a huge number) before it
    expect_calls("boom", 2);   // unregistered after raising, once per session
    EXPECT_TRUE(run.has_line("P zero 11 0"));
    EXPECT_TRUE(run.has_line("P zero 4 1"));
    EXPECT_NE(run.r.err.find("ValueError: parser failed"), std::string::npos) << run.r.err;
    EXPECT_NE(run.r.err.find("t.py: 2 callback errors"), std::string::npos) << run.r.err;
}

TEST(PythonSession, GetComputedAndStoredFields) {
    ScriptRun run = run_script(R"(import arkime, arkime_session as s
def classify(session, b, n, which):
    if which == 0:
        s.add_tag(session, "t1")
def save(session, final):
    if s.get(session, "port.dst") != 8080:
        return
    for f in ["ip.src", "ip.dst", "port.src", "port.dst", "packets.src", "packets.dst", "databytes.src",
              "databytes.dst", "tcpflags.syn", "tcpflags.syn-ack", "tcpflags.ack", "tcpflags.psh", "tcpflags.rst",
              "tcpflags.fin", "tcpflags.urg", "tcpflags.ece", "tcpflags.cwr", "ip.dst:port", "tags", "protocols",
              "http.statuscode"]:
        print("GET", f, repr(s.get(session, f)))
    print("CID", s.get(session, "communityId"))
    print("POS", repr(s.get(session, arkime.field_get("tags"))), repr(s.get(session, arkime.field_get("port.dst"))),
          repr(s.get(session, str(arkime.field_get("port.src")))))
    print("UNKNOWN", repr(s.get(session, "no.such")), repr(s.get(session, "no.such")), repr(s.get(session, 10**6)))
arkime.register_tcp_classifier("all", 0, b"", classify)
arkime.register_save(save)
)",
                               {"tcp_udp"});
    EXPECT_CLEAN(run);
    std::vector<std::string> want{
        "GET ip.src '10.1.0.1'",  "GET ip.dst '10.1.0.2'", "GET port.src 40000",
        "GET port.dst 8080",      "GET packets.src 6",     "GET packets.dst 3",
        "GET databytes.src 15",   "GET databytes.dst 4",   "GET tcpflags.syn 1",
        "GET tcpflags.syn-ack 1", "GET tcpflags.ack 2",    "GET tcpflags.psh 3",
        "GET tcpflags.rst 0",     "GET tcpflags.fin 2",    "GET tcpflags.urg 0",
        "GET tcpflags.ece 0",     "GET tcpflags.cwr 0",    "GET ip.dst:port '10.1.0.2:8080'",
        "GET tags ['t1']",        "GET protocols ['tcp']", "GET http.statuscode None",
    };
    for (const auto& w : want)
        EXPECT_TRUE(run.has_line(w)) << w << "\n" << run.r.out;
    EXPECT_TRUE(run.has_line("POS ['t1'] 8080 40000"));
    EXPECT_TRUE(run.has_line("UNKNOWN None None None"));
    const nlohmann::json* r = run.record_to_port(8080);
    ASSERT_TRUE(r);
    std::string cid = (*r)["network"]["community_id"];
    ASSERT_EQ(cid.rfind("1:", 0), 0u);
    EXPECT_TRUE(run.has_line("CID " + cid.substr(2)));
    size_t warnings = 0;
    for (size_t at = 0; (at = run.r.err.find("unknown field 'no.such'", at)) != std::string::npos; ++at)
        ++warnings;
    EXPECT_EQ(warnings, 1u) << run.r.err;
}

TEST(PythonSession, GetIpv6Addresses) {
    ScriptRun run = run_script(R"(import arkime, arkime_session as s
def classify(session, b, n, which):
    print(which, s.get(session, "ip.src"), s.get(session, "ip.dst"), s.get(session, "ip.dst:port"),
          s.get(session, "port.src"), s.get(session, "databytes.src"), s.get(session, "communityId") is not None)
arkime.register_udp_classifier("all", 0, b"", classify)
)",
                               {"v6"});
    EXPECT_CLEAN(run);
    EXPECT_EQ(run.lines, (std::vector<std::string>{"0 2001:db8::1 2001:db8::2 2001:db8::2.53 5353 2 True",
                                                   "1 2001:db8::1 2001:db8::2 2001:db8::2.53 5353 2 True"}));
}

TEST(PythonSession, AddValuesTagsProtocolsAndTypeErrors) {
    ScriptRun run = run_script(R"(import arkime, arkime_session as s
num = arkime.field_define("test.num", "kind:integer;db:test.num")
big = arkime.field_define("test.big", "kind:termfield;db:test.big")
def classify(session, b, n, which):
    if which:
        return
    for call in [lambda: s.add_string(session, "tags", 5), lambda: s.add_int(session, num, "5"),
                 lambda: s.add_tag(session, None), lambda: s.add_protocol(session, 1),
                 lambda: s.get(session, 1.5), lambda: s.register_parser(session, 5),
                 lambda: s.add_int(session, num, 1.5), lambda: s.add_string(session, num, "seven"),
                 lambda: s.has_protocol(session, b"tcp"), lambda: s.add_string(session, [], "x")]:
        try:
            call()
            print("NO ERROR")
        except TypeError:
            print("TypeError")
    print("PROTO", s.add_protocol(session, "myproto"), s.has_protocol(session, "myproto"),
          s.has_protocol(session, "other"), s.has_protocol(session, "tcp"))
    print("TAG", s.add_tag(session, "a"), s.add_tag(session, "a"))
    print("TRUNC", s.add_string(session, big, "x" * 20000))
    print("NUMSTR", s.add_string(session, num, "42"))
arkime.register_tcp_classifier("x", 0, b"HELLO", classify)
)",
                               {"tcp_udp"});
    EXPECT_CLEAN(run);
    std::vector<std::string> want(10, "TypeError");
    want.insert(want.end(), {"PROTO True True False True", "TAG True False", "TRUNC True", "NUMSTR True"});
    EXPECT_EQ(run.lines, want);
    const nlohmann::json* r = run.record_to_port(8080);
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)["protocol"], nlohmann::json::array({"tcp", "myproto"}));
    EXPECT_EQ((*r)["tags"], nlohmann::json::array({"a", "truncated-field-test.big"}));
    EXPECT_EQ((*r)["test"]["big"][0].get<std::string>().size(), 16384u);
    EXPECT_EQ((*r)["test"]["num"], nlohmann::json::array({42}));
}

TEST(PythonSession, AttributesLiveExactlyAsLongAsTheSession) {
    ScriptRun run = run_script(R"(import arkime, arkime_session as s
class Probe:
    def __init__(self, port):
        self.port = port
    def __del__(self):
        print("DEL", self.port)
saved = []
def classify(session, b, n, which):
    if which == 0:
        s.set_attr(session, "probe", Probe(s.get(session, "port.dst")))
        print("GET", s.get_attr(session, "probe").port, s.get_attr(session, "missing"))
def save(session, final):
    probe = s.get_attr(session, "probe")
    print("SAVE", s.get(session, "port.dst"), probe.port if probe else None)
    for old in saved:
        try:
            s.get(old, "port.dst")
            print("STALE readable")
        except ValueError:
            print("STALE ValueError")
    saved.append(session)
arkime.register_tcp_classifier("all", 0, b"", classify)
arkime.register_udp_classifier("all", 0, b"", classify)
arkime.register_save(save)
)",
                               {"tcp_udp"});
    EXPECT_CLEAN(run);
    EXPECT_TRUE(run.has_line("GET 8080 None"));
    for (int port : {53, 8080, 9999}) {
        std::string p = std::to_string(port);
        long save = run.index_of("SAVE " + p + " " + p);
        ASSERT_GE(save, 0) << port << "\n" << run.r.out;
        size_t i = static_cast<size_t>(save) + 1;
        while (i < run.lines.size() && run.lines[i].rfind("STALE", 0) == 0)
            ++i;  // this save's checks of older handles
        ASSERT_LT(i, run.lines.size());
        EXPECT_EQ(run.lines[i], "DEL " + p) << run.r.out;  // freed right after its last save
    }
    EXPECT_GE(run.count_prefix("STALE ValueError"), 3u);
    EXPECT_EQ(run.count_prefix("STALE readable"), 0u);
}

TEST(PythonSession, IncrefDefersTheFinalSaveUntilDecref) {
    ScriptRun run = run_script(R"(import arkime, arkime_session as s
held = []
def classify(session, b, n, which):
    if which == 0 and s.get(session, "port.dst") == 8080:
        s.incref(session)
        s.incref(session)
        s.decref(session)
        held.append(session)
def pre(session, final):
    port = s.get(session, "port.dst")
    print("PRE", port, final)
    if port == 9999 and held:
        print("DECREF")
        s.decref(held.pop())
        print("AFTER DECREF")
def save(session, final):
    print("SAVE", s.get(session, "port.dst"), final)
arkime.register_tcp_classifier("all", 0, b"", classify)
arkime.register_pre_save(pre)
arkime.register_save(save)
)",
                               {"tcp_udp"});
    EXPECT_CLEAN(run);
    long pre8080 = run.index_of("PRE 8080 1"), pre9999 = run.index_of("PRE 9999 1");
    long decref = run.index_of("DECREF"), save8080 = run.index_of("SAVE 8080 1"), after = run.index_of("AFTER DECREF");
    ASSERT_GE(pre8080, 0) << run.r.out;
    EXPECT_LT(pre8080, pre9999) << run.r.out;
    EXPECT_LT(pre9999, decref) << run.r.out;
    EXPECT_EQ(save8080, decref + 1) << run.r.out;  // the save waited for the decref
    EXPECT_LT(save8080, after);
    EXPECT_EQ(run.count_prefix("SAVE 8080"), 1u);
    EXPECT_EQ(run.records.size(), 4u);

    // A hold that is never released: the session is still saved (once) at the end of the run.
    ScriptRun kept = run_script(R"(import arkime, arkime_session as s
def classify(session, b, n, which):
    s.incref(session)
arkime.register_tcp_classifier("all", 0, b"", classify)
arkime.register_save(lambda session, final: print("SAVE", s.get(session, "port.dst"), final))
)",
                                {"tcp_udp"});
    EXPECT_CLEAN(kept);
    EXPECT_EQ(kept.count_prefix("SAVE 8080 1"), 1u);
    EXPECT_EQ(kept.records.size(), 4u);
}

}  // namespace session_module_test
}  // namespace flowdex::pytest
