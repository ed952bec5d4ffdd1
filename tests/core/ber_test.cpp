// The bounded BER reader: nesting, tag and length forms, Strict against Clamp for lengths past the
// end, INTEGER and OID decoding, and every cut of an encoding read without going past it.
#include "core/ber.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace flowdex {
namespace ber_test {

std::vector<uint8_t> bytes(std::initializer_list<int> v) {
    std::vector<uint8_t> out;
    for (int b : v)
        out.push_back(static_cast<uint8_t>(b));
    return out;
}

std::string oid(const std::vector<uint8_t>& v, size_t cap = 128) {
    std::vector<char> buf(cap + 1, 'x');
    size_t n = ber_oid_text(v.data(), v.size(), buf.data(), cap);
    return std::string(buf.data(), n);
}

TEST(Ber, NestedSequenceIntegersAndOid) {
    // SEQUENCE { INTEGER 1, OCTET STRING "ab", [0] { OID 1.3.6.1.2.1.1.1.0 } }
    const auto d = bytes({0x30, 0x13, 0x02, 0x01, 0x01, 0x04, 0x02, 'a',  'b',  0xa0, 0x0a,
                          0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00});
    BerReader top(d.data(), d.size());
    BerTlv seq, t;
    ASSERT_TRUE(top.next(seq));
    EXPECT_TRUE(seq.is(BerTag::Sequence));
    EXPECT_TRUE(seq.constructed);
    EXPECT_EQ(seq.identifier, 0x30);
    EXPECT_FALSE(top.next(t));
    BerReader in(seq);
    ASSERT_TRUE(in.next(t));
    int64_t v = 0;
    ASSERT_TRUE(ber_int(t, v));
    EXPECT_EQ(v, 1);
    ASSERT_TRUE(in.next(t));
    EXPECT_TRUE(t.is(BerTag::OctetString));
    EXPECT_EQ(t.text(), "ab");
    ASSERT_TRUE(in.next(t));
    EXPECT_EQ(t.cls, BerClass::Context);
    EXPECT_EQ(t.number, 0u);
    BerReader ctx(t);
    BerTlv o;
    ASSERT_TRUE(ctx.next(o));
    EXPECT_TRUE(o.is(BerTag::Oid));
    EXPECT_EQ(oid(std::vector<uint8_t>(o.value, o.value + o.length)), "1.3.6.1.2.1.1.1.0");
    EXPECT_TRUE(in.at_end());
}

TEST(Ber, HighTagNumberLongLengthAndNegativeInteger) {
    std::vector<uint8_t> d = bytes({0x5f, 0x81, 0x01, 0x81, 0x80});  // [APPLICATION 129], 128 bytes
    d.resize(d.size() + 128, 0x41);
    d.insert(d.end(), {0x02, 0x02, 0xff, 0x7f});
    BerReader r(d.data(), d.size());
    BerTlv t;
    ASSERT_TRUE(r.next(t));
    EXPECT_EQ(t.cls, BerClass::Application);
    EXPECT_EQ(t.number, 129u);
    EXPECT_EQ(t.length, 128u);
    ASSERT_TRUE(r.next(t));
    int64_t v = 0;
    ASSERT_TRUE(ber_int(t, v));
    EXPECT_EQ(v, -129);
    EXPECT_FALSE(r.next(t));
}

TEST(Ber, StrictRejectsAndClampCutsOverlongLengths) {
    const auto d = bytes({0x30, 0x10, 0x06, 0x03, 0x2b, 0x06, 0x01});
    BerTlv t;
    BerReader strict(d.data(), d.size());
    EXPECT_FALSE(strict.next(t));
    EXPECT_FALSE(strict.next(t));  // stays failed
    BerReader clamp(d.data(), d.size(), BerMode::Clamp);
    ASSERT_TRUE(clamp.next(t));
    EXPECT_TRUE(t.clamped);
    EXPECT_EQ(t.length, 5u);
    // Indefinite length: malformed when strict, the rest of the buffer when clamping.
    const auto ind = bytes({0x30, 0x80, 0x02, 0x01, 0x05});
    BerReader s2(ind.data(), ind.size());
    EXPECT_FALSE(s2.next(t));
    BerReader c2(ind.data(), ind.size(), BerMode::Clamp);
    ASSERT_TRUE(c2.next(t));
    EXPECT_EQ(t.length, 3u);
    // More length bytes than allowed, and a tag number that never ends.
    const auto big = bytes({0x04, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00});
    BerReader s3(big.data(), big.size(), BerMode::Clamp);
    EXPECT_FALSE(s3.next(t));
    const auto tag = bytes({0x1f, 0x81, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00});
    BerReader s4(tag.data(), tag.size(), BerMode::Clamp);
    EXPECT_FALSE(s4.next(t));
}

TEST(Ber, OidEdgeCases) {
    EXPECT_EQ(oid(bytes({0x88, 0x37, 0x03})), "2.999.3");
    EXPECT_EQ(oid(bytes({0x00})), "0.0");
    EXPECT_EQ(oid(bytes({0x2b, 0x06, 0x81})), "1.3.6");  // last arc cut short: dropped
    EXPECT_EQ(oid(bytes({})), "");
    EXPECT_EQ(oid(bytes({0x2b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})), "");  // arc > 9 bytes
    EXPECT_EQ(oid(bytes({0x2b, 0x06, 0x01, 0x04, 0x01}), 8), "1.3.6.1");  // stops at the last whole arc
    int64_t v = 0;
    BerTlv empty;
    EXPECT_FALSE(ber_int(empty, v));
}

TEST(Ber, EveryCutStaysInBounds) {
    const auto d =
        bytes({0x30, 0x82, 0x00, 0x0d, 0x02, 0x01, 0x03, 0x5f, 0x1f, 0x02, 0x01, 0x02, 0x04, 0x03, 'x', 'y', 'z'});
    for (size_t cut = 0; cut <= d.size(); ++cut) {
        for (BerMode mode : {BerMode::Strict, BerMode::Clamp}) {
            std::vector<uint8_t> part(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(cut));
            BerReader r(part.data(), part.size(), mode);
            BerTlv t;
            size_t seen = 0;
            while (r.next(t)) {
                EXPECT_GE(t.value, part.data());
                EXPECT_LE(t.value + t.length, part.data() + part.size());
                ASSERT_LT(++seen, 100u);
            }
            if (mode == BerMode::Strict && cut < d.size()) {
                EXPECT_EQ(seen, 0u) << cut;
            }
        }
    }
}

}  // namespace ber_test
}  // namespace flowdex
