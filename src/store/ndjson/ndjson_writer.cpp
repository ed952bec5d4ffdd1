#include "store/ndjson/ndjson_writer.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "core/json.h"

namespace flowdex::store {

NdjsonWriter::NdjsonWriter(const std::string& path, Options options) : path_(path), options_(std::move(options)) {
    if (path_ == "-") {
        out_ = stdout;
    } else {
        owned_.reset(std::fopen(path_.c_str(), "wb"));
        if (!owned_) throw std::runtime_error(path_ + ": " + std::strerror(errno));
        out_ = owned_.get();
        std::setvbuf(out_, nullptr, _IONBF, 0);  // buffering is ours
    }
    if (options_.bufferBytes < 4096) options_.bufferBytes = 4096;
    buf_.reserve(options_.bufferBytes + 4096);
    actionPrefix_ = "{\"index\":{\"_index\":";
    json_append_string(actionPrefix_, options_.index);
}

NdjsonWriter::~NdjsonWriter() {
    try {
        drain();
        if (owned_ && std::fclose(owned_.release()) != 0)
            throw std::runtime_error(path_ + ": close failed: " + std::strerror(errno));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "flowdex: %s\n", e.what());
    }
}

void NdjsonWriter::write(SessionRecord&& rec) {
    if (options_.bulk) {
        buf_ += actionPrefix_;
        if (!rec.id.empty()) {
            buf_ += ",\"_id\":";
            json_append_string(buf_, rec.id);
        }
        buf_ += "}}\n";
    }
    buf_ += rec.json;
    buf_ += '\n';
    ++records_;
    if (buf_.size() >= options_.bufferBytes) drain();
}

void NdjsonWriter::flush() {
    drain();
}

void NdjsonWriter::drain() {
    if (buf_.empty()) return;
    size_t n = std::fwrite(buf_.data(), 1, buf_.size(), out_);
    int err = errno;
    if (n == buf_.size() && std::fflush(out_) == 0) {
        buf_.clear();
        return;
    }
    if (n == buf_.size()) err = errno;
    buf_.clear();  // a later flush must not write the same data again
    std::clearerr(out_);
    throw std::runtime_error((path_ == "-" ? std::string("standard output") : path_) +
                             ": write failed: " + std::strerror(err));
}

}  // namespace flowdex::store
