// OUI enrichment: the manuf parser (prefix lengths, names, comments, bad lines), longest-prefix
// lookups, the save hook filling srcOui/dstOui/arp.oui from the session's MACs, and start-up errors.
#include "enrich/oui.h"

#include <gtest/gtest.h>

#include "e2e/e2e_util.h"
#include "session/session_harness.h"

namespace flowdex::session::test {
namespace oui_test {

const std::string kManuf =
    "# comment line\n"
    "00:00:0C\tCisco\tCisco Systems, Inc\n"
    "00:11:22\tCIMSYS\tCIMSYS Inc\n"
    "00:1B:C5\tIeeeReg\tIEEE Registration Authority\n"
    "00:1B:C5:00:00:00/36\tConverg\tConverging Systems Inc.\n"
    "00:1B:C5:10:00:00/28\tTwoEight\tTwenty Eight Ltd\r\n"
    "00:00:18\tWebsterC\tWebster Computer Corporation\t# Appletalk gateway\n"
    "00:00:2A\tShortOnly\n"
    "not-a-mac\tBad\tBad Entry\n"
    "00:11\tTooShort\tToo Short\n"
    "00:1B:C5:00:00:00/99\tBadLen\tBad Length\n"
    "\n";

TEST(Oui, ParsesManufLines) {
    const enrich::OuiTable t = enrich::OuiTable::parse(kManuf);
    EXPECT_EQ(t.size(), 7u);
    EXPECT_EQ(t.skipped_lines(), 3u);
    EXPECT_EQ(t.lookup("00:00:0c:12:34:56"), "Cisco Systems, Inc");
    EXPECT_EQ(t.lookup("00:11:22:33:44:55"), "CIMSYS Inc");
    EXPECT_EQ(t.lookup("00:00:18:00:00:01"), "Webster Computer Corporation") << "a trailing comment is not the name";
    EXPECT_EQ(t.lookup("00:00:2A:00:00:01"), "ShortOnly") << "the short name when there is no long one";
}

TEST(Oui, LongestPrefixWins) {
    const enrich::OuiTable t = enrich::OuiTable::parse(kManuf);
    EXPECT_EQ(t.lookup("00:1b:c5:00:00:0f"), "Converging Systems Inc.");      // /36
    EXPECT_EQ(t.lookup("00:1b:c5:1f:ff:ff"), "Twenty Eight Ltd");             // /28 (CR stripped)
    EXPECT_EQ(t.lookup("00:1b:c5:20:00:00"), "IEEE Registration Authority");  // /24
    EXPECT_EQ(t.lookup("00:1b:c5:00:10:00"), "IEEE Registration Authority") << "just outside the /36";
}

TEST(Oui, UnknownLocalAndMalformedGiveNothing) {
    const enrich::OuiTable t = enrich::OuiTable::parse(kManuf);
    EXPECT_EQ(t.lookup("00:99:99:00:00:00"), "");
    EXPECT_EQ(t.lookup("02:11:22:33:44:55"), "") << "locally administered";
    for (const char* bad : {"", "00:11:22", "00:11:22:33:44:5", "00:11:22:33:44:55:66", "zz:11:22:33:44:55"})
        EXPECT_EQ(t.lookup(bad), "") << bad;
}

TEST(Oui, SaveHookFillsVendorFields) {
    const enrich::OuiTable t = enrich::OuiTable::parse(kManuf);
    Harness h;
    protocols::Registries regs{h.registry, h.classifiers, h.hooks};
    enrich::register_oui(regs, t);
    h.start();
    const Mac cisco{0x00, 0x00, 0x0c, 0x01, 0x02, 0x03}, cimsys{0x00, 0x11, 0x22, 0x33, 0x44, 0x55},
        local{0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    const Ip4 a = ip4(10, 0, 0, 1), b = ip4(10, 0, 0, 2);
    h.feed(eth(0x0800, ipv4(a, b, 17, udp(1234, 9999, text("x"))), cimsys, cisco), 1 * kSec);
    h.feed(eth(0x0800, ipv4(b, a, 17, udp(9999, 1234, text("y"))), local, cimsys), 1 * kSec + 10);
    h.table->flush_all();
    const Saved* s = h.find_saved("10.0.0.1");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->json["srcOui"], nlohmann::json({"Cisco Systems, Inc"})) << s->json.dump();
    EXPECT_EQ(s->json["dstOui"], nlohmann::json({"CIMSYS Inc"}));
    EXPECT_EQ(s->json["srcOuiCnt"], 1);
}

TEST(Oui, SampleCaptureGetsVendorsFromTheDefaultFile) {
    if (!std::filesystem::exists(enrich::kDefaultOuiFile)) GTEST_SKIP() << "no " << enrich::kDefaultOuiFile;
    const enrich::OuiTable t = enrich::OuiTable::load(std::string(enrich::kDefaultOuiFile));
    EXPECT_GT(t.size(), 10000u);
    EXPECT_EQ(t.lookup("00:11:22:33:44:55"), "CIMSYS Inc");
}

TEST(Oui, BadFileIsAStartUpErrorNamingTheKey) {
    e2e::TempDir tmp;
    const std::string text = tmp.file("notmanuf.txt");
    e2e::write_file(text, "hello\nworld\n");
    for (const std::string& f : {tmp.file("missing"), text}) {
        e2e::Result r = e2e::flowdex({"capture", "--no-db", "-r", e2e::kSample, "-o", "ouiFile=" + f});
        EXPECT_EQ(r.exitCode, 2) << r.describe();
        EXPECT_EQ(e2e::split_lines(r.err).size(), 1u) << r.err;
        EXPECT_NE(r.err.find("ouiFile"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find(f), std::string::npos) << r.err;
    }
    // Empty turns enrichment off.
    e2e::Result r = e2e::flowdex({"capture", "--no-db", "-r", e2e::kSample, "-o", "ouiFile=", "--json", "-"});
    EXPECT_EQ(r.exitCode, 0) << r.describe();
    EXPECT_EQ(r.out.find("\"srcOui\""), std::string::npos);
}

}  // namespace oui_test
}  // namespace flowdex::session::test
