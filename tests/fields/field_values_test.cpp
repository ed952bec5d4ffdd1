#include "fields/field_values.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/json.h"
#include "fields/field_registry.h"

namespace flowdex::fields {
namespace field_values_test {

class FieldValuesTest : public ::testing::Test {
  protected:
    nlohmann::json emit() const {
        DocBuilder doc;
        vals.emit(reg, doc);
        std::string out;
        doc.finish(out);
        return nlohmann::json::parse(out);
    }
    int pos(const char* expr) const {
        const int p = reg.find(expr);
        EXPECT_GE(p, 0) << expr;
        return p;
    }
    FieldRegistry reg;
    FieldValues vals;
};

TEST_F(FieldValuesTest, IntSetDeDuplicates) {
    const int ttl = pos("ttl.src");
    EXPECT_EQ(vals.add_int_r(reg, ttl, 64), AddResult::Added);
    EXPECT_EQ(vals.add_int_r(reg, ttl, 64), AddResult::Duplicate);
    EXPECT_FALSE(vals.add_int(reg, ttl, 64));
    EXPECT_TRUE(vals.add_int(reg, ttl, 128));
    EXPECT_EQ(vals.count(ttl), 2u);
    ASSERT_NE(vals.ints(ttl), nullptr);
    EXPECT_EQ(*vals.ints(ttl), (std::vector<int64_t>{64, 128}));
    EXPECT_EQ(vals.strings(ttl), nullptr);
}

TEST_F(FieldValuesTest, SingleValuesOverwrite) {
    const int unit = pos("modbus.unitid");
    EXPECT_EQ(vals.add_int_r(reg, unit, 1), AddResult::Added);
    EXPECT_EQ(vals.add_int_r(reg, unit, 2), AddResult::Overwritten);
    EXPECT_TRUE(vals.add_int(reg, unit, 2));
    EXPECT_EQ(vals.count(unit), 1u);
    EXPECT_EQ(vals.ints(unit)->front(), 2);
    const int user = pos("mysql.user");  // lotermfield, single string
    EXPECT_EQ(vals.add_string_r(reg, user, "Root"), AddResult::Added);
    EXPECT_EQ(vals.add_string_r(reg, user, "ADMIN"), AddResult::Overwritten);
    EXPECT_EQ(vals.strings(user)->front(), "admin");
    EXPECT_EQ(vals.count(user), 1u);
}

TEST_F(FieldValuesTest, CasingFollowsKind) {
    const int host = pos("host.http");      // lotermfield
    const int cipher = pos("tls.cipher");   // uptermfield
    const int ua = pos("http.user-agent");  // termfield
    EXPECT_TRUE(vals.add_string(reg, host, "WWW.Example.COM"));
    EXPECT_FALSE(vals.add_string(reg, host, "www.example.com"));  // same after lower-casing
    EXPECT_TRUE(vals.add_string(reg, cipher, "tls_aes_128"));
    EXPECT_TRUE(vals.add_string(reg, ua, "MiXeD"));
    EXPECT_TRUE(vals.add_string(reg, ua, "mixed"));
    EXPECT_EQ(vals.strings(host)->front(), "www.example.com");
    EXPECT_EQ(vals.strings(cipher)->front(), "TLS_AES_128");
    EXPECT_EQ(*vals.strings(ua), (std::vector<std::string>{"MiXeD", "mixed"}));
}

TEST_F(FieldValuesTest, LongStringsAreTruncated) {
    const int uri = pos("http.uri");
    bool truncated = true;
    EXPECT_TRUE(vals.add_string(reg, uri, "short", &truncated));
    EXPECT_FALSE(truncated);
    const std::string big(kMaxFieldString + 100, 'a');
    EXPECT_TRUE(vals.add_string(reg, uri, big, &truncated));
    EXPECT_TRUE(truncated);
    EXPECT_EQ(vals.strings(uri)->back().size(), kMaxFieldString);
    // The cut value and a different tail past the limit are the same value.
    EXPECT_FALSE(vals.add_string(reg, uri, big + "zzz", &truncated));
    EXPECT_TRUE(truncated);
    EXPECT_EQ(vals.count(uri), 2u);
}

TEST_F(FieldValuesTest, StringListKeepsDuplicates) {
    const int hv = pos("email.has-header.value");
    EXPECT_TRUE(vals.add_string(reg, hv, "x"));
    EXPECT_TRUE(vals.add_string(reg, hv, "x"));
    EXPECT_EQ(vals.count(hv), 2u);
}

TEST_F(FieldValuesTest, WrongTypesAndBadFields) {
    const int status = pos("http.statuscode");
    const int host = pos("host.http");
    EXPECT_EQ(vals.add_string_r(reg, status, "200"), AddResult::WrongType);
    EXPECT_EQ(vals.add_int_r(reg, host, 5), AddResult::WrongType);
    EXPECT_EQ(vals.add_float_r(reg, status, 1.5), AddResult::WrongType);
    EXPECT_FALSE(vals.add_string(reg, status, "200"));
    EXPECT_EQ(vals.add_int_r(reg, -1, 1), AddResult::BadField);
    EXPECT_EQ(vals.add_int_r(reg, static_cast<int>(reg.size()), 1), AddResult::BadField);
    EXPECT_EQ(vals.add_string_r(reg, 100000, "x"), AddResult::BadField);
    EXPECT_EQ(vals.add_ip_r(reg, pos("ip.src"), "1.2.3.4"), AddResult::BadField);  // computed field
    EXPECT_EQ(vals.add_string_r(reg, pos("dns"), "x"), AddResult::BadField);       // object field
    EXPECT_EQ(vals.add_ip_r(reg, host, "1.2.3.4"), AddResult::WrongType);
    EXPECT_FALSE(vals.has(status));
    EXPECT_FALSE(vals.has(host));
}

TEST_F(FieldValuesTest, IpsAreCanonical) {
    const int outer = pos("outerip.src");
    EXPECT_EQ(vals.add_ip_r(reg, outer, "10.0.0.1"), AddResult::Added);
    EXPECT_EQ(vals.add_ip_r(reg, outer, "::ffff:10.0.0.1"), AddResult::Duplicate);
    EXPECT_EQ(vals.add_ip_r(reg, outer, "2001:DB8:0:0::1"), AddResult::Added);
    EXPECT_EQ(vals.add_string_r(reg, outer, "2001:db8::1"), AddResult::Duplicate);
    EXPECT_EQ(vals.add_ip_r(reg, outer, "not-an-ip"), AddResult::WrongType);
    EXPECT_EQ(vals.add_ip_r(reg, outer, ""), AddResult::WrongType);
    EXPECT_EQ(*vals.strings(outer), (std::vector<std::string>{"10.0.0.1", "2001:db8::1"}));
}

TEST_F(FieldValuesTest, FloatFields) {
    const int f = reg.define("test.float", "kind:float;db:test.float;count:true");
    ASSERT_GE(f, 0);
    EXPECT_TRUE(vals.add_float(reg, f, 1.5));
    EXPECT_FALSE(vals.add_float(reg, f, 1.5));
    EXPECT_TRUE(vals.add_int(reg, f, 2));  // integers are accepted by float fields
    EXPECT_EQ(*vals.floats(f), (std::vector<double>{1.5, 2.0}));
    const auto j = emit();
    EXPECT_EQ(j["test"]["float"], nlohmann::json({1.5, 2.0}));
    EXPECT_EQ(j["test"]["floatCnt"], 2);
}

TEST_F(FieldValuesTest, ClearNoLinkedKeepsOthers) {
    const int keep = reg.define("test.keep", "kind:termfield;db:test.keep");
    const int drop = reg.define("test.drop", "kind:integer;db:test.drop;nolinked:true");
    ASSERT_GE(keep, 0);
    ASSERT_GE(drop, 0);
    EXPECT_TRUE(vals.add_string(reg, keep, "a"));
    EXPECT_TRUE(vals.add_int(reg, drop, 7));
    vals.clear_nolinked(reg);
    EXPECT_TRUE(vals.has(keep));
    EXPECT_FALSE(vals.has(drop));
    EXPECT_EQ(vals.ints(drop), nullptr);
    EXPECT_TRUE(vals.add_int(reg, drop, 7));  // usable again, and not a duplicate of the cleared value
    vals.clear();
    EXPECT_FALSE(vals.has(keep));
    EXPECT_FALSE(vals.has(drop));
    EXPECT_TRUE(vals.positions().empty());
}

TEST_F(FieldValuesTest, EmitWritesNestedValuesAndCounts) {
    EXPECT_TRUE(vals.add_string(reg, pos("mac.src"), "00:11:22:33:44:55"));
    EXPECT_TRUE(vals.add_int(reg, pos("vlan"), 10));
    EXPECT_TRUE(vals.add_int(reg, pos("vlan"), 20));
    EXPECT_TRUE(vals.add_int(reg, pos("ttl.src"), 64));
    EXPECT_TRUE(vals.add_string(reg, pos("protocols"), "http"));
    EXPECT_TRUE(vals.add_string(reg, pos("protocols"), "tcp"));
    EXPECT_TRUE(vals.add_int(reg, pos("http.statuscode"), 200));
    EXPECT_TRUE(vals.add_string(reg, pos("host.http"), "Example.com"));
    EXPECT_TRUE(vals.add_int(reg, pos("icmp.type"), 8));
    EXPECT_TRUE(vals.add_string(reg, pos("mysql.user"), "root"));
    EXPECT_TRUE(vals.add_int(reg, pos("port.socks"), 1080));
    EXPECT_TRUE(vals.add_string(reg, pos("http.reqbody"), "body"));
    const int py = reg.define("test.python", "kind:termfield;db:test.python");
    EXPECT_TRUE(vals.add_string(reg, py, "q\"uote"));
    const auto j = emit();
    EXPECT_EQ(j["source"]["mac"], nlohmann::json({"00:11:22:33:44:55"}));
    EXPECT_EQ(j["source"]["mac-cnt"], 1);
    EXPECT_EQ(j["network"]["vlan"]["id"], nlohmann::json({10, 20}));
    EXPECT_EQ(j["network"]["vlan"]["id-cnt"], 2);
    EXPECT_EQ(j["srcTTL"], nlohmann::json({64}));
    EXPECT_EQ(j["srcTTLCnt"], 1);
    EXPECT_FALSE(j.contains("srcTTL-cnt"));
    EXPECT_EQ(j["protocol"], nlohmann::json({"http", "tcp"}));
    EXPECT_EQ(j["protocolCnt"], 2);
    EXPECT_EQ(j["http"]["statuscode"], nlohmann::json({200}));
    EXPECT_EQ(j["http"]["statuscodeCnt"], 1);
    EXPECT_EQ(j["http"]["host"], nlohmann::json({"example.com"}));
    EXPECT_EQ(j["http"]["hostCnt"], 1);
    EXPECT_EQ(j["http"]["requestBody"], nlohmann::json({"body"}));
    EXPECT_FALSE(j["http"].contains("requestBodyCnt"));
    EXPECT_EQ(j["icmp"]["type"], nlohmann::json({8}));
    EXPECT_FALSE(j["icmp"].contains("typeCnt"));
    EXPECT_EQ(j["mysql"]["user"], "root");  // single value: scalar, no count
    EXPECT_FALSE(j["mysql"].contains("userCnt"));
    EXPECT_EQ(j["socks"]["port"], 1080);
    EXPECT_EQ(j["test"]["python"], nlohmann::json({"q\"uote"}));
    EXPECT_FALSE(j["test"].contains("pythonCnt"));
}

TEST_F(FieldValuesTest, EmitSkipsClearedAndEmpty) {
    EXPECT_TRUE(vals.add_string(reg, pos("tags"), "a"));
    vals.clear();
    DocBuilder doc;
    vals.emit(reg, doc);
    EXPECT_TRUE(doc.empty());
}

TEST_F(FieldValuesTest, ManyValuesStayUnique) {
    const int host = pos("host.dns.nameserver");  // fake: values go through the dns object
    EXPECT_EQ(vals.add_string_r(reg, host, "a"), AddResult::BadField);
    const int tags = pos("tags");
    for (int i = 0; i < 500; ++i)
        EXPECT_TRUE(vals.add_string(reg, tags, "t" + std::to_string(i)));
    for (int i = 0; i < 500; ++i)
        EXPECT_FALSE(vals.add_string(reg, tags, "t" + std::to_string(i)));
    EXPECT_EQ(vals.count(tags), 500u);
}

/// Counts its items; tells whether it is the same object (its buffers) across clears.
struct CountingObject final : FieldObject {
    size_t n = 0;
    size_t count() const override { return n; }
    void write_json(std::string& out) const override { out += std::to_string(n); }
    void reset() override { n = 0; }
};

TEST_F(FieldValuesTest, EntriesAreReusedAcrossClearsWithoutMixingFields) {
    // More fields than the 64-bit used-position summary has bits, so positions share bits; each
    // round sets a different subset (as a pooled session does for one session after another).
    std::vector<int> ints;
    for (int i = 0; i < 150; ++i)
        ints.push_back(reg.define("test.i" + std::to_string(i), "kind:integer;db:test.i" + std::to_string(i)));
    for (int round = 0; round < 4; ++round) {
        for (size_t i = static_cast<size_t>(round); i < ints.size(); i += 3)
            ASSERT_TRUE(vals.add_int(reg, ints[i], static_cast<int64_t>(i * 10 + round)));
        for (size_t i = 0; i < ints.size(); ++i) {
            const bool set = i >= static_cast<size_t>(round) && (i - static_cast<size_t>(round)) % 3 == 0;
            ASSERT_EQ(vals.has(ints[i]), set) << "round " << round << " field " << i;
            if (set) {
                EXPECT_EQ(*vals.ints(ints[i]), (std::vector<int64_t>{static_cast<int64_t>(i * 10 + round)}));
            }
        }
        EXPECT_EQ(vals.positions().size(), (ints.size() - static_cast<size_t>(round) + 2) / 3);
        vals.clear();
        EXPECT_TRUE(vals.positions().empty());
        for (int p : ints)
            ASSERT_FALSE(vals.has(p));
    }
}

TEST_F(FieldValuesTest, ObjectFieldKeepsItsObjectAcrossClears) {
    const int pos = reg.find("dns");  // an Object field
    ASSERT_GE(pos, 0);
    ASSERT_EQ(reg.at(pos).type, FieldType::Object);
    auto* first = vals.object<CountingObject>(reg, pos);
    ASSERT_NE(first, nullptr);
    first->n = 2;
    EXPECT_EQ(vals.count(pos), 2u);
    vals.clear();
    EXPECT_EQ(vals.count(pos), 0u);
    // Other fields take free entries first; the object field still finds its own object again.
    EXPECT_TRUE(vals.add_int(reg, reg.find("ttl.src"), 64));
    EXPECT_TRUE(vals.add_string(reg, reg.find("tags"), "x"));
    auto* again = vals.object<CountingObject>(reg, pos);
    EXPECT_EQ(again, first);
    EXPECT_EQ(again->n, 0u);
    EXPECT_EQ(vals.ints(reg.find("ttl.src"))->front(), 64);
    EXPECT_EQ(vals.strings(reg.find("tags"))->front(), "x");
}

}  // namespace field_values_test
}  // namespace flowdex::fields
