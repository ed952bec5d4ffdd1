#include "engine/capture.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "reader/pcap_source.h"
#include "store/fingerprint.h"

namespace flowdex::engine {
namespace fs = std::filesystem;
namespace {

constexpr uint32_t kMaxTimeout = 7 * 24 * 3600;
constexpr uint32_t kMinParserBuffer = 4096;              ///< below this even a DNS-over-TCP answer cannot be read
constexpr uint32_t kMaxParserBuffer = 64 * 1024 * 1024;  ///< maxParserBuffer's upper bound
constexpr unsigned kMaxPacketThreads = session::kTimerShards;
constexpr size_t kQueueBatches = 8;
constexpr size_t kRecordBatch = 512;

uint64_t salt_of(const std::string& s) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s)
        h = (h ^ c) * 1099511628211ull;
    return h;
}

bool capture_name(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".pcap" || ext == ".pcapng" || ext == ".cap" || ext == ".dmp";
}

}  // namespace

CaptureSettings CaptureSettings::from_config(const config::Config& cfg) {
    CaptureSettings s;
    auto& t = s.table;
    t.tcpTimeout = cfg.get_uint("tcpTimeout", t.tcpTimeout, 1, kMaxTimeout);
    t.udpTimeout = cfg.get_uint("udpTimeout", t.udpTimeout, 1, kMaxTimeout);
    t.icmpTimeout = cfg.get_uint("icmpTimeout", t.icmpTimeout, 1, kMaxTimeout);
    t.sctpTimeout = cfg.get_uint("sctpTimeout", t.sctpTimeout, 1, kMaxTimeout);
    t.espTimeout = cfg.get_uint("espTimeout", t.espTimeout, 1, kMaxTimeout);
    t.tcpSaveTimeout = cfg.get_uint("tcpSaveTimeout", t.tcpSaveTimeout, 10, kMaxTimeout);
    t.tcpClosingTimeout = cfg.get_uint("tcpClosingTimeout", t.tcpClosingTimeout, 1, 255);
    t.maxPackets = cfg.get_uint("maxPackets", t.maxPackets, 1, 1000000);
    t.maxTcpOutOfOrder = cfg.get_uint("maxTcpOutOfOrderPackets", t.maxTcpOutOfOrder, 64, 10000);
    t.maxParserBuffer = cfg.get_uint("maxParserBuffer", t.maxParserBuffer, kMinParserBuffer, kMaxParserBuffer);
    std::string track = cfg.get_string("sessionIdTracking", "none");
    if (track == "none")
        t.idTracking = session::IdTracking::None;
    else if (track == "vlan")
        t.idTracking = session::IdTracking::Vlan;
    else if (track == "vni")
        t.idTracking = session::IdTracking::Vni;
    else
        throw config::ConfigError("sessionIdTracking: '" + track + "' is not none, vlan or vni");
    s.decoder.trackEsp = cfg.get_bool("trackESP", false);
    s.decoder.fragsTimeoutSecs = cfg.get_uint("fragsTimeout", 480, 1, kMaxTimeout);
    s.decoder.maxFrags = cfg.get_uint("maxFrags", 10000, 1, 10000000);
    s.packetThreads = cfg.get_uint("packetThreads", 1, 1, kMaxPacketThreads);
    return s;
}

std::vector<Input> expand_inputs(const std::vector<std::string>& files, const std::vector<std::string>& dirs,
                                 bool recursive, const std::vector<std::string>& interfaces) {
    std::vector<Input> out;
    for (const std::string& f : files) {
        if (f == "-") {
            out.push_back({Input::Kind::Stdin, "-"});
            continue;
        }
        out.push_back({Input::Kind::File, f});
    }
    for (const std::string& d : dirs) {
        std::error_code ec;
        if (!fs::is_directory(d, ec)) throw std::runtime_error(d + ": not a directory");
        std::vector<std::string> found;
        auto add = [&](const fs::directory_entry& e) {
            if (e.is_regular_file() && capture_name(e.path())) found.push_back(e.path().string());
        };
        if (recursive) {
            for (const auto& e : fs::recursive_directory_iterator(d, fs::directory_options::skip_permission_denied, ec))
                add(e);
        } else {
            for (const auto& e : fs::directory_iterator(d, ec))
                add(e);
        }
        if (ec) throw std::runtime_error(d + ": " + ec.message());
        std::sort(found.begin(), found.end());
        for (auto& f : found)
            out.push_back({Input::Kind::File, std::move(f)});
    }
    for (const std::string& i : interfaces)
        out.push_back({Input::Kind::Interface, i});
    return out;
}

bool CaptureSummary::failed() const {
    for (const auto& i : inputs)
        if (!i.error.empty()) return true;
    return false;
}

// ---------------------------------------------------------------- packet threads

struct CaptureEngine::Worker final : session::SessionSink {
    Worker(const session::Context& ctx, const session::RecordOptions& ropts, store::Writer* w,
           const std::vector<uint64_t>& salts, const std::vector<int64_t>& ids, std::vector<uint64_t>& perFile)
        : table(ctx, *this), builder(ctx, ropts), writer(w), fileSalts(salts), fileIds(ids), sessionsPerFile(perFile) {}

    void write_session(session::Session& s, bool final) override {
        if (s.segments == 0 && s.firstFileIndex < sessionsPerFile.size()) ++sessionsPerFile[s.firstFileIndex];
        ++records;
        if (!writer) return;
        uint32_t fi = s.firstFileIndex;
        pending.emplace_back();
        builder.build(s, final, fi < fileSalts.size() ? fileSalts[fi] : 0, fi < fileIds.size() ? fileIds[fi] : 0,
                      pending.back());
        if (pending.size() >= kRecordBatch) flush_records();
    }
    void flush_records() {
        if (writer && !pending.empty()) writer->write_batch(std::move(pending));
        pending.clear();
    }

    // Threaded mode: batches of packets owned by this worker.
    void push(std::unique_ptr<reader::PacketBatch> b) {
        std::unique_lock lk(mu);
        cvSpace.wait(lk, [&] { return queue.size() < kQueueBatches; });
        queue.push_back(std::move(b));
        cvWork.notify_one();
    }
    std::unique_ptr<reader::PacketBatch> take_free() {
        std::lock_guard lk(mu);
        if (freeBatches.empty()) return std::make_unique<reader::PacketBatch>();
        auto b = std::move(freeBatches.back());
        freeBatches.pop_back();
        b->clear();
        return b;
    }
    void run() {
        while (true) {
            std::unique_ptr<reader::PacketBatch> b;
            {
                std::unique_lock lk(mu);
                cvWork.wait(lk, [&] { return !queue.empty() || done; });
                if (queue.empty()) break;
                b = std::move(queue.front());
                queue.pop_front();
                cvSpace.notify_one();
            }
            for (size_t i = 0; i < b->count; ++i) {
                Packet& p = b->packets[i];
                if (p.kind == SessionKind::None)
                    table.tick(p.clockUs);
                else
                    table.process(p);
            }
            openSessions.store(table.open_sessions(), std::memory_order_relaxed);
            std::lock_guard lk(mu);
            freeBatches.push_back(std::move(b));
        }
        table.flush_all();
        flush_records();
    }
    void finish() {
        {
            std::lock_guard lk(mu);
            done = true;
        }
        cvWork.notify_all();
    }

    session::FlowTable table;
    session::RecordBuilder builder;
    store::Writer* writer;
    const std::vector<uint64_t>& fileSalts;
    const std::vector<int64_t>& fileIds;
    std::vector<uint64_t>& sessionsPerFile;
    uint64_t records = 0;
    std::vector<store::SessionRecord> pending;
    std::atomic<size_t> openSessions{0};  ///< for the progress line (threaded mode)

    std::mutex mu;
    std::condition_variable cvWork, cvSpace;
    std::deque<std::unique_ptr<reader::PacketBatch>> queue;
    std::vector<std::unique_ptr<reader::PacketBatch>> freeBatches;
    std::unique_ptr<reader::PacketBatch> out;
    bool done = false;
    std::thread thread;
};

CaptureEngine::CaptureEngine(CaptureSettings settings, fields::FieldRegistry& registry,
                             const classify::ClassifierRegistry& classifiers, const session::HookRegistry& hooks,
                             store::Writer* writer)
    : settings_(std::move(settings)), registry_(registry), writer_(writer), decoder_(settings_.decoder) {
    ctx_.settings = settings_.table;
    ctx_.registry = &registry_;
    ctx_.classifiers = &classifiers;
    ctx_.hooks = &hooks;
    ctx_.core = session::CoreFields::resolve(registry_);
}

CaptureEngine::~CaptureEngine() = default;

CaptureSummary CaptureEngine::run(const std::vector<Input>& inputs) {
    using Clock = std::chrono::steady_clock;
    auto start = Clock::now();
    CaptureSummary sum;
    std::vector<uint64_t> salts(inputs.size(), 0);
    std::vector<int64_t> ids(inputs.size(), 0);
    std::vector<std::vector<uint64_t>> perFile;
    std::vector<store::InputFile> files(inputs.size());
    sum.inputs.resize(inputs.size());

    unsigned n = std::max(1u, settings_.packetThreads);
    perFile.assign(n, std::vector<uint64_t>(inputs.size(), 0));
    std::vector<std::unique_ptr<Worker>> workers;
    for (unsigned i = 0; i < n; ++i)
        workers.push_back(std::make_unique<Worker>(ctx_, settings_.record, writer_, salts, ids, perFile[i]));
    const bool threaded = n > 1;
    if (threaded) {
        for (auto& w : workers) {
            w->out = w->take_free();
            w->thread = std::thread([wp = w.get()] { wp->run(); });
        }
    }

    reader::PacketBatch batch;
    uint64_t prevTs = 0;
    uint64_t tickSecs = 0;
    auto lastProgress = start;
    for (size_t i = 0; i < inputs.size() && !stop_.load(std::memory_order_relaxed); ++i) {
        const Input& in = inputs[i];
        InputResult& res = sum.inputs[i];
        store::InputFile& f = files[i];
        res.name = in.kind == Input::Kind::Interface ? "iface:" + in.path : in.path;
        f.path = in.path;
        f.name = in.kind == Input::Kind::File ? fs::absolute(in.path).lexically_normal().string() : res.name;
        f.tags = settings_.record.tags;
        f.node = settings_.record.node;
        f.status = store::FileStatus::Running;
        f.startedMs =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        std::unique_ptr<reader::PcapSource> src;
        try {
            if (in.kind == Input::Kind::File) {
                f.fingerprint = store::quick_file_fingerprint(in.path, &f.size);
                salts[i] = salt_of(f.fingerprint);
            } else {
                salts[i] = salt_of(res.name);
            }
            if (writer_) {
                if (writer_->begin_file(f) == store::FileSeen::Complete) {
                    res.skipped = true;
                    f.status = store::FileStatus::Done;
                    continue;
                }
                ids[i] = f.id;
            }
            src = in.kind == Input::Kind::Interface ? reader::PcapSource::open_live(in.path, static_cast<uint32_t>(i))
                                                    : reader::PcapSource::open_file(in.path, static_cast<uint32_t>(i));
        } catch (const std::exception& e) {
            res.error = e.what();
            continue;
        }
        if (src->live()) liveSource_.store(src.get(), std::memory_order_release);
        while (!stop_.load(std::memory_order_relaxed)) {
            batch.clear();
            reader::ReadStatus st = src->read_batch(batch);
            for (size_t k = 0; k < batch.count; ++k) {
                Packet& p = batch.packets[k];
                p.clockUs = prevTs;
                prevTs = p.tsUs;
                if (threaded && p.clockUs / 1000000 > tickSecs) {
                    // Every thread sees every clock second, so timers fire at the same points
                    // of the packet stream as with one thread.
                    tickSecs = p.clockUs / 1000000;
                    for (auto& w : workers) {
                        Packet* t = w->out->append(nullptr, 0);
                        if (!t) {
                            w->push(std::move(w->out));
                            w->out = w->take_free();
                            t = w->out->append(nullptr, 0);
                        }
                        t->clockUs = p.clockUs;
                    }
                }
                res.bytes += p.caplen;
                if (decoder_.decode(p) != PacketRC::DoProcess) continue;
                if (!threaded) {
                    workers[0]->table.process(p);
                    continue;
                }
                FlowKey key;
                session::make_flow_key(p, ctx_.settings.idTracking, key);
                key.canonicalize();
                Worker& w = *workers[(key.hash() % session::kTimerShards) % n];
                Packet* q = w.out->append(p.data, p.caplen);
                if (!q) {
                    w.push(std::move(w.out));
                    w.out = w.take_free();
                    q = w.out->append(p.data, p.caplen);
                }
                const uint8_t* data = q->data;
                *q = p;
                q->data = data;
            }
            res.packets = src->packets();
            if (settings_.progress) {
                auto now = Clock::now();
                if (now - lastProgress >= std::chrono::seconds(1)) {
                    lastProgress = now;
                    double secs = std::chrono::duration<double>(now - start).count();
                    uint64_t pk = sum.packets + res.packets, by = sum.bytes + res.bytes;
                    size_t open = 0;
                    for (auto& w : workers)
                        open += threaded ? w->openSessions.load(std::memory_order_relaxed) : w->table.open_sessions();
                    std::fprintf(stderr, "\rfile %zu/%zu  %llu packets  %.1f MB/s  %zu open sessions   ", i + 1,
                                 inputs.size(), static_cast<unsigned long long>(pk), by / 1e6 / secs, open);
                    std::fflush(stderr);
                }
            }
            if (st == reader::ReadStatus::End) break;
            if (st == reader::ReadStatus::Error) {
                res.error = src->name() + ": " + src->error();
                break;
            }
        }
        liveSource_.store(nullptr, std::memory_order_release);
        sum.packets += res.packets;
        sum.bytes += res.bytes;
    }
    if (settings_.progress) std::fprintf(stderr, "\r%*s\r", 79, "");

    if (threaded) {
        for (auto& w : workers) {
            if (w->out && w->out->count) w->push(std::move(w->out));
            w->finish();
        }
        for (auto& w : workers)
            w->thread.join();
    } else {
        workers[0]->table.flush_all();
        workers[0]->flush_records();
    }
    for (auto& w : workers) {
        sum.sessions += w->records;
        sum.parserBudgetSessions += w->table.stats().parserBudgetSessions;
        sum.parserHeldAtFree += w->table.stats().parserHeldAtFree;
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
        for (unsigned t = 0; t < n; ++t)
            sum.inputs[i].sessions += perFile[t][i];
        if (!writer_ || sum.inputs[i].skipped) continue;
        store::InputFile& f = files[i];
        f.packets = sum.inputs[i].packets;
        f.sessions = sum.inputs[i].sessions;
        f.error = sum.inputs[i].error;
        f.status = f.error.empty() ? store::FileStatus::Done : store::FileStatus::Failed;
        f.finishedMs =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        if (f.id != 0 || !f.fingerprint.empty() || f.startedMs) writer_->end_file(f);
    }
    if (writer_) writer_->flush();
    sum.decode = decoder_.stats();
    sum.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return sum;
}

std::string format_summary(const CaptureSummary& s) {
    char buf[256];
    std::string out;
    std::snprintf(buf, sizeof buf, "%llu packets, %.1f MB in %.2f s (%.0f packets/s), %llu sessions, %zu inputs",
                  static_cast<unsigned long long>(s.packets), s.bytes / 1e6, s.seconds,
                  s.seconds > 0 ? s.packets / s.seconds : 0.0, static_cast<unsigned long long>(s.sessions),
                  s.inputs.size());
    out += buf;
    std::string outcomes;
    for (size_t i = 0; i < s.decode.counts.size(); ++i) {
        if (!s.decode.counts[i]) continue;
        std::snprintf(buf, sizeof buf, "%s%s %llu", outcomes.empty() ? "" : ", ",
                      decode::to_string(static_cast<decode::Outcome>(i)),
                      static_cast<unsigned long long>(s.decode.counts[i]));
        outcomes += buf;
    }
    if (!outcomes.empty()) out += "\npackets by outcome: " + outcomes;
    if (s.parserBudgetSessions) {
        std::snprintf(buf, sizeof buf, "\nparsers stopped by maxParserBuffer in %llu sessions",
                      static_cast<unsigned long long>(s.parserBudgetSessions));
        out += buf;
    }
    if (s.parserHeldAtFree) {
        std::snprintf(buf, sizeof buf, "\ninternal error: parser buffers not released in %llu sessions",
                      static_cast<unsigned long long>(s.parserHeldAtFree));
        out += buf;
    }
    for (const auto& in : s.inputs) {
        if (in.skipped) out += "\n" + in.name + ": already loaded, skipped";
        if (!in.error.empty()) out += "\nerror: " + in.error;
    }
    return out;
}

}  // namespace flowdex::engine
