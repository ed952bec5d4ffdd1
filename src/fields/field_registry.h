#pragma once
/// The field registry: every field a session record can carry, Arkime's built-ins first.
///
/// A field is known by its expression (`ip.src`, `http.statuscode`, …: what users search with),
/// has a `db` name (its dotted path in the sessions3 record: `source.ip`, `http.statuscode`), a kind
/// (how Arkime's viewer treats it), a storage type (single value, set, list) and flags.
/// Positions are stable small ints handed out in definition order; sessions store values by
/// position (see FieldValues). Definition happens at start-up only: after freeze() the
/// registry is read-only and safe to read from every packet thread without locks.
///
/// The implementation lives in field_registry.cpp, the built-in table in builtin_fields.cpp.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace flowdex::fields {

/// Arkime's field kinds (the `kind:` of a definition).
enum class FieldKind : uint8_t {
    Integer,
    Float,
    Ip,
    TermField,
    LoTermField,
    UpTermField,
    TextField,
    Seconds,
    Date,
    Boolean
};

/// Parses a kind name (`termfield`, `lotermfield`, `uptermfield`, `textfield`, `lotextfield`, `integer`,
/// `seconds`, `ip`, `float`, `date`, `boolean`). Returns false for anything else.
bool parse_field_kind(std::string_view name, FieldKind* out);

/// How values are held per session.
enum class FieldType : uint8_t {
    Int,     ///< one integer; a later add overwrites
    IntSet,  ///< unique integers (insertion order kept)
    Float,
    FloatSet,
    Str,      ///< one string; a later add overwrites
    StrSet,   ///< unique strings (insertion order kept)
    StrList,  ///< strings, duplicates kept
    Ip,       ///< one address (stored as text)
    IpSet,
    Object,  ///< filled by a parser's own emitter (e.g. dns answers); not settable by add_*
};

enum FieldFlags : uint32_t {
    kFlagCount = 1u << 0,     ///< record `<db>Cnt` (or `<db>-cnt` with kFlagEcsCount)
    kFlagEcsCount = 1u << 1,  ///< count key is `<db>-cnt` (ECS-style fields: source.mac)
    /// Values survive an intermediate save (Arkime's LINKED_SESSIONS): the next segment of a long
    /// session starts with them. Others are cleared. Fields defined from text (Python, config) have it
    /// unless `nolinked:true`; built-in fields where Arkime's capture sets it (protocol, tags, user,
    /// MACs, VLANs, tunnel outer addresses, the MySQL/PostgreSQL/Oracle login fields).
    kFlagLinked = 1u << 2,
    kFlagNoUtf8 = 1u << 3,
    kFlagFake = 1u << 4,  ///< computed, never stored (ip.src, port.dst, …)
    kFlagDisabled = 1u << 5,
};

struct FieldDef {
    std::string expression;  ///< `http.host`
    std::string db;          ///< `http.host` (record path)
    std::string friendly;
    std::string help;
    std::string group;
    std::string category;
    std::vector<std::string> aliases;
    FieldKind kind = FieldKind::TermField;
    FieldType type = FieldType::StrSet;
    uint32_t flags = 0;
    int pos = -1;
};

class FieldRegistry {
  public:
    /// A registry holding Arkime's built-in fields.
    FieldRegistry();

    /// Python-style definition: `kind:lotermfield;db:my.field;count:true;…` (see python-api.md).
    /// Returns the position; an existing expression returns its position; a definition without
    /// `db` returns the position of an existing field (or -1); without `kind` returns -1.
    /// After freeze() returns -1 and sets `error`.
    ///
    /// Keys: db, kind, friendly, help, count, group, category, nolinked, noutf8, aliases, field
    /// (`field` overrides `expression`). Unknown keys are ignored; booleans accept true/1/yes/on.
    /// `aliases` may be `a,b`, `[a,b]` or `["a","b"]`. A `db` already owned by another field makes
    /// `expression` an alias of that field. Storage: integer/seconds → IntSet, ip → IpSet,
    /// float → FloatSet, anything else → StrSet.
    int define(std::string_view expression, std::string_view definition, std::string* error = nullptr);
    /// Direct definition from C++ (built-in parsers). Same rules for existing expressions
    /// (returns the existing position). Returns -1 when frozen or the expression is empty.
    int define(FieldDef def);

    /// Position by expression or alias, -1 when unknown.
    int find(std::string_view expression) const;
    /// Position by db name, -1 when unknown (the first field defined with that db wins).
    int find_db(std::string_view db) const;

    const FieldDef& at(int pos) const { return defs_[static_cast<size_t>(pos)]; }
    /// True when `pos` names a defined field.
    bool valid(int pos) const { return pos >= 0 && static_cast<size_t>(pos) < defs_.size(); }
    size_t size() const { return defs_.size(); }
    const std::vector<FieldDef>& all() const { return defs_; }

    /// Leaves field `pos` out of every record (kFlagDisabled); values can still be added. An
    /// invalid position is ignored. Start-up only.
    void disable(int pos) {
        if (valid(pos)) defs_[static_cast<size_t>(pos)].flags |= kFlagDisabled;
    }
    void freeze() { frozen_ = true; }
    bool frozen() const { return frozen_; }

  private:
    struct StrHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    using Index = std::unordered_map<std::string, int, StrHash, std::equal_to<>>;

    Index byExpr_;
    Index byDb_;
    std::vector<FieldDef> defs_;
    bool frozen_ = false;
};

/// Adds Arkime's built-in field table (builtin_fields.cpp) to `reg`; called by the constructor.
void add_builtin_fields(FieldRegistry& reg);

}  // namespace flowdex::fields
