#include "session/flow_table.h"

namespace flowdex::session {
namespace {

int resolve_one(fields::FieldRegistry& reg, const char* db, fields::FieldType type, uint32_t flags) {
    int pos = reg.find_db(db);
    if (pos >= 0) return pos;
    fields::FieldDef def;
    def.expression = db;
    def.db = db;
    def.friendly = db;
    def.type = type;
    def.kind = type == fields::FieldType::IntSet ? fields::FieldKind::Integer : fields::FieldKind::TermField;
    def.flags = flags;
    def.group = "general";
    return reg.define(std::move(def));
}

}  // namespace

CoreFields CoreFields::resolve(fields::FieldRegistry& reg) {
    using fields::FieldType;
    CoreFields c;
    const uint32_t cnt = fields::kFlagCount, ecs = fields::kFlagCount | fields::kFlagEcsCount;
    const uint32_t linked = fields::kFlagLinked;
    c.srcMac = resolve_one(reg, "source.mac", FieldType::StrSet, ecs | linked);
    c.dstMac = resolve_one(reg, "destination.mac", FieldType::StrSet, ecs | linked);
    c.srcTtl = resolve_one(reg, "srcTTL", FieldType::IntSet, cnt);
    c.dstTtl = resolve_one(reg, "dstTTL", FieldType::IntSet, cnt);
    c.srcDscp = resolve_one(reg, "srcDscp", FieldType::IntSet, cnt);
    c.dstDscp = resolve_one(reg, "dstDscp", FieldType::IntSet, cnt);
    c.vlan = resolve_one(reg, "network.vlan.id", FieldType::IntSet, ecs | linked);
    c.dot1q = resolve_one(reg, "dot1q.id", FieldType::IntSet, cnt | linked);
    c.dot1ad = resolve_one(reg, "dot1ad.id", FieldType::IntSet, cnt | linked);
    c.vni = resolve_one(reg, "vni", FieldType::IntSet, cnt | linked);
    c.srcOuterIp = resolve_one(reg, "srcOuterIp", FieldType::IpSet, cnt | linked);
    c.dstOuterIp = resolve_one(reg, "dstOuterIp", FieldType::IpSet, cnt | linked);
    c.srcOuterMac = resolve_one(reg, "srcOuterMac", FieldType::StrSet, ecs | linked);
    c.dstOuterMac = resolve_one(reg, "dstOuterMac", FieldType::StrSet, ecs | linked);
    c.icmpType = resolve_one(reg, "icmp.type", FieldType::IntSet, 0);
    c.icmpCode = resolve_one(reg, "icmp.code", FieldType::IntSet, 0);
    c.protocol = resolve_one(reg, "protocol", FieldType::StrSet, cnt);
    c.tags = resolve_one(reg, "tags", FieldType::StrSet, cnt);
    c.arpIp = resolve_one(reg, "arp.ip", FieldType::IpSet, cnt);
    c.arpMac = resolve_one(reg, "arp.mac", FieldType::StrSet, cnt);
    c.arpOpcode = resolve_one(reg, "arp.opcode", FieldType::StrSet, cnt);
    c.sctpProtoId = resolve_one(reg, "sctp.protoId", FieldType::IntSet, 0);
    return c;
}

}  // namespace flowdex::session
