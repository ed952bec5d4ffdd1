#include "pipeline/fsutil.h"

#include <algorithm>
#include <system_error>
#include <vector>

namespace flowdex::pipeline {

namespace fs = std::filesystem;

fs::path unique_destination(const fs::path& dir, const std::string& rel) {
    fs::path dest = dir / rel;
    fs::create_directories(dest.parent_path());
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(dest, ec))) return dest;
    std::string base = dest.filename().string();
    size_t dot = base.find('.', 1);
    std::string stem = dot == std::string::npos ? base : base.substr(0, dot);
    std::string ext = dot == std::string::npos ? "" : base.substr(dot);
    for (unsigned n = 1;; ++n) {
        fs::path candidate = dest.parent_path() / (stem + "-" + std::to_string(n) + ext);
        if (!fs::exists(fs::symlink_status(candidate, ec))) return candidate;
    }
}

void move_file(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    fs::rename(from, to, ec);
    if (!ec) return;
    if (ec != std::errc::cross_device_link) throw fs::filesystem_error("move", from, to, ec);
    fs::path tmp = to.parent_path() / ("." + to.filename().string() + ".partial");
    fs::copy_file(from, tmp, fs::copy_options::overwrite_existing);
    fs::rename(tmp, to);
    fs::remove(from);
}

bool is_within(const fs::path& p, const fs::path& dir) {
    auto a = fs::weakly_canonical(fs::absolute(p)).lexically_normal();
    auto b = fs::weakly_canonical(fs::absolute(dir)).lexically_normal();
    auto ai = a.begin();
    for (auto bi = b.begin(); bi != b.end(); ++bi, ++ai) {
        if (bi->empty() && std::next(bi) == b.end()) return true;  // trailing separator
        if (ai == a.end() || *ai != *bi) return false;
    }
    return true;
}

void walk_files(const fs::path& dir, const std::function<bool(const fs::path&)>& skipDir,
                const std::function<void(const std::string&)>& fn) {
    std::vector<std::string> names;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const auto& e = *it;
        std::string leaf = e.path().filename().string();
        std::error_code sec;
        if (e.is_directory(sec) && !e.is_symlink(sec)) {
            if (leaf.starts_with(".") || (skipDir && skipDir(e.path()))) it.disable_recursion_pending();
            continue;
        }
        if (leaf.starts_with(".") || !e.is_regular_file(sec) || e.is_symlink(sec)) continue;
        names.push_back(e.path().lexically_relative(dir).string());
    }
    std::sort(names.begin(), names.end());
    for (const auto& n : names)
        fn(n);
}

}  // namespace flowdex::pipeline
