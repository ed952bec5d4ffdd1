#include "protocols/quic/initial.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>

#include "protocols/tls/tls.h"
#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::quic {
namespace {

using session::Session;

constexpr uint8_t kSaltV1[20] = {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
                                 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a};
constexpr uint8_t kSaltV2[20] = {0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
                                 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9};
constexpr uint8_t kSaltDraft29[20] = {0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97,
                                      0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99};
constexpr size_t kTagLen = 16, kSampleLen = 16, kMaxPnLen = 4;

struct KdfFree {
    void operator()(EVP_KDF* k) const { EVP_KDF_free(k); }
    void operator()(EVP_KDF_CTX* c) const { EVP_KDF_CTX_free(c); }
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

bool is_draft(uint32_t v) {
    return v >= 0xff00001d && v <= 0xff000020;
}

/// HKDF with SHA-256 in one mode: extract (key = ikm, salt) or expand (key = prk, info).
bool hkdf(int mode, const uint8_t* key, size_t keyLen, const uint8_t* extra, size_t extraLen, uint8_t* out,
          size_t outLen) {
    std::unique_ptr<EVP_KDF, KdfFree> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
    if (!kdf) return false;
    std::unique_ptr<EVP_KDF_CTX, KdfFree> ctx(EVP_KDF_CTX_new(kdf.get()));
    if (!ctx) return false;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
                           OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(key), keyLen),
                           OSSL_PARAM_construct_octet_string(
                               mode == EVP_KDF_HKDF_MODE_EXTRACT_ONLY ? OSSL_KDF_PARAM_SALT : OSSL_KDF_PARAM_INFO,
                               const_cast<uint8_t*>(extra), extraLen),
                           OSSL_PARAM_construct_end()};
    return EVP_KDF_derive(ctx.get(), out, outLen, params) == 1;
}

/// TLS 1.3 HKDF-Expand-Label with an empty context.
bool expand_label(const uint8_t* secret, size_t secretLen, std::string_view label, uint8_t* out, size_t outLen) {
    constexpr std::string_view kPrefix = "tls13 ";
    uint8_t info[2 + 1 + 255 + 1];
    size_t full = kPrefix.size() + label.size();
    if (full > 255) return false;
    info[0] = static_cast<uint8_t>(outLen >> 8);
    info[1] = static_cast<uint8_t>(outLen);
    info[2] = static_cast<uint8_t>(full);
    std::memcpy(info + 3, kPrefix.data(), kPrefix.size());
    std::memcpy(info + 3 + kPrefix.size(), label.data(), label.size());
    info[3 + full] = 0;
    return hkdf(EVP_KDF_HKDF_MODE_EXPAND_ONLY, secret, secretLen, info, 4 + full, out, outLen);
}

bool varint(const uint8_t* p, size_t n, size_t& off, uint64_t& v) {
    if (off >= n) return false;
    size_t len = size_t{1} << (p[off] >> 6);
    if (n - off < len) return false;
    v = p[off] & 0x3f;
    for (size_t i = 1; i < len; ++i)
        v = v << 8 | p[off + i];
    off += len;
    return true;
}

uint32_t be32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

}  // namespace

bool supported_version(uint32_t version) {
    return version == kVersion1 || version == kVersion2 || is_draft(version);
}

bool derive_client_keys(uint32_t version, const uint8_t* dcid, size_t dcidLen, InitialKeys& out) {
    if (!supported_version(version) || dcidLen > kMaxConnectionId) return false;
    const uint8_t* salt = version == kVersion2 ? kSaltV2 : version == kVersion1 ? kSaltV1 : kSaltDraft29;
    const bool v2 = version == kVersion2;
    uint8_t initial[32];
    return hkdf(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, dcid, dcidLen, salt, sizeof kSaltV1, initial, sizeof initial) &&
           expand_label(initial, sizeof initial, "client in", out.secret.data(), out.secret.size()) &&
           expand_label(out.secret.data(), out.secret.size(), v2 ? "quicv2 key" : "quic key", out.key.data(),
                        out.key.size()) &&
           expand_label(out.secret.data(), out.secret.size(), v2 ? "quicv2 iv" : "quic iv", out.iv.data(),
                        out.iv.size()) &&
           expand_label(out.secret.data(), out.secret.size(), v2 ? "quicv2 hp" : "quic hp", out.hp.data(),
                        out.hp.size());
}

Decrypted decrypt_initial(const uint8_t* pkt, size_t len, uint8_t* scratch, uint8_t* out) {
    Decrypted r;
    if (len < 7 || !(pkt[0] & 0x80)) return r;
    const uint32_t version = be32(pkt + 1);
    if (!supported_version(version)) {
        r.packetLen = len;  // version negotiation or unknown layout: the rest of the datagram
        return r;
    }
    size_t off = 5;
    const size_t dcidLen = pkt[off++];
    if (dcidLen > kMaxConnectionId || len - off < dcidLen + 1) return r;
    const uint8_t* dcid = pkt + off;
    off += dcidLen;
    const size_t scidLen = pkt[off++];
    if (scidLen > kMaxConnectionId || len - off < scidLen) return r;
    off += scidLen;
    const unsigned type = (pkt[0] >> 4) & 3;
    const bool v2 = version == kVersion2;
    const unsigned initialType = v2 ? 1 : 0, retryType = v2 ? 0 : 3;
    if (type == retryType) {
        r.packetLen = len;
        return r;
    }
    uint64_t v = 0;
    if (type == initialType) {
        if (!varint(pkt, len, off, v) || v > len - off) return r;
        off += static_cast<size_t>(v);
    }
    if (!varint(pkt, len, off, v) || v > len - off) return r;
    const size_t pnOffset = off;
    r.packetLen = off + static_cast<size_t>(v);
    if (type != initialType || v < kMaxPnLen + kSampleLen) return r;

    InitialKeys k;
    if (!derive_client_keys(version, dcid, dcidLen, k)) return r;
    std::memcpy(scratch, pkt, r.packetLen);

    std::unique_ptr<EVP_CIPHER_CTX, KdfFree> ctx(EVP_CIPHER_CTX_new());
    if (!ctx) return r;
    uint8_t mask[kSampleLen + 16];
    int n = 0;
    if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ecb(), nullptr, k.hp.data(), nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
        EVP_EncryptUpdate(ctx.get(), mask, &n, scratch + pnOffset + kMaxPnLen, kSampleLen) != 1 || n != kSampleLen)
        return r;
    scratch[0] ^= mask[0] & 0x0f;
    const size_t pnLen = (scratch[0] & 3) + 1;
    uint8_t nonce[12];
    std::memcpy(nonce, k.iv.data(), sizeof nonce);
    for (size_t i = 0; i < pnLen; ++i) {
        scratch[pnOffset + i] ^= mask[1 + i];
        nonce[sizeof nonce - pnLen + i] ^= scratch[pnOffset + i];
    }
    const size_t header = pnOffset + pnLen;
    if (r.packetLen < header + kTagLen + 1) return r;
    const size_t ctLen = r.packetLen - header - kTagLen;

    if (EVP_CIPHER_CTX_reset(ctx.get()) != 1 ||
        EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, sizeof nonce, nullptr) != 1 ||
        EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, k.key.data(), nonce) != 1 ||
        EVP_DecryptUpdate(ctx.get(), nullptr, &n, scratch, static_cast<int>(header)) != 1 ||
        EVP_DecryptUpdate(ctx.get(), out, &n, scratch + header, static_cast<int>(ctLen)) != 1)
        return r;
    const size_t written = static_cast<size_t>(n);
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagLen, scratch + header + ctLen) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), out + written, &n) != 1)
        return r;
    r.plainLen = written + static_cast<size_t>(n);
    r.ok = true;
    return r;
}

bool CryptoStream::add(Session& s, uint64_t offset, const uint8_t* data, size_t len) {
    static constexpr std::array<uint8_t, kMaxCrypto> kZeros{};
    if (offset >= kMaxCrypto) return true;
    const auto at = static_cast<size_t>(offset);
    const size_t n = std::min(len, kMaxCrypto - at), size = buf_.size();
    if (n == 0) return true;  // an empty frame holds nothing (no gap either)
    bool kept = true;
    if (at >= size) {  // past the end: gap (zeros), then the bytes
        kept = buf_.append(s, kZeros.data(), at - size) && buf_.append(s, data, n);
    } else {  // over held bytes: keep the front, then the bytes, then the held tail after them
        thread_local std::array<uint8_t, kMaxCrypto> tail;
        const size_t tailAt = std::min(at + n, size), tailLen = size - tailAt;
        std::memcpy(tail.data(), buf_.bytes() + tailAt, tailLen);
        buf_.truncate(at);
        kept = buf_.append(s, data, n) && buf_.append(s, tail.data(), tailLen);
    }
    if (!kept) {
        buf_.clear();
        have_.reset();
        return false;
    }
    for (size_t i = at; i < at + n; ++i)
        have_.set(i);
    return true;
}

size_t CryptoStream::contiguous() const {
    size_t n = 0;
    while (n < buf_.size() && have_.test(n))
        ++n;
    return n;
}

Frames read_frames(Session& s, const uint8_t* p, size_t n, CryptoStream& stream) {
    enum Frame : uint64_t { Padding = 0x00, Ping = 0x01, Ack = 0x02, AckEcn = 0x03, Crypto = 0x06, Close = 0x1c };
    size_t off = 0;
    while (off < n) {
        uint64_t type = 0, a = 0, b = 0;
        if (!varint(p, n, off, type)) return Frames::Malformed;
        switch (type) {
            case Padding:
            case Ping:
                break;
            case Ack:
            case AckEcn: {
                uint64_t count = 0;
                if (!varint(p, n, off, a) || !varint(p, n, off, a) || !varint(p, n, off, count) ||
                    !varint(p, n, off, a))
                    return Frames::Malformed;
                if (count > n) return Frames::Malformed;
                for (uint64_t i = 0; i < count; ++i)
                    if (!varint(p, n, off, a) || !varint(p, n, off, b)) return Frames::Malformed;
                if (type == AckEcn)
                    for (int i = 0; i < 3; ++i)
                        if (!varint(p, n, off, a)) return Frames::Malformed;
                break;
            }
            case Crypto:
                if (!varint(p, n, off, a) || !varint(p, n, off, b) || b > n - off) return Frames::Malformed;
                if (!stream.add(s, a, p + off, static_cast<size_t>(b))) return Frames::Refused;
                off += static_cast<size_t>(b);
                break;
            case Close:
                return Frames::Ok;
            default:
                return Frames::Malformed;
        }
    }
    return Frames::Ok;
}

bool client_hello(const CryptoStream& stream, const uint8_t*& body, size_t& len) {
    constexpr uint8_t kClientHello = 1;
    const size_t have = stream.contiguous();
    const uint8_t* d = stream.data();
    if (have < 4 || d[0] != kClientHello) return false;
    const size_t n = size_t{d[1]} << 16 | size_t{d[2]} << 8 | d[3];
    if (n + 4 > have) return false;
    body = d + 4;
    len = n;
    return true;
}

namespace {

constexpr size_t kMaxDatagram = 65536;

struct State {
    int clientDir = 0;
    size_t datagrams = 0;
    bool named = false;
    CryptoStream stream;
};

/// Per-thread buffers for one datagram's decryption (allocated once per thread).
struct Buffers {
    std::array<uint8_t, kMaxDatagram> scratch, plain;
};

bool initial_start(const uint8_t* d, uint32_t len) {
    if (len < 7 || (d[0] & 0xc0) != 0xc0) return false;
    const uint32_t version = be32(d + 1);
    if (!supported_version(version)) return false;
    return ((d[0] >> 4) & 3) == (version == kVersion2 ? 1u : 0u);
}

int initial_parse(void* ctx, Session& s, const uint8_t* d, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which != st.clientDir) return 0;
    if (++st.datagrams > kMaxInitialDatagrams) return -1;
    thread_local std::unique_ptr<Buffers> buffers;
    if (!buffers) buffers = std::make_unique<Buffers>();
    size_t off = 0;
    while (off < len && (d[off] & 0x80)) {
        Decrypted r = decrypt_initial(d + off, len - off, buffers->scratch.data(), buffers->plain.data());
        if (r.packetLen == 0) break;
        if (r.ok) {
            if (!st.named && s.table) s.table->add_protocol(s, "quic");
            st.named = true;
            if (read_frames(s, buffers->plain.data(), r.plainLen, st.stream) == Frames::Refused) return -1;
        }
        off += r.packetLen;
    }
    const uint8_t* body = nullptr;
    size_t n = 0;
    if (client_hello(st.stream, body, n)) {
        tls::client_hello_fields(s, body, n, 'q');
        return -1;
    }
    return 0;
}

void initial_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void initial_classify(void*, Session& s, const uint8_t* d, uint32_t len, int which) {
    if (!s.table || !initial_start(d, len)) return;
    if (s.has_parser(initial_parse)) return;
    auto st = std::make_unique<State>();
    st->clientDir = which;
    s.table->register_parser(s, session::ParserEntry{initial_parse, nullptr, initial_free, st.release()});
}

}  // namespace

void register_quic_initial(Registries& r) {
    r.classifiers.add(classify::Transport::Udp, classify::Classifier{"quic-initial", 0, "", initial_classify, nullptr});
}

}  // namespace flowdex::protocols::quic
