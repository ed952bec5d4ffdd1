// libFuzzer target: our pcapng reader (reader::PcapngFile) on arbitrary bytes, as a memory stream of
// known size: every block it accepts must lie inside the input, and it must end (End or Error).
//
// Input layout: the whole input is the file.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "reader/pcapng_file.h"

using flowdex::reader::PcapngFile;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    std::vector<uint8_t> copy(data, data + size);  // fmemopen wants a writable buffer
    FILE* f = fmemopen(copy.data(), copy.size(), "rb");
    if (!f) return 0;
    PcapngFile ng(f, static_cast<int64_t>(size));
    if (ng.open()) {
        PcapngFile::Record r;
        for (size_t packets = 0;; ++packets) {
            const PcapngFile::Next got = ng.next(r);
            if (got != PcapngFile::Next::Packet) break;
            if (r.caplen > size || (r.caplen > 0 && r.data == nullptr)) __builtin_trap();
            if (packets > size) __builtin_trap();  // more packets than bytes: the reader is looping
        }
    }
    if (ng.buffer_bytes() > size + 4096) __builtin_trap();  // it never holds more than the input
    std::fclose(f);
    return 0;
}
