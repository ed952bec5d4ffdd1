#pragma once
/// What a file is, as libmagic says (the `mime` and `type` of a pipeline message), and whether
/// that makes it a capture: mime `application/vnd.tcpdump.pcap` or `application/x-pcapng`, or a
/// description matching `pcap-?ng` ignoring case (libmagic 5.44 calls pcapng
/// `application/octet-stream`, "pcapng capture file - version 1.0").
#include <magic.h>

#include <memory>
#include <string>
#include <string_view>

namespace flowdex::pipeline {

struct FileKind {
    std::string mime;
    std::string type;
};

bool is_capture(const FileKind& k);

/// Compression formats the monitor unpacks, told by their first bytes.
enum class Compression : uint8_t { None, Gzip, Zstd, Xz };
Compression compression_of(std::string_view firstBytes);
/// "gzip", "zstd", "xz" or "none".
const char* to_string(Compression c);

/// One libmagic handle pair (mime and description). Not thread-safe: one per thread.
class Magic {
  public:
    /// Loads the default magic database; throws std::runtime_error when it cannot.
    Magic();
    /// Throws std::runtime_error("PATH: reason") when the file cannot be read.
    FileKind identify(const std::string& path) const;

  private:
    struct Close {
        void operator()(magic_set* m) const { magic_close(m); }
    };
    std::unique_ptr<magic_set, Close> mime_, desc_;
};

}  // namespace flowdex::pipeline
