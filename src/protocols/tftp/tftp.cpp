#include "protocols/tftp/tftp.h"

#include <cstring>
#include <deque>
#include <string_view>

#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::tftp {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int filename = -1, opcode = -1;
};

constexpr const char* kOps[] = {nullptr, "rrq", "wrq", "data", "ack", "error", "oack"};

int tftp_parse(void* ctx, Session& s, const uint8_t* d, uint32_t len, int) {
    const auto& f = *static_cast<const Fields*>(ctx);
    const FieldRegistry& reg = *s.table->context().registry;
    if (len < 4 || d[0] != 0 || d[1] == 0 || d[1] >= std::size(kOps)) return 0;
    if (d[1] <= 2) {
        const void* nul = std::memchr(d + 2, 0, len - 2);
        if (!nul) return 0;
        size_t n = static_cast<size_t>(static_cast<const uint8_t*>(nul) - d) - 2;
        if (n == 0 || n > kMaxName) return 0;
        if (f.filename >= 0)
            s.fields.add_string(reg, f.filename, std::string_view(reinterpret_cast<const char*>(d + 2), n));
    }
    if (f.opcode >= 0) s.fields.add_string(reg, f.opcode, kOps[d[1]]);
    return 0;
}

void tftp_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table) return;
    if (s.has_parser(tftp_parse)) return;
    s.table->register_parser(s, session::ParserEntry{tftp_parse, nullptr, nullptr, ctx});
}

}  // namespace

void register_tftp(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.filename = r.fields.find_db("tftp.filename");
    f.opcode = r.fields.find_db("tftp.opcode");
    r.classifiers.add_port("tftp-parser", 69, classify::kPortUdpDst, tftp_classify, &f);
}

}  // namespace flowdex::protocols::tftp
