#pragma once
/// Unpacks gzip (zlib), zstd (libzstd) and xz (liblzma) files, streaming, with a size limit so a
/// compression bomb cannot fill the disk. Concatenated members/frames/streams are all unpacked.
#include <cstdint>
#include <string>

#include "pipeline/magic.h"

namespace flowdex::pipeline {

/// Writes the unpacked content of `in` to `out` (created or truncated). Returns false with
/// *error set ("corrupt gzip data", "larger than N bytes unpacked", an I/O error) on failure; `out`
/// is then removed.
bool decompress_file(Compression c, const std::string& in, const std::string& out, uint64_t maxBytes,
                     std::string* error);

/// The name without its compression suffix (`.gz`, `.gzip`, `.zst`, `.zstd`, `.xz`), or the name
/// unchanged when it has none.
std::string strip_compression_suffix(const std::string& name);

}  // namespace flowdex::pipeline
