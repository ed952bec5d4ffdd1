#include "protocols/tls/certs.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <cstring>
#include <ctime>
#include <memory>

#include "core/json.h"
#include "session/flow_table.h"

namespace flowdex::protocols::tls {
namespace {

struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct NamesFree {
    void operator()(GENERAL_NAMES* g) const { GENERAL_NAMES_free(g); }
};

std::string lower(std::string v) {
    for (char& c : v)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return v;
}

std::string utf8(const ASN1_STRING* s) {
    unsigned char* out = nullptr;
    int n = ASN1_STRING_to_UTF8(&out, s);
    if (n < 0) return {};
    std::string v(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
    OPENSSL_free(out);
    return v;
}

void name_entries(const X509_NAME* name, int nid, bool lowerCase, std::vector<std::string>& out) {
    int i = -1;
    while ((i = X509_NAME_get_index_by_NID(name, nid, i)) >= 0) {
        std::string v = utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
        if (!v.empty()) out.push_back(lowerCase ? lower(std::move(v)) : std::move(v));
    }
}

bool epoch(const ASN1_TIME* t, int64_t& out) {
    struct tm tm {};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return false;
    out = static_cast<int64_t>(timegm(&tm));
    return true;
}

void hex(const unsigned char* p, size_t n, std::string& out, bool colons) {
    static const char* kDigits = "0123456789abcdef";
    for (size_t i = 0; i < n; ++i) {
        if (colons && i) out += ':';
        out += kDigits[p[i] >> 4];
        out += kDigits[p[i] & 15];
    }
}

void strings(std::string& out, const char* key, const std::vector<std::string>& v) {
    if (v.empty()) return;
    out += ",\"";
    out += key;
    out += "\":[";
    for (size_t i = 0; i < v.size(); ++i) {
        if (i) out += ',';
        json_append_string(out, v[i]);
    }
    out += ']';
}
void integer(std::string& out, const char* key, int64_t v) {
    out += ",\"";
    out += key;
    out += "\":";
    json_append_int(out, v);
}
void string(std::string& out, const char* key, const std::string& v) {
    if (v.empty()) return;
    out += ",\"";
    out += key;
    out += "\":";
    json_append_string(out, v);
}

/// Servers send the same certificates again and again, and decoding one (OpenSSL 3 decodes its
/// key too) costs far more than hashing it: decoded certificates are kept per thread by SHA-1, in a
/// direct-mapped table large enough for the distinct certificates a sensor sees over minutes
/// (about 1 MiB per packet thread, allocated on first use).
struct CertCache {
    static constexpr size_t kSlots = 1024;
    struct Slot {
        bool used = false, ok = false;
        unsigned char sha1[20] = {};
        CertInfo info;
    };
    std::vector<Slot> slots = std::vector<Slot>(kSlots);
};

bool decode_uncached(const uint8_t* der, size_t len, CertInfo& c);

}  // namespace

bool decode_cert(const uint8_t* der, size_t len, int64_t nowSecs, CertInfo& c) {
    if (len == 0 || len > kMaxCertBytes) return false;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdLen = 0;
    if (EVP_Digest(der, len, md, &mdLen, EVP_sha1(), nullptr) != 1 || mdLen != 20) return false;
    thread_local CertCache cache;
    CertCache::Slot& slot = cache.slots[((size_t{md[0]} << 8) | md[1]) % CertCache::kSlots];
    if (!slot.used || std::memcmp(slot.sha1, md, 20) != 0) {
        slot.used = true;
        std::memcpy(slot.sha1, md, 20);
        slot.info = CertInfo{};
        slot.ok = decode_uncached(der, len, slot.info);
        if (slot.ok) hex(md, mdLen, slot.info.hash, true);  // of the bytes as sent
    }
    if (!slot.ok) return false;
    c = slot.info;
    c.now = nowSecs;
    return true;
}

void tag_certificate(session::Session& s, const CertInfo& c, bool first) {
    if (!s.table) return;
    const bool sameOrg = (c.subjectON.size() == 1 && c.issuerON.size() == 1 && c.subjectON[0] == c.issuerON[0]) ||
                         (c.subjectON.empty() && c.issuerON.empty());
    const bool sameCn = c.subjectCN.size() == 1 && c.issuerCN.size() == 1 && c.subjectCN[0] == c.issuerCN[0];
    if (first && !c.ca && sameOrg && sameCn) s.table->add_tag(s, "cert:self-signed");
    if (c.ca) s.table->add_tag(s, "cert:certificate-authority");
}

namespace {

bool decode_uncached(const uint8_t* der, size_t len, CertInfo& c) {
    const unsigned char* p = der;
    std::unique_ptr<X509, X509Free> x(d2i_X509(nullptr, &p, static_cast<long>(len)));
    if (!x) return false;
    // Arkime's "CA" is a key usage that allows signing certificates; basicConstraints is not read.
    c.ca = (X509_get_extension_flags(x.get()) & EXFLAG_KUSAGE) != 0 &&
           (X509_get_key_usage(x.get()) & KU_KEY_CERT_SIGN) != 0;
    if (const ASN1_INTEGER* serial = X509_get0_serialNumber(x.get())) {
        // The DER content bytes, sign byte included (00f1965d…).
        unsigned char* enc = nullptr;
        int n = i2d_ASN1_INTEGER(serial, &enc);
        if (n > 2 && enc[1] < 0x80) hex(enc + 2, static_cast<size_t>(n - 2), c.serial, false);
        OPENSSL_free(enc);
    }
    const X509_NAME* issuer = X509_get_issuer_name(x.get());
    const X509_NAME* subject = X509_get_subject_name(x.get());
    name_entries(issuer, NID_commonName, true, c.issuerCN);
    name_entries(issuer, NID_organizationName, false, c.issuerON);
    name_entries(issuer, NID_organizationalUnitName, false, c.issuerOU);
    name_entries(subject, NID_commonName, true, c.subjectCN);
    name_entries(subject, NID_organizationName, false, c.subjectON);
    name_entries(subject, NID_organizationalUnitName, false, c.subjectOU);
    epoch(X509_get0_notBefore(x.get()), c.notBefore);
    epoch(X509_get0_notAfter(x.get()), c.notAfter);
    std::unique_ptr<GENERAL_NAMES, NamesFree> alt(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x.get(), NID_subject_alt_name, nullptr, nullptr)));
    for (int i = 0; alt && i < sk_GENERAL_NAME_num(alt.get()); ++i) {
        const GENERAL_NAME* g = sk_GENERAL_NAME_value(alt.get(), i);
        if (g->type != GEN_DNS) continue;
        std::string v = lower(utf8(g->d.dNSName));
        bool dup = false;
        for (const std::string& have : c.alt)
            dup = dup || have == v;
        if (!v.empty() && !dup) c.alt.push_back(std::move(v));
    }
    if (X509_PUBKEY* pub = X509_get_X509_PUBKEY(x.get())) {
        ASN1_OBJECT* alg = nullptr;
        if (X509_PUBKEY_get0_param(&alg, nullptr, nullptr, nullptr, pub) == 1 && alg)
            if (const char* ln = OBJ_nid2ln(OBJ_obj2nid(alg))) c.publicAlgorithm = ln;
    }
    if (EVP_PKEY* key = X509_get0_pubkey(x.get()); key && EVP_PKEY_base_id(key) == EVP_PKEY_EC) {
        char group[64];
        size_t n = 0;
        if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &n) == 1)
            c.curve.assign(group, n);
        else
            c.curve = "corrupt";  // explicit curve parameters (CVE-2020-0601 style)
    }
    return true;
}

}  // namespace

void CertObjects::add(CertInfo&& c) {
    if (certs_.size() >= kMaxCerts) return;
    for (const CertInfo& have : certs_)
        if (have.hash == c.hash) return;
    certs_.push_back(std::move(c));
}

void CertObjects::write_json(std::string& out) const {
    out += '[';
    for (size_t i = 0; i < certs_.size(); ++i) {
        const CertInfo& c = certs_[i];
        if (i) out += ',';
        out += "{\"hash\":";
        json_append_string(out, c.hash);
        string(out, "serial", c.serial);
        strings(out, "issuerCN", c.issuerCN);
        strings(out, "issuerON", c.issuerON);
        strings(out, "issuerOU", c.issuerOU);
        strings(out, "subjectCN", c.subjectCN);
        strings(out, "subjectON", c.subjectON);
        strings(out, "subjectOU", c.subjectOU);
        if (!c.alt.empty()) {
            strings(out, "alt", c.alt);
            integer(out, "altCnt", static_cast<int64_t>(c.alt.size()));
        }
        integer(out, "notBefore", c.notBefore * 1000);
        integer(out, "notAfter", c.notAfter * 1000);
        integer(out, "validDays", (c.notAfter - c.notBefore) / 86400);
        integer(out, "validSeconds", c.notAfter - c.notBefore);
        integer(out, "remainingDays", (c.notAfter - c.now) / 86400);
        integer(out, "remainingSeconds", c.notAfter - c.now);
        string(out, "publicAlgorithm", c.publicAlgorithm);
        string(out, "curve", c.curve);
        out += '}';
    }
    out += ']';
}

}  // namespace flowdex::protocols::tls
