#pragma once
/// Records one per line (NDJSON), to a file or standard output, for Filebeat/Logstash, jq, or an
/// OpenSearch/Elasticsearch `_bulk` load.
///
/// Plain mode writes each record's sessions3 document on a line of its own. Bulk mode writes an
/// action line before each document:
///     {"index":{"_index":"sessions3","_id":"<record id>"}}
///     {...document...}
/// so the output can be posted to `/_bulk` as is (in chunks of a few MB).
///
/// Output is buffered (options.bufferBytes) and handed to the OS when the buffer fills and at
/// end_file/flush. A write error (disk full, EPIPE on a closed pipe: ignore SIGPIPE to get one)
/// throws std::runtime_error("PATH: write failed: reason") from the call that hands data to the
/// OS. This writer keeps no history: begin_file always returns New.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "store/writer.h"

namespace flowdex::store {

class NdjsonWriter final : public Writer {
  public:
    struct Options {
        bool bulk = false;                ///< add `_bulk` action lines
        std::string index = "sessions3";  ///< `_index` of the action lines
        size_t bufferBytes = 1 << 20;
    };

    /// `path` "-" is standard output (not closed at the end); any other path is created or
    /// truncated. Throws std::runtime_error("PATH: reason") when it cannot be opened.
    explicit NdjsonWriter(const std::string& path) : NdjsonWriter(path, Options()) {}
    NdjsonWriter(const std::string& path, Options options);
    /// Writes out the buffer and closes the file; a failure here is reported on stderr (call
    /// flush() first to see it as an exception).
    ~NdjsonWriter() override;
    NdjsonWriter(const NdjsonWriter&) = delete;
    NdjsonWriter& operator=(const NdjsonWriter&) = delete;

    FileSeen begin_file(InputFile&) override { return FileSeen::New; }
    void write(SessionRecord&& record) override;
    void end_file(const InputFile&) override { flush(); }
    void flush() override;

    uint64_t records() const { return records_; }
    const std::string& path() const { return path_; }

  private:
    struct FileClose {
        void operator()(FILE* f) const { std::fclose(f); }
    };
    void drain();

    std::string path_;
    Options options_;
    std::string actionPrefix_;  ///< `{"index":{"_index":"…"`
    std::unique_ptr<FILE, FileClose> owned_;
    FILE* out_ = nullptr;
    std::string buf_;
    uint64_t records_ = 0;
};

}  // namespace flowdex::store
