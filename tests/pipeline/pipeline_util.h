#pragma once
// Helpers for the pipeline's end-to-end tests: synthetic captures with a known number of
// sessions, background `flowdex` processes, free loopback ports and polling `flowdex files`.
#include <netinet/in.h>
#include <sys/socket.h>
#include <zlib.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "e2e/e2e_util.h"

namespace flowdex::pipeline_test {

namespace fs = std::filesystem;
using e2e::TempDir;

inline void put_le(std::string& out, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

/// An Ethernet/IPv4/UDP frame from 10.0.0.1:sport to 10.0.0.2:53.
inline std::string udp_frame(uint16_t sport) {
    std::string f;
    f += std::string("\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
    const uint16_t ipLen = 20 + 8 + 4;
    unsigned char ip[20] = {0x45,
                            0,
                            static_cast<unsigned char>(ipLen >> 8),
                            static_cast<unsigned char>(ipLen & 0xFF),
                            0,
                            0,
                            0x40,
                            0,
                            64,
                            17,
                            0,
                            0,
                            10,
                            0,
                            0,
                            1,
                            10,
                            0,
                            0,
                            2};
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2)
        sum += (ip[i] << 8) | ip[i + 1];
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    sum = ~sum & 0xFFFF;
    ip[10] = static_cast<unsigned char>(sum >> 8);
    ip[11] = static_cast<unsigned char>(sum & 0xFF);
    f.append(reinterpret_cast<char*>(ip), 20);
    unsigned char udp[8] = {
        static_cast<unsigned char>(sport >> 8), static_cast<unsigned char>(sport & 0xFF), 0, 53, 0, 12, 0, 0};
    f.append(reinterpret_cast<char*>(udp), 8);
    f += "ping";
    return f;
}

/// A capture of `sessions` one-packet UDP sessions (source ports firstPort, firstPort+1, …), as
/// pcap or pcapng. Different firstPort values give different files.
inline std::string make_capture(uint16_t firstPort, int sessions, bool pcapng = false) {
    std::string out;
    const uint64_t t0 = 1700000000;
    if (!pcapng) {
        put_le(out, 0xA1B2C3D4, 4);
        put_le(out, 2, 2);
        put_le(out, 4, 2);
        put_le(out, 0, 8);
        put_le(out, 65535, 4);
        put_le(out, 1, 4);
        for (int i = 0; i < sessions; ++i) {
            std::string f = udp_frame(static_cast<uint16_t>(firstPort + i));
            put_le(out, t0 + i, 4);
            put_le(out, 0, 4);
            put_le(out, f.size(), 4);
            put_le(out, f.size(), 4);
            out += f;
        }
        return out;
    }
    put_le(out, 0x0A0D0D0A, 4);  // section header block
    put_le(out, 28, 4);
    put_le(out, 0x1A2B3C4D, 4);
    put_le(out, 1, 2);
    put_le(out, 0, 2);
    put_le(out, UINT64_MAX, 8);
    put_le(out, 28, 4);
    put_le(out, 1, 4);  // interface description block
    put_le(out, 20, 4);
    put_le(out, 1, 2);
    put_le(out, 0, 2);
    put_le(out, 65535, 4);
    put_le(out, 20, 4);
    for (int i = 0; i < sessions; ++i) {
        std::string f = udp_frame(static_cast<uint16_t>(firstPort + i));
        size_t padded = (f.size() + 3) & ~size_t{3};
        uint32_t len = static_cast<uint32_t>(32 + padded);
        uint64_t ts = (t0 + i) * 1000000;
        put_le(out, 6, 4);  // enhanced packet block
        put_le(out, len, 4);
        put_le(out, 0, 4);
        put_le(out, ts >> 32, 4);
        put_le(out, ts & 0xFFFFFFFF, 4);
        put_le(out, f.size(), 4);
        put_le(out, f.size(), 4);
        out += f;
        out.append(padded - f.size(), '\0');
        put_le(out, len, 4);
    }
    return out;
}

inline std::string gzip(const std::string& data) {
    z_stream zs{};
    deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&zs, data.size()) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

/// Compresses with a Debian command-line tool ("gzip", "zstd -q", "xz"), as users make such files.
inline std::string pack(const std::string& tool, const std::string& data, const TempDir& tmp) {
    std::string in = tmp.file("pack-in"), out = tmp.file("pack-out");
    e2e::write_file(in, data);
    auto r = e2e::run({{"/bin/sh", "-c", tool + " -c < '" + in + "' > '" + out + "'"}});
    if (r.exitCode != 0) throw std::runtime_error(tool + " failed: " + r.err);
    return e2e::read_file(out);
}

/// Writes `content` to dir/name through a hidden temporary and a rename (a file moved in).
inline void drop_file(const fs::path& dir, const std::string& name, const std::string& content) {
    fs::path tmp = dir / ("." + std::to_string(::getpid()) + ".tmp");
    e2e::write_file(tmp.string(), content);
    fs::create_directories((dir / name).parent_path());
    fs::rename(tmp, dir / name);
}

/// A loopback TCP port that was free a moment ago.
inline int free_port() {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(s);
    return ntohs(a.sin_port);
}

/// A background process whose standard error goes to a file; SIGTERM (then SIGKILL) when stopped.
class Proc {
  public:
    Proc(std::vector<std::string> args, std::string logPath, std::vector<std::string> env = {})
        : log_(std::move(logPath)) {
        pid_ = ::fork();
        if (pid_ == 0) {
            int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            int nul = ::open("/dev/null", O_RDWR);
            ::dup2(nul, 0);
            ::dup2(nul, 1);
            ::dup2(fd, 2);
            for (auto& e : env)
                ::putenv(e.data());
            std::vector<char*> argv;
            for (auto& a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
    }
    ~Proc() { stop(); }
    Proc(const Proc&) = delete;
    Proc& operator=(const Proc&) = delete;

    /// Ends the process (SIGTERM, SIGKILL after 20 s); returns its exit status or -1.
    int stop(int sig = SIGTERM) {
        if (pid_ <= 0) return exit_;
        ::kill(pid_, sig);
        int status = 0;
        for (int i = 0; i < 2000; ++i) {
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                exit_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
                return exit_;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return exit_;
    }
    bool running() {
        if (pid_ <= 0) return false;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            exit_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            return false;
        }
        return true;
    }
    std::string log() const { return e2e::read_file(log_); }

  private:
    std::string log_;
    pid_t pid_ = -1;
    int exit_ = -1;
};

/// `flowdex files --db DB --json`, or an empty array when the store does not exist yet.
inline nlohmann::json files_json(const std::string& db) {
    if (!fs::exists(db)) return nlohmann::json::array();
    auto r = e2e::flowdex({"files", "--db", db, "--json"});
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    return j.is_array() ? j : nlohmann::json::array();
}

inline nlohmann::json find_row(const nlohmann::json& rows, const std::string& name) {
    for (const auto& r : rows)
        if (r.value("name", "") == name) return r;
    return nullptr;
}

/// Polls `cond` every 100 ms for up to `seconds` (a generous bound, not a timing assertion).
template <class F>
bool wait_for(F&& cond, double seconds = 60) {
    auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
        if (cond()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return cond();
}

/// True when every name has the given status in the store.
inline bool all_status(const std::string& db, const std::vector<std::string>& names, const std::string& status) {
    auto rows = files_json(db);
    for (const auto& n : names) {
        auto r = find_row(rows, n);
        if (r.is_null() || r.value("status", "") != status) return false;
    }
    return true;
}

/// How many times `needle` occurs in `text`.
inline size_t count_of(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1))
        ++n;
    return n;
}

}  // namespace flowdex::pipeline_test
