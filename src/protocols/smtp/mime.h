#pragma once
/// The MIME structure of one mail message, read line by line: multipart boundaries (nested up to
/// kMaxDepth), each part's headers (folded lines joined) and its body. What Arkime records per
/// part comes out through a MimeSink:
/// - a `filename` (Content-Disposition `filename=`, else Content-Type `name=`; RFC 2047 words
///   decoded; cut at kMaxFilename bytes, as Arkime cuts it);
/// - for a base64 part: the MD5 and SHA-256 of the decoded content, and its libmagic type (protocols/magic.h: plain
/// text gives none). A message that is not multipart but is base64 as a whole counts as one part. Parts in other
/// encodings (7bit, quoted-printable…) give only their filename.
///
/// Bounds: kMaxDepth boundaries of at most kMaxBoundary bytes, one part header of kMaxHeader
/// bytes, kMagicBytes decoded bytes kept for the type; hashes are streamed. What the reader holds
/// across lines counts against the session's parser budget (`maxParserBuffer`): when the budget
/// refuses bytes, the reader gives back what it holds, reports nothing more of the message and
/// says so through refused() (the SMTP parser then stops).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "session/parser_buffer.h"

namespace flowdex::protocols::smtp {

struct MimeSink {
    session::Session* session = nullptr;  ///< whose parser budget the held bytes count against
    void* ctx = nullptr;
    void (*filename)(void* ctx, std::string_view name) = nullptr;
    void (*digests)(void* ctx, std::string_view md5Hex, std::string_view sha256Hex) = nullptr;
    void (*magic)(void* ctx, std::string_view type) = nullptr;
};

class MimeReader {
  public:
    static constexpr size_t kMaxDepth = 8;
    static constexpr size_t kMaxBoundary = 200;
    static constexpr size_t kMaxHeader = 8192;
    static constexpr size_t kMaxFilename = 4095;
    static constexpr size_t kMagicBytes = 256;

    MimeReader();
    ~MimeReader();
    MimeReader(const MimeReader&) = delete;
    MimeReader& operator=(const MimeReader&) = delete;

    /// A new message: forget everything (a refusal too).
    void reset();
    /// A top-level header of the message (name lower-cased, value unfolded).
    void message_header(std::string_view name, std::string_view value, const MimeSink& sink);
    /// The empty line after the message headers.
    void body_start(const MimeSink& sink);
    /// One line of the body, line ending removed (dot-stuffing already undone).
    void body_line(std::string_view line, const MimeSink& sink);
    /// The message ended (a part still open is finished).
    void end(const MimeSink& sink);
    /// The parser budget refused bytes of this message: the reader holds nothing and reads no more
    /// of it.
    bool refused() const { return refused_; }

  private:
    enum class Where : uint8_t { Outside, PartHeaders, PartBody };
    struct Digest;

    void header(std::string_view name, std::string_view value, bool topLevel, const MimeSink& sink);
    /// `dst` = `v`; false (and the reader refused) when the budget refuses it.
    bool keep(session::ParserBuffer& dst, std::string_view v, const MimeSink& sink);
    bool keep_more(session::ParserBuffer& dst, std::string_view v, const MimeSink& sink);
    void refuse();
    void part_headers_done(const MimeSink& sink);
    void start_body(const MimeSink& sink);
    void finish_part(const MimeSink& sink);
    void decode(std::string_view line, const MimeSink& sink);

    std::vector<session::ParserBuffer> boundaries_;
    Where where_ = Where::Outside;
    session::ParserBuffer pendingBoundary_;  ///< from the Content-Type just read
    bool base64_ = false;
    bool topBase64_ = false;
    bool refused_ = false;
    session::ParserBuffer filename_, dispFilename_;
    session::ParserBuffer hName_, hValue_;  ///< the part header being unfolded
    bool havePending_ = false;
    std::unique_ptr<Digest> digest_;
    uint8_t carry_[4] = {};
    int carryN_ = 0;
    uint64_t decoded_ = 0;
    session::ParserBuffer magicBuf_;
};

}  // namespace flowdex::protocols::smtp
