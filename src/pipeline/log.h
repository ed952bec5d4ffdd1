#pragma once
/// The pipeline's log: lines `TIMESTAMP LEVEL: message` on standard error, e.g.
/// `2026-11-22 17:50:01.123 INFO: published a.pcap`, with the timestamp in UTC.
///
/// Verbosity follows Malcolm's PCAP_PIPELINE_VERBOSITY: each `v` lowers the threshold one level
/// from CRITICAL: -v ERROR, -vv WARNING, -vvv INFO, -vvvv DEBUG. Without any, errors are still
/// shown (as with -v), so a failed file is never silent. Thread-safe (one line per write).
#include <string>
#include <string_view>

namespace flowdex::pipeline {

enum class Level : int { Debug = 10, Info = 20, Warning = 30, Error = 40, Critical = 50 };

/// The count of `v`s in "-vv" (PCAP_PIPELINE_VERBOSITY's form); 0 for anything else.
int verbosity_from_env_text(std::string_view text);

/// The threshold for a verbosity count (the larger of the flag count and the environment's).
Level level_for_verbosity(int v);

class Log {
  public:
    explicit Log(Level threshold = Level::Error) : threshold_(threshold) {}
    bool enabled(Level l) const { return static_cast<int>(l) >= static_cast<int>(threshold_); }
    void write(Level l, std::string_view message) const;
    void debug(std::string_view m) const { write(Level::Debug, m); }
    void info(std::string_view m) const { write(Level::Info, m); }
    void warning(std::string_view m) const { write(Level::Warning, m); }
    void error(std::string_view m) const { write(Level::Error, m); }
    void critical(std::string_view m) const { write(Level::Critical, m); }

  private:
    Level threshold_;
};

}  // namespace flowdex::pipeline
