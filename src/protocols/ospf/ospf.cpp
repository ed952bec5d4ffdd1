#include "protocols/ospf/ospf.h"

#include <cstdio>
#include <deque>
#include <iterator>
#include <string_view>

#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::ospf {
namespace {

using session::Session;

struct Fields {
    int msgType = -1, routerId = -1, areaId = -1;
};

enum class AuthType : uint16_t { Null = 0, Simple = 1 };
constexpr uint8_t kVersion2 = 2, kVersion3 = 3;
constexpr size_t kAuthTypeEnd = 16;
constexpr std::string_view kTypes[] = {"Hello", "DBDesc", "LSReq", "LSUpdate", "LSAck"};

void add_quad(Session& s, int pos, const uint8_t* q) {
    if (pos < 0) return;
    char buf[16];
    const int n = std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", q[0], q[1], q[2], q[3]);
    s.fields.add_string(*s.table->context().registry, pos, std::string_view(buf, static_cast<size_t>(n)));
}

int ospf_parse(void* ctx, Session& s, const uint8_t* d, uint32_t len, int) {
    const auto& f = *static_cast<const Fields*>(ctx);
    if (s.total_packets() > kMaxPackets) return -1;
    if (len < kMinHeader || (d[0] != kVersion2 && d[0] != kVersion3)) return 0;
    if (f.msgType >= 0) {
        char buf[16];
        std::string_view type = d[1] >= 1 && d[1] <= std::size(kTypes) ? kTypes[d[1] - 1] : std::string_view();
        if (type.empty())
            type = std::string_view(buf, static_cast<size_t>(std::snprintf(buf, sizeof buf, "unk-%u", d[1])));
        s.fields.add_string(*s.table->context().registry, f.msgType, type);
    }
    add_quad(s, f.routerId, d + 4);
    add_quad(s, f.areaId, d + 8);
    if (d[0] == kVersion2 && len >= kAuthTypeEnd) {
        const auto auth = static_cast<AuthType>((d[14] << 8) | d[15]);
        if (auth == AuthType::Null) s.table->add_tag(s, "ospf:auth-null");
        if (auth == AuthType::Simple) s.table->add_tag(s, "ospf:auth-simple");
    }
    return 0;
}

void ospf_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (s.table) s.table->register_parser_once(s, session::ParserEntry{ospf_parse, nullptr, nullptr, ctx});
}

}  // namespace

void register_ospf(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.msgType = r.fields.find_db("ospf.msgType");
    f.routerId = r.fields.find_db("ospf.routerId");
    f.areaId = r.fields.find_db("ospf.areaId");
    r.classifiers.add_ip_protocol("ospf", kIpProtocol, ospf_classify, &f);
}

}  // namespace flowdex::protocols::ospf
