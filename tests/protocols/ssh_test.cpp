// SSH version exchange and key exchange: ssh.version, HASSH/HASSH-server and the host key,
// whatever the segmentation; malformed packets end the parser without junk.
#include "protocols/ssh/ssh.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "protocols/exchange.h"
#include "session/session_harness.h"

namespace flowdex::session::test {
namespace ssh_test {

using namespace std::string_literals;

constexpr uint64_t T0 = 1700000000 * kSec;

std::string be32(size_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>((v >> 16) & 0xff),
                       static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}
std::string str(const std::string& v) {
    return be32(v.size()) + v;
}
/// A binary packet around `payload` with 4 bytes of padding.
std::string packet(const std::string& payload) {
    return be32(payload.size() + 5) + "\x04"s + payload + "\0\0\0\0"s;
}
std::string kexinit(const std::string& enc, const std::string& mac) {
    std::string p = "\x14"s + std::string(16, 'c') + str("curve25519-sha256") + str("ssh-ed25519");
    p += str(enc) + str(enc) + str(mac) + str(mac) + str("none") + str("none") + str("") + str("");
    return packet(p + "\x00"s + be32(0));
}
std::string reply() {
    std::string blob = str("ssh-ed25519") + str(std::string(32, 'k'));
    return packet("\x1f"s + str(blob) + str(std::string(32, 'e')) + str("sig"));
}

nlohmann::json run(const std::vector<std::string>& client, const std::vector<std::string>& server) {
    Harness h;
    protocols::Registries regs{h.registry, h.classifiers, h.hooks};
    protocols::register_builtin_protocols(regs);
    h.start();
    TcpFlow f;
    f.sport = 22;
    uint64_t t = T0;
    h.feed(f.syn(), t += 1000);
    h.feed(f.synack(), t += 1000);
    h.feed(f.ack(), t += 1000);
    uint32_t off[2] = {0, 0};
    for (size_t i = 0; i < std::max(client.size(), server.size()); ++i) {
        if (i < server.size()) {
            h.feed(f.sdata(off[1], server[i]), t += 1000);
            off[1] += static_cast<uint32_t>(server[i].size());
        }
        if (i < client.size()) {
            h.feed(f.cdata(off[0], client[i]), t += 1000);
            off[0] += static_cast<uint32_t>(client[i].size());
        }
    }
    h.table->flush_all();
    const Saved* s = h.find_saved("10.0.0.1");
    EXPECT_NE(s, nullptr);
    return s ? s->json : nlohmann::json();
}

const std::string kClient = "SSH-2.0-OpenSSH_9.0\r\n"s + kexinit("aes128-ctr", "hmac-sha2-256");
const std::string kServer = "SSH-2.0-Test_1.0\r\n"s + kexinit("aes256-gcm@openssh.com", "hmac-sha1") + reply();

void expect_fields(const nlohmann::json& j) {
    ASSERT_TRUE(j.contains("ssh")) << j.dump();
    EXPECT_EQ(j["ssh"]["version"], nlohmann::json({"ssh-2.0-test_1.0", "ssh-2.0-openssh_9.0"}));
    // md5("curve25519-sha256;aes128-ctr;hmac-sha2-256;none") and the server's s2c equivalent.
    EXPECT_EQ(j["ssh"]["hassh"], nlohmann::json({"e97d07603350d1111ec2b64bf25413c9"}));
    EXPECT_EQ(j["ssh"]["hasshServer"], nlohmann::json({"6397e0621f35639d86e111219403523b"}));
    EXPECT_EQ(j["ssh"]["key"],
              nlohmann::json({"AAAAC3NzaC1lZDI1NTE5AAAAIGtra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tr"}));
}

TEST(Ssh, VersionsHasshAndKey) {
    expect_fields(run({kClient}, {kServer}));
}

/// The ssh object with its version list in a fixed order (the order follows which side spoke first).
nlohmann::json ssh_of(nlohmann::json j) {
    nlohmann::json o = j["ssh"];
    if (o.contains("version")) std::sort(o["version"].begin(), o["version"].end());
    return o;
}

TEST(Ssh, SplitAtEveryByte) {
    const nlohmann::json whole = ssh_of(run({kClient}, {kServer}));
    // The first payload must hold "SSH-" to be classified (as in Arkime); every later split works.
    for (size_t i = 4; i < kServer.size(); ++i)
        EXPECT_EQ(ssh_of(run({kClient}, {kServer.substr(0, i), kServer.substr(i)})), whole) << i;
    for (size_t i = 4; i < kClient.size(); ++i)
        EXPECT_EQ(ssh_of(run({kClient.substr(0, i), kClient.substr(i)}, {kServer})), whole) << i;
}

TEST(Ssh, MalformedPackets) {
    // A packet length far too large, a KEXINIT whose lists overrun it, a long identification line.
    nlohmann::json j =
        run({"SSH-2.0-c\r\n"s + be32(0x7fffffff) + "xxxx"s}, {"SSH-2.0-s\r\n"s + packet("\x14"s + "abc")});
    EXPECT_FALSE(j["ssh"].contains("hassh"));
    EXPECT_FALSE(j["ssh"].contains("hasshServer"));
    j = run({"SSH-" + std::string(1000, 'v') + "\r\n"}, {});
    EXPECT_FALSE(j.contains("ssh") && j["ssh"].contains("version"));
    for (size_t i = 0; i < kServer.size(); ++i) {
        std::string bad = kServer;
        bad[i] = static_cast<char>(bad[i] ^ 0x41);
        run({kClient}, {bad});
    }
}

TEST(Ssh, ParserBudget) {
    const std::string cIdent = "SSH-2.0-OpenSSH_9.0\r\n", sIdent = "SSH-2.0-Test_1.0\r\n";
    const std::string cKex = kexinit("aes128-ctr", "hmac-sha2-256");
    const std::string sKex = kexinit("aes256-gcm@openssh.com", "hmac-sha1");
    ASSERT_EQ(kClient, cIdent + cKex);
    ASSERT_EQ(kServer, sIdent + sKex + reply());
    // A direction holds one line or one packet at a time: room for the client's KEXINIT but not
    // the server's, so the server direction stops after its identification line.
    const uint32_t budget = static_cast<uint32_t>(cKex.size());
    ASSERT_GT(sKex.size(), budget);
    ASSERT_GT(budget, std::max(cIdent.size(), reply().size()));
    const std::vector<Msg> msgs{{1, kServer}, {0, kClient}};  // the server speaks first, as in run()
    BudgetRun small = budget_exchange(22, msgs, budget);
    EXPECT_TRUE(has_protocol(small.record, "ssh"));
    EXPECT_EQ(ssh_of(small.record)["version"], nlohmann::json({"ssh-2.0-openssh_9.0", "ssh-2.0-test_1.0"}));
    EXPECT_EQ(small.record["ssh"]["hassh"], nlohmann::json({"e97d07603350d1111ec2b64bf25413c9"}));
    EXPECT_FALSE(small.record["ssh"].contains("hasshServer"));
    EXPECT_FALSE(small.record["ssh"].contains("key"));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(22, msgs, static_cast<uint32_t>(sKex.size()));
    EXPECT_EQ(enough.record["ssh"], tcp_exchange(22, msgs)["ssh"]);
    expect_fields(enough.record);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Ssh, OneByteAtATime) {
    const nlohmann::json whole = ssh_of(run({kClient}, {kServer}));
    // The first payload of each direction holds "SSH-"; every later byte is a segment of its own.
    std::vector<std::string> client{kClient.substr(0, 4)}, server{kServer.substr(0, 4)};
    for (size_t i = 4; i < kClient.size(); ++i)
        client.push_back(kClient.substr(i, 1));
    for (size_t i = 4; i < kServer.size(); ++i)
        server.push_back(kServer.substr(i, 1));
    EXPECT_EQ(ssh_of(run(client, server)), whole);
}

TEST(Ssh, StreamCutAnywhere) {
    every_tcp_truncation(22, {{0, kClient}, {1, kServer}});
}

}  // namespace ssh_test
}  // namespace flowdex::session::test
