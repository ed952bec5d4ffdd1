// The `arkime` module: constants, classifiers (bytes at offsets, ports, SCTP), save callbacks and
// field definition, through the real binary (see py_util.h).
#include "python/py_util.h"

namespace flowdex::pytest {
namespace arkime_module_test {

TEST(PythonExample, RunsUnchangedFromAParsersFolder) {
    std::string example = e2e::read_file((e2e::kSharedDir / "spec" / "example.py").string());
    if (example.empty()) GTEST_SKIP() << "no ../shared/spec/example.py";
    ScriptRun run = run_script(example, {"tcp_udp", "wrapped"});
    EXPECT_CLEAN(run);
    ASSERT_FALSE(run.lines.empty());
    EXPECT_EQ(run.lines[0].rfind("VERSION 0.1.0 CONFIG_PREFIX ", 0), 0u) << run.lines[0];
    EXPECT_TRUE(run.has_line("CLASSIFY: 10.1.0.1 : 40000 -> 10.1.0.2 : 8080 len 11 which 0"));
    EXPECT_TRUE(run.has_line("CLASSIFY: 10.1.0.1 : 40000 -> 10.1.0.2 : 8080 len 4 which 1"));
    EXPECT_TRUE(run.has_line("PARSER: 10.1.0.1 : 40000 -> 10.1.0.2 : 8080 len 4 which 0"));  // MORE
    EXPECT_TRUE(run.has_line("PRE SAVE: 10.1.0.1 : 40000 -> 10.1.0.2 : 8080 final 1"));
    EXPECT_TRUE(run.has_line("SAVE: 10.1.0.1 : 40000 -> 10.1.0.2 : 8080 final 1"));
    EXPECT_LT(run.index_of("PRE SAVE: 10.1.0.1 : 40000 -> 10.1.0.2 : 8080 final 1"),
              run.index_of("SAVE: 10.1.0.1 : 40000 -> 10.1.0.2 : 8080 final 1"));
    // The 0xff12 frames reach the script's ethernet callback, which strips 18 bytes and decodes on.
    EXPECT_EQ(run.count_prefix("ETHERNET: "), 8u);
    EXPECT_TRUE(run.has_line("CLASSIFY: 10.2.0.1 : 41000 -> 10.2.0.2 : 80 len 18 which 0"));
    // TCP sessions carry the tag, the UDP ones do not; the script's field is known.
    int tagged = 0;
    for (const auto& r : run.records) {
        bool tcp = r.value("ipProtocol", 0) == 6;
        bool has = r.contains("tags") && r["tags"] == nlohmann::json::array({"python"});
        EXPECT_EQ(tcp, has) << r.dump();
        tagged += has;
    }
    EXPECT_EQ(tagged, 3);
}

TEST(PythonArkime, Constants) {
    ScriptRun run = run_script(R"(import arkime, arkime_packet as p
print(arkime.VERSION, arkime.CONFIG_PREFIX != "", arkime.API_VERSION)
print(arkime.PORT_UDP_SRC, arkime.PORT_UDP_DST, arkime.PORT_TCP_SRC, arkime.PORT_TCP_DST, arkime.PORT_SCTP_SRC, arkime.PORT_SCTP_DST)
print(p.DO_PROCESS, p.CORRUPT, p.UNKNOWN_ETHER, p.UNKNOWN_IP, p.DONT_PROCESS, p.DONT_PROCESS_OR_FREE)
import sys
print("__main__" in sys.modules, __name__)
)",
                               {"sctp"});
    EXPECT_CLEAN(run);
    EXPECT_EQ(run.lines, (std::vector<std::string>{"0.1.0 True 607", "1 2 4 8 16 32", "0 3 4 5 7 8", "True __main__"}));
}

TEST(PythonArkime, ByteClassifiersMatchAtOffsetsOncePerDirection) {
    ScriptRun run = run_script(R"(import arkime, arkime_session as s
def mk(tag):
    def cb(session, b, n, which):
        print("C", tag, s.get(session, "port.dst"), n, which, bytes(b[:4]))
    return cb
arkime.register_tcp_classifier("ab", 2, b"AB", mk("ab"))
arkime.register_tcp_classifier("ab", 2, b"AB", mk("dup"))
arkime.register_tcp_classifier("hello", 0, b"HELLO", mk("hello"))
arkime.register_tcp_classifier("ab-at-0", 0, b"AB", mk("ab0"))
arkime.register_tcp_classifier("far", 100, b"X", mk("far"))
arkime.register_udp_classifier("all", 0, b"", mk("udp"))
arkime.register_tcp_classifier("all", 0, bytearray(), mk("tcp"))
)",
                               {"tcp_udp"});
    EXPECT_CLEAN(run);
    std::vector<std::string> got = run.lines;
    std::sort(got.begin(), got.end());
    std::vector<std::string> want{
        "C ab 9999 8 0 b'xxAB'",  "C hello 8080 11 0 b'HELL'", "C tcp 8080 11 0 b'HELL'", "C tcp 8080 4 1 b'OK\\r\\n'",
        "C tcp 9999 8 0 b'xxAB'", "C udp 53 2 0 b'Q1'",        "C udp 53 4 1 b'R1xx'",
    };
    std::sort(want.begin(), want.end());
    // No "dup" (identical registration ignored), no "far", no "ab0", no 1-byte payloads (UDP 7000,
    // the server's "Z" on 9999).
    EXPECT_EQ(got, want);
}

TEST(PythonArkime, PortClassifiersFollowTheKindBits) {
    ScriptRun run = run_script(R"(import arkime, arkime_session as s
def mk(tag):
    return lambda session, b, n, which: print(tag, which)
arkime.register_port_classifier("p1", 8080, arkime.PORT_TCP_DST, mk("tcpdst8080"))
arkime.register_port_classifier("p2", 8080, arkime.PORT_TCP_SRC, mk("tcpsrc8080"))
arkime.register_port_classifier("p3", 40001, arkime.PORT_TCP_SRC, mk("tcpsrc40001"))
arkime.register_port_classifier("p4", 53, arkime.PORT_UDP_DST | arkime.PORT_TCP_DST, mk("udp53"))
arkime.register_port_classifier("p5", 53, arkime.PORT_TCP_DST, mk("tcp53"))
arkime.register_port_classifier("p6", 2905, arkime.PORT_SCTP_DST, mk("sctp2905"))
arkime.register_port_classifier("p7", 2905, arkime.PORT_UDP_DST, mk("udp2905"))
)",
                               {"tcp_udp", "sctp"});
    EXPECT_CLEAN(run);
    std::vector<std::string> got = run.lines;
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{"sctp2905 0", "sctp2905 1", "tcpdst8080 0", "tcpdst8080 1",
                                             "tcpsrc40001 0", "udp53 0", "udp53 1"}));

    ScriptRun zero = run_script("import arkime\narkime.register_port_classifier('z', 80, 0, print)\n", {"sctp"});
    EXPECT_EQ(zero.r.exitCode, 2) << zero.r.describe();
    EXPECT_NE(zero.r.err.find("t.py:2: ValueError"), std::string::npos) << zero.r.err;
}

TEST(PythonArkime, SctpClassifiersByBytesAndPayloadProtocol) {
    ScriptRun run = run_script(R"(import arkime, arkime_session as s
arkime.register_sctp_classifier("m3ua", 0, b"M3UA", lambda se, b, n, w: print("bytes", n, w, bytes(b)))
arkime.register_sctp_classifier("none", 0, b"XX", lambda se, b, n, w: print("XX"))
arkime.register_sctp_protocol_classifier("p46", 46, lambda se, b, n, w: print("ppid", n, w, s.get(se, "port.dst")))
arkime.register_sctp_protocol_classifier("p47", 47, lambda se, b, n, w: print("p47"))
)",
                               {"sctp"});
    EXPECT_CLEAN(run);
    std::vector<std::string> got = run.lines;
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{"bytes 9 0 b'M3UAhello'", "bytes 9 1 b'M3UAreply'", "ppid 9 0 2905",
                                             "ppid 9 1 2905"}));

    ScriptRun bad = run_script("import arkime\narkime.register_sctp_protocol_classifier('x', 256, print)\n", {"sctp"});
    EXPECT_EQ(bad.r.exitCode, 2) << bad.r.describe();
    EXPECT_NE(bad.r.err.find("t.py:2:"), std::string::npos) << bad.r.err;
}

TEST(PythonArkime, PreSaveThenSaveAndFinalOnASplitSession) {
    // maxPackets=4 splits the session on port 8080 into three records. The fourth packet (the first
    // payload) ends the first record, and its payload, so the classifier, belongs to the second.
    ScriptRun run = run_script(R"(import arkime, arkime_session as s
linked = arkime.field_define("test.linked", "kind:termfield;db:test.linked")
nolinked = arkime.field_define("test.nolinked", "kind:termfield;db:test.nolinked;nolinked:true")
def classify(session, b, n, which):
    if which == 0:
        s.add_string(session, linked, "L")
        s.add_string(session, nolinked, "N")
        s.set_attr(session, "seen", n)
def pre(session, final):
    if s.get(session, "port.dst") == 8080:
        print("PRE", final, s.get_attr(session, "seen"))
        s.add_string(session, "test.linked", "pre%d" % final)
def save(session, final):
    if s.get(session, "port.dst") == 8080:
        print("SAVE", final)
arkime.register_tcp_classifier("all", 0, b"", classify)
arkime.register_pre_save(pre)
arkime.register_save(save)
)",
                               {"tcp_udp"}, {"-o", "maxPackets=4"});
    EXPECT_CLEAN(run);
    EXPECT_EQ(run.lines,
              (std::vector<std::string>{"PRE 0 None", "SAVE 0", "PRE 0 11", "SAVE 0", "PRE 1 11", "SAVE 1"}));
    std::vector<nlohmann::json> segs;
    for (const auto& r : run.records)
        if (r["destination"].value("port", 0) == 8080) segs.push_back(r);
    ASSERT_EQ(segs.size(), 3u);
    EXPECT_FALSE(segs[0]["test"].contains("nolinked")) << segs[0].dump();
    EXPECT_EQ(segs[1]["test"]["nolinked"], nlohmann::json::array({"N"}));
    EXPECT_FALSE(segs[2]["test"].contains("nolinked")) << segs[2].dump();
    // Values added in pre-save reach the record; linked values survive the intermediate saves.
    const auto sorted = [](nlohmann::json a) {
        std::sort(a.begin(), a.end());
        return a;
    };
    EXPECT_EQ(segs[0]["test"]["linked"], nlohmann::json::array({"pre0"}));
    EXPECT_EQ(sorted(segs[1]["test"]["linked"]), nlohmann::json::array({"L", "pre0"}));
    EXPECT_EQ(sorted(segs[2]["test"]["linked"]), nlohmann::json::array({"L", "pre0", "pre1"}));
}

TEST(PythonArkime, FieldDefineKindsAndOptions) {
    ScriptRun run = run_script(R"(import arkime, arkime_session as s
lo = arkime.field_define("test.lo", "kind:lotermfield;db:test.lo;friendly:Lo;help:lower cased;count:true")
up = arkime.field_define("test.up", "kind:uptermfield;db:test.up")
n = arkime.field_define("test.num", "kind:integer;db:test.num;count:true")
t = arkime.field_define("test.text", "kind:textfield;db:test.text")
ip = arkime.field_define("test.ip", "kind:ip;db:test.ip")
f = arkime.field_define("test.f", "kind:float;db:test.f")
sec = arkime.field_define("test.sec", "kind:seconds;db:test.sec")
again = arkime.field_define("test.lo", "kind:lotermfield;db:test.lo")
nokind = arkime.field_define("test.nokind", "db:test.nokind")
nodb = arkime.field_define("ip.src", "kind:ip")
over = arkime.field_define("ignored", "kind:termfield;db:test.over;field:test.overridden")
top = arkime.field_define("flat", "kind:termfield;db:flatfield")
print("DEF", lo == again, nokind, nodb == arkime.field_get("ip.src"), arkime.field_get("test.overridden") == over,
      arkime.field_get("nope"), arkime.field_get("test.num") == n, len({lo, up, n, t, ip, f, sec, over, top}))
def classify(session, b, n_, which):
    if which:
        return
    print("ADD", s.add_string(session, lo, "MiXeD"), s.add_string(session, "test.lo", "mixed"),
          s.add_string(session, up, "MiXeD"), s.add_int(session, n, 7), s.add_int(session, "test.num", 8),
          s.add_int(session, str(n), 7), s.add_string(session, t, "Some Text"), s.add_string(session, ip, "10.9.8.7"),
          s.add_string(session, "no.such.field", "x"), s.add_int(session, 99999, 1), s.add_int(session, f, 3),
          s.add_int(session, sec, 1700000000), s.add_string(session, "flat", "F"))
    try:
        arkime.field_define("late", "kind:termfield;db:late")
        print("LATE no error")
    except RuntimeError:
        print("LATE RuntimeError")
    try:
        arkime.register_tcp_classifier("late", 0, b"", classify)
        print("LATE no error")
    except RuntimeError:
        print("LATE RuntimeError")
arkime.register_tcp_classifier("x", 0, b"HELLO", classify)
)",
                               {"tcp_udp"});
    EXPECT_CLEAN(run);
    EXPECT_EQ(run.lines, (std::vector<std::string>{"DEF True -1 True True -1 True 9",
                                                   "ADD True False True True True False True True False False True "
                                                   "True True",
                                                   "LATE RuntimeError", "LATE RuntimeError"}));
    const nlohmann::json* r = run.record_to_port(8080);
    ASSERT_TRUE(r);
    const auto& t = (*r)["test"];
    EXPECT_EQ(t["lo"], nlohmann::json::array({"mixed"}));
    EXPECT_EQ(t["loCnt"], 1);
    EXPECT_EQ(t["up"], nlohmann::json::array({"MIXED"}));
    EXPECT_EQ(t["num"], nlohmann::json::array({7, 8}));
    EXPECT_EQ(t["numCnt"], 2);
    EXPECT_FALSE(t.contains("upCnt"));
    EXPECT_EQ(t["text"], nlohmann::json::array({"Some Text"}));
    EXPECT_EQ(t["ip"], nlohmann::json::array({"10.9.8.7"}));
    EXPECT_EQ(t["f"], nlohmann::json::array({3.0}));
    EXPECT_EQ((*r)["flatfield"], nlohmann::json::array({"F"}));
}

TEST(PythonArkime, ScriptFieldsInSqliteAndFieldsCommand) {
    TempDir dir;
    std::filesystem::create_directories(dir.path() / "p");
    e2e::write_file(dir.file("p/f.py"), R"(import arkime, arkime_session as s
pos = arkime.field_define("myproto.user", "kind:termfield;db:myproto.user;friendly:My User;help:Who logged in;count:true")
print("loaded")
arkime.register_tcp_classifier("u", 0, b"HELLO", lambda se, b, n, w: s.add_string(se, pos, "alice"))
)");
    Result cap =
        e2e::flowdex({"capture", "-q", "--db", dir.file("s.db"), "-r", capture("tcp_udp"), "--parsers", dir.file("p")});
    ASSERT_EQ(cap.exitCode, 0) << cap.describe();
    Result sql = e2e::run({{"/usr/bin/sqlite3", dir.file("s.db"),
                            "SELECT doc FROM sessions WHERE doc LIKE '%alice%'; SELECT expression, db, friendly FROM "
                            "fields WHERE expression = 'myproto.user';"}});
    ASSERT_EQ(sql.exitCode, 0) << sql.describe();
    auto lines = e2e::split_lines(sql.out);
    ASSERT_EQ(lines.size(), 2u) << sql.out;
    auto doc = nlohmann::json::parse(lines[0]);
    EXPECT_EQ(doc["myproto"]["user"], nlohmann::json::array({"alice"}));
    EXPECT_EQ(doc["myproto"]["userCnt"], 1);
    EXPECT_EQ(lines[1], "myproto.user|myproto.user|My User");

    Result text = e2e::flowdex({"fields", "--parsers", dir.file("p")});
    ASSERT_EQ(text.exitCode, 0) << text.describe();
    EXPECT_NE(text.out.find("myproto.user\tmyproto.user\ttermfield\tMy User\tWho logged in\n"), std::string::npos);
    EXPECT_NE(text.out.find("ip.src\tsource.ip\tip\t"), std::string::npos);  // built-ins still there
    Result json = e2e::flowdex({"fields", "--json", "--parsers", dir.file("p")});
    ASSERT_EQ(json.exitCode, 0) << json.describe();
    EXPECT_NE(json.err.find("loaded"), std::string::npos);  // a script's print goes to stderr here
    bool found = false;
    for (const auto& f : nlohmann::json::parse(json.out))
        if (f["expression"] == "myproto.user")
            found = f["db"] == "myproto.user" && f["kind"] == "termfield" && f["help"] == "Who logged in" &&
                    f["count"] == true;
    EXPECT_TRUE(found) << json.out.substr(0, 500);
    Result off = e2e::flowdex({"fields", "--parsers", dir.file("p"), "-o", "disablePython=true"});
    EXPECT_EQ(off.out.find("myproto.user"), std::string::npos);
}

}  // namespace arkime_module_test
}  // namespace flowdex::pytest
