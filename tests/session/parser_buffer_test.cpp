// ParserBuffer: bytes held by parsers are counted on their session, refused past the table's
// maxParserBuffer (counted once per session), and given back as buffers shrink, move or die.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "session/parser_buffer.h"
#include "session/session_harness.h"

namespace flowdex::session::test {
namespace parser_buffer_test {

/// A table with `budget`; buffers are handed a session that points at it.
struct Budgeted : Harness {
    explicit Budgeted(uint32_t budget) {
        ctx.settings.maxParserBuffer = budget;
        start();
    }
};

Session& session_of(Harness& h, Session& scratch) {
    scratch.table = h.table.get();
    return scratch;
}

TEST(ParserBuffer, CountsWhatItHolds) {
    Budgeted h(100);
    Session scratch;
    Session& s = session_of(h, scratch);
    {
        ParserBuffer a, b;
        ASSERT_TRUE(a.append(s, "hello", 5));
        ASSERT_TRUE(b.append(s, "world!", 6));
        EXPECT_EQ(s.parserHeld, 11u);
        EXPECT_EQ(a.view(), "hello");
        a.consume(2);
        EXPECT_EQ(a.view(), "llo");
        EXPECT_EQ(s.parserHeld, 9u);
        b.truncate(4);
        EXPECT_EQ(b.view(), "worl");
        EXPECT_EQ(s.parserHeld, 7u);
        b.truncate(10);  // longer than held: nothing changes
        EXPECT_EQ(s.parserHeld, 7u);
        a.consume(50);
        EXPECT_TRUE(a.empty());
        EXPECT_EQ(s.parserHeld, 4u);
        ASSERT_TRUE(a.append(s, "x", 1));
        EXPECT_EQ(s.parserHeld, 5u);
    }
    EXPECT_EQ(s.parserHeld, 0u) << "destroyed buffers give their bytes back";
}

TEST(ParserBuffer, RefusesPastTheBudgetAllOrNothing) {
    Budgeted h(10);
    Session scratch;
    Session& s = session_of(h, scratch);
    ParserBuffer a, b;
    ASSERT_TRUE(a.append(s, "0123456", 7));
    EXPECT_FALSE(b.append(s, "abcd", 4)) << "7 + 4 > 10";
    EXPECT_TRUE(b.empty());
    EXPECT_EQ(s.parserHeld, 7u);
    EXPECT_TRUE(s.parserBudgetHit);
    EXPECT_FALSE(a.append(s, "abcd", 4));
    EXPECT_EQ(h.table->stats().parserBudgetSessions, 1u) << "counted once per session";
    EXPECT_TRUE(b.append(s, "abc", 3)) << "exactly the budget fits";
    EXPECT_EQ(s.parserHeld, 10u);
    a.clear();
    EXPECT_TRUE(b.append(s, "defg", 4)) << "released bytes are free again";
    EXPECT_EQ(s.parserHeld, 7u);
    EXPECT_TRUE(b.append(s, "", 0));
}

TEST(ParserBuffer, MovesCarryTheCount) {
    Budgeted h(100);
    Session scratch;
    Session& s = session_of(h, scratch);
    ParserBuffer a;
    ASSERT_TRUE(a.append(s, "abc", 3));
    ParserBuffer b(std::move(a));
    EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): a moved-from buffer is empty and unbound
    EXPECT_EQ(b.view(), "abc");
    EXPECT_EQ(s.parserHeld, 3u);
    ParserBuffer c;
    ASSERT_TRUE(c.append(s, "de", 2));
    c = std::move(b);  // c's own bytes are given back first
    EXPECT_EQ(c.view(), "abc");
    EXPECT_EQ(s.parserHeld, 3u);
    c.clear();
    EXPECT_EQ(s.parserHeld, 0u);
}

TEST(ParserBuffer, NoTableNoBudget) {
    Session s;  // a session outside any table (unit use): nothing is refused
    ParserBuffer a;
    std::string big(1 << 20, 'x');
    ASSERT_TRUE(a.append(s, big.data(), big.size()));
    EXPECT_EQ(s.parserHeld, big.size());
    a.clear();
    EXPECT_EQ(s.parserHeld, 0u);
}

}  // namespace parser_buffer_test
}  // namespace flowdex::session::test
