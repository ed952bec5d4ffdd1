#pragma once
/// X.509 certificates of a TLS server (Certificate handshake message) as Arkime's `cert` field: an
/// array of objects, one per distinct certificate (by SHA-1), with `certCnt`. Each object has
/// (when present in the certificate):
/// - `hash`: SHA-1 of the DER bytes, lower-case hex pairs joined by ':';
/// - `serial`: the serial number's bytes in lower-case hex;
/// - `issuerCN`/`subjectCN` (lower-cased), `issuerON`/`subjectON`, `issuerOU`/`subjectOU`: lists;
/// - `alt` (+ `altCnt`): subjectAltName DNS names, lower-cased;
/// - `notBefore`/`notAfter` (ms since the epoch), `validDays`/`validSeconds` (their distance),
///   `remainingDays`/`remainingSeconds` (from the session's first packet to notAfter);
/// - `publicAlgorithm`: the key algorithm's long name (rsaEncryption, id-ecPublicKey…) and
///   `curve` for EC keys (secp384r1, prime256v1…).
/// Parsing uses OpenSSL (d2i_X509); a certificate it rejects is skipped. At most kMaxCerts per
/// session, each at most kMaxCertBytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fields/field_values.h"

namespace flowdex::session {
struct Session;
}

namespace flowdex::protocols::tls {

constexpr size_t kMaxCerts = 16;
constexpr size_t kMaxCertBytes = 65536;

struct CertInfo {
    std::string hash, serial, publicAlgorithm, curve;
    std::vector<std::string> issuerCN, issuerON, issuerOU, subjectCN, subjectON, subjectOU, alt;
    int64_t notBefore = 0, notAfter = 0;  ///< seconds since the epoch
    int64_t now = 0;                      ///< the reference time for remaining*
    bool ca = false;                      ///< key usage keyCertSign, Arkime's test for a CA (not written to the record)
};

/// Decodes one DER certificate; false when OpenSSL rejects it.
bool decode_cert(const uint8_t* der, size_t len, int64_t nowSecs, CertInfo& out);

/// Tags a session whose certificate `c` was just decoded, as Arkime does for TLS: `cert:self-signed`
/// when it is the session's first certificate (`first`), not a CA, and its subject and issuer each
/// have one common name, the same, and the same single organization name or none;
/// `cert:certificate-authority` for any CA certificate (CertInfo::ca: a key usage with keyCertSign,
/// whatever basicConstraints says, as Arkime decides it).
void tag_certificate(session::Session& s, const CertInfo& c, bool first);

class CertObjects : public fields::FieldObject {
  public:
    /// Adds a decoded certificate unless one with the same hash is held or the list is full.
    void add(CertInfo&& c);
    size_t count() const override { return certs_.size(); }
    void write_json(std::string& out) const override;
    void reset() override { certs_.clear(); }
    const CertInfo& at(size_t i) const { return certs_[i]; }

  private:
    std::vector<CertInfo> certs_;
};

}  // namespace flowdex::protocols::tls
