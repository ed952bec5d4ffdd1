#pragma once
/// The message a monitor publishes for each capture file (../shared/spec/pipeline.md, "The wire
/// contract"): one ZeroMQ frame holding one UTF-8 JSON object, e.g.
///
///     {"name": "siteA,vlan10,capture.pcap", "size": 123456, "mime": "application/vnd.tcpdump.pcap",
///      "type": "pcap capture file, ...", "node": "malcolm", "live": false, "tags": ["siteA", "vlan10"]}
///
/// Keys are written in that order with the separators Python's json.dumps uses (", " and ": "),
/// so our messages look like Malcolm's byte for byte where the values agree.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"

namespace flowdex::pipeline {

/// Default port of the pipeline socket.
inline constexpr int kDefaultPort = 30441;

struct FileMessage {
    std::string name;  ///< path relative to the watched (and so the processed) folder
    uint64_t size = 0;
    std::string mime;  ///< libmagic's mime type
    std::string type;  ///< libmagic's description
    std::string node;  ///< publisher's node name; empty when the message had none
    bool live = false;
    std::vector<std::string> tags;
    bool hasTags = false;  ///< the message carried `tags` (otherwise the processor derives them from name)
};

/// The wire form. `name`, `node`, `mime`, `type` and tags must be valid UTF-8 (the monitor
/// rejects files whose names are not).
std::string to_wire(const FileMessage& m);

/// Reads a message; unknown keys are ignored and `node`, `live`, `tags`, `size`, `mime`, `type`
/// may be missing. Returns nothing (and sets *error) when the frame is not a JSON object with a
/// non-empty string `name`, or a known key has the wrong type.
std::optional<FileMessage> parse_wire(std::string_view frame, std::string* error = nullptr);

/// True when `s` is valid UTF-8 (core/text.h).
using core::valid_utf8;

}  // namespace flowdex::pipeline
