// Where scripts come from (parsersDir, plugins/pluginsDir, --parsers, disablePython) and
// packetThreads=2.
#include "python/py_util.h"

namespace flowdex::pytest {
namespace loading_test {

void script(const TempDir& d, const std::string& rel, const std::string& text) {
    std::filesystem::create_directories((d.path() / rel).parent_path());
    e2e::write_file(d.file(rel), text);
}

TEST(PythonLoading, ParsersDirPluginsAndOrder) {
    TempDir d;
    script(d, "one/b.py", "print('b1')\n");
    script(d, "one/a.py", "print('a1', __name__)\n");
    script(d, "one/.hidden.py", "print('hidden')\n");
    script(d, "one/notes.txt", "print('txt')\n");
    script(d, "two/a.py", "print('a2')\n");
    script(d, "two/c.py", "print('c2')\n");
    script(d, "plug/p.py", "print('p')\n");
    std::vector<std::string> base{"capture",
                                  "-q",
                                  "--no-db",
                                  "-r",
                                  capture("sctp"),
                                  "-o",
                                  "parsersDir=" + d.file("one") + ";" + d.file("two") + ";" + d.file("missing")};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> a = base;
        a.insert(a.end(), extra.begin(), extra.end());
        return e2e::flowdex(a);
    };
    Result r = with({"-o", "plugins=p.py;other.so", "-o", "pluginsDir=" + d.file("plug")});
    ASSERT_EQ(r.exitCode, 0) << r.describe();
    EXPECT_EQ(e2e::split_lines(r.out), (std::vector<std::string>{"a1 __main__", "b1", "c2", "p"}));

    Result cli = with({"--parsers", d.file("two")});  // --parsers comes first: two/a.py wins
    ASSERT_EQ(cli.exitCode, 0) << cli.describe();
    EXPECT_EQ(e2e::split_lines(cli.out), (std::vector<std::string>{"a2", "c2", "b1"}));

    Result off = with({"-o", "disablePython=true", "--parsers", d.file("two")});
    ASSERT_EQ(off.exitCode, 0) << off.describe();
    EXPECT_EQ(off.out, "");

    Result noDir = with({"--parsers", d.file("typo")});
    EXPECT_EQ(noDir.exitCode, 2) << noDir.describe();
    EXPECT_NE(noDir.err.find("typo: not a directory"), std::string::npos) << noDir.err;

    Result missing = with({"-o", "plugins=nope.py", "-o", "pluginsDir=" + d.file("plug")});
    EXPECT_EQ(missing.exitCode, 2) << missing.describe();
    EXPECT_NE(missing.err.find("nope.py"), std::string::npos) << missing.err;
}

TEST(PythonLoading, EachScriptHasItsOwnGlobals) {
    TempDir d;
    script(d, "p/a.py",
           "import arkime\nname = 'a'\ndef cb(s, b, n, w):\n    print('cb of', name)\n"
           "arkime.register_udp_classifier('a', 0, b'Q', cb)\n");
    script(d, "p/b.py", "name = 'b'\nprint('b sees', name)\n");
    Result r = e2e::flowdex({"capture", "-q", "--no-db", "-r", capture("tcp_udp"), "--parsers", d.file("p")});
    ASSERT_EQ(r.exitCode, 0) << r.describe();
    EXPECT_EQ(e2e::split_lines(r.out), (std::vector<std::string>{"b sees b", "cb of a"}));
}

TEST(PythonLoading, AScriptsOwnPythonThreadRunsAndTheCaptureEnds) {
    // One packet thread keeps the GIL between callbacks only while no other Python thread exists.
    for (const char* threads : {"packetThreads=1", "packetThreads=2"}) {
        ScriptRun run = run_script(R"(import arkime, atexit, queue, threading
q = queue.Queue()
seen = []
def worker():
    while True:
        item = q.get()
        if item is None:
            break
        seen.append(item)
t = threading.Thread(target=worker, daemon=True)
t.start()
def classify(session, b, n, which):
    q.put(n)
def done():
    q.put(None)
    t.join()
    print("SEEN", sorted(seen))
atexit.register(done)
arkime.register_tcp_classifier("all", 0, b"", classify)
)",
                                   {"tcp_udp"}, {"-o", threads});
        EXPECT_CLEAN(run);
        EXPECT_EQ(run.lines, (std::vector<std::string>{"SEEN [4, 8, 11]"})) << threads;
    }
}

TEST(PythonLoading, TwoPacketThreadsGiveTheSameCallbacksAndRecords) {
    const std::string text = R"(import arkime, arkime_session as s, arkime_packet as p
import sys
count = arkime.field_define("test.calls", "kind:integer;db:test.calls")
def out(*a):
    sys.stdout.write(" ".join(str(x) for x in a) + "\n")  # one write: lines from two threads stay whole
def parser(session, b, n, which):
    s.set_attr(session, "calls", (s.get_attr(session, "calls") or 0) + 1)
    return 0
def classify(session, b, n, which):
    out("C", s.get(session, "ip.src"), s.get(session, "port.src"), s.get(session, "port.dst"), n, which)
    s.register_parser(session, parser)
def save(session, final):
    s.add_int(session, count, s.get_attr(session, "calls") or 0)
    out("S", s.get(session, "ip.src"), s.get(session, "port.dst"), final, s.get_attr(session, "calls"))
def eth(batch, packet, b, n):
    return p.run_ethernet_cb(batch, packet, b[18:], 0, "x")
arkime.register_tcp_classifier("all", 0, b"", classify)
arkime.register_udp_classifier("all", 0, b"", classify)
arkime.register_save(save)
p.set_ethernet_cb(0xff12, eth)
)";
    ScriptRun one = run_script(text, {"tcp_udp", "wrapped", "sctp"});
    ScriptRun two = run_script(text, {"tcp_udp", "wrapped", "sctp"}, {"-o", "packetThreads=2"});
    EXPECT_CLEAN(one);
    EXPECT_CLEAN(two);
    auto sorted = [](std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    EXPECT_EQ(sorted(one.lines), sorted(two.lines));
    EXPECT_EQ(one.count_prefix("S "), 7u);
    EXPECT_TRUE(one.has_line("S 10.1.0.1 8080 1 5"));  // two parsers (one per direction's classify)
    auto calls = [](const ScriptRun& r) {
        std::vector<std::string> v;
        for (const auto& rec : r.records)
            v.push_back(rec["source"].value("ip", "") + ":" + std::to_string(rec["source"].value("port", 0)) + "=" +
                        (rec.contains("test") ? rec["test"]["calls"].dump() : "-"));
        std::sort(v.begin(), v.end());
        return v;
    };
    EXPECT_EQ(calls(one), calls(two));
}

}  // namespace loading_test
}  // namespace flowdex::pytest
