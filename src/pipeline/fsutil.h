#pragma once
/// File moves for the pipeline: never overwrite, never lose.
#include <filesystem>
#include <functional>
#include <string>

namespace flowdex::pipeline {

/// `dir/rel`, or when that exists `dir/rel` with `-1`, `-2`, … before its first extension
/// (`a.pcap` → `a-1.pcap`). Parent folders are created.
std::filesystem::path unique_destination(const std::filesystem::path& dir, const std::string& rel);

/// Moves `from` to `to` (which must not exist): rename(2), or on another file system a copy to a
/// hidden temporary beside `to`, a rename into place, then removal of `from`. Throws
/// std::filesystem::filesystem_error on failure (`from` is then still there).
void move_file(const std::filesystem::path& from, const std::filesystem::path& to);

/// True when `p` is `dir` or lies below it (both made absolute and normal first).
bool is_within(const std::filesystem::path& p, const std::filesystem::path& dir);

/// Calls `fn(relativeName)` for every regular, non-hidden file below `dir` (hidden folders and
/// folders for which `skipDir` returns true are not entered), in name order.
void walk_files(const std::filesystem::path& dir, const std::function<bool(const std::filesystem::path&)>& skipDir,
                const std::function<void(const std::string&)>& fn);

}  // namespace flowdex::pipeline
