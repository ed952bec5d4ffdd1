#pragma once
/// A session's field values, held by field position (see FieldRegistry).
///
/// Storage is a short list of entries, one per field that has a value, searched linearly: a
/// session carries a few dozen fields at most. Sets keep insertion order and de-duplicate; string
/// sets compare a stored 64-bit hash first. Re-adding a value already present (a TTL seen on every
/// packet, a repeated host) never allocates: lo/up-casing and truncation are applied while
/// hashing and comparing, and a copy is made only when the value is new.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "fields/field_registry.h"

namespace flowdex::fields {

/// Strings longer than this are cut (Arkime's limit for a field value).
inline constexpr size_t kMaxFieldString = 16384;

/// Outcome of an add, for callers that must tell the failures apart (the Python layer raises
/// TypeError on WrongType).
enum class AddResult : uint8_t {
    Added,        ///< a new value was stored
    Overwritten,  ///< a single-value field got a new value
    Duplicate,    ///< the value is already in the set
    BadField,     ///< unknown position, Object field or fake (computed) field
    WrongType,    ///< e.g. a string to an integer field, or text that is not an IP address
};

/// True for Added and Overwritten.
inline bool added(AddResult r) {
    return r == AddResult::Added || r == AddResult::Overwritten;
}

/// The value of an Object field (FieldType::Object): state that a parser builds itself and that
/// writes itself as one JSON value at the field's db path (Arkime's `dns` array of query/response
/// objects, `cert`, …). FieldValues owns it: FieldValues::object() creates it on first use, it
/// lives and is cleared like any other value of the field (kept across saves unless the field is
/// nolinked), and clear() calls reset() rather than destroying it, so a pooled session reuses its
/// buffers. Implementations keep their own bounds (they are fed from packets).
class FieldObject {
  public:
    virtual ~FieldObject() = default;
    /// Number of items held (objects of the array). 0 leaves the field out of the record; with
    /// kFlagCount it is also the `<db>Cnt` value.
    virtual size_t count() const = 0;
    /// Appends exactly one JSON value to `out` (called only when count() > 0).
    virtual void write_json(std::string& out) const = 0;
    /// Drops every item.
    virtual void reset() = 0;
};

class FieldValues {
  public:
    using ObjectFactory = std::unique_ptr<FieldObject> (*)();

    /// The FieldObject of Object field `pos`, made with `make` when there is none yet (or the one
    /// held was made by another factory). nullptr when `pos` is not an Object field.
    FieldObject* object(const FieldRegistry& reg, int pos, ObjectFactory make);
    /// Typed form: `s.fields.object<DnsObjects>(reg, pos)` (T default-constructible, one T per field).
    template <class T>
    T* object(const FieldRegistry& reg, int pos) {
        return static_cast<T*>(object(reg, pos, [] { return std::unique_ptr<FieldObject>(new T()); }));
    }
    /// The FieldObject held for `pos` if any (possibly empty), without creating one.
    const FieldObject* find_object(int pos) const;

    /// Integer fields (Int, IntSet). Float fields accept integers too.
    AddResult add_int_r(const FieldRegistry& reg, int pos, int64_t v);
    /// String fields (Str, StrSet, StrList); lotermfield lower-cases, uptermfield upper-cases; values
    /// over kMaxFieldString bytes are cut and `*truncated` is set (false otherwise). IP fields
    /// accept the address as text (same as add_ip).
    AddResult add_string_r(const FieldRegistry& reg, int pos, std::string_view v, bool* truncated = nullptr);
    /// Same, but the value is stored as given even in a lo/uptermfield (Arkime's parsers choose
    /// the case themselves: `user` keeps "Administrator").
    AddResult add_string_as_is(const FieldRegistry& reg, int pos, std::string_view v) {
        return add_string_cased(reg, pos, v, nullptr, true);
    }
    /// Float fields (Float, FloatSet).
    AddResult add_float_r(const FieldRegistry& reg, int pos, double v);
    /// IP fields (Ip, IpSet): IPv4 dotted or IPv6 text, stored in canonical form (IPv4-mapped IPv6
    /// is stored as IPv4). Unparsable text is WrongType.
    AddResult add_ip_r(const FieldRegistry& reg, int pos, std::string_view text);

    bool add_int(const FieldRegistry& reg, int pos, int64_t v) { return added(add_int_r(reg, pos, v)); }
    bool add_string(const FieldRegistry& reg, int pos, std::string_view v, bool* truncated = nullptr) {
        return added(add_string_r(reg, pos, v, truncated));
    }
    bool add_float(const FieldRegistry& reg, int pos, double v) { return added(add_float_r(reg, pos, v)); }
    bool add_ip(const FieldRegistry& reg, int pos, std::string_view text) { return added(add_ip_r(reg, pos, text)); }

    bool has(int pos) const { return count(pos) > 0; }
    /// Number of values held for `pos` (1 for a set single-value field; FieldObject::count() for an
    /// Object field).
    size_t count(int pos) const;
    /// Values of an Int/IntSet field, nullptr when none.
    const std::vector<int64_t>* ints(int pos) const;
    /// Values of a Str/StrSet/StrList/Ip/IpSet field (IPs as text), nullptr when none.
    const std::vector<std::string>* strings(int pos) const;
    /// Values of a Float/FloatSet field, nullptr when none.
    const std::vector<double>* floats(int pos) const;
    /// Positions that hold values, in the order they were first set.
    std::vector<int> positions() const;

    /// Drops the values of fields defined without kFlagLinked (before the next segment of a long session).
    void clear_nolinked(const FieldRegistry& reg);
    /// Drops every value; buffers are kept for reuse.
    void clear();

    /// Writes every stored field at its db path: single values as scalars, sets and lists as arrays,
    /// plus `<db>Cnt` (or `<db>-cnt` with kFlagEcsCount) when the field has kFlagCount. An Object
    /// field with a non-empty FieldObject is written by FieldObject::write_json (its count is the
    /// count value). Fake and disabled fields are skipped.
    void emit(const FieldRegistry& reg, flowdex::DocBuilder& doc) const;

  private:
    struct Entry {
        int pos = -1;
        bool used = false;  ///< false once cleared; the entry and its buffers wait for reuse
        std::vector<int64_t> ints;
        std::vector<double> floats;
        std::vector<std::string> strs;
        std::vector<uint64_t> hashes;      ///< parallel to strs for string sets
        std::unique_ptr<FieldObject> obj;  ///< Object fields only; reset, not freed, on clear
        ObjectFactory objMake = nullptr;   ///< what made `obj`
    };
    Entry* find(int pos);
    const Entry* find(int pos) const;
    /// The entry of `pos`, taking a free one when it has none: with `sameFirst` the cleared entry
    /// that last held `pos` (Object fields keep their object there), else the first free entry that
    /// holds no object.
    Entry& slot(int pos, bool sameFirst = false);
    AddResult store_string(const FieldDef& def, int pos, std::string_view v, int casing);
    AddResult add_string_cased(const FieldRegistry& reg, int pos, std::string_view v, bool* truncated, bool asIs);

    /// Key of a cleared entry that last held `pos` (negative; a used entry's key is its position).
    static constexpr int cleared_key(int pos) { return -1 - pos; }
    static constexpr uint64_t bit_of(int pos) { return uint64_t{1} << (static_cast<unsigned>(pos) & 63u); }

    std::vector<Entry> entries_;
    /// Parallel to entries_: the position of a used entry, cleared_key(pos) of a cleared one. Lookups
    /// scan this dense array instead of the entries themselves (one cache line per 16 fields).
    std::vector<int> keys_;
    /// Bit (pos % 64) of every used position: most lookups of a field not set yet stop here.
    uint64_t usedBits_ = 0;
    size_t freeHint_ = 0;  ///< no free entry without an object below this index
};

}  // namespace flowdex::fields
