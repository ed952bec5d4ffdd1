// SMTP dialogue and message headers: email.* fields whatever the segmentation, RFC 2047 subjects,
// BDAT chunks, STARTTLS hand-over, and malformed input that neither crashes nor invents fields.
#include "protocols/smtp/smtp.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace {

using namespace std::string_literals;

nlohmann::json run(const std::vector<Msg>& msgs) {
    return tcp_exchange(25, msgs);
}

const std::string kMail =
    "From: \"Alice\" <Alice@Example.COM>\r\n"
    "To: bob@example.org, Carol <carol@example.org>\r\n"
    "Subject: =?iso-8859-1?Q?caf=E9?= =?utf-8?B?IOKckw==?=\r\n"
    "Message-ID: <id1@example.com>\r\n"
    "Received: from mx1.example.com ([192.0.2.7]) by\r\n"
    "\tmx2.example.com (x) with ESMTP\r\n"
    "X-Originating-IP: [10.00.00.004]\r\n"
    "Content-Type: text/plain;\r\n"
    "\tcharset=us-ascii\r\n"
    "X-Custom: Some Value\r\n"
    "\r\n"
    "Body line\r\n"
    "Subject: not a header\r\n"
    ".\r\n";

std::vector<Msg> dialogue() {
    return {{1, "220 mx ESMTP ready\r\n"},
            {0, "EHLO client.example\r\n"},
            {1, "250 ok\r\n"},
            {0, "AUTH PLAIN AHVzZXJAZXhhbXBsZS5jb20Ac2VjcmV0\r\n"},
            {1, "235 ok\r\n"},
            {0, "MAIL FROM:<alice@example.com> SIZE=10\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n"},
            {1, "250 ok\r\n250 ok\r\n354 go\r\n"},
            {0, kMail},
            {1, "250 queued\r\n"}};
}

void expect_mail(const nlohmann::json& j) {
    ASSERT_TRUE(j.contains("email")) << j.dump();
    const nlohmann::json& e = j["email"];
    EXPECT_EQ(e["smtpHello"], nlohmann::json({"client.example"}));
    EXPECT_EQ(e["src"], nlohmann::json({"alice@example.com"}));
    EXPECT_EQ(e["dst"], nlohmann::json({"bob@example.org", "carol@example.org"}));
    EXPECT_EQ(e["subject"], nlohmann::json({"caf\xc3\xa9 \xe2\x9c\x93"}));
    EXPECT_EQ(e["id"], nlohmann::json({"id1@example.com"}));
    EXPECT_EQ(e["host"], nlohmann::json({"mx1.example.com", "mx2.example.com"}));
    EXPECT_EQ(e["ip"], nlohmann::json({"192.0.2.7", "10.0.0.4"}));
    EXPECT_EQ(e["contentType"], nlohmann::json({"text/plain; charset=us-ascii"}));
    EXPECT_EQ(e["headerField"], nlohmann::json({"x-custom"}));
    EXPECT_EQ(e["headerValue"], nlohmann::json({"Some Value"}));
    EXPECT_EQ(e["headerCnt"], 8);
    EXPECT_EQ(j["user"], nlohmann::json({"user@example.com"}));
}

TEST(Smtp, DialogueAndHeaders) {
    expect_mail(run(dialogue()));
}

TEST(Smtp, SplitAtEveryByte) {
    const std::vector<Msg> msgs = dialogue();
    for (size_t m = 1; m < msgs.size(); ++m) {
        const std::string& b = msgs[m].bytes;
        for (size_t i = 1; i < b.size(); ++i) {
            std::vector<Msg> split = msgs;
            split[m].bytes = b.substr(0, i);
            split.insert(split.begin() + static_cast<long>(m) + 1, Msg{msgs[m].which, b.substr(i)});
            SCOPED_TRACE("message " + std::to_string(m) + " split at " + std::to_string(i));
            expect_mail(run(split));
        }
    }
}

TEST(Smtp, BdatChunksAndStarttls) {
    const std::string part1 = "Subject: one\r\nFrom: a@b.c\r\n", part2 = "To: d@e.f\r\n\r\nbody\r\n";
    nlohmann::json j = run({{1, "220 mx ESMTP\r\n"},
                            {0, "EHLO c\r\nMAIL FROM:<a@b.c>\r\n"},
                            {0, "BDAT " + std::to_string(part1.size()) + "\r\n" + part1},
                            {0, "BDAT " + std::to_string(part2.size()) + " LAST\r\n" + part2},
                            {0, "QUIT\r\n"}});
    EXPECT_EQ(j["email"]["subject"], nlohmann::json({"one"}));
    EXPECT_EQ(j["email"]["dst"], nlohmann::json({"d@e.f"}));
    EXPECT_EQ(j["email"]["header"], nlohmann::json({"subject", "from", "to"}));
    // STARTTLS accepted, then a TLS record: tls is named and the SMTP parser reads no more.
    j = run({{1, "220 mx ESMTP\r\n"},
             {0, "EHLO c\r\nSTARTTLS\r\n"},
             {1, "220 go ahead\r\n"},
             {0, "\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00MAIL FROM:<x@y.z>\r\n"s}});
    EXPECT_NE(std::find(j["protocol"].begin(), j["protocol"].end(), "tls"), j["protocol"].end()) << j.dump();
    EXPECT_FALSE(j["email"].contains("src"));
}

TEST(Smtp, MalformedInput) {
    // Garbage, an unterminated header block, a huge line and a bad encoded word: no crash, no junk.
    nlohmann::json j = run({{1, "220 mx ESMTP\r\n"},
                            {0, "EHLO c\r\nDATA\r\n"},
                            {0, "Subject: =?x-unknown?Q?=ZZ=4?= =?utf-8?B?@@@?=\r\nNoColonHere\r\n"},
                            {0, std::string(20000, 'A') + "\r\n"}});
    ASSERT_TRUE(j.contains("email"));
    EXPECT_EQ(j["email"]["header"], nlohmann::json({"subject"}));
    std::string mail = kMail;
    for (size_t i = 0; i < mail.size(); i += 3) {
        std::string bad = mail;
        bad[i] = static_cast<char>(bad[i] ^ 0x80);
        std::vector<Msg> msgs = dialogue();
        msgs[7].bytes = bad;
        run(msgs);
    }
}

}  // namespace
}  // namespace flowdex::session::test
