#include "fields/field_registry.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace flowdex::fields {
namespace field_registry_test {

TEST(FieldRegistry, BuiltinsFoundByExpressionAndDb) {
    FieldRegistry reg;
    struct Case {
        const char* expr;
        const char* db;
    };
    for (const Case& c : {Case{"ip.src", "source.ip"},
                          Case{"ip.dst", "destination.ip"},
                          Case{"port.src", "source.port"},
                          Case{"port.dst", "destination.port"},
                          Case{"protocols", "protocol"},
                          Case{"tags", "tags"},
                          Case{"node", "node"},
                          Case{"ip.protocol", "ipProtocol"},
                          Case{"mac.src", "source.mac"},
                          Case{"vlan", "network.vlan.id"},
                          Case{"ttl.src", "srcTTL"},
                          Case{"dscp.dst", "dstDscp"},
                          Case{"vni", "vni"},
                          Case{"outerip.src", "srcOuterIp"},
                          Case{"outermac.dst", "dstOuterMac"},
                          Case{"icmp.type", "icmp.type"},
                          Case{"communityId", "network.community_id"},
                          Case{"payload8.src.hex", "srcPayload8"},
                          Case{"initRTT", "initRTT"},
                          Case{"tcpseq.src", "tcpseq.src"},
                          Case{"http.statuscode", "http.statuscode"},
                          Case{"host.http", "http.host"},
                          Case{"host.dns", "dns.host"},
                          Case{"tls.ja3", "tls.ja3"},
                          Case{"tls.ja4", "tls.ja4"},
                          Case{"email.src", "email.src"},
                          Case{"ssh.ver", "ssh.version"},
                          Case{"mysql.user", "mysql.user"},
                          Case{"tcpflags.syn", "tcpflags.syn"}}) {
        const int pos = reg.find(c.expr);
        ASSERT_GE(pos, 0) << c.expr;
        EXPECT_EQ(reg.at(pos).db, c.db) << c.expr;
        EXPECT_EQ(reg.at(pos).expression, c.expr);
        EXPECT_EQ(reg.at(pos).pos, pos);
        EXPECT_EQ(reg.find_db(c.db) >= 0, true) << c.db;
    }
    EXPECT_EQ(reg.find("no.such.field"), -1);
    EXPECT_EQ(reg.find_db("no.such.db"), -1);
    EXPECT_GT(reg.size(), 350u);
}

TEST(FieldRegistry, AliasesResolve) {
    FieldRegistry reg;
    EXPECT_EQ(reg.find("http.host"), reg.find("host.http"));
    EXPECT_EQ(reg.find("dns.host"), reg.find("host.dns"));
    EXPECT_EQ(reg.find("ip.dst:port"), reg.find("ip.dst"));
    EXPECT_GE(reg.find("http.host"), 0);
}

TEST(FieldRegistry, BuiltinFlagsAndTypes) {
    FieldRegistry reg;
    const FieldDef& ipSrc = reg.at(reg.find("ip.src"));
    EXPECT_TRUE(ipSrc.flags & kFlagFake);
    const FieldDef& mac = reg.at(reg.find("mac.src"));
    EXPECT_TRUE(mac.flags & kFlagCount);
    EXPECT_TRUE(mac.flags & kFlagEcsCount);
    EXPECT_EQ(mac.kind, FieldKind::LoTermField);
    EXPECT_EQ(mac.type, FieldType::StrSet);
    const FieldDef& ttl = reg.at(reg.find("ttl.src"));
    EXPECT_EQ(ttl.type, FieldType::IntSet);
    EXPECT_TRUE(ttl.flags & kFlagCount);
    EXPECT_FALSE(ttl.flags & kFlagEcsCount);
    EXPECT_EQ(reg.at(reg.find("http.statuscode")).type, FieldType::IntSet);
    EXPECT_EQ(reg.at(reg.find("outerip.dst")).type, FieldType::IpSet);
    EXPECT_EQ(reg.at(reg.find("dns")).type, FieldType::Object);
    EXPECT_EQ(reg.at(reg.find("mysql.user")).type, FieldType::Str);
    EXPECT_FALSE(reg.at(reg.find("icmp.type")).flags & kFlagCount);
}

TEST(FieldRegistry, ExpressionsAreUnique) {
    FieldRegistry reg;
    std::set<std::string> seen;
    for (const FieldDef& d : reg.all())
        EXPECT_TRUE(seen.insert(d.expression).second) << d.expression;
}

TEST(FieldRegistry, DefineParsesEveryKey) {
    FieldRegistry reg;
    std::string err;
    const size_t before = reg.size();
    const int pos = reg.define("test.thing",
                               " kind : lotermfield ; db:test.db;friendly:My Thing;help:Some help;count:true;"
                               "group:testgrp;category:host;nolinked:true;noutf8:yes;aliases:[\"t.a\", 't.b']",
                               &err);
    ASSERT_GE(pos, 0) << err;
    EXPECT_EQ(reg.size(), before + 1);
    const FieldDef& d = reg.at(pos);
    EXPECT_EQ(d.expression, "test.thing");
    EXPECT_EQ(d.db, "test.db");
    EXPECT_EQ(d.kind, FieldKind::LoTermField);
    EXPECT_EQ(d.type, FieldType::StrSet);
    EXPECT_EQ(d.friendly, "My Thing");
    EXPECT_EQ(d.help, "Some help");
    EXPECT_EQ(d.group, "testgrp");
    EXPECT_EQ(d.category, "host");
    EXPECT_TRUE(d.flags & kFlagCount);
    EXPECT_FALSE(d.flags & kFlagLinked) << "nolinked:true";
    EXPECT_TRUE(d.flags & kFlagNoUtf8);
    EXPECT_FALSE(d.flags & kFlagFake);
    EXPECT_EQ(reg.find("t.a"), pos);
    EXPECT_EQ(reg.find("t.b"), pos);
    EXPECT_EQ(reg.find_db("test.db"), pos);
}

TEST(FieldRegistry, LinkedAsArkime) {
    // Text-defined fields survive an intermediate save unless nolinked; built-in ones only where
    // Arkime's capture defines them so.
    FieldRegistry reg;
    const int plain = reg.define("test.plain", "kind:termfield;db:test.plain");
    const int no = reg.define("test.no", "kind:termfield;db:test.no;nolinked:true");
    const int yes = reg.define("test.yes", "kind:termfield;db:test.yes;nolinked:false");
    ASSERT_GE(plain, 0);
    ASSERT_GE(no, 0);
    ASSERT_GE(yes, 0);
    EXPECT_TRUE(reg.at(plain).flags & kFlagLinked);
    EXPECT_FALSE(reg.at(no).flags & kFlagLinked);
    EXPECT_TRUE(reg.at(yes).flags & kFlagLinked);
    for (const char* db : {"protocol", "tags", "user", "source.mac", "destination.mac", "network.vlan.id", "vni",
                           "srcOuterIp", "mysql.user", "mysql.version", "oracle.service", "postgresql.db"}) {
        ASSERT_GE(reg.find_db(db), 0) << db;
        EXPECT_TRUE(reg.at(reg.find_db(db)).flags & kFlagLinked) << db;
    }
    for (const char* db : {"srcTTL", "dstDscp", "http.host", "dns.host", "tls.ja3", "bgp.type", "smb.user", "cert"}) {
        ASSERT_GE(reg.find_db(db), 0) << db;
        EXPECT_FALSE(reg.at(reg.find_db(db)).flags & kFlagLinked) << db;
    }
}

TEST(FieldRegistry, DefineStorageTypesByKind) {
    FieldRegistry reg;
    struct Case {
        const char* kind;
        FieldType type;
    };
    int i = 0;
    for (const Case& c :
         {Case{"integer", FieldType::IntSet}, Case{"seconds", FieldType::IntSet}, Case{"ip", FieldType::IpSet},
          Case{"float", FieldType::FloatSet}, Case{"termfield", FieldType::StrSet},
          Case{"uptermfield", FieldType::StrSet}, Case{"textfield", FieldType::StrSet}}) {
        const std::string n = "k" + std::to_string(i++);
        const int pos = reg.define("kinds." + n, std::string("kind:") + c.kind + ";db:kinds." + n);
        ASSERT_GE(pos, 0) << c.kind;
        EXPECT_EQ(reg.at(pos).type, c.type) << c.kind;
        EXPECT_FALSE(reg.at(pos).flags & kFlagCount);
    }
}

TEST(FieldRegistry, DefineDefaultsAndFieldOverride) {
    FieldRegistry reg;
    const int pos = reg.define("ignored.name", "kind:termfield;db:over.db;field:real.name;aliases:x1,x2");
    ASSERT_GE(pos, 0);
    EXPECT_EQ(reg.at(pos).expression, "real.name");
    EXPECT_EQ(reg.find("ignored.name"), -1);
    EXPECT_EQ(reg.find("x2"), pos);
    EXPECT_EQ(reg.at(pos).group, "over");
    EXPECT_EQ(reg.at(pos).friendly, "real.name");
    EXPECT_FALSE(reg.at(pos).flags & kFlagCount);
}

TEST(FieldRegistry, DefineErrors) {
    FieldRegistry reg;
    std::string err;
    EXPECT_EQ(reg.define("no.kind", "db:no.kind", &err), -1);
    EXPECT_NE(err.find("kind"), std::string::npos);
    err.clear();
    EXPECT_EQ(reg.define("bad.kind", "kind:wibble;db:bad.kind", &err), -1);
    EXPECT_NE(err.find("wibble"), std::string::npos);
    err.clear();
    EXPECT_EQ(reg.define("no.db", "kind:termfield", &err), -1);
    EXPECT_FALSE(err.empty());
    EXPECT_EQ(reg.define("", "kind:termfield;db:x", &err), -1);
    EXPECT_EQ(reg.find("no.kind"), -1);
    EXPECT_EQ(reg.find("bad.kind"), -1);
}

TEST(FieldRegistry, DefineWithoutDbReturnsExisting) {
    FieldRegistry reg;
    EXPECT_EQ(reg.define("http.statuscode", ""), reg.find("http.statuscode"));
    EXPECT_EQ(reg.define("tags", "kind:termfield"), reg.find("tags"));
}

TEST(FieldRegistry, RedefinitionReturnsExistingPosition) {
    FieldRegistry reg;
    const int a = reg.define("re.def", "kind:integer;db:re.def");
    const size_t n = reg.size();
    const int b = reg.define("re.def", "kind:termfield;db:re.other");
    EXPECT_EQ(a, b);
    EXPECT_EQ(reg.size(), n);
    EXPECT_EQ(reg.at(a).kind, FieldKind::Integer);
    // Same db under a new expression: the new name becomes an alias.
    const int c = reg.define("re.alias", "kind:integer;db:re.def");
    EXPECT_EQ(c, a);
    EXPECT_EQ(reg.find("re.alias"), a);
    EXPECT_EQ(reg.size(), n);
    FieldDef def;
    def.expression = "re.def";
    def.db = "elsewhere";
    EXPECT_EQ(reg.define(def), a);
}

TEST(FieldRegistry, FreezeStopsDefinitions) {
    FieldRegistry reg;
    EXPECT_FALSE(reg.frozen());
    reg.freeze();
    EXPECT_TRUE(reg.frozen());
    std::string err;
    EXPECT_EQ(reg.define("late.field", "kind:termfield;db:late.field", &err), -1);
    EXPECT_FALSE(err.empty());
    FieldDef def;
    def.expression = "late.cpp";
    EXPECT_EQ(reg.define(def), -1);
    EXPECT_EQ(reg.find("late.field"), -1);
    EXPECT_GE(reg.find("ip.src"), 0);
}

TEST(FieldRegistry, ParseFieldKind) {
    FieldKind k{};
    EXPECT_TRUE(parse_field_kind("UpTermField", &k));
    EXPECT_EQ(k, FieldKind::UpTermField);
    EXPECT_TRUE(parse_field_kind("seconds", &k));
    EXPECT_EQ(k, FieldKind::Seconds);
    EXPECT_FALSE(parse_field_kind("notreal", &k));
}

}  // namespace field_registry_test
}  // namespace flowdex::fields
