#pragma once
/// Packet sources: capture files (classic pcap via libpcap; pcapng files through PcapngFile, which
/// keeps a link type per interface), standard input (via libpcap) and live interfaces, each
/// delivering packets in batches.
///
/// A batch owns one arena; read_batch() copies each frame out of libpcap's buffer into it (one
/// memcpy, no allocation once the arena has grown), so the packets of a batch stay valid together
/// until the batch is refilled. Errors that end an input (a truncated or corrupt file) are
/// reported through read_batch's status and error(); packets read before the fault stay in the
/// batch and are processed.
#include <pcap/pcap.h>

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "core/packet.h"
#include "reader/pcapng_file.h"

namespace flowdex::reader {

struct PacketBatch {
    static constexpr size_t kMaxPackets = 256;
    static constexpr size_t kArenaBytes = 512 * 1024;

    std::array<Packet, kMaxPackets> packets;
    size_t count = 0;
    std::vector<uint8_t> arena = std::vector<uint8_t>(kArenaBytes);
    size_t used = 0;

    void clear() {
        count = 0;
        used = 0;
    }
    /// Copies a frame in; returns nullptr when the batch is full.
    Packet* append(const uint8_t* bytes, uint32_t caplen);
};

enum class ReadStatus : uint8_t { Ok, End, Error };

class PcapSource {
  public:
    /// Opens a capture file ("-" for standard input). Throws std::runtime_error("NAME: reason").
    /// A file starting with the pcapng section header is read by PcapngFile: every packet then
    /// carries the link type of its own interface, and link_type() is the first interface's.
    static std::unique_ptr<PcapSource> open_file(const std::string& path, uint32_t fileIndex);
    /// Opens a live interface in promiscuous mode.
    static std::unique_ptr<PcapSource> open_live(const std::string& iface, uint32_t fileIndex, int snaplen = 65535);

    ~PcapSource();
    PcapSource(const PcapSource&) = delete;
    PcapSource& operator=(const PcapSource&) = delete;

    /// Appends packets to `batch` until it is full or the input ends.
    ReadStatus read_batch(PacketBatch& batch);
    const std::string& error() const { return error_; }
    const std::string& name() const { return name_; }
    int link_type() const { return linkType_; }
    uint64_t packets() const { return packets_; }
    /// Bytes of the file consumed so far (for progress), 0 when unknown.
    uint64_t bytes_read() const;
    bool live() const { return live_; }
    /// Stops a live capture from another thread (signal handler safe).
    void break_loop();
    /// Packets the kernel dropped (live only).
    uint64_t kernel_drops() const;

  private:
    PcapSource(pcap_t* p, std::string name, uint32_t fileIndex, bool live);
    PcapSource(FILE* f, std::unique_ptr<PcapngFile> ng, std::string name, uint32_t fileIndex);  // owns `f`
    bool take(PacketBatch& batch, const pcap_pkthdr& hdr, const uint8_t* bytes);
    bool put(PacketBatch& batch, const uint8_t* bytes, uint32_t caplen, uint32_t wirelen, uint64_t tsUs,
             uint16_t linkType, int64_t pos);
    ReadStatus read_pcapng(PacketBatch& batch);
    ReadStatus read_live(PacketBatch& batch);
    static void on_live_packet(u_char* user, const pcap_pkthdr* hdr, const u_char* bytes);
    pcap_t* pcap_;
    std::string name_;
    std::string error_;
    uint32_t fileIndex_;
    int linkType_;
    bool live_;
    bool nano_;
    uint64_t packets_ = 0;
    int64_t pos_ = 0;
    std::vector<uint8_t> carry_;
    pcap_pkthdr carryHdr_{};
    bool haveCarry_ = false;
    std::deque<std::pair<pcap_pkthdr, std::vector<uint8_t>>> liveCarry_;  ///< frames past a full arena
    std::unique_ptr<PcapngFile> ng_;
    PcapngFile::Record ngCarry_{};  ///< a pcapng packet past a full arena (its bytes in carry_)
    /// stdio buffer of a capture file: libpcap reads records through fread, and the default 4 KiB
    /// buffer costs a read() system call per few packets. Freed after pcap_close closes the FILE.
    std::unique_ptr<char[]> fileBuffer_;
    struct FileCloser {
        void operator()(FILE* f) const { std::fclose(f); }
    };
    /// The pcapng file, declared after its stdio buffer so that it is closed first.
    std::unique_ptr<FILE, FileCloser> ngFile_;
};

}  // namespace flowdex::reader
