// SMTP dialogue and message headers: email.* fields whatever the segmentation, RFC 2047 subjects,
// BDAT chunks, STARTTLS hand-over, and malformed input that neither crashes nor invents fields.
#include "protocols/smtp/smtp.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/text.h"
#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace smtp_test {

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

TEST(Smtp, ParserBudget) {
    // A header line longer than the budget: the parser stops. The dialogue before it stays, the
    // message gives nothing (its Subject was still pending).
    const std::string longLine = "X-Long: " + std::string(3000, 'x') + "\r\n";
    std::vector<Msg> msgs = dialogue();
    msgs[7].bytes = "Subject: budget\r\n" + longLine + "\r\nbody\r\n.\r\n";
    constexpr uint32_t kSmall = 1000;
    ASSERT_GT(longLine.size(), kSmall);
    BudgetRun small = budget_exchange(25, msgs, kSmall);
    EXPECT_TRUE(has_protocol(small.record, "smtp"));
    const nlohmann::json& e = small.record["email"];
    EXPECT_EQ(e["smtpHello"], nlohmann::json({"client.example"}));
    EXPECT_EQ(e["src"], nlohmann::json({"alice@example.com"}));
    EXPECT_EQ(e["dst"], nlohmann::json({"bob@example.org"}));
    EXPECT_EQ(small.record["user"], nlohmann::json({"user@example.com"}));
    EXPECT_FALSE(e.contains("subject"));
    EXPECT_FALSE(e.contains("header"));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    // Room for the line and the header value at once: as without a budget.
    BudgetRun enough = budget_exchange(25, msgs, static_cast<uint32_t>(3 * longLine.size()));
    EXPECT_EQ(enough.record["email"], run(msgs)["email"]);
    EXPECT_EQ(enough.record["email"]["subject"], nlohmann::json({"budget"}));
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

// ---------------------------------------------------------------- MIME parts

std::string digest_hex(const EVP_MD* md, const std::string& data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    EVP_Digest(data.data(), data.size(), out, &n, md, nullptr);
    std::string hex;
    for (unsigned i = 0; i < n; ++i) {
        static constexpr char kHex[] = "0123456789abcdef";
        hex += kHex[out[i] >> 4];
        hex += kHex[out[i] & 15];
    }
    return hex;
}

/// base64 of `data` in 76-column lines.
std::string b64_lines(const std::string& data) {
    std::string enc(4 * ((data.size() + 2) / 3) + 1, '\0');
    enc.resize(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(enc.data()),
                               reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size())));
    std::string out;
    for (size_t i = 0; i < enc.size(); i += 76)
        out += enc.substr(i, 76) + "\r\n";
    return out;
}

// A zip file's first bytes (local file header of "a.txt"), then filler.
const std::string kZip = std::string(
                             "PK\x03\x04\x0a\x00\x00\x00\x00\x00\x27\x4e\x91\x43\x04\xf7\x29\xe2\x06\x00\x00\x00"
                             "\x06\x00\x00\x00\x05\x00\x00\x00a.txthello\n",
                             39) +
                         std::string(300, 'z');
const std::string kText = "plain attachment text, line one\nline two\n";

std::string mime_message() {
    return "From: a@example.com\r\n"
           "Subject: parts\r\n"
           "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
           "\r\n"
           "preamble\r\n"
           "--outer\r\n"
           "Content-Type: multipart/alternative;\r\n"
           "\tboundary=inner\r\n"
           "\r\n"
           "--inner\r\n"
           "Content-Type: text/plain\r\n"
           "\r\n"
           "hello\r\n"
           "--inner\r\n"
           "Content-Type: text/html\r\n"
           "Content-Transfer-Encoding: quoted-printable\r\n"
           "\r\n"
           "<b>hello</b>\r\n"
           "--inner--\r\n"
           "--outer\r\n"
           "Content-Type: application/zip; name=\"ignored-name.zip\"\r\n"
           "Content-Disposition: attachment;\r\n"
           "  filename=\"=?utf-8?B?w6l0w6kuemlw?=\"\r\n"
           "Content-Transfer-Encoding: base64\r\n"
           "\r\n" +
           b64_lines(kZip) +
           "--outer\r\n"
           "Content-Type: text/plain; name=notes.txt\r\n"
           "Content-Transfer-Encoding: BASE64\r\n"
           "\r\n" +
           b64_lines(kText) +
           "\r\n"
           "--outer--\r\n"
           "epilogue\r\n"
           "--outer\r\n"
           "Content-Disposition: attachment; filename=after-close.bin\r\n";
}

std::vector<Msg> mime_dialogue() {
    return {{1, "220 mx ESMTP\r\n"}, {0, "EHLO c\r\n"},
            {1, "250 ok\r\n"},       {0, "MAIL FROM:<a@example.com>\r\n"},
            {1, "250 ok\r\n"},       {0, "RCPT TO:<b@example.com>\r\n"},
            {1, "250 ok\r\n"},       {0, "DATA\r\n"},
            {1, "354 go\r\n"},       {0, mime_message() + ".\r\n"},
            {1, "250 ok\r\n"}};
}

void expect_parts(const nlohmann::json& j) {
    ASSERT_TRUE(j.contains("email")) << j.dump();
    const nlohmann::json& e = j["email"];
    EXPECT_EQ(e["filename"], nlohmann::json({"été.zip", "notes.txt"})) << e.dump();
    EXPECT_EQ(e["md5"], nlohmann::json({digest_hex(EVP_md5(), kZip), digest_hex(EVP_md5(), kText)}));
    EXPECT_EQ(e["sha256"], nlohmann::json({digest_hex(EVP_sha256(), kZip), digest_hex(EVP_sha256(), kText)}));
    EXPECT_EQ(e["bodyMagic"], nlohmann::json({"application/zip"})) << "text/plain is not reported";
}

TEST(SmtpMime, NestedPartsAttachmentsAndDigests) {
    expect_parts(run(mime_dialogue()));
}

TEST(SmtpMime, SplitAtEveryByte) {
    const std::vector<Msg> msgs = mime_dialogue();
    for (const std::vector<Msg>& split : splits_of(msgs, 9))
        expect_parts(run(split));
}

TEST(SmtpMime, TruncatedAndMalformedParts) {
    // Cut anywhere (the message ends there): no digest before the attachment's data starts; the
    // zip's true digest once its part is whole; a part cut short is hashed as delivered.
    const std::string msg = mime_message();
    const size_t zipData = msg.find("Content-Transfer-Encoding: base64\r\n\r\n") + 37;
    const size_t zipEnd = msg.find("--outer\r\nContent-Type: text/plain; name");
    const std::string zipMd5 = digest_hex(EVP_md5(), kZip);
    for (size_t cut = 0; cut < msg.size(); cut += 7) {
        std::vector<Msg> msgs = mime_dialogue();
        msgs[9].bytes = msg.substr(0, cut) + "\r\n.\r\n";
        nlohmann::json j = run(msgs);
        const bool hasMd5 = j.contains("email") && j["email"].contains("md5");
        if (cut < zipData) {
            EXPECT_FALSE(hasMd5) << cut << ": " << j.dump();
        } else if (cut >= zipEnd + 9) {  // the boundary line "--outer\r\n" is whole
            ASSERT_TRUE(hasMd5) << cut;
            EXPECT_NE(std::find(j["email"]["md5"].begin(), j["email"]["md5"].end(), zipMd5), j["email"]["md5"].end())
                << cut;
        }
    }
    // Junk boundaries, bad base64, too deep nesting.
    std::string deep = "Content-Type: multipart/mixed; boundary=b0\r\n\r\n";
    for (int i = 1; i < 20; ++i)
        deep += "--b" + std::to_string(i - 1) + "\r\nContent-Type: multipart/mixed; boundary=b" + std::to_string(i) +
                "\r\n\r\n";
    deep += "--b19\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!####\r\n--b0--\r\n";
    for (const std::string& body :
         {deep, std::string("Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n----\r\n"),
          std::string("Content-Transfer-Encoding: base64\r\n\r\n") + std::string(10000, '=') + "\r\n",
          // A part whose headers open a nested multipart, cut by its parent's boundary (once a
          // use-after-free: the nested boundary was pushed while the parent's was being compared).
          std::string("Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n") +
              "Content-Type: multipart/mixed; boundary=nested-boundary-that-is-long-enough\r\n--a\r\n--a--\r\n"}) {
        std::vector<Msg> msgs = mime_dialogue();
        msgs[9].bytes = body + ".\r\n";
        nlohmann::json j = run(msgs);
        EXPECT_TRUE(has_protocol(j, "smtp"));
        if (j.contains("email")) {
            EXPECT_FALSE(j["email"].contains("md5")) << j.dump();
        }
    }
}

TEST(SmtpMime, WholeMessageInBase64IsOnePart) {
    std::vector<Msg> msgs = mime_dialogue();
    msgs[9].bytes = "Subject: b\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64_lines(kText) + ".\r\n";
    nlohmann::json j = run(msgs);
    EXPECT_EQ(j["email"]["md5"], nlohmann::json({digest_hex(EVP_md5(), kText)})) << j.dump();
}

TEST(SmtpMime, ParserBudget) {
    // Room for every line and header but not for the zip part's 256-byte libmagic sample next to
    // a 78-byte base64 line: the parser stops inside that part. Its filename (read before its
    // body) stays; its digests and the later part are absent.
    const std::vector<Msg> msgs = mime_dialogue();
    constexpr uint32_t kBudget = 300;
    size_t longest = 0;
    for (size_t at = 0, nl = 0; (nl = msgs[9].bytes.find('\n', at)) != std::string::npos; at = nl + 1)
        longest = std::max(longest, nl - at);
    ASSERT_LT(2 * longest, kBudget);
    ASSERT_GT(256 + 76, kBudget);
    BudgetRun small = budget_exchange(25, msgs, kBudget);
    const nlohmann::json& e = small.record["email"];
    EXPECT_EQ(e["subject"], nlohmann::json({"parts"}));
    EXPECT_EQ(e["filename"], nlohmann::json({"été.zip"})) << e.dump();
    EXPECT_FALSE(e.contains("md5"));
    EXPECT_FALSE(e.contains("bodyMagic"));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(25, msgs, 1000);
    expect_parts(enough.record);
    EXPECT_EQ(enough.record["email"], run(msgs)["email"]);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(SmtpMime, EveryBudgetGivesBytesBack) {
    expect_every_budget_gives_bytes_back(25, mime_dialogue(), "email", 500, 10);
}

TEST(Smtp, OneByteAtATime) {
    expect_mail(run(bytewise_after_first(dialogue())));
}

TEST(SmtpMime, OneByteAtATime) {
    expect_parts(run(bytewise_after_first(mime_dialogue())));
}

TEST(Smtp, StreamCutAnywhere) {
    every_tcp_truncation(25, dialogue());
}

}  // namespace smtp_test
}  // namespace flowdex::session::test
