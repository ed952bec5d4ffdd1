#pragma once
/// HTTP/1.x: classifier and incremental parser, filling Arkime's `http.*` fields.
///
/// Classification: the first TCP (or SCTP) payload of either direction starts with a request
/// method token (`GET`, `POST`, … Arkime's method list, `PRI` included; no space is required, as
/// in Arkime: its regression capture long-session starts with "GET\r\n" and is http) or with
/// `HTTP`; any port. A first payload shorter than the token is not classified. The session gets protocol `http` and one
/// parser for both directions.
///
/// Each direction is parsed on its own, as requests or responses (whichever each message starts
/// with), pipelined messages one after another. What is filled (db names):
/// - request line: `http.method`, `http.clientVersion`, `http.method-<METHOD>` (requests of that
///   method; not for upgrade requests or the HTTP/2 preface), `http.uri` (lower-cased Host value +
///   URL; the URL alone when it already starts with the host or there is no Host; `host;url`
///   when an absolute URL names another host; cut at 4096), and, when there is a Host,
///   `http.path`, `http.key`, `http.value` (query string, percent-decoded);
/// - status line: `http.statuscode`, `http.serverVersion`;
/// - headers: `http.requestHeader` / `http.responseHeader` (lower-cased names: request side is the
///   direction that last sent a request line, direction 0 before any), and, for every header
///   without a field of its own, `http.requestHeaderField`/`Value` (resp. response; names and
///   values lower-cased, duplicates kept — parseHTTPHeader*All);
///   headers with fields of their own: Host → `http.host` (whole value and value before `:`),
///   User-Agent → `http.useragent`, X-Forwarded-For → `http.xffIp` (each comma-separated
///   address), Referer → `http.request-referer`, Authorization → `http.request-authorization`
///   (the `[headers-http-request]` of Arkime's regression config), Location →
///   `http.response-location` (`[headers-http-response]`);
///   Cookie → `http.cookieKey` / `http.cookieValue`; Authorization → `http.authType` and, for Basic
///   (base64 `user:pass`) and Digest (`username=`), `http.user`;
/// - bodies (Content-Length, chunked, or until close for responses without either; none for
///   HEAD responses, 1xx/204/304 and successful CONNECT): `http.md5` and `http.sha256` of the
///   body as sent after de-chunking — content encodings (gzip, deflate) are NOT undone, as Arkime
///   hashes the encoded bytes; `http.requestBody`: the first body piece of a request when it is
///   at most `maxReqBody` bytes (protocols::Settings, 2000 by default) of UTF-8; tag `http:password` when the first
///   body piece holds `password=`, `passwd=` or `pass=`.
/// `http.bodyMagic`: the libmagic MIME type of each request and response body's first bytes
/// (protocols/magic.h; plain text is not reported).
///
/// HTTP/2 in clear (prior knowledge: the `PRI * HTTP/2.0` preface) hands both directions to
/// protocols/http/http2.h: `:method`, `:path` (path, key, value), `:authority` (host) and
/// `:status` fill the same fields as the request and status lines (no `http.uri`); other header
/// fields go to the request or response header fields by the direction that sent them (server
/// PUSH_PROMISE fields count as response headers), values cut at 1024 bytes; each stream's DATA
/// gives `http.md5`/`http.sha256` (and `http.bodyMagic` from the server) at END_STREAM.
///
/// Further protocol names: `adcs-web` (path under /certsrv), `adcs-ndes` (/certsrv/mscep…),
/// `adcs-cep` / `adcs-ces` (…_CEP…/…_CES… or /EnrollmentServer… service.svc paths), `winrm`
/// (/wsman), `websocket` (a 101 answer to a websocket upgrade; the frames that follow are read by
/// protocols/http/websocket.h), `rpc-over-http` (RPC_IN_DATA /
/// RPC_OUT_DATA requests). A 2xx answer to CONNECT ends HTTP parsing and restarts classification
/// (restart_classification), so the tunnelled protocol is named and parsed. NTLMSSP in
/// Authorization/WWW-Authenticate headers is read by the ntlm scanner (protocols/ntlm).
///
/// Bounds: per direction one line buffer (kMaxLine bytes; longer lines are cut, not failed),
/// one pending header and the first body bytes for libmagic; per session the current URL and Host
/// (also cut). Bodies are hashed as they stream. Input that is not HTTP stops that direction's
/// parser; when both have stopped the parser unregisters. All these held bytes (and the HTTP/2 and
/// WebSocket readers') count against the session's parser budget (`maxParserBuffer`): when it
/// refuses them the direction stops as for input that is not HTTP, gives its bytes back, and the
/// message it was reading adds no further fields (a request being read leaves no URL behind).
#include "protocols/protocols.h"

namespace flowdex::protocols {

/// Defines the http fields that are not built-in (custom header fields, method counters) and
/// registers the classifiers.
void register_http(Registries& r, uint32_t maxReqBody = 2000);

}  // namespace flowdex::protocols
