#include "store/writer.h"

namespace flowdex::store {

namespace {
constexpr const char* kStatusNames[] = {"queued", "running", "done", "failed", "rejected"};
}

const char* to_string(FileStatus s) {
    auto i = static_cast<size_t>(s);
    return i < std::size(kStatusNames) ? kStatusNames[i] : "unknown";
}

bool parse_file_status(std::string_view text, FileStatus& out) {
    for (size_t i = 0; i < std::size(kStatusNames); ++i) {
        if (text == kStatusNames[i]) {
            out = static_cast<FileStatus>(i);
            return true;
        }
    }
    return false;
}

void TeeWriter::define_fields(const fields::FieldRegistry& r) {
    for (auto& w : writers_)
        w->define_fields(r);
}

FileSeen TeeWriter::begin_file(InputFile& file) {
    size_t complete = 0, seen = 0;
    for (auto& w : writers_) {
        FileSeen s = w->begin_file(file);
        complete += s == FileSeen::Complete;
        seen += s != FileSeen::New;
    }
    if (!writers_.empty() && complete == writers_.size()) return FileSeen::Complete;
    return seen ? FileSeen::Incomplete : FileSeen::New;
}

void TeeWriter::write(SessionRecord&& record) {
    if (writers_.empty()) return;
    for (size_t i = 0; i + 1 < writers_.size(); ++i)
        writers_[i]->write(SessionRecord(record));
    writers_.back()->write(std::move(record));
}

void TeeWriter::end_file(const InputFile& file) {
    for (auto& w : writers_)
        w->end_file(file);
}

void TeeWriter::flush() {
    for (auto& w : writers_)
        w->flush();
}

}  // namespace flowdex::store
