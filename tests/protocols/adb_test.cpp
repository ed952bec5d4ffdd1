// ADB transport and smart-socket requests: the adb.* fields whatever the segmentation; STLS hands
// the session to TLS; malformed headers end the parser without junk.
#include "protocols/adb/adb.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "exchange.h"

namespace flowdex::session::test {
namespace adb_test {

using namespace std::string_literals;

std::string le32(uint32_t v) {
    return std::string{static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff),
                       static_cast<char>((v >> 16) & 0xff), static_cast<char>(v >> 24)};
}
/// One transport message: header (command, args, length, checksum, magic) and data.
std::string msg(const char* c, uint32_t a0, uint32_t a1, const std::string& data = "") {
    uint32_t cmd = uint32_t(uint8_t(c[0])) | uint32_t(uint8_t(c[1])) << 8 | uint32_t(uint8_t(c[2])) << 16 |
                   uint32_t(uint8_t(c[3])) << 24;
    uint32_t sum = 0;
    for (char ch : data)
        sum += uint8_t(ch);
    return std::string(c, 4) + le32(a0) + le32(a1) + le32(uint32_t(data.size())) + le32(sum) + le32(~cmd) + data;
}

std::vector<std::string> strs(const nlohmann::json& j, const char* a, const char* b) {
    std::vector<std::string> out;
    // "sync.operation" is stored nested: adb → sync → operation
    std::string key(b);
    const nlohmann::json* node = j.contains(a) ? &j[a] : nullptr;
    if (node && key.find('.') != std::string::npos) {
        std::string head = key.substr(0, key.find('.'));
        node = node->contains(head) ? &(*node)[head] : nullptr;
        key = key.substr(key.find('.') + 1);
    }
    if (node && node->contains(key))
        for (const auto& v : (*node)[key])
            out.push_back(v.get<std::string>());
    std::sort(out.begin(), out.end());
    return out;
}

const std::vector<Msg> kShell = {
    {0, msg("CNXN", 0x01000001, 262144, "host::\0"s)},
    {1, msg("AUTH", 1, 0, std::string(20, 'A'))},
    {0, msg("AUTH", 2, 0, std::string(32, 'S'))},
    {1, msg("CNXN", 0x01000001, 4096, "device:SER1:features=shell_v2\0"s)},
    {0, msg("OPEN", 1, 0, "shell,v2,pty:ls\0"s)},
    {1, msg("OKAY", 7, 1) + msg("WRTE", 7, 1, "\x01\x03\0\0\0ab\n"s) + msg("WRTE", 7, 1, "\x03\x01\0\0\0\x2a"s)},
    {0, msg("OKAY", 1, 7) + msg("CLSE", 1, 7)},
};

void expect_shell(const nlohmann::json& j) {
    EXPECT_EQ(strs(j, "adb", "command"), (std::vector<std::string>{"auth", "clse", "cnxn", "okay", "open", "wrte"}));
    EXPECT_EQ(strs(j, "adb", "version"), (std::vector<std::string>{"0x01000001"}));
    EXPECT_EQ(strs(j, "adb", "maxpayload"), (std::vector<std::string>{"262144", "4096"}));
    EXPECT_EQ(strs(j, "adb", "systemtype"), (std::vector<std::string>{"device", "host"}));
    EXPECT_EQ(strs(j, "adb", "serial"), (std::vector<std::string>{"SER1"}));
    EXPECT_EQ(strs(j, "adb", "authtype"), (std::vector<std::string>{"signature", "token"}));
    EXPECT_EQ(strs(j, "adb", "service"), (std::vector<std::string>{"shell"}));
    EXPECT_EQ(strs(j, "adb", "streamid"), (std::vector<std::string>{"1", "1-7", "7-1"}));
    EXPECT_EQ(strs(j, "adb", "shell.exitcode"), (std::vector<std::string>{"42"}));
}

TEST(Adb, ShellSession) {
    nlohmann::json j = tcp_exchange(5555, kShell);
    EXPECT_TRUE(has_protocol(j, "adb"));
    expect_shell(j);
}

TEST(Adb, ShellSessionSplitAnywhere) {
    for (size_t m : {3u, 5u})
        for (const auto& v : splits_of(kShell, m))
            expect_shell(tcp_exchange(5555, v));
    expect_shell(tcp_exchange(5555, bytewise_after_first(kShell)));
}

TEST(Adb, SyncAndForward) {
    const std::string req = "STAT"s + le32(4) + "/a/b" + "SEND"s + le32(8) + "/up,0644" + "DATA"s + le32(3) + "xyz" +
                            "DONE"s + le32(0) + "QUIT"s + le32(0);
    nlohmann::json j = tcp_exchange(5555, {{0, msg("CNXN", 0x01000000, 4096, "host::\0"s)},
                                           {1, msg("CNXN", 0x01000000, 4096, "device::\0"s)},
                                           {0, msg("OPEN", 3, 0, "sync:\0"s)},
                                           {1, msg("OKAY", 9, 3)},
                                           {0, msg("WRTE", 3, 9, req)},
                                           {1, msg("WRTE", 9, 3, "FAIL"s + le32(2) + "no")},
                                           {0, msg("OPEN", 5, 0, "reverse:forward:tcp:1;tcp:2\0"s)},
                                           {0, msg("OPEN", 6, 0, "forward:norebind:tcp:3;tcp:4\0"s)}});
    EXPECT_EQ(strs(j, "adb", "sync.operation"),
              (std::vector<std::string>{"DATA", "DONE", "FAIL", "QUIT", "SEND", "STAT"}));
    EXPECT_EQ(strs(j, "adb", "sync.path"), (std::vector<std::string>{"/a/b", "/up"}));
    EXPECT_EQ(strs(j, "adb", "service"), (std::vector<std::string>{"forward", "reverse", "sync"}));
    EXPECT_EQ(strs(j, "adb", "forward.direction"), (std::vector<std::string>{"forward", "reverse"}));
    EXPECT_EQ(strs(j, "adb", "forward.local"), (std::vector<std::string>{"tcp:1", "tcp:3"}));
    EXPECT_EQ(strs(j, "adb", "forward.remote"), (std::vector<std::string>{"tcp:2", "tcp:4"}));
    EXPECT_TRUE(strs(j, "adb", "serial").empty());
}

TEST(Adb, SmartSocketRequests) {
    const std::vector<Msg> msgs = {{0, "000chost:version001chost:forward:tcp:8080;tcp:80"}};
    for (const auto& m : {msgs, bytewise_after_first(msgs)}) {
        nlohmann::json j = tcp_exchange(5037, m);
        EXPECT_EQ(strs(j, "adb", "service"), (std::vector<std::string>{"host"}));
        EXPECT_EQ(strs(j, "adb", "forward.local"), (std::vector<std::string>{"tcp:8080"}));
        EXPECT_EQ(strs(j, "adb", "forward.remote"), (std::vector<std::string>{"tcp:80"}));
    }
}

TEST(Adb, StlsHandsOverToTls) {
    // A TLS 1.2 ClientHello with one cipher suite and no extensions.
    std::string hello = "\x03\x03"s + std::string(32, 'r') + "\x00"s + "\x00\x02\xc0\x2f"s + "\x01\x00"s;
    std::string hs = "\x01"s + "\x00"s + static_cast<char>(hello.size() >> 8) + static_cast<char>(hello.size()) + hello;
    std::string rec = "\x16\x03\x01"s + static_cast<char>(hs.size() >> 8) + static_cast<char>(hs.size()) + hs;
    nlohmann::json j = tcp_exchange(5555, {{0, msg("CNXN", 0x01000001, 4096, "host::\0"s)},
                                           {1, msg("CNXN", 0x01000001, 4096, "device:X:\0"s)},
                                           {0, msg("STLS", 0x01000000, 0)},
                                           {1, msg("STLS", 0x01000000, 0)},
                                           {0, rec}});
    EXPECT_TRUE(has_protocol(j, "tls"));
    EXPECT_EQ(strs(j, "adb", "command"), (std::vector<std::string>{"cnxn", "stls"}));
}

TEST(Adb, MalformedNoJunk) {
    std::string bad = msg("CNXN", 1, 2, "host::\0"s);
    bad[20] ^= 1;  // magic no longer ~command
    nlohmann::json j = tcp_exchange(5555, {{0, bad}, {1, msg("CNXN", 0x01000001, 4096, "device::\0"s).substr(0, 30)}});
    EXPECT_TRUE(strs(j, "adb", "version").empty());
    EXPECT_TRUE(strs(j, "adb", "systemtype").empty());
    // A huge declared length is skipped without being kept, and a truncated sync request is ignored.
    std::string big = msg("WRTE", 1, 2);
    big.replace(12, 4, le32(1u << 30));
    nlohmann::json k = tcp_exchange(5555, {{0, msg("CNXN", 0x01000001, 4096, "host::\0"s)},
                                           {0, msg("OPEN", 1, 0, "sync:\0"s)},
                                           {1, msg("OKAY", 2, 1)},
                                           {0, msg("WRTE", 1, 2, "STAT"s + le32(100) + "/x")},
                                           {0, big + std::string(5000, 'z')}});
    EXPECT_EQ(strs(k, "adb", "sync.operation"), (std::vector<std::string>{"STAT"}));
    EXPECT_TRUE(strs(k, "adb", "sync.path").empty());
}

TEST(Adb, ParserBudget) {
    // Room for every message but the client's AUTH (a message is held whole, header and data): the
    // client direction ends there; its CNXN and the server's direction are read.
    const uint32_t budget = static_cast<uint32_t>(kShell[2].bytes.size() - 1);
    for (size_t i : {0, 1, 3})
        ASSERT_LE(kShell[i].bytes.size(), budget) << i;
    BudgetRun small = budget_exchange(5555, kShell, budget);
    EXPECT_TRUE(has_protocol(small.record, "adb"));
    EXPECT_EQ(strs(small.record, "adb", "command"), (std::vector<std::string>{"auth", "cnxn", "okay", "wrte"}));
    EXPECT_EQ(strs(small.record, "adb", "authtype"), (std::vector<std::string>{"token"}));
    EXPECT_EQ(strs(small.record, "adb", "systemtype"), (std::vector<std::string>{"device", "host"}));
    EXPECT_EQ(strs(small.record, "adb", "service"), std::vector<std::string>{});
    EXPECT_EQ(strs(small.record, "adb", "shell.exitcode"), std::vector<std::string>{});
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    // Room for the AUTH: the record of an exchange without a budget.
    BudgetRun enough = budget_exchange(5555, kShell, budget + 1);
    expect_shell(enough.record);
    EXPECT_EQ(enough.record["adb"], tcp_exchange(5555, kShell)["adb"]);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Adb, StreamCutAnywhere) {
    every_tcp_truncation(5555, kShell);
}

}  // namespace adb_test
}  // namespace flowdex::session::test
