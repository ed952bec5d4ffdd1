// IS-IS: every PDU type of the lumped isis session lands in isis.msgType, under Arkime's names; a
// PDU too short for a type is err-len-N; the record's ethertype is the first frame's 802.3 length.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace isis_test {

/// An 802.3 frame with OSI LLC (fe fe 03), NLPID 0x83 and `pdu` after it.
Bytes isis_frame(const Bytes& pdu) {
    Bytes llc{0xfe, 0xfe, 0x03, 0x83};
    llc.insert(llc.end(), pdu.begin(), pdu.end());
    return eth(static_cast<uint16_t>(llc.size()), llc);
}

/// A PDU header: length indicator, version, ID length, type (high bits reserved), then padding.
Bytes pdu(uint8_t type) {
    return Bytes{0x1b, 0x01, 0x00, static_cast<uint8_t>(0xe0 | type), 0x01, 0x00, 0x00, 0x00};
}

nlohmann::json run(const std::vector<Bytes>& frames) {
    ProtocolHarness h;
    uint64_t t = kExchangeStart;
    for (const Bytes& f : frames)
        h.feed(f, t += 1000);
    h.table->flush_all();
    EXPECT_EQ(h.sink->saved.size(), 1u) << "every IS-IS frame belongs to one session";
    return h.sink->saved.empty() ? nlohmann::json() : h.sink->saved.front().json;
}

std::set<std::string> types_of(const nlohmann::json& j) {
    std::set<std::string> out;
    if (j.contains("isis") && j["isis"].contains("msgType"))
        for (const auto& v : j["isis"]["msgType"])
            out.insert(v.get<std::string>());
    return out;
}

TEST(Isis, MessageTypesByArkimeName) {
    const Bytes first = isis_frame(pdu(16));
    nlohmann::json j =
        run({first, isis_frame(pdu(20)), isis_frame(pdu(25)), isis_frame(pdu(15)), isis_frame(pdu(17)),
             isis_frame(pdu(18)), isis_frame(pdu(24)), isis_frame(pdu(26)), isis_frame(pdu(27)), isis_frame(pdu(20))});
    EXPECT_EQ(types_of(j), (std::set<std::string>{"lan-l1-hello", "lan-l2-hello", "p2p-hello", "l1-lsp", "l2-lsp",
                                                  "l1-csnp", "l2-csnp", "l1-psnp", "l2-psnp"}));
    EXPECT_TRUE(has_protocol(j, "isis")) << j.dump();
    // The first frame's 802.3 length (LLC + PDU), not the NLPID the session is keyed by.
    EXPECT_EQ(j["ethertype"], first[12] << 8 | first[13]);
    EXPECT_FALSE(j.contains("srcPayload8")) << "IS-IS payload is not data";
}

TEST(Isis, UnknownAndShortPdus) {
    nlohmann::json j = run({isis_frame(pdu(5)), isis_frame(Bytes{0x1b, 0x01, 0x00})});
    EXPECT_EQ(types_of(j), (std::set<std::string>{"unk-5", "err-len-3"}));
}

TEST(Isis, OtherNlpidsFillNothing) {
    // ES-IS (NLPID 0x82) stays a corrupt-ether session: no isis fields.
    Bytes llc{0xfe, 0xfe, 0x03, 0x82, 0x1b, 0x01, 0x00, 0x10};
    nlohmann::json j = run({eth(static_cast<uint16_t>(llc.size()), llc)});
    EXPECT_TRUE(types_of(j).empty());
    EXPECT_FALSE(has_protocol(j, "isis"));
}

TEST(Isis, EveryPrefixOfEachPdu) {
    for (int type : {15, 20, 24}) {
        const Bytes p = pdu(static_cast<uint8_t>(type));
        // A PDU too short to have a type is named err-len-<n> (as Arkime does): checked, then set aside.
        every_prefix_of(std::string(p.begin(), p.end()), "isis", [](const std::string& cut) {
            nlohmann::json j = run({isis_frame(Bytes(cut.begin(), cut.end()))});
            if (cut.size() < 4 && j.contains("isis")) {
                EXPECT_EQ(j["isis"]["msgType"], nlohmann::json({"err-len-" + std::to_string(cut.size())}));
                j.erase("isis");
            }
            return j;
        });
    }
}

}  // namespace isis_test
}  // namespace flowdex::session::test
