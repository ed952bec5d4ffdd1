#include "pipeline/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace flowdex::pipeline {
namespace {
std::mutex gLogMutex;

const char* level_name(Level l) {
    switch (l) {
        case Level::Debug:
            return "DEBUG";
        case Level::Info:
            return "INFO";
        case Level::Warning:
            return "WARNING";
        case Level::Error:
            return "ERROR";
        case Level::Critical:
            return "CRITICAL";
    }
    return "INFO";
}
}  // namespace

int verbosity_from_env_text(std::string_view text) {
    if (text.size() < 2 || text[0] != '-') return 0;
    for (char c : text.substr(1))
        if (c != 'v') return 0;
    return static_cast<int>(text.size() - 1);
}

Level level_for_verbosity(int v) {
    if (v >= 4) return Level::Debug;
    if (v == 3) return Level::Info;
    if (v == 2) return Level::Warning;
    return Level::Error;
}

void Log::write(Level l, std::string_view message) const {
    if (!enabled(l)) return;
    using namespace std::chrono;
    auto now = system_clock::now();
    std::time_t t = system_clock::to_time_t(now);
    auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
    std::lock_guard lock(gLogMutex);
    std::fprintf(stderr, "%s.%03d %s: %.*s\n", stamp, static_cast<int>(ms), level_name(l),
                 static_cast<int>(message.size()), message.data());
    std::fflush(stderr);
}

}  // namespace flowdex::pipeline
