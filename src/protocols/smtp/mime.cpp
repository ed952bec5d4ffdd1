#include "protocols/smtp/mime.h"

#include <openssl/evp.h>

#include <algorithm>

#include "core/text.h"
#include "protocols/magic.h"
#include "protocols/smtp/smtp.h"

namespace flowdex::protocols::smtp {
namespace {

std::string lower(std::string_view v) {
    std::string out(v);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

/// The value of parameter `key` ("boundary", "filename"…) of a header value, unquoted; empty when absent.
std::string_view param(std::string_view v, std::string_view key) {
    size_t at = 0;
    while ((at = v.find(';', at)) != std::string_view::npos) {
        ++at;
        std::string_view rest = core::trim_space(v.substr(at));
        if (rest.size() <= key.size() || rest[key.size()] != '=' || lower(rest.substr(0, key.size())) != key) continue;
        rest.remove_prefix(key.size() + 1);
        if (!rest.empty() && rest.front() == '"') {
            const size_t q = rest.find('"', 1);
            return rest.substr(1, q == std::string_view::npos ? rest.size() - 1 : q - 1);
        }
        return core::trim_space(rest.substr(0, rest.find(';')));
    }
    return {};
}

int b64(uint8_t c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

std::string hex(const unsigned char* p, unsigned n) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < n; ++i) {
        out += kHex[p[i] >> 4];
        out += kHex[p[i] & 15];
    }
    return out;
}

}  // namespace

struct MimeReader::Digest {
    Digest() : md5(EVP_MD_CTX_new()), sha256(EVP_MD_CTX_new()) {}
    ~Digest() {
        EVP_MD_CTX_free(md5);
        EVP_MD_CTX_free(sha256);
    }
    Digest(const Digest&) = delete;
    Digest& operator=(const Digest&) = delete;
    bool init() {
        return md5 && sha256 && EVP_DigestInit_ex(md5, EVP_md5(), nullptr) == 1 &&
               EVP_DigestInit_ex(sha256, EVP_sha256(), nullptr) == 1;
    }
    EVP_MD_CTX* md5;
    EVP_MD_CTX* sha256;
};

MimeReader::MimeReader() = default;
MimeReader::~MimeReader() = default;

void MimeReader::reset() {
    refused_ = false;
    magicBuf_.clear();
    boundaries_.clear();
    where_ = Where::Outside;
    pendingBoundary_.clear();
    base64_ = topBase64_ = havePending_ = false;
    filename_.clear();
    dispFilename_.clear();
    hName_.clear();
    hValue_.clear();
}

void MimeReader::refuse() {
    reset();
    refused_ = true;
}

bool MimeReader::keep(session::ParserBuffer& dst, std::string_view v, const MimeSink& sink) {
    dst.clear();
    return keep_more(dst, v, sink);
}

bool MimeReader::keep_more(session::ParserBuffer& dst, std::string_view v, const MimeSink& sink) {
    if (v.empty()) return true;
    if (sink.session && dst.append(*sink.session, v.data(), v.size())) return true;
    refuse();
    return false;
}

void MimeReader::header(std::string_view name, std::string_view value, bool topLevel, const MimeSink& sink) {
    if (name == "content-type") {
        if (lower(core::trim_space(value)).starts_with("multipart/")) {
            std::string_view b = param(value, "boundary");
            if (!b.empty() && b.size() <= kMaxBoundary && !keep(pendingBoundary_, b, sink)) return;
        }
        if (std::string_view n = param(value, "name"); !n.empty()) keep(filename_, n, sink);
    } else if (name == "content-disposition") {
        if (std::string_view n = param(value, "filename"); !n.empty()) keep(dispFilename_, n, sink);
    } else if (name == "content-transfer-encoding") {
        const bool isB64 = lower(core::trim_space(value)) == "base64";
        (topLevel ? topBase64_ : base64_) = isB64;
    }
}

void MimeReader::message_header(std::string_view name, std::string_view value, const MimeSink& sink) {
    if (!refused_) header(name, value, true, sink);
}

void MimeReader::body_start(const MimeSink& sink) {
    if (refused_) return;
    if (!pendingBoundary_.empty()) {
        boundaries_.push_back(std::move(pendingBoundary_));
        pendingBoundary_.clear();
        where_ = Where::Outside;
    } else if (topBase64_) {
        base64_ = true;
        start_body(sink);
    }
    filename_.clear();
    dispFilename_.clear();
}

void MimeReader::start_body(const MimeSink&) {
    where_ = Where::PartBody;
    carryN_ = 0;
    decoded_ = 0;
    magicBuf_.clear();
    if (!base64_) return;
    if (!digest_) digest_ = std::make_unique<Digest>();
    if (!digest_->init()) base64_ = false;
}

void MimeReader::part_headers_done(const MimeSink& sink) {
    if (havePending_) {
        header(lower(core::trim_space(hName_.view())), core::trim_space(hValue_.view()), false, sink);
        havePending_ = false;
        hName_.clear();
        hValue_.clear();
        if (refused_) return;
    }
    std::string name(!dispFilename_.empty() ? dispFilename_.view() : filename_.view());
    if (!name.empty() && sink.filename) {
        std::string decoded = decode_header_words(name);
        if (decoded.size() > kMaxFilename) decoded.resize(kMaxFilename);
        sink.filename(sink.ctx, decoded);
    }
    filename_.clear();
    dispFilename_.clear();
    if (!pendingBoundary_.empty()) {
        if (boundaries_.size() < kMaxDepth) boundaries_.push_back(std::move(pendingBoundary_));
        pendingBoundary_.clear();
        where_ = Where::Outside;
        return;
    }
    start_body(sink);
}

void MimeReader::decode(std::string_view line, const MimeSink& sink) {
    uint8_t out[3];
    uint8_t sample[kMagicBytes];  // this line's bytes for the libmagic sample, kept at once
    size_t sampleN = 0;
    for (char ch : line) {
        const int v = b64(static_cast<uint8_t>(ch));
        if (v < 0) continue;  // padding, blanks and junk
        carry_[carryN_++] = static_cast<uint8_t>(v);
        if (carryN_ < 4) continue;
        out[0] = static_cast<uint8_t>(carry_[0] << 2 | carry_[1] >> 4);
        out[1] = static_cast<uint8_t>(carry_[1] << 4 | carry_[2] >> 2);
        out[2] = static_cast<uint8_t>(carry_[2] << 6 | carry_[3]);
        carryN_ = 0;
        EVP_DigestUpdate(digest_->md5, out, 3);
        EVP_DigestUpdate(digest_->sha256, out, 3);
        decoded_ += 3;
        for (size_t k = 0; k < 3 && magicBuf_.size() + sampleN < kMagicBytes; ++k)
            sample[sampleN++] = out[k];
    }
    keep_more(magicBuf_, {reinterpret_cast<const char*>(sample), sampleN}, sink);
}

void MimeReader::finish_part(const MimeSink& sink) {
    if (where_ != Where::PartBody) return;
    where_ = Where::Outside;
    if (!base64_) return;
    // A final group of 2 or 3 symbols (padding dropped) still holds 1 or 2 bytes.
    if (carryN_ >= 2) {
        uint8_t out[2] = {static_cast<uint8_t>(carry_[0] << 2 | carry_[1] >> 4),
                          static_cast<uint8_t>(carry_[1] << 4 | carry_[2] >> 2)};
        const unsigned n = static_cast<unsigned>(carryN_ - 1);
        EVP_DigestUpdate(digest_->md5, out, n);
        EVP_DigestUpdate(digest_->sha256, out, n);
        decoded_ += n;
        if (magicBuf_.size() < kMagicBytes &&
            !keep_more(magicBuf_,
                       {reinterpret_cast<const char*>(out), std::min<size_t>(n, kMagicBytes - magicBuf_.size())}, sink))
            return;
    }
    carryN_ = 0;
    base64_ = false;
    if (decoded_ == 0) return;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n5 = 0, n256 = 0;
    std::string m5, m256;
    if (EVP_DigestFinal_ex(digest_->md5, md, &n5) == 1) m5 = hex(md, n5);
    if (EVP_DigestFinal_ex(digest_->sha256, md, &n256) == 1) m256 = hex(md, n256);
    if (sink.digests && !m5.empty() && !m256.empty()) sink.digests(sink.ctx, m5, m256);
    const std::string_view type = body_magic(magicBuf_.bytes(), std::min(magicBuf_.size(), kMagicBytes));
    if (sink.magic && !type.empty()) sink.magic(sink.ctx, type);
}

void MimeReader::body_line(std::string_view line, const MimeSink& sink) {
    if (refused_) return;
    if (line.size() >= 2 && line[0] == '-' && line[1] == '-' && !boundaries_.empty()) {
        std::string_view b = line.substr(2);
        while (!b.empty() && (b.back() == ' ' || b.back() == '\t'))
            b.remove_suffix(1);
        const bool closing = b.size() >= 2 && b.ends_with("--");
        for (size_t k = boundaries_.size(); k-- > 0;) {
            const std::string_view want = boundaries_[k].view();
            const bool exact = b == want;
            if (!exact && !(closing && b.substr(0, b.size() - 2) == want)) continue;
            // part_headers_done may push a boundary (reallocating boundaries_): `want` is not used after it.
            if (where_ == Where::PartHeaders) part_headers_done(sink);
            if (refused_) return;
            finish_part(sink);
            if (refused_) return;
            boundaries_.resize(std::min(boundaries_.size(), exact ? k + 1 : k));
            pendingBoundary_.clear();
            base64_ = false;
            if (exact) {
                where_ = Where::PartHeaders;
                havePending_ = false;
            } else {
                where_ = Where::Outside;
            }
            return;
        }
    }
    switch (where_) {
        case Where::Outside:
            return;
        case Where::PartBody:
            if (base64_) decode(line, sink);
            return;
        case Where::PartHeaders:
            break;
    }
    if (line.empty()) {
        part_headers_done(sink);
    } else if ((line.front() == ' ' || line.front() == '\t') && havePending_) {
        if (hValue_.size() < kMaxHeader && keep_more(hValue_, " ", sink))
            keep_more(hValue_, core::trim_space(line).substr(0, kMaxHeader - hValue_.size()), sink);
    } else {
        if (havePending_) {
            header(lower(core::trim_space(hName_.view())), core::trim_space(hValue_.view()), false, sink);
            if (refused_) return;
        }
        const size_t colon = line.find(':');
        havePending_ = colon != std::string_view::npos;
        hName_.clear();
        hValue_.clear();
        if (!havePending_) return;
        havePending_ =
            keep(hName_, line.substr(0, colon), sink) && keep(hValue_, line.substr(colon + 1, kMaxHeader), sink);
    }
}

void MimeReader::end(const MimeSink& sink) {
    if (refused_) return;  // refused until the next reset()
    if (where_ == Where::PartHeaders) part_headers_done(sink);
    finish_part(sink);
    if (!refused_) reset();
}

}  // namespace flowdex::protocols::smtp
