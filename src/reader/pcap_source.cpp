#include "reader/pcap_source.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace flowdex::reader {
namespace {
constexpr int64_t kPcapFileHeader = 24;
constexpr int64_t kPcapRecordHeader = 16;
constexpr int kLiveTimeoutMs = 100;
constexpr size_t kFileBufferBytes = size_t{1} << 20;
constexpr uint8_t kNgMagicBytes[4] = {0x0a, 0x0d, 0x0d, 0x0a};
}  // namespace

Packet* PacketBatch::append(const uint8_t* bytes, uint32_t caplen) {
    if (count == kMaxPackets) return nullptr;
    if (used + caplen > arena.size()) {
        if (count > 0) return nullptr;
        arena.resize(caplen);  // one frame larger than the arena: grow once
    }
    if (caplen) std::memcpy(arena.data() + used, bytes, caplen);
    Packet& p = packets[count++];
    p = Packet{};
    p.data = arena.data() + used;
    p.caplen = caplen;
    used += caplen;
    return &p;
}

PcapSource::PcapSource(pcap_t* p, std::string name, uint32_t fileIndex, bool live)
    : pcap_(p), name_(std::move(name)), fileIndex_(fileIndex), linkType_(pcap_datalink(p)), live_(live) {
    nano_ = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
    pos_ = kPcapFileHeader;
}

PcapSource::PcapSource(FILE* f, std::unique_ptr<PcapngFile> ng, std::string name, uint32_t fileIndex)
    : pcap_(nullptr),
      name_(std::move(name)),
      fileIndex_(fileIndex),
      linkType_(ng->first_link_type()),
      live_(false),
      nano_(false),
      ng_(std::move(ng)),
      ngFile_(f) {}

PcapSource::~PcapSource() {
    if (pcap_) pcap_close(pcap_);
}

std::unique_ptr<PcapSource> PcapSource::open_file(const std::string& path, uint32_t fileIndex) {
    char err[PCAP_ERRBUF_SIZE] = {};
    std::unique_ptr<char[]> buffer;
    FILE* f = stdin;
    if (path != "-") {
        f = std::fopen(path.c_str(), "rb");
        if (!f) throw std::runtime_error(path + ": " + std::strerror(errno));
        buffer = std::make_unique<char[]>(kFileBufferBytes);
        std::setvbuf(f, buffer.get(), _IOFBF, kFileBufferBytes);
        uint8_t magic[4] = {};
        const bool ng = std::fread(magic, 1, sizeof magic, f) == sizeof magic &&
                        std::memcmp(magic, kNgMagicBytes, sizeof magic) == 0;
        std::rewind(f);
        if (ng) {
            auto reader = std::make_unique<PcapngFile>(f);
            if (!reader->open()) {
                std::string why = reader->error();
                std::fclose(f);
                throw std::runtime_error(path + ": " + why);
            }
            auto src = std::unique_ptr<PcapSource>(new PcapSource(f, std::move(reader), path, fileIndex));
            src->fileBuffer_ = std::move(buffer);
            return src;
        }
    }
    pcap_t* p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, err);
    if (!p) {
        if (f != stdin) std::fclose(f);
        throw std::runtime_error((path == "-" ? std::string("standard input") : path) + ": " + err);
    }
    auto src = std::unique_ptr<PcapSource>(new PcapSource(p, path, fileIndex, false));
    src->fileBuffer_ = std::move(buffer);
    return src;
}

std::unique_ptr<PcapSource> PcapSource::open_live(const std::string& iface, uint32_t fileIndex, int snaplen) {
    char err[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_create(iface.c_str(), err);
    if (!p) throw std::runtime_error("interface " + iface + ": " + err);
    pcap_set_snaplen(p, snaplen);
    pcap_set_promisc(p, 1);
    pcap_set_timeout(p, kLiveTimeoutMs);
    pcap_set_buffer_size(p, 64 * 1024 * 1024);
    int rc = pcap_activate(p);
    if (rc < 0) {
        std::string msg = pcap_geterr(p);
        pcap_close(p);
        throw std::runtime_error("interface " + iface + ": " + msg);
    }
    return std::unique_ptr<PcapSource>(new PcapSource(p, "iface:" + iface, fileIndex, true));
}

bool PcapSource::put(PacketBatch& batch, const uint8_t* bytes, uint32_t caplen, uint32_t wirelen, uint64_t tsUs,
                     uint16_t linkType, int64_t pos) {
    Packet* p = batch.append(bytes, caplen);
    if (!p) return false;
    p->wirelen = wirelen;
    p->tsUs = tsUs;
    p->readerPos = pos;
    p->fileIndex = fileIndex_;
    p->linkType = linkType;
    ++packets_;
    return true;
}

bool PcapSource::take(PacketBatch& batch, const pcap_pkthdr& hdr, const uint8_t* bytes) {
    // pcap stores seconds as an unsigned 32-bit count: times past 2038 must not go negative.
    const uint64_t tsUs =
        uint64_t{static_cast<uint32_t>(hdr.ts.tv_sec)} * 1000000u + static_cast<uint64_t>(hdr.ts.tv_usec);
    if (!put(batch, bytes, hdr.caplen, hdr.len, tsUs, static_cast<uint16_t>(linkType_), pos_)) return false;
    pos_ += kPcapRecordHeader + hdr.caplen;
    return true;
}

ReadStatus PcapSource::read_pcapng(PacketBatch& batch) {
    if (haveCarry_) {
        const PcapngFile::Record& r = ngCarry_;
        if (!put(batch, carry_.data(), r.caplen, r.wirelen, r.tsUs, r.linkType, r.blockOffset)) return ReadStatus::Ok;
        haveCarry_ = false;
    }
    while (batch.count < PacketBatch::kMaxPackets) {
        PcapngFile::Record r;
        switch (ng_->next(r)) {
            case PcapngFile::Next::Packet:
                if (!put(batch, r.data, r.caplen, r.wirelen, r.tsUs, r.linkType, r.blockOffset)) {
                    ngCarry_ = r;  // the arena is full: keep this frame for the next batch
                    carry_.assign(r.data, r.data + r.caplen);
                    haveCarry_ = true;
                    return ReadStatus::Ok;
                }
                break;
            case PcapngFile::Next::End:
                return ReadStatus::End;
            case PcapngFile::Next::Error:
                error_ = ng_->error();
                return ReadStatus::Error;
        }
    }
    return ReadStatus::Ok;
}

namespace {
struct DispatchCtx {
    PcapSource* self;
    PacketBatch* batch;
};
}  // namespace

void PcapSource::on_live_packet(u_char* user, const pcap_pkthdr* hdr, const u_char* bytes) {
    auto* ctx = reinterpret_cast<DispatchCtx*>(user);
    PcapSource& self = *ctx->self;
    if (self.haveCarry_ || !self.take(*ctx->batch, *hdr, bytes)) {
        // The arena filled mid-dispatch: keep the frame (and any after it) for the next batch.
        self.liveCarry_.emplace_back(*hdr, std::vector<uint8_t>(bytes, bytes + hdr->caplen));
        self.haveCarry_ = true;
    }
}

ReadStatus PcapSource::read_live(PacketBatch& batch) {
    while (!liveCarry_.empty()) {
        auto& [hdr, bytes] = liveCarry_.front();
        if (!take(batch, hdr, bytes.data())) return ReadStatus::Ok;
        liveCarry_.pop_front();
    }
    haveCarry_ = false;
    // One dispatch per call: a quiet interface still hands over what it has (after the read
    // timeout) instead of waiting for a full batch, and pcap_breakloop() ends it promptly.
    DispatchCtx ctx{this, &batch};
    int remaining = static_cast<int>(PacketBatch::kMaxPackets - batch.count);
    int rc = pcap_dispatch(pcap_, remaining, on_live_packet, reinterpret_cast<u_char*>(&ctx));
    if (rc >= 0) return ReadStatus::Ok;
    if (rc == PCAP_ERROR_BREAK) return ReadStatus::End;
    error_ = pcap_geterr(pcap_);
    return ReadStatus::Error;
}

ReadStatus PcapSource::read_batch(PacketBatch& batch) {
    if (live_) return read_live(batch);
    if (ng_) return read_pcapng(batch);
    if (haveCarry_) {
        if (!take(batch, carryHdr_, carry_.data())) return ReadStatus::Ok;
        haveCarry_ = false;
    }
    while (batch.count < PacketBatch::kMaxPackets) {
        pcap_pkthdr* hdr;
        const u_char* bytes;
        int rc = pcap_next_ex(pcap_, &hdr, &bytes);
        if (rc == 1) {
            if (!take(batch, *hdr, bytes)) {
                // The arena is full: keep this frame for the next batch.
                carryHdr_ = *hdr;
                carry_.assign(bytes, bytes + hdr->caplen);
                haveCarry_ = true;
                return ReadStatus::Ok;
            }
            continue;
        }
        if (rc == 0) return ReadStatus::Ok;  // live timeout
        if (rc == PCAP_ERROR_BREAK) return ReadStatus::End;
        error_ = pcap_geterr(pcap_);
        return ReadStatus::Error;
    }
    return ReadStatus::Ok;
}

uint64_t PcapSource::bytes_read() const {
    if (ng_) return ng_->offset();
    return pos_ > 0 ? static_cast<uint64_t>(pos_) : 0;
}

void PcapSource::break_loop() {
    if (pcap_) pcap_breakloop(pcap_);
}

uint64_t PcapSource::kernel_drops() const {
    pcap_stat st{};
    if (!live_ || !pcap_ || pcap_stats(pcap_, &st) != 0) return 0;
    return st.ps_drop;
}

}  // namespace flowdex::reader
