#include "pipeline/monitor.h"

#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <zmq.hpp>

#include "pipeline/decompress.h"
#include "pipeline/fsutil.h"
#include "pipeline/ledger.h"
#include "pipeline/magic.h"
#include "pipeline/tags.h"
#include "pipeline/wire.h"
#include "store/fingerprint.h"

namespace flowdex::pipeline {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr uint32_t kWatchMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_ATTRIB;
constexpr int kSendHighWater = 100000;
constexpr int kLingerMs = 2000;
constexpr std::chrono::milliseconds kTick{100};

struct FdClose {
    int fd = -1;
    ~FdClose() {
        if (fd >= 0) ::close(fd);
    }
};

/// A file seen in the upload folder that is not ready yet.
struct Candidate {
    Clock::time_point lastChange;
    bool closed = false;     ///< IN_CLOSE_WRITE since the last change
    bool waitClose = false;  ///< created here while watched: ready only once closed after writing
    uintmax_t size = 0;
    int64_t mtimeNs = 0;
};

struct Outgoing {
    std::string wire;
    LedgerEntry entry;
};

int64_t mtime_ns(const struct stat& st) {
    return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

class Monitor {
  public:
    Monitor(const MonitorOptions& o, zmq::context_t& ctx)
        : o_(o),
          upload_(fs::absolute(o.uploadDir).lexically_normal()),
          processed_(fs::absolute(o.processedDir).lexically_normal()),
          rejected_(
              fs::absolute(o.rejectedDir.empty() ? (processed_.parent_path() / "rejected").string() : o.rejectedDir)
                  .lexically_normal()),
          ledger_(o.db),
          socket_(ctx, o.push ? zmq::socket_type::push : zmq::socket_type::xpub) {
        if (!fs::is_directory(upload_)) throw std::runtime_error(o.uploadDir + ": not a folder");
        fs::create_directories(processed_);
        fs::create_directories(rejected_);
        if (is_within(upload_, processed_) || is_within(upload_, rejected_))
            throw std::runtime_error(o.uploadDir +
                                     ": the upload folder must not be inside the processed or rejected folder");
        socket_.set(zmq::sockopt::sndhwm, kSendHighWater);
        socket_.set(zmq::sockopt::linger, kLingerMs);
        if (!o.push) socket_.set(zmq::sockopt::xpub_nodrop, 1);
        std::vector<std::string> eps = o.endpoints;
        if (eps.empty()) eps.push_back("tcp://*:" + std::to_string(kDefaultPort));
        for (const auto& ep : eps) {
            try {
                socket_.bind(ep);
            } catch (const zmq::error_t& e) {
                throw std::runtime_error(ep + ": cannot bind: " + e.what());
            }
            o_.log.info("publishing on " + ep + (o.push ? " (push)" : ""));
        }
        node_ = o.node.empty() ? default_node_name() : o.node;
    }

    void run(const std::atomic<bool>& stop) {
        republish_unsent();
        FdClose in;
        if (!o_.polling) {
            in.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
            if (in.fd < 0) throw std::runtime_error(std::string("inotify: ") + std::strerror(errno));
            add_watches(in.fd, upload_);
        }
        scan_upload();
        o_.log.info("watching " + upload_.string() + (o_.polling ? " (polling)" : " (inotify)"));
        auto nextScan = Clock::now();
        while (!stop.load()) {
            std::vector<zmq::pollitem_t> items;
            items.push_back({socket_.handle(), 0, ZMQ_POLLIN, 0});
            if (in.fd >= 0) items.push_back({nullptr, in.fd, ZMQ_POLLIN, 0});
            try {
                zmq::poll(items.data(), items.size(), kTick);
            } catch (const zmq::error_t& e) {
                if (e.num() != EINTR) throw;
            }
            if (items[0].revents & ZMQ_POLLIN) read_subscriptions();
            if (in.fd >= 0 && (items[1].revents & ZMQ_POLLIN)) read_events(in.fd);
            auto now = Clock::now();
            if (o_.polling && now >= nextScan) {
                scan_upload();
                nextScan =
                    now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.pollSeconds));
            }
            handle_ready(now, stop);
            send_pending();
        }
        send_pending();
        if (!pending_.empty())
            o_.log.warning(std::to_string(pending_.size()) +
                           " message(s) not sent (no subscriber); they are published again at the next start");
    }

  private:
    // --- start-up: captures in the processed folder that were never published
    void republish_unsent() {
        Magic magic;
        walk_files(
            processed_, [&](const fs::path& d) { return is_within(d, rejected_); },
            [&](const std::string& rel) {
                fs::path p = processed_ / rel;
                try {
                    FileKind kind = magic.identify(p.string());
                    if (!is_capture(kind)) return;
                    uint64_t size = 0;
                    std::string fp = store::quick_file_fingerprint(p.string(), &size);
                    if (ledger_.was_published(rel, fp)) return;
                    o_.log.info(rel + ": in the processed folder but never published; publishing");
                    queue_message(rel, p, size, fp, kind);
                } catch (const std::exception& e) {
                    o_.log.error(e.what());
                }
            });
    }

    // --- watching
    void add_watches(int fd, const fs::path& dir) {
        if (is_within(dir, processed_) || is_within(dir, rejected_)) return;
        int wd = inotify_add_watch(fd, dir.c_str(), kWatchMask);
        if (wd < 0) {
            o_.log.error(dir.string() + ": cannot watch: " + std::strerror(errno));
            return;
        }
        watches_[wd] = dir;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(dir, ec))
            if (e.is_directory(ec) && !e.is_symlink(ec) && !e.path().filename().string().starts_with("."))
                add_watches(fd, e.path());
    }

    void read_events(int fd) {
        alignas(inotify_event) char buf[65536];
        for (;;) {
            ssize_t n = ::read(fd, buf, sizeof buf);
            if (n <= 0) return;
            for (char* p = buf; p < buf + n;) {
                auto* ev = reinterpret_cast<inotify_event*>(p);
                p += sizeof(inotify_event) + ev->len;
                if (ev->mask & IN_Q_OVERFLOW) {
                    o_.log.warning("inotify queue overflowed; rescanning the upload folder");
                    for (auto& [name, cand] : candidates_)  // close events may be among those lost
                        cand.waitClose = false;
                    scan_upload();
                    continue;
                }
                if (ev->mask & IN_IGNORED) {  // the folder is gone
                    watches_.erase(ev->wd);
                    continue;
                }
                auto w = watches_.find(ev->wd);
                if (w == watches_.end() || ev->len == 0) continue;
                std::string leaf = ev->name;
                if (leaf.starts_with(".")) continue;
                fs::path path = w->second / leaf;
                if (ev->mask & IN_ISDIR) {
                    if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
                        add_watches(fd, path);
                        scan_dir(path);
                    }
                    continue;
                }
                std::string rel = path.lexically_relative(upload_).string();
                Candidate& c = candidates_[rel];
                if (ev->mask & IN_CREATE) c.waitClose = true;
                if (ev->mask & IN_MOVED_TO) c.waitClose = false;
                if (ev->mask & IN_CLOSE_WRITE) {
                    c.closed = true;
                } else {
                    c.closed = false;
                    c.lastChange = Clock::now();
                }
            }
        }
    }

    void scan_upload() { scan_dir(upload_); }

    void scan_dir(const fs::path& dir) {
        walk_files(
            dir, [&](const fs::path& d) { return is_within(d, processed_) || is_within(d, rejected_); },
            [&](const std::string& relToDir) {
                fs::path p = dir / relToDir;
                std::string rel = p.lexically_relative(upload_).string();
                struct stat st {};
                if (::stat(p.c_str(), &st) != 0) return;
                auto it = candidates_.find(rel);
                if (it == candidates_.end()) {
                    // Age from the modification time, so files long at rest are ready at once.
                    auto age = std::chrono::system_clock::now() -
                               std::chrono::system_clock::time_point(
                                   std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                       std::chrono::nanoseconds(mtime_ns(st))));
                    Candidate c;
                    c.lastChange = Clock::now() -
                                   std::max(std::chrono::duration_cast<Clock::duration>(age), Clock::duration::zero());
                    c.size = static_cast<uintmax_t>(st.st_size);
                    c.mtimeNs = mtime_ns(st);
                    candidates_.emplace(rel, c);
                } else if (it->second.size != static_cast<uintmax_t>(st.st_size) ||
                           it->second.mtimeNs != mtime_ns(st)) {
                    it->second.size = static_cast<uintmax_t>(st.st_size);
                    it->second.mtimeNs = mtime_ns(st);
                    it->second.lastChange = Clock::now();
                    it->second.closed = false;
                }
            });
    }

    void handle_ready(Clock::time_point now, const std::atomic<bool>& stop) {
        auto settle = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.settleSeconds));
        for (auto it = candidates_.begin(); it != candidates_.end() && !stop.load();) {
            const std::string rel = it->first;
            Candidate& c = it->second;
            fs::path p = upload_ / rel;
            struct stat st {};
            if (::lstat(p.c_str(), &st) != 0) {
                it = candidates_.erase(it);
                continue;
            }
            if (static_cast<uintmax_t>(st.st_size) != c.size || mtime_ns(st) != c.mtimeNs) {
                // Changed since we last looked (a write inotify did not report, or polling mode).
                if (c.mtimeNs != 0 && !c.closed) c.lastChange = now;
                c.size = static_cast<uintmax_t>(st.st_size);
                c.mtimeNs = mtime_ns(st);
            }
            if (!c.closed && (c.waitClose || now - c.lastChange < settle)) {
                ++it;
                continue;
            }
            const uintmax_t keptSize = c.size;
            const int64_t keptMtime = c.mtimeNs;
            it = candidates_.erase(it);
            try {
                handle_file(rel, p, st);
            } catch (const std::exception& e) {
                // Left in the upload folder; tried again once it has been quiet for the settle time.
                o_.log.error(rel + ": " + e.what() + "; will retry");
                Candidate retry;
                retry.lastChange = now;
                retry.size = keptSize;
                retry.mtimeNs = keptMtime;
                candidates_[rel] = retry;
            }
        }
    }

    // --- one ready file
    void handle_file(const std::string& rel, const fs::path& p, const struct stat& st) {
        if (!S_ISREG(st.st_mode)) return;
        auto size = static_cast<uint64_t>(st.st_size);
        if (!valid_utf8(rel)) return reject(rel, p, {}, "the file name is not valid UTF-8");
        if (size < o_.minSize)
            return reject(rel, p, {},
                          "smaller than " + std::to_string(o_.minSize) + " bytes (" + std::to_string(size) + ")");
        if (size > o_.maxSize)
            return reject(rel, p, {}, "larger than the maximum of " + std::to_string(o_.maxSize) + " bytes");
        std::string head(8, '\0');
        {
            std::ifstream f(p, std::ios::binary);
            f.read(head.data(), static_cast<std::streamsize>(head.size()));
            head.resize(static_cast<size_t>(f.gcount()));
        }
        Compression comp = compression_of(head);
        if (comp != Compression::None) return handle_compressed(rel, p, comp);
        FileKind kind = magic_.identify(p.string());
        if (!is_capture(kind)) return reject(rel, p, kind, "not a capture file (" + kind.mime + ": " + kind.type + ")");
        fs::path dest = unique_destination(processed_, rel);
        move_file(p, dest);
        std::string name = dest.lexically_relative(processed_).string();
        o_.log.info(rel + ": moved to " + dest.string());
        uint64_t fsize = 0;
        std::string fp = store::quick_file_fingerprint(dest.string(), &fsize);
        queue_message(name, dest, fsize, fp, kind);
    }

    void handle_compressed(const std::string& rel, const fs::path& p, Compression comp) {
        std::string target = strip_compression_suffix(rel);
        if (target == rel) target += ".unpacked";
        fs::path dest = unique_destination(processed_, target);
        fs::path tmp = dest.parent_path() / ("." + dest.filename().string() + ".partial");
        std::string error;
        if (!decompress_file(comp, p.string(), tmp.string(), o_.maxSize, &error))
            return reject(rel, p, {}, std::string(to_string(comp)) + " file could not be unpacked: " + error);
        FileKind kind = magic_.identify(tmp.string());
        if (!is_capture(kind)) {
            std::error_code ec;
            fs::remove(tmp, ec);
            return reject(
                rel, p, {},
                std::string(to_string(comp)) + " file holds no capture (" + kind.mime + ": " + kind.type + ")");
        }
        fs::rename(tmp, dest);
        // The user's compressed original is kept beside what was unpacked from it.
        fs::path original = unique_destination(processed_, rel);
        move_file(p, original);
        std::string name = dest.lexically_relative(processed_).string();
        o_.log.info(rel + ": " + to_string(comp) + " file unpacked to " + dest.string());
        uint64_t fsize = 0;
        std::string fp = store::quick_file_fingerprint(dest.string(), &fsize);
        queue_message(name, dest, fsize, fp, kind);
    }

    void reject(const std::string& rel, const fs::path& p, const FileKind& kind, const std::string& reason) {
        fs::path dest = unique_destination(rejected_, valid_utf8(rel) ? rel : p.filename().string());
        move_file(p, dest);
        {
            std::ofstream r(dest.string() + ".reason", std::ios::trunc);
            r << reason << "\n";
        }
        o_.log.warning(rel + ": rejected (" + reason + "), moved to " + dest.string());
        LedgerEntry e;
        e.name = valid_utf8(rel) ? rel : dest.lexically_relative(rejected_).string();
        if (!valid_utf8(e.name)) e.name = "(name not UTF-8)";
        e.path = dest.string();
        e.mime = kind.mime;
        e.type = kind.type;
        e.node = node_;
        e.error = reason;
        try {
            e.fingerprint = store::quick_file_fingerprint(dest.string(), &e.size);
        } catch (const std::exception&) {
        }
        ledger_.record_rejected(e);
    }

    void queue_message(const std::string& name, const fs::path& path, uint64_t size, const std::string& fp,
                       const FileKind& kind) {
        FileMessage m;
        m.name = name;
        m.size = size;
        m.mime = kind.mime;
        m.type = kind.type;
        m.node = node_;
        m.live = is_live_name(name);
        m.tags = tags_from_name(name);
        Outgoing out;
        out.wire = to_wire(m);
        out.entry.name = name;
        out.entry.fingerprint = fp;
        out.entry.path = path.string();
        out.entry.size = size;
        out.entry.mime = kind.mime;
        out.entry.type = kind.type;
        out.entry.tags = m.tags;
        out.entry.node = node_;
        out.entry.live = m.live;
        pending_.push_back(std::move(out));
    }

    // --- sending
    void read_subscriptions() {
        if (o_.push) return;
        for (;;) {
            zmq::message_t msg;
            auto got = socket_.recv(msg, zmq::recv_flags::dontwait);
            if (!got) return;
            if (msg.size() == 0) continue;
            auto* d = static_cast<const char*>(msg.data());
            std::string topic(d + 1, msg.size() - 1);
            if (d[0] == 1) {
                topics_[topic] = true;
                o_.log.info("a subscriber joined");
            } else if (d[0] == 0) {
                topics_.erase(topic);
                o_.log.info("the last subscriber left");
            }
        }
    }

    void send_pending() {
        if (!o_.push && topics_.empty()) return;
        while (!pending_.empty()) {
            Outgoing& out = pending_.front();
            zmq::message_t msg(out.wire.data(), out.wire.size());
            auto sent = socket_.send(msg, zmq::send_flags::dontwait);
            if (!sent) return;  // no puller, or the high-water mark: try again later
            o_.log.info("published " + out.wire);
            ledger_.record_published(out.entry);
            pending_.pop_front();
        }
    }

    MonitorOptions o_;
    fs::path upload_, processed_, rejected_;
    Ledger ledger_;
    Magic magic_;
    zmq::socket_t socket_;
    std::string node_;
    std::map<int, fs::path> watches_;
    std::map<std::string, Candidate> candidates_;
    std::deque<Outgoing> pending_;
    std::map<std::string, bool> topics_;
};

}  // namespace

std::string default_node_name() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "flowdex";
    return host;
}

void run_monitor(const MonitorOptions& options, zmq::context_t& ctx, const std::atomic<bool>& stop) {
    Monitor m(options, ctx);
    m.run(stop);
}

}  // namespace flowdex::pipeline
