#include "pipeline/decompress.h"

#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

namespace flowdex::pipeline {
namespace {

constexpr size_t kChunk = 1 << 17;

struct FileClose {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileClose>;

/// Output with the size limit; false once the limit is passed or a write fails.
struct Sink {
    std::FILE* f;
    uint64_t max;
    uint64_t written = 0;
    std::string* error;
    bool put(const void* p, size_t n) {
        written += n;
        if (written > max) {
            *error = "larger than " + std::to_string(max) + " bytes unpacked";
            return false;
        }
        if (n && std::fwrite(p, 1, n, f) != n) {
            *error = "write failed";
            return false;
        }
        return true;
    }
};

bool gunzip(const std::string& in, Sink& sink) {
    gzFile gz = gzopen(in.c_str(), "rb");
    if (!gz) {
        *sink.error = "cannot open";
        return false;
    }
    std::vector<char> buf(kChunk);
    bool ok = true;
    for (;;) {
        int n = gzread(gz, buf.data(), static_cast<unsigned>(buf.size()));
        if (n < 0) {
            int errnum = 0;
            const char* msg = gzerror(gz, &errnum);
            *sink.error = std::string("corrupt gzip data: ") + (msg ? msg : "");
            ok = false;
            break;
        }
        if (n == 0) break;
        if (!sink.put(buf.data(), static_cast<size_t>(n))) {
            ok = false;
            break;
        }
    }
    // A truncated stream reads as a short file without error from gzread; gzclose_r reports it.
    int rc = gzclose_r(gz);
    if (ok && rc != Z_OK) {
        *sink.error = "corrupt gzip data: truncated";
        ok = false;
    }
    return ok;
}

bool unzstd(std::FILE* in, Sink& sink) {
    struct Free {
        void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
    };
    std::unique_ptr<ZSTD_DCtx, Free> ctx(ZSTD_createDCtx());
    std::vector<char> ibuf(ZSTD_DStreamInSize()), obuf(ZSTD_DStreamOutSize());
    size_t last = 1;
    bool any = false;
    for (;;) {
        size_t n = std::fread(ibuf.data(), 1, ibuf.size(), in);
        if (n == 0) break;
        any = true;
        ZSTD_inBuffer input{ibuf.data(), n, 0};
        while (input.pos < input.size) {
            ZSTD_outBuffer output{obuf.data(), obuf.size(), 0};
            last = ZSTD_decompressStream(ctx.get(), &output, &input);
            if (ZSTD_isError(last)) {
                *sink.error = std::string("corrupt zstd data: ") + ZSTD_getErrorName(last);
                return false;
            }
            if (!sink.put(obuf.data(), output.pos)) return false;
        }
    }
    if (!any || last != 0) {
        *sink.error = "corrupt zstd data: truncated";
        return false;
    }
    return true;
}

bool unxz(std::FILE* in, Sink& sink) {
    lzma_stream strm = LZMA_STREAM_INIT;
    if (lzma_stream_decoder(&strm, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
        *sink.error = "xz decoder could not start";
        return false;
    }
    struct End {
        lzma_stream* s;
        ~End() { lzma_end(s); }
    } end{&strm};
    std::vector<uint8_t> ibuf(kChunk), obuf(kChunk);
    lzma_action action = LZMA_RUN;
    strm.next_out = obuf.data();
    strm.avail_out = obuf.size();
    for (;;) {
        if (strm.avail_in == 0 && action == LZMA_RUN) {
            strm.next_in = ibuf.data();
            strm.avail_in = std::fread(ibuf.data(), 1, ibuf.size(), in);
            if (strm.avail_in == 0) action = LZMA_FINISH;
        }
        lzma_ret rc = lzma_code(&strm, action);
        if (strm.avail_out == 0 || rc == LZMA_STREAM_END) {
            if (!sink.put(obuf.data(), obuf.size() - strm.avail_out)) return false;
            strm.next_out = obuf.data();
            strm.avail_out = obuf.size();
        }
        if (rc == LZMA_STREAM_END) return true;
        if (rc != LZMA_OK) {
            *sink.error = rc == LZMA_BUF_ERROR ? "corrupt xz data: truncated" : "corrupt xz data";
            return false;
        }
    }
}

}  // namespace

bool decompress_file(Compression c, const std::string& in, const std::string& out, uint64_t maxBytes,
                     std::string* error) {
    std::string scratch;
    if (!error) error = &scratch;
    bool ok = false;
    {
        FilePtr o(std::fopen(out.c_str(), "wb"));
        if (!o) {
            *error = out + ": cannot create";
            return false;
        }
        Sink sink{o.get(), maxBytes, 0, error};
        if (c == Compression::Gzip) {
            ok = gunzip(in, sink);
        } else {
            FilePtr i(std::fopen(in.c_str(), "rb"));
            if (!i) {
                *error = "cannot open";
            } else if (c == Compression::Zstd) {
                ok = unzstd(i.get(), sink);
            } else if (c == Compression::Xz) {
                ok = unxz(i.get(), sink);
            } else {
                *error = "not compressed";
            }
        }
        if (ok && std::fflush(o.get()) != 0) {
            *error = "write failed";
            ok = false;
        }
    }
    if (!ok) {
        std::error_code ec;
        std::filesystem::remove(out, ec);
    }
    return ok;
}

std::string strip_compression_suffix(const std::string& name) {
    for (std::string_view suffix : {".gz", ".gzip", ".zst", ".zstd", ".xz"})
        if (name.size() > suffix.size() && std::string_view(name).ends_with(suffix))
            return name.substr(0, name.size() - suffix.size());
    return name;
}

}  // namespace flowdex::pipeline
