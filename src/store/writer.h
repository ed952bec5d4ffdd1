#pragma once
/// The writer interface: where finished session records and per-file bookkeeping go.
///
/// The engine hands every saved session to a Writer as a ready JSON document plus the few
/// columns a store indexes. Implementations: sqlite/ (the default store) and ndjson/ (records
/// one per line for Filebeat/Logstash or an OpenSearch `_bulk` load). Later stores plug in here.
///
/// Writers are used from one thread at a time; QueuedWriter (queued_writer.h) moves the work to
/// a thread of its own so packet threads never wait on storage.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace flowdex::fields {
class FieldRegistry;
}

namespace flowdex::store {

enum class FileStatus : uint8_t { Queued, Running, Done, Failed, Rejected };
/// "queued", "running", "done", "failed", "rejected" (the `status` column of the files table).
const char* to_string(FileStatus s);
/// The inverse of to_string; false (and `out` unchanged) for any other text.
bool parse_file_status(std::string_view text, FileStatus& out);

/// One input (a capture file, standard input, or an interface).
struct InputFile {
    int64_t id = 0;           ///< assigned by the store at begin_file (0 for stores without ids)
    std::string path;         ///< as given
    std::string name;         ///< absolute path, or "-" / "iface:eth0"
    uint64_t size = 0;        ///< bytes; 0 when unknown (stdin, live)
    std::string fingerprint;  ///< hex SHA-256 of the content: how a file is identified
    std::vector<std::string> tags;
    std::string node;
    uint64_t packets = 0;
    uint64_t sessions = 0;
    FileStatus status = FileStatus::Queued;
    std::string error;
    int64_t startedMs = 0;  ///< wall clock, ms since the epoch
    int64_t finishedMs = 0;
};

/// One saved session (or one segment of a long session).
struct SessionRecord {
    std::string id;           ///< deterministic: the same capture gives the same ids
    int64_t fileId = 0;       ///< store id of the file holding the first packet
    int64_t firstPacket = 0;  ///< ms
    int64_t lastPacket = 0;   ///< ms
    int ipProtocol = 0;
    std::string srcIp, dstIp;
    int srcPort = 0, dstPort = 0;
    std::string protocols;  ///< comma-separated
    std::string communityId;
    std::string json;  ///< the sessions3 document
};

/// What begin_file found in the store for this fingerprint.
enum class FileSeen : uint8_t {
    New,         ///< never loaded: go ahead
    Incomplete,  ///< loaded before but not to the end: go ahead, earlier records are replaced
    Complete,    ///< loaded completely before: the caller skips the file
};

class Writer {
  public:
    virtual ~Writer() = default;
    /// Called once before any file, with the registry frozen.
    virtual void define_fields(const fields::FieldRegistry& registry) {}
    /// Records the start of an input; may set file.id.
    virtual FileSeen begin_file(InputFile& file) = 0;
    virtual void write(SessionRecord&& record) = 0;
    /// Several records at once (one lock, one wake-up for queued writers); leaves `records` empty.
    virtual void write_batch(std::vector<SessionRecord>&& records) {
        for (auto& r : records)
            write(std::move(r));
        records.clear();
    }
    /// Records the end of an input (status, counts, error).
    virtual void end_file(const InputFile& file) = 0;
    /// Makes everything written so far durable.
    virtual void flush() = 0;
};

/// Sends every call to each of several writers (e.g. SQLite and NDJSON together), in the order
/// they were added; the first exception ends the call.
///
/// begin_file returns Complete only when every writer says Complete (a writer that keeps no
/// history, like NDJSON, always says New, so a tee holding one never skips a file); otherwise
/// Incomplete when any writer has seen the file, else New. file.id is whatever the writers set
/// (the last writer that assigns one wins; add the SQLite store last when several assign ids).
class TeeWriter final : public Writer {
  public:
    void add(std::unique_ptr<Writer> w) { writers_.push_back(std::move(w)); }
    bool empty() const { return writers_.empty(); }
    void define_fields(const fields::FieldRegistry& r) override;
    FileSeen begin_file(InputFile& file) override;
    void write(SessionRecord&& record) override;
    void end_file(const InputFile& file) override;
    void flush() override;

  private:
    std::vector<std::unique_ptr<Writer>> writers_;
};

}  // namespace flowdex::store
