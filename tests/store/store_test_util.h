#pragma once
// Helpers shared by the store tests.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/json.h"
#include "store/writer.h"

namespace flowdex::store::testing {

/// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
  public:
    TempDir() {
        static std::atomic<int> n{0};
        path_ = std::filesystem::temp_directory_path() /
                ("flowdex-store-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

inline void write_file(const std::string& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

/// prefix + i (spelled out: `"r" + std::to_string(i)` trips GCC 12's -Wrestrict at -O3).
inline std::string num_id(std::string prefix, int i) {
    prefix += std::to_string(i);
    return prefix;
}

inline SessionRecord make_record(const std::string& id, int64_t fileId = 1, int64_t first = 1000) {
    SessionRecord r;
    r.id = id;
    r.fileId = fileId;
    r.firstPacket = first;
    r.lastPacket = first + 500;
    r.ipProtocol = 6;
    r.srcIp = "10.0.0.1";
    r.srcPort = 40000;
    r.dstIp = "10.0.0.2";
    r.dstPort = 80;
    r.protocols = "tcp,http";
    r.communityId = "1:abc=";
    r.json = R"({"id":)";
    json_append_string(r.json, id);
    r.json += R"(,"source":{"ip":"10.0.0.1","port":40000},"destination":{"ip":"10.0.0.2"}})";
    return r;
}

inline InputFile make_file(const std::string& fingerprint, const std::string& name = "/caps/a.pcap") {
    InputFile f;
    f.path = name;
    f.name = name;
    f.size = 1234;
    f.fingerprint = fingerprint;
    f.tags = {"t1", "t\"2"};
    f.node = "node1";
    return f;
}

/// Records every call; can be told to throw.
class FakeWriter : public Writer {
  public:
    struct Log {
        std::mutex mu;
        std::vector<std::string> calls;
        std::vector<std::string> ids;
    };
    explicit FakeWriter(Log* log, FileSeen answer = FileSeen::New, int throwAtWrite = -1)
        : log_(log), answer_(answer), throwAtWrite_(throwAtWrite) {}
    FileSeen begin_file(InputFile& f) override {
        add("begin:" + f.name);
        f.id = 42;
        return answer_;
    }
    void write(SessionRecord&& r) override {
        if (writes_++ == throwAtWrite_) throw std::runtime_error("fake: disk on fire");
        std::lock_guard lk(log_->mu);
        log_->ids.push_back(r.id);
    }
    void end_file(const InputFile& f) override { add("end:" + f.name); }
    void flush() override { add("flush"); }

  private:
    void add(std::string s) {
        std::lock_guard lk(log_->mu);
        log_->calls.push_back(std::move(s));
    }
    Log* log_;
    FileSeen answer_;
    int throwAtWrite_;
    int writes_ = 0;
};

}  // namespace flowdex::store::testing
