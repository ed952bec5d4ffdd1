#pragma once
/// A pcapng reader of our own, used for pcapng capture files instead of libpcap.
///
/// libpcap gives a whole pcapng file the link type of its first interface and stops with an
/// error at the first interface description block of another type, so a file mixing Ethernet,
/// raw IP and loopback interfaces (one capture host, several interfaces) loses every packet after
/// that block. This reader keeps a link type per interface and hands it out with every packet,
/// the way Arkime reads such files.
///
/// Blocks handled: section header (either byte order; a new section forgets its interfaces),
/// interface description (link type, snap length, if_tsresol, if_tsoffset), enhanced packet,
/// simple packet (interface 0, no time) and the obsolete packet block. Other blocks are skipped.
/// A block whose lengths disagree, that is too short for its fields, too long, or cut off by the
/// end of the file ends the input with an error naming the fault; packets before it are kept.
/// One block buffer is reused for the whole file: no allocation per packet once it has grown. In a
/// regular file a block longer than what is left is refused before the buffer grows.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace flowdex::reader {

/// The pcapng section header block type; also the file's first four bytes, in either byte order.
constexpr uint32_t kPcapngMagic = 0x0a0d0d0a;

class PcapngFile {
  public:
    /// One packet; `data` points into the reader's block buffer and stays valid until next().
    struct Record {
        const uint8_t* data = nullptr;
        uint32_t caplen = 0;
        uint32_t wirelen = 0;
        uint64_t tsUs = 0;        ///< microseconds since the epoch
        uint16_t linkType = 0;    ///< DLT of the packet's interface (LINKTYPE_RAW given as DLT_RAW)
        int64_t blockOffset = 0;  ///< file offset of the packet's block
    };
    enum class Next : uint8_t { Packet, End, Error };

    /// `f` is positioned at the start of the file and stays owned by the caller. `size` is the
    /// stream's length when known (a memory stream); for a regular file open() finds it itself.
    explicit PcapngFile(FILE* f, int64_t size = -1) : f_(f), fileSize_(size) {}

    /// Reads up to the first interface description. False (with error()) when the file does not
    /// start with a valid section header or has no interface before its first packet.
    bool open();
    /// The next packet, skipping non-packet blocks.
    Next next(Record& rec);
    const std::string& error() const { return error_; }
    /// Link type of the first interface of the file.
    int first_link_type() const { return firstLinkType_; }
    /// Capacity of the block buffer (the most this reader holds).
    size_t buffer_bytes() const { return body_.capacity(); }
    /// Bytes consumed so far.
    uint64_t offset() const { return static_cast<uint64_t>(offset_); }

    /// Largest block accepted (D-Bus frames may reach 128 MiB; libpcap allows the same).
    static constexpr uint32_t kMaxBlock = (128u << 20) + 4096;

  private:
    struct Interface {
        uint16_t linkType = 0;
        uint32_t snaplen = 0;
        bool binaryResolution = false;  ///< if_tsresol with the high bit set: units of 2^-n s
        uint8_t resolution = 6;         ///< the exponent, decimal (10^-n) or binary (2^-n)
        int64_t offsetSeconds = 0;      ///< if_tsoffset
    };
    enum class Block : uint8_t { Ok, End, Error };

    /// Reads one whole block into body_ (everything between the two length fields).
    Block read_block(uint32_t& type);
    bool section_header();
    bool interface(const uint8_t* b, uint32_t n);
    uint16_t u16(const uint8_t* p) const;
    uint32_t u32(const uint8_t* p) const;
    uint64_t to_us(const Interface& itf, uint64_t ts) const;
    Next packet(Record& rec, uint32_t ifId, uint64_t ts, uint32_t caplen, uint32_t wirelen, uint32_t dataAt);
    bool fail(const std::string& why);

    FILE* f_;
    int64_t fileSize_ = -1;  ///< the stream's size (bounds block lengths); -1 when unknown (a pipe)
    bool bigEndian_ = false;
    std::vector<uint8_t> body_;
    std::vector<Interface> interfaces_;
    int firstLinkType_ = -1;
    int64_t offset_ = 0;
    int64_t blockStart_ = 0;
    std::string error_;
};

}  // namespace flowdex::reader
