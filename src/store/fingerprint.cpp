#include "store/fingerprint.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace flowdex::store {

namespace {
void init(EVP_MD_CTX* ctx) {
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256: OpenSSL init failed");
}
struct FileClose {
    void operator()(FILE* f) const { std::fclose(f); }
};
}  // namespace

void Sha256::CtxFree::operator()(evp_md_ctx_st* ctx) const {
    EVP_MD_CTX_free(ctx);
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_) throw std::runtime_error("SHA-256: out of memory");
    init(ctx_.get());
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, size_t len) {
    if (len && EVP_DigestUpdate(ctx_.get(), data, len) != 1) throw std::runtime_error("SHA-256: OpenSSL update failed");
}

std::string Sha256::final_hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(ctx_.get(), md, &n) != 1) throw std::runtime_error("SHA-256: OpenSSL final failed");
    init(ctx_.get());
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(n * 2, '0');
    for (unsigned i = 0; i < n; ++i) {
        out[2 * i] = kHex[md[i] >> 4];
        out[2 * i + 1] = kHex[md[i] & 15];
    }
    return out;
}

std::string file_fingerprint(const std::string& path, uint64_t* size) {
    std::unique_ptr<FILE, FileClose> f(std::fopen(path.c_str(), "rb"));
    if (!f) throw std::runtime_error(path + ": " + std::strerror(errno));
    Sha256 sha;
    std::vector<char> buf(1 << 20);
    uint64_t total = 0;
    for (;;) {
        size_t n = std::fread(buf.data(), 1, buf.size(), f.get());
        sha.update(buf.data(), n);
        total += n;
        if (n < buf.size()) break;
    }
    if (std::ferror(f.get())) throw std::runtime_error(path + ": read failed: " + std::strerror(errno));
    if (size) *size = total;
    return sha.final_hex();
}

std::string quick_file_fingerprint(const std::string& path, uint64_t* size) {
    std::unique_ptr<FILE, FileClose> f(std::fopen(path.c_str(), "rb"));
    if (!f) throw std::runtime_error(path + ": " + std::strerror(errno));
    if (std::fseek(f.get(), 0, SEEK_END) != 0)
        throw std::runtime_error(path + ": cannot seek: " + std::strerror(errno));
    long end = std::ftell(f.get());
    if (end < 0) throw std::runtime_error(path + ": cannot tell size: " + std::strerror(errno));
    uint64_t total = static_cast<uint64_t>(end);
    Sha256 sha;
    uint8_t le[8];
    for (int i = 0; i < 8; ++i)
        le[i] = static_cast<uint8_t>(total >> (8 * i));
    sha.update(le, sizeof le);
    std::vector<char> buf(kQuickSpan);
    auto hash_span = [&](uint64_t from, uint64_t len) {
        if (std::fseek(f.get(), static_cast<long>(from), SEEK_SET) != 0)
            throw std::runtime_error(path + ": cannot seek: " + std::strerror(errno));
        size_t n = std::fread(buf.data(), 1, static_cast<size_t>(len), f.get());
        if (n != len) throw std::runtime_error(path + ": read failed: " + std::strerror(errno));
        sha.update(buf.data(), n);
    };
    if (total <= 2 * kQuickSpan) {
        if (total > 0) hash_span(0, total);
    } else {
        hash_span(0, kQuickSpan);
        hash_span(total - kQuickSpan, kQuickSpan);
    }
    if (size) *size = total;
    return sha.final_hex();
}

}  // namespace flowdex::store
