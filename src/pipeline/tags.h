#pragma once
/// Tags from capture file names, and which files are live captures (the wire contract in
/// ../shared/spec/pipeline.md).
///
/// A name is split on runs of `,` `-` `.` `/` `_`; empty pieces and pieces that are, as a whole and
/// ignoring ASCII case, a number or one of `cap pcap dmp log bro zeek suricata tcpdump mtcpdump
/// netsniff mnetsniff` are dropped; order and duplicates are kept. Names are bytes: UTF-8 passes
/// through untouched, since every separator is ASCII.
#include <string>
#include <string_view>
#include <vector>

namespace flowdex::pipeline {

/// The tags a monitor publishes for `name` (the path relative to the watched folder).
std::vector<std::string> tags_from_name(std::string_view name);

/// True when the file name (last path component) starts with `mtcpdump` or `mnetsniff` (exact
/// case): a file
/// rotated out of a live capture rather than uploaded.
bool is_live_name(std::string_view name);

/// The tags a processor records: `tags` without USERTAG, AUTOARKIME, AUTOZEEK, AUTOSURICATA and
/// NBSITEID* (exact case, as the monitor and Malcolm's upload page write them), followed by
/// `extra` (from EXTRA_TAGS).
std::vector<std::string> processor_tags(const std::vector<std::string>& tags, const std::vector<std::string>& extra);

/// Splits a comma-separated list (EXTRA_TAGS), trimming spaces and dropping empty items.
std::vector<std::string> split_list(std::string_view text);

}  // namespace flowdex::pipeline
