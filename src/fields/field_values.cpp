#include "fields/field_values.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <utility>

namespace flowdex::fields {
namespace {

enum Casing : int { kAsIs = 0, kLower = 1, kUpper = 2 };

/// Lower- or upper-cases ASCII letters in place (a branch-free loop the compiler vectorises).
void fold_case(std::string& s, int casing) {
    const unsigned char first = casing == kLower ? 'A' : 'a';
    for (char& c : s) {
        const auto u = static_cast<unsigned char>(c);
        c = static_cast<char>(u ^ (static_cast<unsigned char>(u - first) < 26u ? 0x20 : 0));
    }
}

bool is_int_type(FieldType t) {
    return t == FieldType::Int || t == FieldType::IntSet;
}
bool is_float_type(FieldType t) {
    return t == FieldType::Float || t == FieldType::FloatSet;
}
bool is_ip_type(FieldType t) {
    return t == FieldType::Ip || t == FieldType::IpSet;
}
bool is_str_type(FieldType t) {
    return t == FieldType::Str || t == FieldType::StrSet || t == FieldType::StrList;
}
bool is_single(FieldType t) {
    return t == FieldType::Int || t == FieldType::Float || t == FieldType::Str || t == FieldType::Ip;
}

// Canonical text of an address, written into `out` (no heap use). False when not an address.
bool canonical_ip(std::string_view text, std::array<char, INET6_ADDRSTRLEN>& out, size_t& len) {
    std::array<char, INET6_ADDRSTRLEN> in{};
    if (text.empty() || text.size() >= in.size()) return false;
    std::memcpy(in.data(), text.data(), text.size());
    unsigned char buf[16];
    const char* res = nullptr;
    if (inet_pton(AF_INET, in.data(), buf) == 1) {
        res = inet_ntop(AF_INET, buf, out.data(), out.size());
    } else if (inet_pton(AF_INET6, in.data(), buf) == 1) {
        static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::memcmp(buf, kMapped, sizeof(kMapped)) == 0) {
            res = inet_ntop(AF_INET, buf + sizeof(kMapped), out.data(), out.size());
        } else {
            res = inet_ntop(AF_INET6, buf, out.data(), out.size());
        }
    }
    if (!res) return false;
    len = std::strlen(out.data());
    return true;
}

}  // namespace

FieldValues::Entry* FieldValues::find(int pos) {
    return const_cast<Entry*>(std::as_const(*this).find(pos));
}

const FieldValues::Entry* FieldValues::find(int pos) const {
    if (!(usedBits_ & bit_of(pos))) return nullptr;
    for (size_t i = 0; i < keys_.size(); ++i) {
        if (keys_[i] == pos) return &entries_[i];
    }
    return nullptr;
}

FieldValues::Entry& FieldValues::slot(int pos, bool sameFirst) {
    if (Entry* e = find(pos)) return *e;
    size_t at = keys_.size();
    if (sameFirst) {  // an Object field: its cleared entry still holds the object and its buffers
        for (size_t i = 0; i < keys_.size(); ++i) {
            if (keys_[i] == cleared_key(pos)) {
                at = i;
                break;
            }
        }
    }
    if (at == keys_.size()) {
        // A free entry that holds no object: objects stay for their own field to find again.
        for (at = freeHint_; at < keys_.size() && (keys_[at] >= 0 || entries_[at].obj); ++at) {
        }
        freeHint_ = at + 1;
    }
    if (at == keys_.size()) {
        entries_.emplace_back();
        keys_.push_back(cleared_key(pos));
    }
    Entry& e = entries_[at];
    if (keys_[at] != cleared_key(pos)) {
        e.obj.reset();  // another field's object: not reusable here
        e.objMake = nullptr;
    }
    keys_[at] = pos;
    usedBits_ |= bit_of(pos);
    e.pos = pos;
    e.used = true;
    return e;
}

AddResult FieldValues::add_int_r(const FieldRegistry& reg, int pos, int64_t v) {
    if (!reg.valid(pos)) return AddResult::BadField;
    const FieldDef& def = reg.at(pos);
    if (def.flags & kFlagFake || def.type == FieldType::Object) return AddResult::BadField;
    if (is_float_type(def.type)) return add_float_r(reg, pos, static_cast<double>(v));
    if (!is_int_type(def.type)) return AddResult::WrongType;
    Entry& e = slot(pos);
    if (def.type == FieldType::Int) {
        if (e.ints.empty()) {
            e.ints.push_back(v);
            return AddResult::Added;
        }
        e.ints.front() = v;
        return AddResult::Overwritten;
    }
    if (std::find(e.ints.begin(), e.ints.end(), v) != e.ints.end()) return AddResult::Duplicate;
    e.ints.push_back(v);
    return AddResult::Added;
}

AddResult FieldValues::add_float_r(const FieldRegistry& reg, int pos, double v) {
    if (!reg.valid(pos)) return AddResult::BadField;
    const FieldDef& def = reg.at(pos);
    if (def.flags & kFlagFake || def.type == FieldType::Object) return AddResult::BadField;
    if (!is_float_type(def.type)) return AddResult::WrongType;
    Entry& e = slot(pos);
    if (def.type == FieldType::Float) {
        if (e.floats.empty()) {
            e.floats.push_back(v);
            return AddResult::Added;
        }
        e.floats.front() = v;
        return AddResult::Overwritten;
    }
    if (std::find(e.floats.begin(), e.floats.end(), v) != e.floats.end()) return AddResult::Duplicate;
    e.floats.push_back(v);
    return AddResult::Added;
}

AddResult FieldValues::store_string(const FieldDef& def, int pos, std::string_view v, int casing) {
    Entry& e = slot(pos);
    if (casing != kAsIs) {
        thread_local std::string folded;  // grows to the longest value once; no allocation after that
        folded.assign(v);
        fold_case(folded, casing);
        v = folded;
    }
    if (def.type == FieldType::Str || def.type == FieldType::Ip) {
        const bool had = !e.strs.empty();
        if (!had) e.strs.emplace_back();
        e.strs.front().assign(v);
        return had ? AddResult::Overwritten : AddResult::Added;
    }
    const uint64_t h = std::hash<std::string_view>{}(v);
    if (def.type != FieldType::StrList) {
        for (size_t i = 0; i < e.hashes.size(); ++i) {
            if (e.hashes[i] == h && e.strs[i] == v) return AddResult::Duplicate;
        }
    }
    e.strs.emplace_back(v);
    e.hashes.push_back(h);
    return AddResult::Added;
}

AddResult FieldValues::add_string_r(const FieldRegistry& reg, int pos, std::string_view v, bool* truncated) {
    return add_string_cased(reg, pos, v, truncated, false);
}

AddResult FieldValues::add_string_cased(const FieldRegistry& reg, int pos, std::string_view v, bool* truncated,
                                        bool asIs) {
    if (truncated) *truncated = false;
    if (!reg.valid(pos)) return AddResult::BadField;
    const FieldDef& def = reg.at(pos);
    if (def.flags & kFlagFake || def.type == FieldType::Object) return AddResult::BadField;
    if (is_ip_type(def.type)) return add_ip_r(reg, pos, v);
    if (!is_str_type(def.type)) return AddResult::WrongType;
    if (v.size() > kMaxFieldString) {
        v = v.substr(0, kMaxFieldString);
        if (truncated) *truncated = true;
    }
    const int casing = asIs                                 ? kAsIs
                       : def.kind == FieldKind::LoTermField ? kLower
                       : def.kind == FieldKind::UpTermField ? kUpper
                                                            : kAsIs;
    return store_string(def, pos, v, casing);
}

AddResult FieldValues::add_ip_r(const FieldRegistry& reg, int pos, std::string_view text) {
    if (!reg.valid(pos)) return AddResult::BadField;
    const FieldDef& def = reg.at(pos);
    if (def.flags & kFlagFake || def.type == FieldType::Object) return AddResult::BadField;
    if (!is_ip_type(def.type)) return AddResult::WrongType;
    std::array<char, INET6_ADDRSTRLEN> buf{};
    size_t len = 0;
    if (!canonical_ip(text, buf, len)) return AddResult::WrongType;
    return store_string(def, pos, std::string_view(buf.data(), len), kAsIs);
}

FieldObject* FieldValues::object(const FieldRegistry& reg, int pos, ObjectFactory make) {
    if (!reg.valid(pos) || reg.at(pos).type != FieldType::Object || !make) return nullptr;
    Entry& e = slot(pos, true);
    if (!e.obj || e.objMake != make) {
        e.obj = make();
        e.objMake = make;
    }
    return e.obj.get();
}

const FieldObject* FieldValues::find_object(int pos) const {
    const Entry* e = find(pos);
    return e ? e->obj.get() : nullptr;
}

size_t FieldValues::count(int pos) const {
    const Entry* e = find(pos);
    if (!e) return 0;
    return e->ints.size() + e->floats.size() + e->strs.size() + (e->obj ? e->obj->count() : 0);
}

const std::vector<int64_t>* FieldValues::ints(int pos) const {
    const Entry* e = find(pos);
    return e && !e->ints.empty() ? &e->ints : nullptr;
}

const std::vector<std::string>* FieldValues::strings(int pos) const {
    const Entry* e = find(pos);
    return e && !e->strs.empty() ? &e->strs : nullptr;
}

const std::vector<double>* FieldValues::floats(int pos) const {
    const Entry* e = find(pos);
    return e && !e->floats.empty() ? &e->floats : nullptr;
}

std::vector<int> FieldValues::positions() const {
    std::vector<int> out;
    for (const Entry& e : entries_) {
        if (e.used && (!e.ints.empty() || !e.floats.empty() || !e.strs.empty() || (e.obj && e.obj->count() > 0)))
            out.push_back(e.pos);
    }
    return out;
}

void FieldValues::clear_nolinked(const FieldRegistry& reg) {
    for (size_t i = 0; i < entries_.size(); ++i) {
        Entry& e = entries_[i];
        if (e.used && reg.valid(e.pos) && !(reg.at(e.pos).flags & kFlagLinked)) {
            e.used = false;
            keys_[i] = cleared_key(e.pos);
            freeHint_ = std::min(freeHint_, i);
            e.ints.clear();
            e.floats.clear();
            e.strs.clear();
            e.hashes.clear();
            if (e.obj) e.obj->reset();
        }
    }
    usedBits_ = 0;
    for (int k : keys_)
        if (k >= 0) usedBits_ |= bit_of(k);
}

void FieldValues::clear() {
    usedBits_ = 0;
    freeHint_ = 0;
    for (size_t i = 0; i < entries_.size(); ++i) {
        Entry& e = entries_[i];
        e.used = false;
        keys_[i] = cleared_key(e.pos);
        e.ints.clear();
        e.floats.clear();
        e.strs.clear();
        e.hashes.clear();
        if (e.obj) e.obj->reset();
    }
}

void FieldValues::emit(const FieldRegistry& reg, flowdex::DocBuilder& doc) const {
    std::string path;
    for (const Entry& e : entries_) {
        if (!e.used || !reg.valid(e.pos)) continue;
        const FieldDef& def = reg.at(e.pos);
        if (def.flags & (kFlagFake | kFlagDisabled)) continue;
        const bool isObject = def.type == FieldType::Object;
        const size_t n = isObject ? (e.obj ? e.obj->count() : 0) : e.ints.size() + e.floats.size() + e.strs.size();
        if (n == 0) continue;
        if (isObject) {
            e.obj->write_json(doc.begin(def.db));
        } else if (is_single(def.type)) {
            if (!e.ints.empty()) doc.add_int(def.db, e.ints.front());
            if (!e.floats.empty()) doc.add_double(def.db, e.floats.front());
            if (!e.strs.empty()) doc.add_string(def.db, e.strs.front());
        } else {
            std::string& out = doc.begin(def.db);
            out.push_back('[');
            bool first = true;
            auto sep = [&] {
                if (!first) out.push_back(',');
                first = false;
            };
            for (int64_t v : e.ints) {
                sep();
                json_append_int(out, v);
            }
            for (double v : e.floats) {
                sep();
                json_append_double(out, v);
            }
            for (const std::string& v : e.strs) {
                sep();
                json_append_string(out, v);
            }
            out.push_back(']');
        }
        if (def.flags & kFlagCount) {
            path.assign(def.db);
            path.append((def.flags & kFlagEcsCount) ? "-cnt" : "Cnt");
            doc.add_uint(path, n);
        }
    }
}

}  // namespace flowdex::fields
