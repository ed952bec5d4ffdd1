// The `arkime_packet` module: ethertype and IP-protocol callbacks that strip a private header and
// re-enter decoding (tests/python/captures/wrapped.pcap), packet get/set, return codes.
#include "python/py_util.h"

namespace flowdex::pytest {
namespace packet_module_test {

constexpr const char* kFields =
    "['copied', 'direction', 'etherOffset', 'ipOffset', 'ipProtocol', 'mProtocol', 'outerEtherOffset', "
    "'outerIpOffset', 'outerv6', 'payloadLen', 'payloadOffset', 'pktlen', 'readerFilePos', 'readerPos', "
    "'tunnel', 'v6', 'vlan', 'vni', 'wasfrag', 'writerFileNum', 'writerFilePos']";

TEST(PythonPacket, CallbacksStripAHeaderAndDecodeOn) {
    ScriptRun run = run_script(std::string(R"(import arkime, arkime_packet as p
FIELDS = )") + kFields + R"(
first = [True]
def eth(batch, packet, b, n):
    if first[0]:
        first[0] = False
        vals = {f: p.get(packet, f) for f in FIELDS}
        print("GET", [f for f in FIELDS if not isinstance(vals[f], int)], vals["pktlen"], n, vals["etherOffset"],
              vals["readerFilePos"], vals["readerPos"])
        for f, v in [("payloadLen", 10**6), ("etherOffset", 10**6), ("nosuch", 1), ("vlan", -1), ("ipOffset", 1)]:
            try:
                p.set(packet, f, v)
                print("SET ok", f)
            except ValueError:
                print("SET ValueError", f)
        try:
            p.set(packet, "vlan", "x")
        except TypeError:
            print("SET TypeError")
        p.set(packet, "tunnel", 0)
        p.set(packet, "vni", 7)
        print("VNI", p.get(packet, "vni"), "UNKNOWN", p.get(packet, "nosuch"))
        print("RC unknown ether", p.run_ethernet_cb(batch, packet, b, 0x1234, "none"))
        rc = p.run_ethernet_cb(batch, packet, b[18:], 0, "wrap")
        print("RC", rc, p.get(packet, "ipProtocol"), p.get(packet, "etherOffset"), p.get(packet, "outerEtherOffset"),
              p.get(packet, "ipOffset"), p.get(packet, "payloadOffset"), p.get(packet, "v6"))
        return rc
    return p.run_ethernet_cb(batch, packet, b[18:], 0, "wrap")
def ipcb(batch, packet, b, n):
    print("IP", n, bytes(b[:4]), p.get(packet, "ipProtocol"), "unknown ip", p.run_ip_cb(batch, packet, b[4:], 254, "x"))
    return p.run_ethernet_cb(batch, packet, b[4:], 0x0800, "ipwrap")
p.set_ethernet_cb(0xff12, eth)
p.set_ip_cb(253, ipcb)
)",
                               {"wrapped"});
    EXPECT_CLEAN(run);
    EXPECT_TRUE(run.has_line("GET [] 86 72 0 24 0")) << run.r.out;
    for (const char* f : {"payloadLen", "etherOffset", "nosuch", "vlan", "ipOffset"})
        EXPECT_TRUE(run.has_line(std::string("SET ValueError ") + f)) << f << "\n" << run.r.out;
    EXPECT_TRUE(run.has_line("SET TypeError"));
    EXPECT_TRUE(run.has_line("VNI 7 UNKNOWN None"));
    EXPECT_TRUE(run.has_line("RC unknown ether 4"));
    // Inner Ethernet at 14 + 18 = 32, IPv4 at 46, TCP (20 bytes) payload at 86.
    EXPECT_TRUE(run.has_line("RC 0 6 32 0 46 86 0")) << run.r.out;
    EXPECT_EQ(run.count_prefix("IP 36 b'\\xca\\xfe\\x00\\x04' 253 unknown ip 5"), 2u) << run.r.out;
    // The records are the inner flows: no unknown-ip session on the outer pair is left.
    ASSERT_EQ(run.records.size(), 2u);
    const nlohmann::json* tcp = run.record_to_port(80);
    ASSERT_TRUE(tcp);
    EXPECT_EQ((*tcp)["source"]["ip"], "10.2.0.1");
    EXPECT_EQ((*tcp)["network"]["packets"], 8);
    const nlohmann::json* udp = run.record_to_port(6001);
    ASSERT_TRUE(udp);
    EXPECT_EQ((*udp)["source"]["ip"], "10.3.0.1");
    EXPECT_EQ((*udp)["source"]["packets"], 2);
}

TEST(PythonPacket, ArkimeCorpusPacketCallbackCapture) {
    // Arkime's python-packet-cb.pcap: IPv4 right after the private ethertype 0x88b5. Without a
    // script it is one unknown-ether session; with the callback it is a UDP session.
    std::string pcap = (e2e::kCorpusDir / "python-packet-cb.pcap").string();
    if (!std::filesystem::exists(pcap)) GTEST_SKIP() << "no Arkime corpus";
    TempDir dir;
    std::filesystem::create_directories(dir.path() / "p");
    e2e::write_file(dir.file("p/cb.py"), R"(import arkime_packet
def cb(batch, packet, b, n):
    return arkime_packet.run_ethernet_cb(batch, packet, b, 0x0800, "python-packet-cb")
arkime_packet.set_ethernet_cb(0x88b5, cb)
)");
    Result with = e2e::flowdex({"capture", "-q", "--no-db", "--json", "-", "-r", pcap, "--parsers", dir.file("p")});
    ASSERT_EQ(with.exitCode, 0) << with.describe();
    auto lines = e2e::split_lines(with.out);
    ASSERT_EQ(lines.size(), 1u) << with.out;
    auto r = nlohmann::json::parse(lines[0]);
    EXPECT_EQ(r["protocol"], nlohmann::json::array({"udp"}));
    EXPECT_EQ(r["source"]["ip"], "10.0.0.1");
    EXPECT_EQ(r["source"]["port"], 12345);
    EXPECT_EQ(r["network"]["packets"], 4);
    Result without = e2e::flowdex({"capture", "-q", "--no-db", "--json", "-", "-r", pcap});
    ASSERT_EQ(without.exitCode, 0) << without.describe();
    EXPECT_NE(without.out.find("unknown-ether"), std::string::npos);
}

TEST(PythonPacket, ReplacingABuiltInHandlerIsLogged) {
    ScriptRun run = run_script(R"(import arkime_packet as p
def v4(batch, packet, b, n):
    print("V4", n)
    return p.DONT_PROCESS
p.set_ethernet_cb(0x0800, v4)
)",
                               {"tcp_udp"});
    EXPECT_CLEAN(run);
    EXPECT_NE(run.r.err.find("ethertype 0x800: handler 'ipv4' replaced by"), std::string::npos) << run.r.err;
    EXPECT_EQ(run.count_prefix("V4 "), 21u);
    EXPECT_TRUE(run.records.empty());  // every packet was dropped by the script
}

TEST(PythonPacket, ReturnCodesAndNonIntResults) {
    // DO_PROCESS without decoding drops the packet; a non-int or an exception counts as DO_PROCESS.
    ScriptRun run = run_script(R"(import arkime_packet as p
calls = [0]
def eth(batch, packet, b, n):
    calls[0] += 1
    if calls[0] == 1:
        return "not an int"
    if calls[0] == 2:
        raise KeyError("no")
    if calls[0] == 3:
        return 10**40
    return p.run_ethernet_cb(batch, packet, b[18:], 0, "x")
p.set_ethernet_cb(0xff12, eth)
)",
                               {"wrapped"});
    EXPECT_CLEAN(run);
    ASSERT_EQ(run.records.size(), 2u);
    const nlohmann::json* tcp = run.record_to_port(80);
    ASSERT_TRUE(tcp);
    EXPECT_EQ((*tcp)["network"]["packets"], 5);  // the first three frames were not decoded
    EXPECT_NE(run.r.err.find("t.py: 1 callback errors"), std::string::npos) << run.r.err;
}

}  // namespace packet_module_test
}  // namespace flowdex::pytest
