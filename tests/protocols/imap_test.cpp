// IMAP: the selected folder and the headers of fetched messages (email.*), whatever the
// segmentation; literal counts decide what is header, body or response; folded lines add nothing.
#include "protocols/imap/imap.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace imap_test {

std::string literal_fetch(const std::string& msg) {
    return "* 1 FETCH (FLAGS (\\Seen) BODY[HEADER] {" + std::to_string(msg.size()) + "}\r\n" + msg + ")\r\n";
}

const std::string kMsg =
    "From: \"Doe, Alice\" <Alice@Example.com>\r\n"
    "To: \"Altheide, Richard W.\" <rwa@example.org>, bob@example.org,\r\n"
    "        folded@example.net\r\n"
    "Cc: \"No Address, Here\"\r\n"
    "Subject:      =?utf-8?B?Y2Fmw6k=?= trailing \r\n"
    "\r\n"
    "To: body@example.com\r\n"
    "Subject: in the body\r\n";

std::vector<Msg> dialogue() {
    return {{1, "* OK IMAP4rev1 Service Ready\r\n"},
            {0, "a1 LOGIN user pass\r\n"},
            {1, "a1 OK LOGIN completed\r\n"},
            {0, "a2 SELECT \"INBOX\"\r\n"},
            {1, "* 3 EXISTS\r\na2 OK [READ-WRITE] SELECT completed\r\n"},
            {0, "a3 EXAMINE Archive\r\n"},
            {1, "a3 OK done\r\n"},
            {0, "a4 FETCH 1 (BODY[HEADER])\r\n"},
            {1, literal_fetch(kMsg) +
                    "* 2 FETCH (FLAGS (\\Seen))\r\nSubject: not in a literal\r\na4 OK FETCH completed\r\n"}};
}

void expect_mail(const nlohmann::json& j) {
    ASSERT_TRUE(j.contains("email")) << j.dump();
    const nlohmann::json& e = j["email"];
    EXPECT_EQ(e["folder"], nlohmann::json({"INBOX", "Archive"})) << e.dump();
    EXPECT_EQ(e["src"], nlohmann::json({"alice@example.com"}));
    EXPECT_EQ(e["dst"], nlohmann::json({"rwa@example.org", "bob@example.org"}));
    EXPECT_EQ(e["subject"], nlohmann::json({"café trailing "}));
}

TEST(Imap, FolderAndFetchedHeaders) {
    const nlohmann::json j = tcp_exchange(143, dialogue());
    EXPECT_TRUE(has_protocol(j, "imap")) << j.dump();
    expect_mail(j);
}

TEST(Imap, SplitAtEveryByte) {
    // The greeting stays whole: like Arkime, the protocol is recognised on a direction's first payload.
    const std::vector<Msg> msgs = dialogue();
    for (size_t m = 1; m < msgs.size(); ++m)
        for (const std::vector<Msg>& split : splits_of(msgs, m))
            expect_mail(tcp_exchange(143, split));
    std::vector<Msg> bytes = bytewise({msgs.begin() + 1, msgs.end()});
    bytes.insert(bytes.begin(), msgs[0]);
    expect_mail(tcp_exchange(143, bytes));
}

TEST(Imap, TruncatedAndMalformed) {
    // A literal cut short: headers read so far count, nothing after is invented.
    const std::string cut = literal_fetch(kMsg).substr(0, 60);
    nlohmann::json j = tcp_exchange(143, {{1, "* OK IMAP4rev1 ready\r\n"}, {1, cut}});
    EXPECT_FALSE(j.contains("email") && j["email"].contains("subject")) << j.dump();
    // Bad literal counts and junk.
    for (const std::string& bad : {std::string("* 1 FETCH (BODY[] {abc}\r\nSubject: x\r\n"),
                                   std::string("* 1 FETCH (BODY[] {99999999999999999999}\r\nSubject: x\r\n"),
                                   std::string("* 1 FETCH (BODY[] {0}\r\nSubject: x\r\n"),
                                   std::string("a1 SELECT \"unterminated\r\n"), std::string(20000, 'x') + "\r\n"}) {
        j = tcp_exchange(143, {{1, "* OK IMAP4rev1 ready\r\n"}, {0, "a1 SELECT \"\r\n"}, {1, bad}});
        EXPECT_TRUE(has_protocol(j, "imap")) << j.dump();
        if (j.contains("email")) {
            EXPECT_FALSE(j["email"].contains("subject")) << j.dump();
            EXPECT_FALSE(j["email"].contains("folder")) << j.dump();
        }
    }
}

TEST(Imap, OnlyAnImapGreetingAttachesTheParser) {
    const nlohmann::json j = tcp_exchange(
        143, {{1, "* OK POP-like thing\r\n"}, {0, "a1 SELECT INBOX\r\n"}, {1, literal_fetch("Subject: s\r\n\r\n")}});
    EXPECT_FALSE(j.contains("email")) << j.dump();
}

TEST(Imap, ParserBudget) {
    // A client line longer than the budget: the parser stops. The folder selected before stays;
    // the EXAMINE after it and the fetched headers are not read.
    std::vector<Msg> msgs = dialogue();
    msgs[5].bytes = "a3 NOOP " + std::string(3000, 'x') + "\r\na3 EXAMINE Archive\r\n";
    constexpr uint32_t kSmall = 1000;
    ASSERT_GT(msgs[5].bytes.find('\n'), kSmall);
    ASSERT_LT(literal_fetch(kMsg).find('\n'), kSmall);  // the server's longest line before the literal
    BudgetRun small = budget_exchange(143, msgs, kSmall);
    EXPECT_TRUE(has_protocol(small.record, "imap"));
    const nlohmann::json& e = small.record["email"];
    EXPECT_EQ(e["folder"], nlohmann::json({"INBOX"})) << e.dump();
    EXPECT_FALSE(e.contains("src"));
    EXPECT_FALSE(e.contains("subject"));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(143, msgs, static_cast<uint32_t>(2 * msgs[5].bytes.size()));
    expect_mail(enough.record);
    EXPECT_EQ(enough.record["email"], tcp_exchange(143, msgs)["email"]);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Imap, StreamCutAnywhere) {
    every_tcp_truncation(143, dialogue());
}

}  // namespace imap_test
}  // namespace flowdex::session::test
