#include "protocols/rdp/rdp.h"

#include <deque>
#include <string>
#include <string_view>

#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::rdp {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int requested = -1, selected = -1, user = -1;
};

struct Flag {
    uint32_t bit;
    const char* name;
};
constexpr Flag kProtocols[] = {{0x1, "ssl"}, {0x2, "nla"}, {0x4, "rdstls"}, {0x8, "nla_ex"}, {0x10, "rdsaad"}};

void add_protocols(const FieldRegistry& reg, Session& s, int pos, uint32_t v) {
    if (pos < 0) return;
    if (v == 0) s.fields.add_string(reg, pos, "rdp");
    for (const Flag& f : kProtocols)
        if (v & f.bit) s.fields.add_string(reg, pos, f.name);
}

void rdp_classify(void* ctx, Session& s, const uint8_t* d, uint32_t len, int which) {
    if (!s.table || len < 11 || d[0] != 3 || d[1] != 0) return;
    const auto& f = *static_cast<const Fields*>(ctx);
    const FieldRegistry& reg = *s.table->context().registry;
    size_t n = std::min<size_t>(len, size_t{d[2]} << 8 | d[3]);
    const uint8_t type = d[5] & 0xf0;  // X.224: 0xe0 Connection Request, 0xd0 Connection Confirm
    if (n < 11 || (type != 0xe0 && type != 0xd0)) return;
    std::string_view rest(reinterpret_cast<const char*>(d) + 11, n - 11);
    if (type == 0xe0 && rest.starts_with("Cookie: mstshash=")) {
        size_t end = rest.find("\r\n");
        if (end == std::string_view::npos) return;
        if (f.user >= 0 && end > 17) s.fields.add_string(reg, f.user, rest.substr(17, end - 17));
        rest.remove_prefix(end + 2);
    }
    // RDP_NEG_REQ (1) / RDP_NEG_RSP (2): type, flags, length 8, protocols (little-endian).
    if (rest.size() < 8 || rest[2] != 8 || rest[3] != 0) return;
    const auto* p = reinterpret_cast<const uint8_t*>(rest.data());
    uint32_t v = uint32_t(p[4]) | uint32_t(p[5]) << 8 | uint32_t(p[6]) << 16 | uint32_t(p[7]) << 24;
    if (p[0] == 1 && which == 0) add_protocols(reg, s, f.requested, v);
    if (p[0] == 2 && which == 1) add_protocols(reg, s, f.selected, v);
}

}  // namespace

void register_rdp(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.requested = r.fields.find_db("rdp.requestedProtocols");
    f.selected = r.fields.find_db("rdp.selectedProtocol");
    f.user = r.fields.find_db("user");
    r.classifiers.add(classify::Transport::Tcp,
                      classify::Classifier{"rdp-fields", 0, std::string("\x03\x00", 2), rdp_classify, &f});
}

}  // namespace flowdex::protocols::rdp
