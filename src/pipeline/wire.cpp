#include "pipeline/wire.h"

#include <nlohmann/json.hpp>

#include "core/json.h"

namespace flowdex::pipeline {

std::string to_wire(const FileMessage& m) {
    std::string out = "{\"name\": ";
    json_append_string(out, m.name);
    out += ", \"size\": ";
    json_append_uint(out, m.size);
    out += ", \"mime\": ";
    json_append_string(out, m.mime);
    out += ", \"type\": ";
    json_append_string(out, m.type);
    out += ", \"node\": ";
    json_append_string(out, m.node);
    out += ", \"live\": ";
    out += m.live ? "true" : "false";
    out += ", \"tags\": [";
    for (size_t i = 0; i < m.tags.size(); ++i) {
        if (i) out += ", ";
        json_append_string(out, m.tags[i]);
    }
    out += "]}";
    return out;
}

std::optional<FileMessage> parse_wire(std::string_view frame, std::string* error) {
    auto fail = [&](std::string why) -> std::optional<FileMessage> {
        if (error) *error = std::move(why);
        return std::nullopt;
    };
    auto j = nlohmann::json::parse(frame, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return fail("not a JSON object");
    FileMessage m;
    auto name = j.find("name");
    if (name == j.end() || !name->is_string() || name->get_ref<const std::string&>().empty())
        return fail("no file name");
    m.name = name->get<std::string>();
    if (auto it = j.find("size"); it != j.end() && !it->is_null()) {
        if (!it->is_number_integer() || it->get<int64_t>() < 0) return fail("size is not a count of bytes");
        m.size = it->get<uint64_t>();
    }
    for (auto [key, dest] : {std::pair{"mime", &m.mime}, std::pair{"type", &m.type}, std::pair{"node", &m.node}}) {
        auto it = j.find(key);
        if (it == j.end() || it->is_null()) continue;
        if (!it->is_string()) return fail(std::string(key) + " is not a string");
        *dest = it->get<std::string>();
    }
    if (auto it = j.find("live"); it != j.end() && !it->is_null()) {
        if (!it->is_boolean()) return fail("live is not true or false");
        m.live = it->get<bool>();
    }
    if (auto it = j.find("tags"); it != j.end() && !it->is_null()) {
        if (!it->is_array()) return fail("tags is not a list");
        for (const auto& t : *it) {
            if (!t.is_string()) return fail("a tag is not a string");
            m.tags.push_back(t.get<std::string>());
        }
        m.hasTags = true;
    }
    return m;
}

}  // namespace flowdex::pipeline
