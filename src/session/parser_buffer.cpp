#include "session/parser_buffer.h"

#include "session/flow_table.h"

namespace flowdex::session {

bool ParserBuffer::append(Session& s, const void* p, size_t n) {
    if (n == 0) return true;
    const uint64_t budget = s.table ? s.table->context().settings.maxParserBuffer : UINT32_MAX;
    if (uint64_t{s.parserHeld} + n > budget) {
        if (s.table) s.table->parser_budget_hit(s);
        return false;
    }
    if (held_ == nullptr) {
        // The first bytes bind the buffer to its session; an empty buffer may move between sessions.
        held_ = &s.parserHeld;
    }
    buf_.append(static_cast<const char*>(p), n);
    *held_ += static_cast<uint32_t>(n);
    return true;
}

void ParserBuffer::consume(size_t n) {
    if (n >= buf_.size()) {
        truncate(0);
        return;
    }
    buf_.erase(0, n);
    if (held_) *held_ -= static_cast<uint32_t>(n);
}

void ParserBuffer::truncate(size_t n) {
    if (n >= buf_.size()) return;
    if (held_) *held_ -= static_cast<uint32_t>(buf_.size() - n);
    buf_.resize(n);
    if (n == 0) held_ = nullptr;
}

}  // namespace flowdex::session
