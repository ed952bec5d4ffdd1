// Cleartext HTTP/2 after the PRI preface: pseudo-headers and header fields (HPACK, encoded here by
// nghttp2's deflater, dynamic table included) fill the http.* fields; DATA bodies are hashed per
// stream with padding removed; CONTINUATION and PUSH_PROMISE are followed; any segmentation gives
// the same record; broken frames and header blocks end the parsing without a crash.
#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>
#include <openssl/evp.h>

#include <string>
#include <utility>
#include <vector>

#include "protocols/exchange.h"

namespace flowdex::session::test {
namespace http2_test {

using namespace std::string_literals;
using Headers = std::vector<std::pair<std::string, std::string>>;

/// One HPACK encoder per direction, like a real peer.
class Encoder {
  public:
    Encoder() { nghttp2_hd_deflate_new(&d_, 4096); }
    ~Encoder() { nghttp2_hd_deflate_del(d_); }
    std::string block(const Headers& h) {
        std::vector<nghttp2_nv> nv;
        for (const auto& [n, v] : h)
            nv.push_back({reinterpret_cast<uint8_t*>(const_cast<char*>(n.data())),
                          reinterpret_cast<uint8_t*>(const_cast<char*>(v.data())), n.size(), v.size(),
                          NGHTTP2_NV_FLAG_NONE});
        std::string out(nghttp2_hd_deflate_bound(d_, nv.data(), nv.size()), '\0');
        const ssize_t n =
            nghttp2_hd_deflate_hd(d_, reinterpret_cast<uint8_t*>(out.data()), out.size(), nv.data(), nv.size());
        out.resize(n > 0 ? static_cast<size_t>(n) : 0);
        return out;
    }

  private:
    nghttp2_hd_deflater* d_ = nullptr;
};

std::string frame(uint8_t type, uint8_t flags, uint32_t stream, const std::string& payload) {
    const auto n = static_cast<uint32_t>(payload.size());
    std::string h{static_cast<char>(n >> 16), static_cast<char>(n >> 8), static_cast<char>(n), static_cast<char>(type),
                  static_cast<char>(flags)};
    h += std::string{static_cast<char>(stream >> 24), static_cast<char>(stream >> 16), static_cast<char>(stream >> 8),
                     static_cast<char>(stream)};
    return h + payload;
}

std::string md5_hex(const std::string& data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    EVP_Digest(data.data(), data.size(), out, &n, EVP_md5(), nullptr);
    std::string hex;
    for (unsigned i = 0; i < n; ++i) {
        static constexpr char kHex[] = "0123456789abcdef";
        hex += kHex[out[i] >> 4];
        hex += kHex[out[i] & 15];
    }
    return hex;
}

const std::string kPage = "<html><body>hello over h2</body></html>";
const std::string kCss = "body { color: red; }";
const std::string kUpload = "name=value&x=1";

std::vector<Msg> conversation() {
    Encoder client, server;
    const std::string req1 = client.block({{":method", "GET"},
                                           {":path", "/index.html?lang=en"},
                                           {":scheme", "http"},
                                           {":authority", "Example.ORG:8080"},
                                           {"user-agent", "h2-test/1.0"},
                                           {"accept", "*/*"},
                                           {"x-long", std::string(3000, 'v')}});
    // The second request reuses the dynamic table (user-agent, authority) and is POSTed with a body.
    const std::string req2 = client.block({{":method", "POST"},
                                           {":path", "/upload"},
                                           {":scheme", "http"},
                                           {":authority", "Example.ORG:8080"},
                                           {"user-agent", "h2-test/1.0"}});
    const std::string cpart = req1.substr(0, req1.size() / 2), crest = req1.substr(req1.size() / 2);
    std::string clientBytes = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"s + frame(4, 0, 0, "") +
                              frame(1, 0x1, 1, cpart) +  // HEADERS, END_STREAM, no END_HEADERS
                              frame(9, 0x4, 1, crest) +  // CONTINUATION, END_HEADERS
                              frame(1, 0x4 | 0x20, 3, "\x00\x00\x00\x00\x10"s + req2) +  // with PRIORITY
                              frame(0, 0x8 | 0x1, 3, "\x03"s + kUpload + "pad");         // padded DATA
    const std::string resp = server.block({{":status", "200"}, {"content-type", "text/html"}, {"server", "h2srv"}});
    const std::string push = server.block(
        {{":method", "GET"}, {":path", "/style.css"}, {":authority", "example.org"}, {"user-agent", "h2-test/1.0"}});
    const std::string resp2 = server.block({{":status", "200"}, {"content-type", "text/css"}});
    const std::string resp3 = server.block({{":status", "201"}});
    std::string serverBytes = frame(4, 0, 0, "") + frame(1, 0x4, 1, resp) +
                              frame(5, 0x4, 1, "\x00\x00\x00\x02"s + push) + frame(0, 0, 1, kPage.substr(0, 10)) +
                              frame(0, 0x1, 1, kPage.substr(10)) + frame(1, 0x4, 2, resp2) + frame(0, 0x1, 2, kCss) +
                              frame(1, 0x4 | 0x1, 3, resp3);
    return {{0, clientBytes}, {1, serverBytes}};
}

void expect_h2(const nlohmann::json& j) {
    ASSERT_TRUE(j.contains("http")) << j.dump();
    const nlohmann::json& h = j["http"];
    EXPECT_EQ(h["method"], nlohmann::json({"PRI", "GET", "POST"})) << h.dump();
    EXPECT_EQ(h["clientVersion"], nlohmann::json({"2.0"}));
    EXPECT_EQ(h["host"], nlohmann::json({"example.org"}));
    EXPECT_EQ(h["path"], nlohmann::json({"/index.html", "/upload", "/style.css"}));
    EXPECT_EQ(h["key"], nlohmann::json({"lang"}));
    EXPECT_EQ(h["useragent"], nlohmann::json({"h2-test/1.0"}));
    EXPECT_EQ(h["statuscode"], nlohmann::json({200, 201}));
    EXPECT_EQ(h["requestHeader"], nlohmann::json({"user-agent", "accept", "x-long"}));
    EXPECT_EQ(h["requestHeaderValue"], nlohmann::json({"*/*", std::string(1024, 'v')}));
    EXPECT_EQ(h["responseHeader"], nlohmann::json({"content-type", "server", "user-agent"}));
    EXPECT_EQ(h["md5"], nlohmann::json({md5_hex(kUpload), md5_hex(kPage), md5_hex(kCss)}));
    EXPECT_EQ(h["bodyMagic"], nlohmann::json({"text/html"})) << "plain text (the css, the form upload) is not reported";
    EXPECT_FALSE(h.contains("uri") && h["uri"].size() > 1) << "HTTP/2 requests add no uri";
}

TEST(Http2, PriorKnowledgeConversation) {
    const nlohmann::json j = tcp_exchange(80, conversation());
    EXPECT_TRUE(has_protocol(j, "http"));
    expect_h2(j);
}

TEST(Http2, SplitAtEveryByte) {
    // A first payload shorter than "PRI" is not classified (as in Arkime), so cuts start at 3 there.
    const std::vector<Msg> msgs = conversation();
    for (size_t m = 0; m < msgs.size(); ++m) {
        const std::vector<std::vector<Msg>> splits = splits_of(msgs, m);
        for (size_t k = m == 0 ? 2 : 0; k < splits.size(); ++k) {
            SCOPED_TRACE("message " + std::to_string(m) + " cut " + std::to_string(k + 1));
            expect_h2(tcp_exchange(80, splits[k]));
        }
    }
}

TEST(Http2, BrokenFramesAndHeaderBlocks) {
    const std::string preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    for (const std::string& bad : {
             frame(1, 0x4, 1, "\xff\xff\xff\xff\xff\xff"s),      // HPACK index out of range
             frame(1, 0x4, 1, std::string(70000, '\x82')),       // header frame over the limit
             frame(1, 0x8 | 0x4, 1, "\x20\x82"s),                // padding longer than the frame
             frame(9, 0x4, 1, "\x82"s),                          // CONTINUATION without HEADERS
             frame(1, 0x0, 1, "\x82"s) + frame(0, 0x1, 1, "x"),  // a DATA frame inside a header block
             frame(0, 0x8, 1, "\xff"s),                          // DATA padding past the end
             frame(5, 0x4, 1, "\x00\x00"s),                      // PUSH_PROMISE too short
             std::string("\x00\x00\x05\x00\x00", 5),             // truncated frame header
         }) {
        const nlohmann::json j = tcp_exchange(80, {{0, preface + bad}, {1, frame(4, 0, 0, "")}});
        EXPECT_TRUE(has_protocol(j, "http")) << j.dump();
        EXPECT_FALSE(j["http"].contains("md5") && j["http"]["md5"].size() > 1) << j.dump();
    }
    // A wrong preface tail stops the client side.
    const nlohmann::json j = tcp_exchange(80, {{0, "PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n"s + frame(1, 0x5, 1, "\x82")}});
    EXPECT_EQ(j["http"]["method"], nlohmann::json({"PRI"}));
}

TEST(Http2, ParserBudget) {
    // The client's first header frame (its 3000-byte x-long value, HPACK-coded) is over the budget:
    // the client direction stops there. The server's frames are still read.
    const std::vector<Msg> msgs = conversation();
    constexpr uint32_t kSmall = 600;
    BudgetRun small = budget_exchange(80, msgs, kSmall);
    EXPECT_TRUE(has_protocol(small.record, "http"));
    const nlohmann::json& h = small.record["http"];
    // GET and /style.css come from the server's PUSH_PROMISE; nothing from the client's requests.
    EXPECT_EQ(h["method"], nlohmann::json({"PRI", "GET"})) << h.dump();
    EXPECT_FALSE(h.contains("key"));
    EXPECT_FALSE(h.contains("requestHeader"));
    EXPECT_EQ(h["path"], nlohmann::json({"/style.css"}));
    EXPECT_EQ(h["statuscode"], nlohmann::json({200, 201}));
    EXPECT_EQ(h["md5"], nlohmann::json({md5_hex(kPage), md5_hex(kCss)}));
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    BudgetRun enough = budget_exchange(80, msgs, 8000);
    expect_h2(enough.record);
    EXPECT_EQ(enough.record["http"], tcp_exchange(80, msgs)["http"]);
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);
}

TEST(Http2, EveryBudgetGivesBytesBack) {
    expect_every_budget_gives_bytes_back(80, conversation(), "http", 4000, 100);
}

TEST(Http2, OneByteAtATime) {
    expect_h2(tcp_exchange(80, bytewise_after_first(conversation())));
}

TEST(Http2, StreamCutAnywhere) {
    // The server's side (the longer); cutting the client's too would double the run time.
    every_tcp_truncation(80, conversation(), 1);
}

}  // namespace http2_test
}  // namespace flowdex::session::test
