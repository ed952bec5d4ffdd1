// define_fields with the real registry (needs src/fields/*.cpp linked).
#include <gtest/gtest.h>

#include "fields/field_registry.h"
#include "store/sqlite/sqlite_writer.h"
#include "store_test_util.h"

namespace flowdex::store {
namespace sqlite_fields_test {

TEST(SqliteWriter, DefineFieldsStoresTheRegistry) {
    testing::TempDir dir;
    auto path = dir.file("f.db");
    fields::FieldRegistry registry;
    registry.freeze();
    ASSERT_GT(registry.size(), 0u);
    {
        SqliteWriter w(path);
        w.define_fields(registry);
    }
    sqlite::Db db(path, SQLITE_OPEN_READONLY);
    EXPECT_EQ(db.query_int("SELECT count(*) FROM fields"), static_cast<int64_t>(registry.size()));
    int pos = registry.find("ip.src");
    ASSERT_GE(pos, 0);
    auto st = db.prepare("SELECT expression, db FROM fields WHERE pos = ?");
    sqlite3_bind_int(st.get(), 1, pos);
    ASSERT_TRUE(db.step(st.get()));
    EXPECT_EQ(sqlite::column_text(st.get(), 0), "ip.src");
    EXPECT_EQ(sqlite::column_text(st.get(), 1), registry.at(pos).db);
}

}  // namespace sqlite_fields_test
}  // namespace flowdex::store
