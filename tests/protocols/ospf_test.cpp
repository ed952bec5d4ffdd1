// OSPF (IP protocol 89): the common header of each packet → ospf.msgType / routerId / areaId and the
// authentication tags, reached through the IP-protocol classifier seam.
#include "protocols/ospf/ospf.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"
#include "session/session_harness.h"

namespace flowdex::session::test {
namespace ospf_test {

/// An OSPF header: version, type, router id, area id, then `rest` (for v2: checksum, auth type, …).
Bytes ospf_packet(uint8_t version, uint8_t type, std::vector<uint8_t> router, std::vector<uint8_t> area,
                  std::vector<uint8_t> rest = {}) {
    Bytes b = {version, type, 0, 0};
    b.insert(b.end(), router.begin(), router.end());
    b.insert(b.end(), area.begin(), area.end());
    b.insert(b.end(), rest.begin(), rest.end());
    const size_t n = b.size();
    b[2] = static_cast<uint8_t>(n >> 8);
    b[3] = static_cast<uint8_t>(n);
    return b;
}

Bytes ospf_frame(const Bytes& payload) {
    return eth(0x0800, ipv4(ip4(10, 0, 21, 100), ip4(224, 0, 0, 5), protocols::ospf::kIpProtocol, payload));
}

/// The record of the one OSPF session after feeding `payloads` (one packet each).
nlohmann::json run(const std::vector<Bytes>& payloads) {
    Harness h;
    protocols::Registries r{h.registry, h.classifiers, h.hooks};
    protocols::register_ospf(r);
    h.start();
    uint64_t t = 1000 * kSec;
    for (const Bytes& p : payloads)
        h.feed(ospf_frame(p), t += kSec);
    h.table->flush_all();
    EXPECT_EQ(h.sink->saved.size(), 1u);
    return h.sink->saved.empty() ? nlohmann::json() : h.sink->saved.back().json;
}

const std::vector<uint8_t> kAuthNull = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};  // checksum, autype 0, auth
const std::vector<uint8_t> kAuthSimple = {0, 0, 0, 1, 'p', 'a', 's', 's', 0, 0, 0, 0};

TEST(Ospf, HeaderFieldsAndAuthTag) {
    const nlohmann::json j = run({ospf_packet(2, 1, {10, 0, 21, 100}, {0, 0, 0, 0}, kAuthNull),
                                  ospf_packet(2, 2, {10, 0, 21, 100}, {0, 0, 0, 0}, kAuthNull),
                                  ospf_packet(2, 4, {10, 0, 21, 1}, {0, 0, 0, 7}, kAuthSimple)});
    EXPECT_EQ(j["protocol"], nlohmann::json::array({"ospf"}));
    EXPECT_EQ(j["ospf"]["msgType"], nlohmann::json({"Hello", "DBDesc", "LSUpdate"}));
    EXPECT_EQ(j["ospf"]["routerId"], nlohmann::json({"10.0.21.100", "10.0.21.1"}));
    EXPECT_EQ(j["ospf"]["areaId"], nlohmann::json({"0.0.0.0", "0.0.0.7"}));
    ASSERT_TRUE(j.contains("tags"));
    EXPECT_NE(std::find(j["tags"].begin(), j["tags"].end(), "ospf:auth-null"), j["tags"].end()) << j["tags"];
    EXPECT_NE(std::find(j["tags"].begin(), j["tags"].end(), "ospf:auth-simple"), j["tags"].end()) << j["tags"];
    // IP-protocol payload is not data: no data bytes, no payload8.
    EXPECT_EQ(j["totDataBytes"], 0);
    EXPECT_FALSE(j.contains("srcPayload8"));
}

TEST(Ospf, Version3UnknownTypesAndOnlyTheFirstPackets) {
    std::vector<Bytes> packets = {ospf_packet(3, 5, {1, 1, 1, 1}, {0, 0, 0, 1}),
                                  ospf_packet(3, 9, {1, 1, 1, 1}, {0, 0, 0, 1})};
    for (uint64_t i = packets.size(); i < protocols::ospf::kMaxPackets; ++i)
        packets.push_back(ospf_packet(3, 1, {1, 1, 1, 1}, {0, 0, 0, 1}));
    packets.push_back(ospf_packet(3, 3, {2, 2, 2, 2}, {0, 0, 0, 1}));  // past the packets read
    const nlohmann::json j = run(packets);
    EXPECT_EQ(j["ospf"]["msgType"], nlohmann::json({"LSAck", "unk-9", "Hello"}));
    EXPECT_EQ(j["ospf"]["routerId"], nlohmann::json::array({"1.1.1.1"}));
    EXPECT_FALSE(j.contains("tags")) << j["tags"];  // v3 has no authentication type
}

TEST(Ospf, ShortOrForeignPacketsFillNothing) {
    const Bytes header = ospf_packet(2, 1, {10, 0, 0, 1}, {0, 0, 0, 0}, kAuthNull);
    std::vector<Bytes> packets;
    for (size_t n = 1; n < protocols::ospf::kMinHeader; ++n)
        packets.push_back(Bytes(header.begin(), header.begin() + static_cast<long>(n)));
    packets.push_back(ospf_packet(1, 1, {9, 9, 9, 9}, {0, 0, 0, 0}));  // version 1
    packets.push_back(ospf_packet(4, 1, {9, 9, 9, 9}, {0, 0, 0, 0}));  // version 4
    const nlohmann::json j = run(packets);
    EXPECT_EQ(j["protocol"], nlohmann::json::array({"ospf"}));
    EXPECT_FALSE(j.contains("ospf")) << j["ospf"];
    // A 12..15-byte v2 header has fields but no authentication type to tag.
    const nlohmann::json k = run({Bytes(header.begin(), header.begin() + 14)});
    EXPECT_EQ(k["ospf"]["msgType"], nlohmann::json::array({"Hello"}));
    EXPECT_FALSE(k.contains("tags")) << k["tags"];
}

TEST(Ospf, EveryPrefixOfEachPacket) {
    for (const Bytes& p : {ospf_packet(2, 1, {10, 0, 21, 100}, {0, 0, 0, 0}, kAuthSimple),
                           ospf_packet(3, 4, {10, 0, 21, 1}, {0, 0, 0, 7}, {0, 0, 0, 0})})
        every_prefix_of(std::string(p.begin(), p.end()), "ospf",
                        [](const std::string& cut) { return run({Bytes(cut.begin(), cut.end())}); });
}

}  // namespace ospf_test
}  // namespace flowdex::session::test
