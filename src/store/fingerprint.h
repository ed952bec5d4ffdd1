#pragma once
/// How an input file is identified: the hex SHA-256 of its content (OpenSSL EVP).
///
/// The same capture under another name or path is the same file to the store (see
/// docs/storage.md); a file that changed is a new one.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace flowdex::store {

/// Streaming SHA-256, e.g. over standard input while it is being read.
class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;

    void update(const void* data, size_t len);
    void update(std::string_view data) { update(data.data(), data.size()); }
    /// 64 lowercase hex digits of everything given since construction (or the last final_hex);
    /// the hash then starts over, so the object can be reused.
    std::string final_hex();

  private:
    struct CtxFree {
        void operator()(evp_md_ctx_st* ctx) const;
    };
    std::unique_ptr<evp_md_ctx_st, CtxFree> ctx_;
};

/// Hex SHA-256 of the file's content, read in large chunks. Sets *size to the number of bytes
/// read when given. Throws std::runtime_error("PATH: reason") when the file cannot be opened or read.
std::string file_fingerprint(const std::string& path, uint64_t* size = nullptr);

/// How the capture job identifies an input file without reading it twice: hex SHA-256 over the
/// file's size (8 bytes, little-endian), its first kQuickSpan bytes and its last kQuickSpan
/// bytes — the whole content for files up to 2 × kQuickSpan. Capture files only grow and begin
/// with distinct timestamps, so two different captures never share size, head and tail in
/// practice, while a 10 GB capture costs 2 MiB of reading instead of 10 GB.
inline constexpr uint64_t kQuickSpan = 1u << 20;
std::string quick_file_fingerprint(const std::string& path, uint64_t* size = nullptr);

}  // namespace flowdex::store
