#include "pipeline/processor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <zmq.hpp>

#include "pipeline/fsutil.h"
#include "pipeline/ledger.h"
#include "pipeline/magic.h"
#include "pipeline/monitor.h"
#include "pipeline/tags.h"
#include "pipeline/wire.h"
#include "store/fingerprint.h"

namespace flowdex::pipeline {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::chrono::milliseconds kTick{100};
constexpr std::chrono::milliseconds kWaitStep{20};
constexpr std::chrono::seconds kKillGrace{5};

enum class Outcome : uint8_t { Exited, TimedOut, Stopped };

struct ChildResult {
    Outcome outcome = Outcome::Exited;
    int exitCode = -1;
    int signal = 0;
    std::string lastError;  ///< last non-empty line of the child's standard error
};

class Processor {
  public:
    Processor(const ProcessorOptions& o, zmq::context_t& ctx)
        : o_(o), ledger_(o.db), socket_(ctx, o.pull ? zmq::socket_type::pull : zmq::socket_type::sub) {
        if (o_.pcapDirs.empty()) throw std::runtime_error("no capture folder (--pcap-dir)");
        for (const auto& d : o_.pcapDirs)
            if (!fs::is_directory(d)) throw std::runtime_error(d + ": not a folder");
        if (o_.exe.empty()) o_.exe = fs::read_symlink("/proc/self/exe").string();
        if (o_.node.empty()) o_.node = default_node_name();
        if (o_.workers == 0) o_.workers = 1;
        if (const char* hang = std::getenv("FLOWDEX_TEST_HANG_MATCH"); hang && *hang) hangMatch_ = hang;
        socket_.set(zmq::sockopt::rcvhwm, 0);
        if (!o.pull) socket_.set(zmq::sockopt::subscribe, "");
        for (const auto& ep : o_.endpoints) {
            try {
                socket_.connect(ep);
            } catch (const zmq::error_t& e) {
                throw std::runtime_error(ep + ": cannot connect: " + e.what());
            }
            o_.log.info("subscribed to " + ep + (o.pull ? " (pull)" : ""));
        }
    }

    void run(const std::atomic<bool>& stop) {
        stop_ = &stop;
        for (const auto& e : ledger_.recover_queued()) {
            o_.log.info(e.name + ": queued again (left unfinished by an earlier run)");
            push(e.id);
        }
        std::vector<std::thread> workers;
        for (unsigned i = 0; i < o_.workers; ++i)
            workers.emplace_back([this] { work(); });
        if (o_.catchUp) catch_up();
        while (!stop.load()) {
            zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
            try {
                zmq::poll(&item, 1, kTick);
            } catch (const zmq::error_t& e) {
                if (e.num() != EINTR) throw;
            }
            if (!(item.revents & ZMQ_POLLIN)) continue;
            for (;;) {
                zmq::message_t msg;
                auto got = socket_.recv(msg, zmq::recv_flags::dontwait);
                if (!got) break;
                on_message(msg.to_string_view());
            }
        }
        {
            std::lock_guard lock(mutex_);
            cv_.notify_all();
        }
        for (auto& t : workers)
            t.join();
    }

  private:
    void on_message(std::string_view frame) {
        std::string error;
        auto m = parse_wire(frame, &error);
        if (!m) {
            o_.log.error("ignored a message: " + error + ": " + std::string(frame.substr(0, 200)));
            return;
        }
        o_.log.debug("received " + std::string(frame));
        fs::path rel(m->name);
        bool escapes = rel.is_absolute();
        for (const auto& part : rel)
            escapes = escapes || part == "..";
        if (escapes) {
            o_.log.error(m->name + ": refused (the name leaves the capture folders)");
            return;
        }
        std::string path;
        for (const auto& d : o_.pcapDirs) {
            std::error_code ec;
            fs::path p = fs::path(d) / rel;
            if (fs::is_regular_file(p, ec)) {
                path = p.string();
                break;
            }
        }
        if (path.empty()) {
            o_.log.error(m->name + ": not found in any capture folder");
            return;
        }
        add(m->name, path, m->hasTags ? m->tags : tags_from_name(m->name), m->live || is_live_name(m->name), m->mime,
            m->type);
    }

    void catch_up() {
        Magic magic;
        size_t added = 0;
        for (const auto& d : o_.pcapDirs) {
            walk_files(d, nullptr, [&](const std::string& rel) {
                if (stop_->load()) return;
                fs::path p = fs::path(d) / rel;
                try {
                    if (ledger_.finished_with(rel, fs::file_size(p))) return;
                    FileKind kind = magic.identify(p.string());
                    if (!is_capture(kind)) return;
                    if (add(rel, p.string(), tags_from_name(rel), is_live_name(rel), kind.mime, kind.type, true))
                        ++added;
                } catch (const std::exception& e) {
                    o_.log.error(e.what());
                }
            });
        }
        o_.log.info("catch-up scan: " + std::to_string(added) + " file(s) queued");
    }

    /// Records the file as queued and hands it to the workers; false when it needs no work.
    bool add(const std::string& name, const std::string& path, const std::vector<std::string>& tags, bool live,
             const std::string& mime, const std::string& type, bool quiet = false) {
        LedgerEntry e;
        e.name = name;
        e.path = path;
        e.mime = mime;
        e.type = type;
        try {
            e.fingerprint = store::quick_file_fingerprint(path, &e.size);
        } catch (const std::exception& ex) {
            o_.log.error(ex.what());
            return false;
        }
        e.tags = processor_tags(tags, o_.extraTags);
        e.live = live;
        e.node = live ? o_.node : o_.node + "-upload";
        LedgerStatus status{};
        auto id = ledger_.enqueue(e, &status);
        if (!id) {
            if (!quiet) o_.log.info(name + ": already " + to_string(status) + ", not analysed again");
            return false;
        }
        return push(*id);
    }

    bool push(int64_t id) {
        std::lock_guard lock(mutex_);
        if (!known_.insert(id).second) return false;
        queue_.push_back(id);
        cv_.notify_one();
        return true;
    }

    void work() {
        for (;;) {
            int64_t id = 0;
            {
                std::unique_lock lock(mutex_);
                cv_.wait(lock, [&] { return stop_->load() || !queue_.empty(); });
                if (stop_->load()) return;
                id = queue_.front();
                queue_.pop_front();
            }
            bool requeue = false;
            try {
                requeue = analyse(id);
            } catch (const std::exception& e) {
                o_.log.error(std::string("ledger: ") + e.what());
            }
            std::lock_guard lock(mutex_);
            if (requeue) {
                queue_.push_back(id);
                cv_.notify_one();
            } else {
                known_.erase(id);
            }
        }
    }

    /// One attempt; true when the file goes back in the queue for another.
    bool analyse(int64_t id) {
        if (!ledger_.claim(id)) return false;
        auto e = ledger_.get(id);
        if (!e) return false;
        unsigned maxAttempts = o_.retries + 1;
        o_.log.info("analysing " + e->name + " (attempt " + std::to_string(e->attempts) + " of " +
                    std::to_string(maxAttempts) + ")");
        ChildResult r = run_child(*e);
        if (r.outcome == Outcome::Stopped) {
            ledger_.release(id);
            o_.log.info(e->name + ": stopped; left queued for the next start");
            return false;
        }
        std::string error;
        if (r.outcome == Outcome::TimedOut) {
            error = "analysis exceeded the timeout of " + std::to_string(static_cast<long long>(o_.timeoutSeconds)) +
                    " s and was ended";
        } else if (r.exitCode == 0) {
            auto a = ledger_.analysed(e->fingerprint);
            if (a && a->status == "done") {
                ledger_.finish_done(id, a->id, a->packets, a->sessions);
                o_.log.info(e->name + ": done, " + std::to_string(a->sessions) + " sessions, " +
                            std::to_string(a->packets) + " packets");
                return false;
            }
            error = a ? "analysis ended with status " + a->status + (a->error.empty() ? "" : ": " + a->error)
                      : "analysis recorded no result";
        } else {
            error = r.exitCode >= 0 ? "analysis exited with status " + std::to_string(r.exitCode)
                                    : "analysis ended by signal " + std::to_string(r.signal);
            if (!r.lastError.empty()) error += ": " + r.lastError;
        }
        if (static_cast<unsigned>(e->attempts) < maxAttempts) {
            o_.log.warning(e->name + ": " + error + "; will retry");
            ledger_.retry_later(id, error);
            return true;
        }
        std::optional<AnalysedFile> partial;
        if (r.outcome == Outcome::Exited) partial = ledger_.analysed(e->fingerprint);
        ledger_.finish_failed(id, error, partial);
        o_.log.error(e->name + ": failed after " + std::to_string(e->attempts) + " attempt(s): " + error);
        return false;
    }

    ChildResult run_child(const LedgerEntry& e) {
        std::vector<std::string> args = {o_.exe, "capture", "-q", "-r", e.path, "--db", o_.db, "-n", e.node};
        for (const auto& t : e.tags) {
            args.push_back("-t");
            args.push_back(t);
        }
        if (!o_.configFile.empty()) {
            args.push_back("-c");
            args.push_back(o_.configFile);
        }
        for (const auto& ov : o_.overrides) {
            args.push_back("-o");
            args.push_back(ov);
        }
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        bool hang = !hangMatch_.empty() && e.path.find(hangMatch_) != std::string::npos;

        std::string errPath = (fs::temp_directory_path() / "flowdex-analysis-XXXXXX").string();
        int errFd = ::mkostemp(errPath.data(), O_CLOEXEC);  // dup2 in the child clears the flag on fd 2
        ChildResult r;
        if (errFd < 0) {
            r.lastError = "cannot create a temporary file";
            return r;
        }
        ::unlink(errPath.c_str());
        int devNull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
        const pid_t parent = ::getpid();
        pid_t pid = ::fork();
        if (pid == 0) {
            // A processor killed outright takes its analyses with it: no orphan keeps writing the
            // store while the restarted processor analyses the same file again.
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(127);
            ::setpgid(0, 0);
            ::signal(SIGTERM, SIG_DFL);  // the parent's stop handlers must not outlive the fork
            ::signal(SIGINT, SIG_DFL);
            ::dup2(devNull, 0);
            ::dup2(devNull, 1);
            ::dup2(errFd, 2);
            if (hang)
                for (;;)
                    ::pause();
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(devNull);
        if (pid < 0) {
            ::close(errFd);
            r.lastError = "cannot start the analysis";
            return r;
        }
        auto start = Clock::now();
        auto limit = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.timeoutSeconds));
        int status = 0;
        for (;;) {
            pid_t w = ::waitpid(pid, &status, WNOHANG);
            if (w == pid) break;
            bool stopping = stop_->load();
            if (stopping || (o_.timeoutSeconds > 0 && Clock::now() - start > limit)) {
                r.outcome = stopping ? Outcome::Stopped : Outcome::TimedOut;
                ::kill(-pid, SIGTERM);
                auto graceEnd = Clock::now() + kKillGrace;
                while (::waitpid(pid, &status, WNOHANG) != pid) {
                    if (Clock::now() > graceEnd) {
                        ::kill(-pid, SIGKILL);
                        ::waitpid(pid, &status, 0);
                        break;
                    }
                    std::this_thread::sleep_for(kWaitStep);
                }
                break;
            }
            std::this_thread::sleep_for(kWaitStep);
        }
        if (WIFEXITED(status)) r.exitCode = WEXITSTATUS(status);
        if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
        // Read what the child said through the still-open descriptor.
        std::string text;
        ::lseek(errFd, 0, SEEK_SET);
        char buf[4096];
        for (ssize_t n; (n = ::read(errFd, buf, sizeof buf)) > 0;)
            text.append(buf, static_cast<size_t>(n));
        ::close(errFd);
        size_t end = text.find_last_not_of("\r\n");
        if (end != std::string::npos) {
            size_t begin = text.rfind('\n', end);
            r.lastError = text.substr(begin == std::string::npos ? 0 : begin + 1,
                                      end - (begin == std::string::npos ? 0 : begin + 1) + 1);
        }
        if (r.outcome == Outcome::Exited && r.exitCode != 0) {
            // Prefer a line that names the problem over the summary's last line.
            for (size_t pos = 0; pos < text.size();) {
                size_t nl = text.find('\n', pos);
                std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
                if (line.starts_with("flowdex:")) r.lastError = line;
                if (nl == std::string::npos) break;
                pos = nl + 1;
            }
        }
        return r;
    }

    ProcessorOptions o_;
    Ledger ledger_;
    zmq::socket_t socket_;
    std::string hangMatch_;
    const std::atomic<bool>* stop_ = nullptr;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<int64_t> queue_;
    std::set<int64_t> known_;
};

}  // namespace

void run_processor(const ProcessorOptions& options, zmq::context_t& ctx, const std::atomic<bool>& stop) {
    Processor p(options, ctx);
    p.run(stop);
}

}  // namespace flowdex::pipeline
