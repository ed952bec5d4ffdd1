#pragma once
/// Settings: Arkime-style INI files (`[default]` section, `key=value`) plus `-o key=value`
/// overrides. Every error names the file (or "-o") and the key and is thrown as ConfigError, which
/// the CLI prints on one line before exiting with status 2.
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace flowdex::config {

class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class Config {
  public:
    /// Reads the `[default]` section of an INI file (other sections are kept as "section.key").
    static Config load(const std::string& path);

    /// Applies `key=value` (from -o); throws when there is no '='.
    void set_override(const std::string& assignment);
    void set(const std::string& key, const std::string& value, const std::string& origin);

    bool has(const std::string& key) const { return values_.count(key) != 0; }
    std::string get_string(const std::string& key, const std::string& def) const;
    uint32_t get_uint(const std::string& key, uint32_t def, uint32_t min, uint32_t max) const;
    bool get_bool(const std::string& key, bool def) const;
    /// A `;`-separated list (Arkime's list syntax); empty entries dropped.
    std::vector<std::string> get_list(const std::string& key) const;

    const std::map<std::string, std::string>& values() const { return values_; }

  private:
    std::string origin_of(const std::string& key) const;
    std::map<std::string, std::string> values_;
    std::map<std::string, std::string> origins_;
};

}  // namespace flowdex::config
