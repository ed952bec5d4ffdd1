#pragma once
/// IETF QUIC (RFC 9000) client Initial packets: key derivation (RFC 9001 §5.2 for version 1 and
/// the draft-29..32 salt, RFC 9369 §3.3 for version 2), header protection removal, AES-128-GCM
/// decryption, frame walking and CRYPTO stream reassembly. All cryptography is OpenSSL's EVP API.
///
/// As a session parser (register_quic_initial): a UDP session whose first payload is a long-header
/// Initial of a supported version gets a parser on that direction (the client). Each of the first
/// kMaxInitialDatagrams datagrams of that direction is scanned for coalesced Initial packets; every
/// one that decrypts adds its CRYPTO frames to a bounded buffer (kMaxCrypto bytes, any order). The
/// session is named `quic` on the first packet that decrypts (none is named when none does, as
/// Arkime). Once the ClientHello is complete it is handed to tls::client_hello_fields with JA4
/// transport 'q', which fills `tls.ja3*`, `tls.ja4*` and `http.host` (SNI) like Arkime.
/// Crypto runs only for those sessions and datagrams; buffers live in the parser state. The CRYPTO
/// bytes held (up to the highest offset received, gaps included) count against the session's parser
/// budget (`maxParserBuffer`): when refused, the parser ends and gives them back (the name stays).
#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>

#include "protocols/protocols.h"
#include "session/parser_buffer.h"

namespace flowdex::protocols::quic {

constexpr uint32_t kVersion1 = 0x00000001;
constexpr uint32_t kVersion2 = 0x6b3343cf;
constexpr size_t kMaxCrypto = 16384;        ///< CRYPTO stream bytes kept (offsets beyond are dropped)
constexpr size_t kMaxInitialDatagrams = 4;  ///< client datagrams looked at
constexpr size_t kMaxConnectionId = 20;

/// Client Initial packet protection keys.
struct InitialKeys {
    std::array<uint8_t, 32> secret{};  ///< client_initial_secret
    std::array<uint8_t, 16> key{};
    std::array<uint8_t, 12> iv{};
    std::array<uint8_t, 16> hp{};
};

/// True for the versions whose Initial keys are known here (1, 2, drafts 29-32).
bool supported_version(uint32_t version);

/// Derives the client Initial keys from the Destination Connection ID of the client's Initial.
bool derive_client_keys(uint32_t version, const uint8_t* dcid, size_t dcidLen, InitialKeys& out);

/// Outcome of decrypt_initial.
struct Decrypted {
    bool ok = false;       ///< the packet was a client Initial and authenticated
    size_t packetLen = 0;  ///< bytes of the datagram this long-header packet uses (0: unparseable)
    size_t plainLen = 0;   ///< plaintext bytes written to the output
};

/// Removes header protection from and decrypts the long-header packet at `pkt` (a copy is made in
/// `scratch`, which needs `len` bytes; the plaintext goes to `out`, which needs `len` bytes). Any
/// long-header packet reports its length so coalesced packets can be walked; only Initials of a
/// supported version are decrypted.
Decrypted decrypt_initial(const uint8_t* pkt, size_t len, uint8_t* scratch, uint8_t* out);

/// CRYPTO stream reassembly over the first kMaxCrypto bytes, in any order. The bytes are held in a
/// session::ParserBuffer that grows to the end of the highest byte received (gaps zero-filled).
class CryptoStream {
  public:
    /// Copies the part of [offset, offset+len) that lies below kMaxCrypto. False when the parser
    /// budget of `s` refuses the bytes: the stream is then emptied (its bytes go back).
    [[nodiscard]] bool add(session::Session& s, uint64_t offset, const uint8_t* data, size_t len);
    /// Bytes available from offset 0 without a gap.
    size_t contiguous() const;
    const uint8_t* data() const { return buf_.bytes(); }
    /// Bytes held (up to the end of the highest byte received).
    size_t held() const { return buf_.size(); }

  private:
    session::ParserBuffer buf_;
    std::bitset<kMaxCrypto> have_;
};

/// Outcome of read_frames.
enum class Frames : uint8_t {
    Ok,         ///< every frame read
    Malformed,  ///< a malformed or unexpected frame (frames before it are kept)
    Refused     ///< the parser budget refused CRYPTO bytes: the stream was emptied
};

/// Walks the frames of a decrypted Initial payload and adds CRYPTO frames to `stream`.
Frames read_frames(session::Session& s, const uint8_t* p, size_t n, CryptoStream& stream);

/// When the stream holds a complete ClientHello: its body (after the 4-byte handshake header).
bool client_hello(const CryptoStream& stream, const uint8_t*& body, size_t& len);

void register_quic_initial(Registries& r);

}  // namespace flowdex::protocols::quic

namespace flowdex::protocols {
using quic::register_quic_initial;
}
