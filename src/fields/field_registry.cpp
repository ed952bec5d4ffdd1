#include "fields/field_registry.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "core/text.h"

namespace flowdex::fields {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool parse_bool(std::string_view v) {
    const std::string l = lower(core::trim_space(v));
    return l == "true" || l == "1" || l == "yes" || l == "on";
}

// Strips one layer of matching quotes.
std::string_view unquote(std::string_view s) {
    s = core::trim_space(s);
    if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
        s = s.substr(1, s.size() - 2);
    }
    return core::trim_space(s);
}

// `a,b`, `[a,b]`, `["a", "b"]` → {a, b}.
std::vector<std::string> parse_list(std::string_view v) {
    v = core::trim_space(v);
    if (!v.empty() && v.front() == '[') v.remove_prefix(1);
    if (!v.empty() && v.back() == ']') v.remove_suffix(1);
    std::vector<std::string> out;
    while (!v.empty()) {
        const size_t comma = v.find(',');
        const std::string_view item = unquote(v.substr(0, comma));
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        v.remove_prefix(comma + 1);
    }
    return out;
}

FieldType storage_for(FieldKind kind) {
    switch (kind) {
        case FieldKind::Integer:
        case FieldKind::Seconds:
            return FieldType::IntSet;
        case FieldKind::Ip:
            return FieldType::IpSet;
        case FieldKind::Float:
            return FieldType::FloatSet;
        default:
            return FieldType::StrSet;
    }
}

void set_error(std::string* error, std::string msg) {
    if (error) *error = std::move(msg);
}

}  // namespace

bool parse_field_kind(std::string_view name, FieldKind* out) {
    static constexpr std::array<std::pair<std::string_view, FieldKind>, 11> kKinds{{
        {"termfield", FieldKind::TermField},
        {"lotermfield", FieldKind::LoTermField},
        {"uptermfield", FieldKind::UpTermField},
        {"textfield", FieldKind::TextField},
        {"lotextfield", FieldKind::TextField},
        {"integer", FieldKind::Integer},
        {"seconds", FieldKind::Seconds},
        {"ip", FieldKind::Ip},
        {"float", FieldKind::Float},
        {"date", FieldKind::Date},
        {"boolean", FieldKind::Boolean},
    }};
    const std::string l = lower(core::trim_space(name));
    for (const auto& [n, k] : kKinds) {
        if (n == l) {
            *out = k;
            return true;
        }
    }
    return false;
}

FieldRegistry::FieldRegistry() {
    defs_.reserve(768);
    add_builtin_fields(*this);
}

int FieldRegistry::find(std::string_view expression) const {
    const auto it = byExpr_.find(expression);
    return it == byExpr_.end() ? -1 : it->second;
}

int FieldRegistry::find_db(std::string_view db) const {
    const auto it = byDb_.find(db);
    return it == byDb_.end() ? -1 : it->second;
}

int FieldRegistry::define(FieldDef def) {
    if (frozen_ || def.expression.empty()) return -1;
    if (const int existing = find(def.expression); existing >= 0) return existing;
    if (def.db.empty()) def.db = def.expression;
    const int pos = static_cast<int>(defs_.size());
    def.pos = pos;
    byExpr_.emplace(def.expression, pos);
    for (const auto& alias : def.aliases)
        byExpr_.emplace(alias, pos);  // never steals an existing name
    byDb_.emplace(def.db, pos);
    defs_.push_back(std::move(def));
    return pos;
}

int FieldRegistry::define(std::string_view expression, std::string_view definition, std::string* error) {
    if (frozen_) {
        set_error(error, "field_define: fields can only be defined at start-up");
        return -1;
    }
    FieldDef def;
    def.flags = kFlagLinked;
    def.expression = std::string(core::trim_space(expression));
    bool haveKind = false;
    std::string kindName;
    while (!definition.empty()) {
        const size_t semi = definition.find(';');
        const std::string_view item = core::trim_space(definition.substr(0, semi));
        definition.remove_prefix(semi == std::string_view::npos ? definition.size() : semi + 1);
        if (item.empty()) continue;
        const size_t colon = item.find(':');
        const std::string key = lower(core::trim_space(item.substr(0, colon)));
        const std::string_view value =
            colon == std::string_view::npos ? std::string_view{} : core::trim_space(item.substr(colon + 1));
        if (key == "db") {
            def.db = value;
        } else if (key == "kind") {
            haveKind = true;
            kindName = value;
        } else if (key == "friendly") {
            def.friendly = value;
        } else if (key == "help") {
            def.help = value;
        } else if (key == "group") {
            def.group = value;
        } else if (key == "category") {
            def.category = value;
        } else if (key == "field") {
            def.expression = value;
        } else if (key == "aliases") {
            def.aliases = parse_list(value);
        } else if (key == "count") {
            if (parse_bool(value)) def.flags |= kFlagCount;
        } else if (key == "nolinked") {
            if (parse_bool(value)) def.flags &= ~uint32_t{kFlagLinked};
        } else if (key == "noutf8") {
            if (parse_bool(value)) def.flags |= kFlagNoUtf8;
        }
    }
    if (def.expression.empty()) {
        set_error(error, "field_define: empty field expression");
        return -1;
    }
    if (const int existing = find(def.expression); existing >= 0) return existing;
    if (def.db.empty()) {
        set_error(error, "field_define: '" + def.expression + "' is unknown and the definition has no db");
        return -1;
    }
    if (!haveKind) {
        set_error(error, "field_define: '" + def.expression + "' has no kind");
        return -1;
    }
    if (!parse_field_kind(kindName, &def.kind)) {
        set_error(error, "field_define: unknown kind '" + kindName + "' for '" + def.expression + "'");
        return -1;
    }
    if (const int owner = find_db(def.db); owner >= 0) {
        byExpr_.emplace(def.expression, owner);
        return owner;
    }
    def.type = storage_for(def.kind);
    if (def.group.empty()) {
        const size_t dot = def.db.find('.');
        def.group = def.db.substr(0, dot);
    }
    if (def.friendly.empty()) def.friendly = def.expression;
    return define(std::move(def));
}

}  // namespace flowdex::fields
