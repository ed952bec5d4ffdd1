#pragma once
// Helpers for the end-to-end tests: they run the real `flowdex` binary (FLOWDEX_BINARY) as a child
// process, with a time limit, capturing its standard output and standard error.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace flowdex::e2e {

namespace fs = std::filesystem;

inline const std::string kBinary = FLOWDEX_BINARY;
inline const fs::path kSourceDir = FLOWDEX_SOURCE_DIR;
inline const fs::path kSharedDir = FLOWDEX_SHARED_DIR;
inline const fs::path kCorpusDir = kSharedDir / "corpus" / "arkime";
inline const std::string kSample = (kSourceDir / "samples" / "sample.pcap").string();

/// A fresh directory (mkdtemp), removed with everything in it at the end of the test.
class TempDir {
  public:
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "flowdex-e2e-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

  private:
    fs::path path_;
};

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void write_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
}

inline std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

inline std::vector<std::string> sorted_lines(const std::string& s) {
    std::vector<std::string> v = split_lines(s);
    std::sort(v.begin(), v.end());
    return v;
}

/// The corpus captures (NAME.pcap), sorted by name; empty when ../shared is absent.
inline std::vector<std::string> corpus_pcaps() {
    std::vector<std::string> out;
    std::error_code ec;
    if (!fs::is_directory(kCorpusDir, ec)) return out;
    for (const auto& e : fs::directory_iterator(kCorpusDir, ec))
        if (e.path().extension() == ".pcap") out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

/// Arkime's settings for the corpus captures (see ../shared/corpus/arkime/README.md).
inline std::vector<std::string> corpus_options() {
    return {"-o", "sessionIdTracking=vlan", "-o", "icmpTimeout=60", "-o", "trackESP=true"};
}

struct Command {
    Command(std::vector<std::string> a, std::string in = {}, int timeout = 20)
        : args(std::move(a)), stdinPath(std::move(in)), timeoutSecs(timeout) {}
    std::vector<std::string> args;  ///< args[0] is the program path
    std::string stdinPath;          ///< empty: /dev/null
    int timeoutSecs;
};

struct Result {
    int exitCode = -1;   ///< -1 unless the process exited
    int termSignal = 0;  ///< signal that ended it (SIGKILL after a timeout)
    bool timedOut = false;
    std::string out, err;
    double seconds = 0;

    bool exited() const { return exitCode >= 0; }
    /// For failure messages: how it ended and its standard error.
    std::string describe() const {
        std::string s = timedOut   ? "timed out"
                        : exited() ? "exit " + std::to_string(exitCode)
                                   : "signal " + std::to_string(termSignal);
        s += "; stderr:\n";
        s += err;
        return s;
    }
};

inline unsigned default_jobs() {
    return std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
}

/// Runs every command, at most `jobs` at a time; results in the order of `cmds`. A command that
/// outlives its time limit is killed (SIGKILL) and reported as timedOut.
inline std::vector<Result> run_all(const std::vector<Command>& cmds, unsigned jobs = default_jobs()) {
    using Clock = std::chrono::steady_clock;
    struct Active {
        size_t idx;
        pid_t pid;
        int fd[2];  // stdout, stderr read ends (-1 once closed)
        Clock::time_point start;
        bool killed = false;
    };
    std::vector<Result> results(cmds.size());
    std::vector<Active> active;
    size_t next = 0;
    jobs = std::max(1u, jobs);

    auto launch = [&](size_t idx) {
        const Command& c = cmds[idx];
        std::vector<char*> argv;
        for (const auto& a : c.args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        const char* in = c.stdinPath.empty() ? "/dev/null" : c.stdinPath.c_str();
        int outp[2], errp[2];
        if (::pipe2(outp, O_CLOEXEC) != 0 || ::pipe2(errp, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        pid_t pid = ::fork();
        if (pid < 0) throw std::runtime_error("fork failed");
        if (pid == 0) {
            int fd = ::open(in, O_RDONLY);
            if (fd < 0) ::_exit(126);
            ::dup2(fd, 0);
            ::dup2(outp[1], 1);
            ::dup2(errp[1], 2);
            ::execv(argv[0], argv.data());
            static const char kMsg[] = "e2e: could not execute the command (is the binary built?)\n";
            ssize_t ignored = ::write(2, kMsg, sizeof kMsg - 1);
            (void)ignored;
            ::_exit(127);
        }
        ::close(outp[1]);
        ::close(errp[1]);
        active.push_back({idx, pid, {outp[0], errp[0]}, Clock::now()});
    };

    while (next < cmds.size() || !active.empty()) {
        while (next < cmds.size() && active.size() < jobs)
            launch(next++);
        std::vector<pollfd> pfds;
        std::vector<std::pair<size_t, int>> owners;  // (active index, stream)
        for (size_t a = 0; a < active.size(); ++a)
            for (int k = 0; k < 2; ++k)
                if (active[a].fd[k] >= 0) {
                    pfds.push_back({active[a].fd[k], POLLIN, 0});
                    owners.emplace_back(a, k);
                }
        if (!pfds.empty()) {
            int rc = ::poll(pfds.data(), pfds.size(), 20);
            if (rc < 0 && errno != EINTR) throw std::runtime_error("poll failed");
            for (size_t i = 0; rc > 0 && i < pfds.size(); ++i) {
                if (!(pfds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                Active& a = active[owners[i].first];
                int k = owners[i].second;
                char buf[65536];
                ssize_t n = ::read(a.fd[k], buf, sizeof buf);
                if (n > 0) {
                    (k == 0 ? results[a.idx].out : results[a.idx].err).append(buf, static_cast<size_t>(n));
                } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                    ::close(a.fd[k]);
                    a.fd[k] = -1;
                }
            }
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        auto now = Clock::now();
        for (size_t a = 0; a < active.size();) {
            Active& x = active[a];
            Result& r = results[x.idx];
            if (!x.killed && now - x.start > std::chrono::seconds(cmds[x.idx].timeoutSecs)) {
                ::kill(x.pid, SIGKILL);
                x.killed = true;
                r.timedOut = true;
            }
            int status = 0;
            if (x.fd[0] < 0 && x.fd[1] < 0 && ::waitpid(x.pid, &status, x.killed ? 0 : WNOHANG) == x.pid) {
                if (WIFEXITED(status)) r.exitCode = WEXITSTATUS(status);
                if (WIFSIGNALED(status)) r.termSignal = WTERMSIG(status);
                r.seconds = std::chrono::duration<double>(now - x.start).count();
                active.erase(active.begin() + static_cast<std::ptrdiff_t>(a));
                continue;
            }
            ++a;
        }
    }
    return results;
}

inline Result run(Command c) {
    return run_all({std::move(c)}, 1)[0];
}

/// `flowdex ARGS...` with the default time limit.
inline Result flowdex(std::vector<std::string> args, std::string stdinPath = {}) {
    args.insert(args.begin(), kBinary);
    return run({std::move(args), std::move(stdinPath)});
}

/// The packet count from the summary's first line ("N packets, ..."), or -1.
inline int64_t summary_packets(const std::string& err) {
    for (const std::string& line : split_lines(err)) {
        unsigned long long n = 0;
        char word[16] = {};
        if (std::sscanf(line.c_str(), "%llu %15s", &n, word) == 2 && std::strcmp(word, "packets,") == 0)
            return static_cast<int64_t>(n);
    }
    return -1;
}

}  // namespace flowdex::e2e
