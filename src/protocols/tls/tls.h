#pragma once
/// TLS over TCP: classifier and incremental handshake parser, filling Arkime's `tls.*` fields.
///
/// Classification: the first payload of either direction starts with a handshake record
/// (`16 03 xx`, xx <= 3) whose handshake type is ClientHello (1) or ServerHello (2). The session
/// gets protocol `tls` and one parser for both directions.
///
/// Each direction is reassembled on its own: records (at most one record's bytes buffered) and,
/// inside handshake records, handshake messages (bounded by kMaxHandshake per direction). A
/// direction stops at ChangeCipherSpec / application data (what follows is encrypted) or at input
/// that is not a TLS record. What is filled (db names):
/// - ClientHello: `tls.ja3` (MD5 of `tls.ja3string`: version,ciphers,extensions,groups,point
///   formats, GREASE values left out), `tls.ja4` / `tls.ja4_r` (FoxIO JA4 spec, `t` prefix),
///   `tls.srcSessionId` (hex, when not empty), SNI host name → `http.host` (as Arkime does);
/// - ServerHello: `tls.version` (supported_versions when present), `tls.cipher` (IANA name, or
///   0xNNNN for suites without one here), `tls.ja3s` / `tls.ja3sstring`, `tls.dstSessionId`.
/// - ServerHello selecting ALPN `h2`: protocol `http2`;
/// - Certificate (from the ServerHello's direction, TLS 1.2 and older): `cert` / `certCnt`, see certs.h.
/// `tls.ja4`/`tls.ja4_r` keep the case of the ALPN characters (stored as built).
#include <cstddef>
#include <cstdint>
#include <memory>

#include "protocols/protocols.h"

namespace flowdex::session {
struct Session;
}

namespace flowdex::protocols {

namespace tls {
/// Fills the ClientHello fields above (ja3, ja3string, ja4, ja4_r, srcSessionId, http.host) from
/// one ClientHello message body (after the 4-byte handshake header). `transport` is JA4's first
/// character: 't' for TCP, 'q' for QUIC. Every length is checked against `len`.
/// 'd' (DTLS) fills only ja4/ja4_r and http.host, as Arkime does for DTLS.
void client_hello_fields(session::Session& s, const uint8_t* body, size_t len, char transport);

/// Fills `cert` from one Certificate message body (after the handshake header): TLS 1.2 and older
/// (and DTLS) send the server's chain in clear.
void certificate_fields(session::Session& s, const uint8_t* body, size_t len);

/// TLS records carried inside another protocol (OpenVPN's control channel): the same record and
/// handshake reassembly and the same fields as a TLS session, fed in order by the carrier's parser
/// with the bytes of each direction. The protocol name stays the carrier's. `transport` is JA4's
/// first character ('t' over TCP; Arkime uses 'q' for any UDP carrier).
class CarriedStream {
  public:
    CarriedStream(const session::Session& s, char transport);
    ~CarriedStream();
    CarriedStream(const CarriedStream&) = delete;
    CarriedStream& operator=(const CarriedStream&) = delete;
    void feed(session::Session& s, int which, const uint8_t* data, uint32_t len);
    /// Both directions reached encrypted data or input that is not TLS.
    bool done() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};
}  // namespace tls

/// Registers the DTLS parser (UDP; dtls.cpp): ClientHello → tls.ja4/ja4_r (prefix `d`), the
/// server's Certificate → `cert`; handshake fragments are reassembled per message.
void register_dtls(Registries& r);

/// Registers the tls classifier (fields are built-in).
void register_tls(Registries& r);

}  // namespace flowdex::protocols
