// HTTP/1.x classifier and parser: fields from a request/response pair, the same fields whatever
// the segmentation, pipelining, 100-continue, HEAD, and bad input.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/exchange.h"
#include "protocols/http/http.h"
#include "session/session_harness.h"

namespace flowdex::session::test {
namespace http_test {

constexpr uint64_t T0 = 1700000000 * kSec;

const std::string kRequest =
    "POST /a/b?x=1&y=%41b&z HTTP/1.1\r\n"
    "Host: Example.COM:8080\r\n"
    "User-Agent: test/1.0\r\n"
    "Cookie: k1=v1; k2=v2\r\n"
    "Authorization: Basic dXNlcjpwYXNz\r\n"
    "X-Forwarded-For: 10.1.2.3, 10.9.9.9\r\n"
    "Accept: */*\r\n"
    "Content-Length: 5\r\n"
    "\r\n"
    "hello";
const std::string kResponse =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: Text/Plain\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n"
    "3\r\nwor\r\n2;ext=1\r\nld\r\n0\r\n\r\n";

/// Runs one TCP session: the client sends `req` in the given pieces, then the server `resp`.
/// Returns the final record's `http` object (null when absent) and its protocols in `protocols`.
nlohmann::json run(const std::vector<std::string>& req, const std::vector<std::string>& resp,
                   nlohmann::json* protocols = nullptr, nlohmann::json* tags = nullptr) {
    Harness h;
    protocols::Registries regs{h.registry, h.classifiers, h.hooks};
    protocols::register_http(regs);
    h.start();
    TcpFlow f;
    uint64_t t = T0;
    h.feed(f.syn(), t += 1000);
    h.feed(f.synack(), t += 1000);
    h.feed(f.ack(), t += 1000);
    uint32_t coff = 0, soff = 0;
    for (const std::string& piece : req) {
        h.feed(f.cdata(coff, piece), t += 1000);
        coff += static_cast<uint32_t>(piece.size());
    }
    for (const std::string& piece : resp) {
        h.feed(f.sdata(soff, piece), t += 1000);
        soff += static_cast<uint32_t>(piece.size());
    }
    h.feed(f.cfin(coff, soff), t += 1000);
    h.feed(f.sfin(soff, coff + 1), t += 1000);
    h.feed(f.cack(coff + 1, soff + 1), t += 1000);
    h.table->flush_all();
    const Saved* s = h.find_saved("10.0.0.1");
    EXPECT_NE(s, nullptr);
    if (!s) return nullptr;
    if (protocols) *protocols = s->at("protocol");
    if (tags) *tags = s->at("tags");
    return s->at("http");
}

std::vector<std::string> split_at(const std::string& s, size_t at) {
    return {s.substr(0, at), s.substr(at)};
}
std::vector<std::string> bytes_of(const std::string& s) {
    std::vector<std::string> out;
    for (char c : s)
        out.emplace_back(1, c);
    return out;
}

nlohmann::json sorted(nlohmann::json v) {
    if (v.is_array()) std::sort(v.begin(), v.end());
    return v;
}

TEST(Http, RequestResponseFields) {
    nlohmann::json protocols;
    nlohmann::json http = run({kRequest}, {kResponse}, &protocols);
    ASSERT_TRUE(http.is_object());
    EXPECT_NE(std::find(protocols.begin(), protocols.end(), "http"), protocols.end());
    EXPECT_EQ(http["method"], nlohmann::json({"POST"}));
    EXPECT_EQ(http["method-POST"], 1);
    EXPECT_EQ(http["clientVersion"], nlohmann::json({"1.1"}));
    EXPECT_EQ(http["serverVersion"], nlohmann::json({"1.1"}));
    EXPECT_EQ(http["statuscode"], nlohmann::json({200}));
    EXPECT_EQ(sorted(http["host"]), nlohmann::json({"example.com", "example.com:8080"}));
    EXPECT_EQ(http["uri"], nlohmann::json({"example.com:8080/a/b?x=1&y=%41b&z"}));
    EXPECT_EQ(http["path"], nlohmann::json({"/a/b"}));
    EXPECT_EQ(sorted(http["key"]), nlohmann::json({"x", "y"}));  // a trailing key without '=' is not taken
    EXPECT_EQ(sorted(http["value"]), nlohmann::json({"1", "Ab"}));
    EXPECT_EQ(http["useragent"], nlohmann::json({"test/1.0"}));
    EXPECT_EQ(sorted(http["cookieKey"]), nlohmann::json({"k1", "k2"}));
    EXPECT_EQ(sorted(http["cookieValue"]), nlohmann::json({"v1", "v2"}));
    EXPECT_EQ(http["authType"], nlohmann::json({"basic"}));
    EXPECT_EQ(http["user"], nlohmann::json({"user"}));
    EXPECT_EQ(http["xffIp"], nlohmann::json({"10.1.2.3"}));  // " 10.9.9.9" (leading space) is skipped, as Arkime
    EXPECT_EQ(http["request-authorization"], nlohmann::json({"Basic dXNlcjpwYXNz"}));
    EXPECT_EQ(sorted(http["requestHeader"]), nlohmann::json({"accept", "authorization", "content-length", "cookie",
                                                             "host", "user-agent", "x-forwarded-for"}));
    EXPECT_EQ(http["requestHeaderCnt"], 7);
    EXPECT_EQ(sorted(http["requestHeaderField"]), nlohmann::json({"accept", "content-length", "cookie"}));
    EXPECT_EQ(sorted(http["requestHeaderValue"]), nlohmann::json({"*/*", "5", "k1=v1; k2=v2"}));
    EXPECT_EQ(sorted(http["responseHeader"]), nlohmann::json({"content-type", "transfer-encoding"}));
    EXPECT_EQ(sorted(http["responseHeaderValue"]), nlohmann::json({"chunked", "text/plain"}));
    EXPECT_EQ(http["requestBody"], nlohmann::json({"hello"}));
    EXPECT_EQ(sorted(http["md5"]),
              nlohmann::json({"5d41402abc4b2a76b9719d911017c592", "7d793037a0760186574b0282f2f435e7"}));
    EXPECT_EQ(sorted(http["sha256"]),
              nlohmann::json({"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
                              "486ea46224d1bb4fb680f34f7c9ad96a8f24ec88be73ea8e5a6c65260e9cb8a7"}));
    EXPECT_EQ(http["md5Cnt"], 2);
}

/// `http` without requestBody, which is the first body piece as it arrived (as Arkime's).
nlohmann::json without_body(nlohmann::json http) {
    if (http.is_object()) http.erase("requestBody");
    return http;
}

TEST(Http, SameFieldsAtEverySplit) {
    const nlohmann::json want = run({kRequest}, {kResponse});
    ASSERT_TRUE(want.is_object());
    const size_t bodyAt = kRequest.size() - 5;
    // Classification looks at the first payload only: a first segment shorter than "POST" leaves
    // the request unparsed (the response still classifies), as in Arkime. Every later split is exact.
    for (size_t at = 4; at < kRequest.size(); ++at) {
        nlohmann::json got = run(split_at(kRequest, at), {kResponse});
        EXPECT_EQ(without_body(got), without_body(want)) << "request split at " << at;
        std::string firstPiece = at > bodyAt ? kRequest.substr(bodyAt, at - bodyAt) : "hello";
        EXPECT_EQ(got["requestBody"], nlohmann::json({firstPiece})) << "request split at " << at;
    }
    for (size_t at = 1; at < 4; ++at) {
        nlohmann::json got = run(split_at(kRequest, at), {kResponse});
        EXPECT_FALSE(got.contains("method"));
        EXPECT_EQ(got["statuscode"], nlohmann::json({200}));
    }
    for (size_t at = 1; at < kResponse.size(); ++at)
        EXPECT_EQ(run({kRequest}, split_at(kResponse, at)), want) << "response split at " << at;
}

TEST(Http, SameFieldsOneByteAtATime) {
    const nlohmann::json want = run({kRequest}, {kResponse});
    // The request's first segment must hold the method token for classification.
    std::vector<std::string> req = bytes_of(kRequest.substr(4));
    req.insert(req.begin(), kRequest.substr(0, 4));
    nlohmann::json got = run(req, bytes_of(kResponse));
    EXPECT_EQ(without_body(got), without_body(want));
    EXPECT_EQ(got["requestBody"], nlohmann::json({"h"}));
    // Response classified from one byte? No: a 1-byte first payload is not classified, so the
    // request side (whole) does it here.
    EXPECT_EQ(run({kRequest}, bytes_of(kResponse)), want);
}

TEST(Http, PipelinedContinueAndHead) {
    const std::string req =
        "POST /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc"
        "HEAD /x HTTP/1.1\r\nHost: h\r\n\r\n"
        "GET /y?q=1 HTTP/1.1\r\nHost: h\r\n\r\n";
    const std::string resp =
        "HTTP/1.1 100 Continue\r\n\r\n"
        "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
        "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"  // HEAD: no body follows
        "HTTP/1.0 404 Not Found\r\n\r\nnot here";          // until close
    for (const auto& pieces : {std::vector<std::string>{resp}, bytes_of(resp)}) {
        nlohmann::json http = run({req}, pieces);
        ASSERT_TRUE(http.is_object());
        EXPECT_EQ(sorted(http["method"]), nlohmann::json({"GET", "HEAD", "POST"}));
        EXPECT_EQ(http["method-GET"], 1);
        EXPECT_EQ(http["method-HEAD"], 1);
        EXPECT_EQ(http["method-POST"], 1);
        EXPECT_EQ(sorted(http["statuscode"]), nlohmann::json({100, 200, 201, 404}));
        EXPECT_EQ(sorted(http["serverVersion"]), nlohmann::json({"1.0", "1.1"}));
        EXPECT_EQ(sorted(http["uri"]), nlohmann::json({"h/up", "h/x", "h/y?q=1"}));
        EXPECT_EQ(sorted(http["path"]), nlohmann::json({"/up", "/x", "/y"}));
        // abc (request), ok (201), "not here" (404 until close)
        EXPECT_EQ(sorted(http["md5"]),
                  nlohmann::json({"444bcb3a3fcf8389296c49467f27e1d6", "900150983cd24fb0d6963f7d28e17f72",
                                  "eda0e8dfc4d1f28281f6e0f9ea140445"}))
            << http.dump();
    }
}

TEST(Http, TruncatedHeadersGiveNoMessageFields) {
    const std::string req = kRequest.substr(0, 40);  // inside the Host header
    nlohmann::json protocols;
    nlohmann::json http = run({req}, {}, &protocols);
    EXPECT_NE(std::find(protocols.begin(), protocols.end(), "http"), protocols.end());
    if (http.is_object()) {
        EXPECT_FALSE(http.contains("method"));
        EXPECT_FALSE(http.contains("uri"));
        EXPECT_FALSE(http.contains("md5"));
    }
}

TEST(Http, TruncatedBodyHasNoHash) {
    nlohmann::json http = run({kRequest.substr(0, kRequest.size() - 2)}, {kResponse.substr(0, kResponse.size() - 8)});
    ASSERT_TRUE(http.is_object());
    EXPECT_EQ(http["method"], nlohmann::json({"POST"}));
    EXPECT_EQ(http["statuscode"], nlohmann::json({200}));
    EXPECT_FALSE(http.contains("md5"));
    EXPECT_FALSE(http.contains("sha256"));
}

TEST(Http, MalformedInputIsHarmless) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"GET \x01\x02\x03\xff\r\n\r\n", "HTTP/1.1 abc\r\n\r\n"},
        {"GET / HTTP/1.1\r\nno colon here\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"},
        {"GET / HTTP/1.1\r\n" + std::string(20000, 'a') + ": b\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n"},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "HTTP/9"},
        {"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", std::string("HTTP/1.1 200\r\n\0\0", 17)},
        {"GET /" + std::string(30000, 'x') + " HTTP/1.1\r\nHost: h\r\n\r\n", ""},
        {std::string("PUT \0\0\0", 7), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n"},
    };
    for (const auto& [req, resp] : cases) {
        std::vector<std::string> r = {resp};
        if (resp.empty()) r.clear();
        nlohmann::json http = run({req}, r);
        if (!http.is_object()) continue;
        EXPECT_FALSE(http.contains("md5")) << http.dump();
        if (http.contains("statuscode")) {
            EXPECT_TRUE(http["statuscode"].is_array());
            for (const auto& v : http["statuscode"])
                EXPECT_EQ(v, 200);
        }
        if (http.contains("uri")) {
            for (const auto& v : http["uri"])
                EXPECT_LE(v.get<std::string>().size(), 4096u);
        }
    }
}

TEST(Http, UpgradeRequestIsNotCounted) {
    nlohmann::json http = run({"GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"},
                              {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello"});
    ASSERT_TRUE(http.is_object());
    EXPECT_EQ(http["method"], nlohmann::json({"GET"}));
    EXPECT_FALSE(http.contains("method-GET"));
    EXPECT_EQ(http["statuscode"], nlohmann::json({101}));
    EXPECT_FALSE(http.contains("md5"));
}

TEST(Http, ResponseOnlyAndXffForms) {
    nlohmann::json http = run({"GET / HTTP/1.1\r\nX-Forwarded-For: 10.000.000.03,192.168.1.1 \r\n\r\n"},
                              {"HTTP/1.1 304 Not Modified\r\n\r\n"});
    ASSERT_TRUE(http.is_object());
    EXPECT_EQ(sorted(http["xffIp"]), nlohmann::json({"10.0.0.3", "192.168.1.1"}));
    EXPECT_EQ(http["uri"], nlohmann::json({"/"}));  // no Host: the URL alone, and no path
    EXPECT_FALSE(http.contains("path"));
}

/// Protocol names that HTTP requests and answers imply.
nlohmann::json names_of(const std::string& req, const std::string& resp) {
    nlohmann::json protos;
    run({req}, {resp}, &protos);
    return sorted(protos);
}

TEST(Http, ServiceNamesFromPathAndUpgrade) {
    const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    auto get = [](const std::string& method, const std::string& path) {
        return method + " " + path + " HTTP/1.1\r\nHost: ca.example.com\r\n\r\n";
    };
    EXPECT_EQ(names_of(get("GET", "/CertSrv/certfnsh.asp"), ok), nlohmann::json({"adcs-web", "http", "tcp"}));
    EXPECT_EQ(names_of(get("GET", "/certsrv/mscep/mscep.dll?operation=GetCACert"), ok),
              nlohmann::json({"adcs-ndes", "http", "tcp"}));
    EXPECT_EQ(names_of(get("POST", "/X_CEP_Kerberos/service.svc/CEP"), ok),
              nlohmann::json({"adcs-cep", "http", "tcp"}));
    EXPECT_EQ(names_of(get("POST", "/X_CES_Kerberos/service.svc/CES"), ok),
              nlohmann::json({"adcs-ces", "http", "tcp"}));
    EXPECT_EQ(names_of(get("POST", "/wsman"), ok), nlohmann::json({"http", "tcp", "winrm"}));
    EXPECT_EQ(names_of(get("POST", "/wsmania"), ok), nlohmann::json({"http", "tcp"}));
    EXPECT_EQ(names_of(get("GET", "/other/certsrv"), ok), nlohmann::json({"http", "tcp"}));
    const std::string upgrade = "GET /chat HTTP/1.1\r\nHost: ws\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
    EXPECT_EQ(names_of(upgrade, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"),
              nlohmann::json({"http", "tcp", "websocket"}));
    EXPECT_EQ(names_of(upgrade, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"),
              nlohmann::json({"http", "tcp"}));
    EXPECT_EQ(names_of("RPC_IN_DATA /rpc/rpcproxy.dll?mail:6001 HTTP/1.1\r\nHost: mail\r\n\r\n", ok),
              nlohmann::json({"http", "rpc-over-http", "tcp"}));
}

TEST(Http, ConnectTunnelIsClassifiedAgain) {
    Harness h;
    protocols::Registries regs{h.registry, h.classifiers, h.hooks};
    protocols::register_builtin_protocols(regs);
    h.start();
    TcpFlow f;
    uint64_t t = T0;
    h.feed(f.syn(), t += 1000);
    h.feed(f.synack(), t += 1000);
    h.feed(f.ack(), t += 1000);
    const std::string req = "CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n\r\n";
    const std::string resp = "HTTP/1.1 200 Connection established\r\n\r\n";
    const std::string hello("\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00", 10);  // a (too short) ClientHello
    h.feed(f.cdata(0, req), t += 1000);
    h.feed(f.sdata(0, resp), t += 1000);
    h.feed(f.cdata(static_cast<uint32_t>(req.size()), hello), t += 1000);
    h.table->flush_all();
    const Saved* s = h.find_saved("10.0.0.1");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(sorted(s->at("protocol")), nlohmann::json({"http", "tcp", "tls"}));
    EXPECT_EQ(s->at("http.method"), nlohmann::json({"CONNECT"}));
}

TEST(Http, ResponseBodyMagic) {
    const std::string html = "<!DOCTYPE html>\n<html><head><title>t</title></head><body>hi</body></html>\n";
    const std::string req = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world";
    const std::string resp = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(html.size()) + "\r\n\r\n" + html;
    nlohmann::json http = run({req}, {resp.substr(0, 40), resp.substr(40)});
    EXPECT_EQ(http["bodyMagic"], nlohmann::json({"text/html"})) << "the request body is not typed";
    http = run({req}, {"HTTP/1.1 204 No Content\r\n\r\n"});
    EXPECT_FALSE(http.contains("bodyMagic"));
}

TEST(Http, ParserBudget) {
    // A request whose long header line alone is over the budget: the client direction stops (no
    // message fields, no URL left behind), the response is still read.
    const std::string longValue(2000, 'a');
    const std::string req = "GET /budget?k=v HTTP/1.1\r\nHost: example.com\r\nX-Long: " + longValue + "\r\n\r\n";
    const std::string resp = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    const std::vector<Msg> msgs{{0, req}, {1, resp}};
    constexpr uint32_t kSmall = 1000;
    ASSERT_GT(longValue.size(), kSmall);
    BudgetRun small = budget_exchange(80, msgs, kSmall);
    EXPECT_TRUE(has_protocol(small.record, "http"));
    const nlohmann::json& h = small.record["http"];
    for (const char* field : {"method", "uri", "path", "key", "host", "clientVersion", "requestHeader"})
        EXPECT_FALSE(h.contains(field)) << field;
    EXPECT_EQ(h["statuscode"], nlohmann::json({200}));
    EXPECT_EQ(h["serverVersion"], nlohmann::json({"1.1"}));
    EXPECT_EQ(h["md5"], nlohmann::json({"5d41402abc4b2a76b9719d911017c592"}));  // md5("hello")
    EXPECT_EQ(small.budgetSessions, 1u);
    EXPECT_EQ(small.heldAtFree, 0u);
    // Room for the long line held twice (as the line, then as the pending header): as without a budget.
    BudgetRun enough = budget_exchange(80, msgs, static_cast<uint32_t>(4 * req.size()));
    EXPECT_EQ(enough.record["http"], tcp_exchange(80, msgs)["http"]);
    EXPECT_EQ(enough.record["http"]["uri"], nlohmann::json({"example.com/budget?k=v"}));
    EXPECT_EQ(enough.budgetSessions, 0u);
    EXPECT_EQ(enough.heldAtFree, 0u);

    // A response body whose libmagic sample does not fit: the server direction stops before the
    // body's hashes, what the request gave stays.
    const std::string html = "<!DOCTYPE html>\n<html><body>" + std::string(400, 'x') + "</body></html>\n";
    const std::string req2 = "GET /page HTTP/1.1\r\nHost: example.com\r\n\r\n";
    const std::string resp2 = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(html.size()) + "\r\n\r\n" + html;
    const std::vector<Msg> msgs2{{0, req2}, {1, resp2}};
    constexpr uint32_t kSample = 200;  // under the 256-byte sample, over every line of both messages
    ASSERT_GT(html.size(), 256u);
    BudgetRun noSample = budget_exchange(80, msgs2, kSample);
    const nlohmann::json& h2 = noSample.record["http"];
    EXPECT_EQ(h2["uri"], nlohmann::json({"example.com/page"}));
    EXPECT_EQ(h2["statuscode"], nlohmann::json({200}));
    EXPECT_FALSE(h2.contains("md5"));
    EXPECT_FALSE(h2.contains("bodyMagic"));
    EXPECT_EQ(noSample.budgetSessions, 1u);
    EXPECT_EQ(noSample.heldAtFree, 0u);
    BudgetRun withSample = budget_exchange(80, msgs2, 1000);
    EXPECT_EQ(withSample.record["http"], tcp_exchange(80, msgs2)["http"]);
    EXPECT_EQ(withSample.record["http"]["bodyMagic"], nlohmann::json({"text/html"}));
    EXPECT_EQ(withSample.budgetSessions, 0u);
    EXPECT_EQ(withSample.heldAtFree, 0u);
}

TEST(Http, EveryBudgetGivesBytesBack) {
    expect_every_budget_gives_bytes_back(80, {{0, kRequest}, {1, kResponse}}, "http", 200, 5);
}

TEST(Http, StreamCutAnywhere) {
    // requestBody is the first body piece as it arrived: a cut one is the start of the whole one.
    every_tcp_truncation(80, {{0, kRequest}, {1, kResponse}}, 0, {"requestBody"});
}

}  // namespace http_test
}  // namespace flowdex::session::test
