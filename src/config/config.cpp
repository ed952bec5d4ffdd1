#include "config/config.h"

#include "core/text.h"

#include <algorithm>
#include <charconv>
#include <fstream>

namespace flowdex::config {
namespace {}  // namespace

Config Config::load(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ConfigError(path + ": cannot open config file");
    Config c;
    std::string line, section = "default";
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        std::string t = std::string(core::trim_space(line));
        if (t.empty() || t[0] == '#' || t[0] == ';') continue;
        if (t.front() == '[') {
            if (t.back() != ']')
                throw ConfigError(path + ":" + std::to_string(lineNo) + ": unterminated section header");
            section = std::string(core::trim_space(t.substr(1, t.size() - 2)));
            continue;
        }
        size_t eq = t.find('=');
        if (eq == std::string::npos)
            throw ConfigError(path + ":" + std::to_string(lineNo) + ": expected key=value, got '" + t + "'");
        std::string key = std::string(core::trim_space(t.substr(0, eq)));
        if (key.empty()) throw ConfigError(path + ":" + std::to_string(lineNo) + ": empty key");
        if (section != "default") key = section + "." + key;
        c.set(key, std::string(core::trim_space(t.substr(eq + 1))), path + ":" + std::to_string(lineNo));
    }
    if (in.bad()) throw ConfigError(path + ": cannot read config file");  // e.g. a directory
    return c;
}

void Config::set_override(const std::string& assignment) {
    size_t eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) throw ConfigError("-o " + assignment + ": expected key=value");
    set(std::string(core::trim_space(assignment.substr(0, eq))),
        std::string(core::trim_space(assignment.substr(eq + 1))), "-o");
}

void Config::set(const std::string& key, const std::string& value, const std::string& origin) {
    values_[key] = value;
    origins_[key] = origin;
}

std::string Config::origin_of(const std::string& key) const {
    auto it = origins_.find(key);
    return it == origins_.end() ? "config" : it->second;
}

std::string Config::get_string(const std::string& key, const std::string& def) const {
    auto it = values_.find(key);
    return it == values_.end() ? def : it->second;
}

uint32_t Config::get_uint(const std::string& key, uint32_t def, uint32_t min, uint32_t max) const {
    auto it = values_.find(key);
    if (it == values_.end()) return def;
    const std::string& v = it->second;
    uint64_t n = 0;
    auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || r.ec != std::errc() || r.ptr != v.data() + v.size())
        throw ConfigError(origin_of(key) + ": " + key + ": '" + v + "' is not a whole number");
    if (n < min || n > max)
        throw ConfigError(origin_of(key) + ": " + key + ": " + v + " is outside " + std::to_string(min) + ".." +
                          std::to_string(max));
    return static_cast<uint32_t>(n);
}

bool Config::get_bool(const std::string& key, bool def) const {
    auto it = values_.find(key);
    if (it == values_.end()) return def;
    std::string v = it->second;
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (v == "true" || v == "yes" || v == "1" || v == "on") return true;
    if (v == "false" || v == "no" || v == "0" || v == "off") return false;
    throw ConfigError(origin_of(key) + ": " + key + ": '" + it->second + "' is not true or false");
}

std::vector<std::string> Config::get_list(const std::string& key) const {
    std::vector<std::string> out;
    auto it = values_.find(key);
    if (it == values_.end()) return out;
    std::string cur;
    for (char ch : it->second + ";") {
        if (ch == ';') {
            std::string t = std::string(core::trim_space(cur));
            if (!t.empty()) out.push_back(t);
            cur.clear();
        } else {
            cur.push_back(ch);
        }
    }
    return out;
}

}  // namespace flowdex::config
