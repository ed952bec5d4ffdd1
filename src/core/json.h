#pragma once
/// Fast JSON text building for session records.
///
/// A record is written once per session; at a million packets a second that is tens of thousands
/// of records a second, so records are assembled with these helpers into reused buffers rather
/// than through a DOM (nlohmann::json is used where speed does not matter: config, tests, CLI).
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace flowdex {

/// Appends `s` as a quoted JSON string. Valid UTF-8 passes through; each byte of an invalid
/// sequence is written as the Latin-1 character of that value, so output is always valid JSON.
void json_append_string(std::string& out, std::string_view s);
void json_append_int(std::string& out, int64_t v);
void json_append_uint(std::string& out, uint64_t v);
void json_append_double(std::string& out, double v);

/// Collects (dotted path, JSON value) pairs and writes them as one nested object:
/// `add_int("source.port", 80)` and `add_string("source.ip", "1.2.3.4")` become
/// `{"source":{"ip":"1.2.3.4","port":80}}`. Keys are emitted sorted, so output is stable.
/// The builder keeps its buffers across clear(), so steady-state use allocates nothing.
class DocBuilder {
  public:
    void clear();
    /// Starts a value at `path`; the caller appends exactly one JSON value to the returned buffer.
    std::string& begin(std::string_view path);
    void add_raw(std::string_view path, std::string_view json) { begin(path).append(json); }
    void add_int(std::string_view path, int64_t v) { json_append_int(begin(path), v); }
    void add_uint(std::string_view path, uint64_t v) { json_append_uint(begin(path), v); }
    void add_double(std::string_view path, double v) { json_append_double(begin(path), v); }
    void add_bool(std::string_view path, bool v) { begin(path).append(v ? "true" : "false"); }
    void add_string(std::string_view path, std::string_view v) { json_append_string(begin(path), v); }
    bool empty() const { return entries_.empty(); }
    /// Appends the nested object to `out`.
    void finish(std::string& out);

  private:
    struct Entry {
        uint32_t pathOff, pathLen, valOff, valLen;
    };
    /// The layout of one set of paths added in one order: which entry goes where and the JSON
    /// text (braces, commas, keys) before each value. Records of similar sessions share shapes,
    /// so most records are written by replaying a cached shape instead of sorting and nesting.
    struct Shape {
        uint64_t key = 0;                 ///< shape_key() of the paths
        std::string paths;                ///< the paths_ text this shape was built for
        std::vector<uint32_t> pathLens;   ///< with their lengths (two paths can concatenate alike)
        std::vector<uint32_t> order;      ///< entry index per emitted value
        std::vector<std::string> before;  ///< text before each emitted value
        std::string after;                ///< closing braces
    };
    void seal();
    /// Hash of the paths added and of where each one ends.
    uint64_t shape_key() const;
    const Shape& shape();
    std::string paths_;
    std::string values_;
    std::vector<Entry> entries_;
    std::vector<Shape> shapes_;
    std::unordered_map<uint64_t, uint32_t> shapeIndex_;  ///< shape_key() → index in shapes_
    size_t nextEvict_ = 0;
    bool open_ = false;
};

}  // namespace flowdex
