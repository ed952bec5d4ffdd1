// PcapSource: classic pcap (both byte orders, micro- and nanosecond magic), pcapng (default and
// nanosecond if_tsresol), batching across kMaxPackets and the arena size, truncated files, times
// past 2038 and standard input through the real binary. Captures are written by hand.
#include "reader/pcap_source.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "decode/frame_builder.h"
#include "e2e/e2e_util.h"

namespace flowdex::reader {
namespace pcap_source_test {

using testing::Bytes;

constexpr uint32_t kEn10mb = 1;
constexpr uint32_t kDbus = 231;  // libpcap allows 128 MB frames for D-Bus: frames larger than the arena

struct Rec {
    uint64_t sec = 0;
    uint64_t frac = 0;  ///< microseconds, nanoseconds or pcapng units, as the format says
    Bytes data;
    uint32_t wirelen = 0;  ///< 0: same as data.size()
};

/// Deterministic frame contents: `n` bytes derived from `seed` (the first four bytes are the seed).
Bytes pattern(uint32_t seed, size_t n) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i)
        b[i] = static_cast<uint8_t>((seed * 131u + i * 7u) ^ (i >> 8));
    for (size_t i = 0; i < 4 && i < n; ++i)
        b[i] = static_cast<uint8_t>(seed >> (8 * (3 - i)));
    return b;
}

class Writer {
  public:
    explicit Writer(bool bigEndian) : be_(bigEndian) {}
    void u16(uint16_t v) {
        if (be_) {
            b_.push_back(static_cast<uint8_t>(v >> 8));
            b_.push_back(static_cast<uint8_t>(v));
        } else {
            b_.push_back(static_cast<uint8_t>(v));
            b_.push_back(static_cast<uint8_t>(v >> 8));
        }
    }
    void u32(uint32_t v) {
        if (be_) {
            u16(static_cast<uint16_t>(v >> 16));
            u16(static_cast<uint16_t>(v));
        } else {
            u16(static_cast<uint16_t>(v));
            u16(static_cast<uint16_t>(v >> 16));
        }
    }
    void bytes(const Bytes& d) { testing::append(b_, d); }
    void pad4() {
        while (b_.size() % 4)
            b_.push_back(0);
    }
    size_t size() const { return b_.size(); }
    void patch32(size_t at, uint32_t v) {
        Writer w(be_);
        w.u32(v);
        std::copy(w.b_.begin(), w.b_.end(), b_.begin() + static_cast<std::ptrdiff_t>(at));
    }
    Bytes& out() { return b_; }

  private:
    bool be_;
    Bytes b_;
};

/// A classic pcap file.
Bytes classic(const std::vector<Rec>& recs, bool bigEndian = false, bool nano = false, uint32_t linkType = kEn10mb,
              uint32_t snaplen = 262144) {
    Writer w(bigEndian);
    w.u32(nano ? 0xa1b23c4d : 0xa1b2c3d4);
    w.u16(2);
    w.u16(4);
    w.u32(0);  // thiszone
    w.u32(0);  // sigfigs
    w.u32(snaplen);
    w.u32(linkType);
    for (const Rec& r : recs) {
        w.u32(static_cast<uint32_t>(r.sec));
        w.u32(static_cast<uint32_t>(r.frac));
        w.u32(static_cast<uint32_t>(r.data.size()));
        w.u32(r.wirelen ? r.wirelen : static_cast<uint32_t>(r.data.size()));
        w.bytes(r.data);
    }
    return w.out();
}

/// A pcapng file: one section, one interface; `tsresol` < 0 leaves if_tsresol out (microseconds).
/// Rec::sec is ignored: Rec::frac is the 64-bit timestamp in the interface's units.
Bytes pcapng(const std::vector<Rec>& recs, int tsresol = -1, uint32_t linkType = kEn10mb, bool bigEndian = false) {
    Writer w(bigEndian);
    // Section Header Block
    w.u32(0x0a0d0d0a);
    w.u32(28);
    w.u32(0x1a2b3c4d);
    w.u16(1);
    w.u16(0);
    w.u32(0xffffffff);  // section length: unknown
    w.u32(0xffffffff);
    w.u32(28);
    // Interface Description Block
    size_t idb = w.size();
    w.u32(1);
    w.u32(0);  // length, patched
    w.u16(static_cast<uint16_t>(linkType));
    w.u16(0);
    w.u32(0);  // snaplen: no limit
    if (tsresol >= 0) {
        w.u16(9);  // if_tsresol
        w.u16(1);
        w.bytes({static_cast<uint8_t>(tsresol)});
        w.pad4();
        w.u16(0);  // opt_endofopt
        w.u16(0);
    }
    w.u32(0);  // length, patched
    uint32_t idbLen = static_cast<uint32_t>(w.size() - idb);
    w.patch32(idb + 4, idbLen);
    w.patch32(w.size() - 4, idbLen);
    // Enhanced Packet Blocks
    for (const Rec& r : recs) {
        size_t at = w.size();
        w.u32(6);
        w.u32(0);
        w.u32(0);  // interface id
        w.u32(static_cast<uint32_t>(r.frac >> 32));
        w.u32(static_cast<uint32_t>(r.frac));
        w.u32(static_cast<uint32_t>(r.data.size()));
        w.u32(r.wirelen ? r.wirelen : static_cast<uint32_t>(r.data.size()));
        w.bytes(r.data);
        w.pad4();
        w.u32(0);
        uint32_t len = static_cast<uint32_t>(w.size() - at);
        w.patch32(at + 4, len);
        w.patch32(w.size() - 4, len);
    }
    return w.out();
}

struct Got {
    uint32_t caplen, wirelen;
    uint64_t tsUs;
    uint16_t linkType;
    Bytes data;
};

struct ReadAll {
    std::vector<Got> packets;
    std::vector<size_t> batchSizes;
    ReadStatus last = ReadStatus::Ok;
    std::string error;
    int linkType = -1;
    uint64_t counted = 0;
};

/// Opens `path` and reads batches until End or Error (at most 10000 calls).
ReadAll read_all(const std::string& path) {
    ReadAll r;
    auto src = PcapSource::open_file(path, 3);
    r.linkType = src->link_type();
    auto batch = std::make_unique<PacketBatch>();
    for (int calls = 0; calls < 10000; ++calls) {
        batch->clear();
        r.last = src->read_batch(*batch);
        r.batchSizes.push_back(batch->count);
        for (size_t i = 0; i < batch->count; ++i) {
            const Packet& p = batch->packets[i];
            EXPECT_EQ(p.fileIndex, 3u);
            r.packets.push_back({p.caplen, p.wirelen, p.tsUs, p.linkType, Bytes(p.data, p.data + p.caplen)});
        }
        if (r.last != ReadStatus::Ok) break;
    }
    r.error = src->error();
    r.counted = src->packets();
    return r;
}

class PcapSourceTest : public ::testing::Test {
  protected:
    std::string write(const std::string& name, const Bytes& content) {
        std::string path = dir_.file(name);
        e2e::write_file(path, std::string(content.begin(), content.end()));
        return path;
    }
    e2e::TempDir dir_;
};

/// Three records with different sizes, a truncated one (wirelen > caplen) and an empty one.
std::vector<Rec> three(uint64_t frac0, uint64_t frac1, uint64_t frac2) {
    return {{1700000000, frac0, pattern(1, 60)},
            {1700000001, frac1, pattern(2, 1514), 9000},
            {1700000002, frac2, pattern(3, 0), 64}};
}

void expect_three(const ReadAll& r, uint64_t ts0, uint64_t ts1, uint64_t ts2, uint16_t linkType = kEn10mb) {
    EXPECT_EQ(r.last, ReadStatus::End) << r.error;
    ASSERT_EQ(r.packets.size(), 3u);
    EXPECT_EQ(r.counted, 3u);
    EXPECT_EQ(r.linkType, linkType);
    EXPECT_EQ(r.packets[0].caplen, 60u);
    EXPECT_EQ(r.packets[0].wirelen, 60u);
    EXPECT_EQ(r.packets[0].tsUs, ts0);
    EXPECT_EQ(r.packets[0].data, pattern(1, 60));
    EXPECT_EQ(r.packets[1].caplen, 1514u);
    EXPECT_EQ(r.packets[1].wirelen, 9000u);
    EXPECT_EQ(r.packets[1].tsUs, ts1);
    EXPECT_EQ(r.packets[1].data, pattern(2, 1514));
    EXPECT_EQ(r.packets[2].caplen, 0u);
    EXPECT_EQ(r.packets[2].wirelen, 64u);
    EXPECT_EQ(r.packets[2].tsUs, ts2);
    for (const Got& g : r.packets)
        EXPECT_EQ(g.linkType, linkType);
}

// ---------------------------------------------------------------- formats

TEST_F(PcapSourceTest, ClassicLittleEndianMicroseconds) {
    auto r = read_all(write("le.pcap", classic(three(0, 999999, 123456))));
    expect_three(r, 1700000000000000ull, 1700000001999999ull, 1700000002123456ull);
}

TEST_F(PcapSourceTest, ClassicBigEndian) {
    auto r = read_all(write("be.pcap", classic(three(5, 500000, 42), /*bigEndian=*/true)));
    expect_three(r, 1700000000000005ull, 1700000001500000ull, 1700000002000042ull);
}

TEST_F(PcapSourceTest, ClassicNanosecondMagicGivesMicroseconds) {
    auto r = read_all(write("ns.pcap", classic(three(999, 999999999, 123456789), false, /*nano=*/true)));
    expect_three(r, 1700000000000000ull, 1700000001999999ull, 1700000002123456ull);
}

TEST_F(PcapSourceTest, ClassicNanosecondBigEndian) {
    auto r = read_all(write("nsbe.pcap", classic(three(1000, 2000, 3000), true, true)));
    expect_three(r, 1700000000000001ull, 1700000001000002ull, 1700000002000003ull);
}

TEST_F(PcapSourceTest, ClassicOtherLinkType) {
    // The file says LINKTYPE_RAW (101); libpcap reports the host's DLT_RAW (12 on Linux).
    auto r = read_all(write("raw.pcap", classic(three(1, 2, 3), false, false, /*LINKTYPE_RAW*/ 101)));
    expect_three(r, 1700000000000001ull, 1700000001000002ull, 1700000002000003ull, DLT_RAW);
}

std::vector<Rec> ng_three(uint64_t unitsPerSec) {
    auto r = three(0, 0, 0);
    r[0].frac = 1700000000ull * unitsPerSec + unitsPerSec / 4;
    r[1].frac = 1700000001ull * unitsPerSec + unitsPerSec - 1;
    r[2].frac = 1700000002ull * unitsPerSec;
    return r;
}

TEST_F(PcapSourceTest, PcapngDefaultResolutionIsMicroseconds) {
    auto r = read_all(write("us.pcapng", pcapng(ng_three(1000000))));
    expect_three(r, 1700000000250000ull, 1700000001999999ull, 1700000002000000ull);
}

TEST_F(PcapSourceTest, PcapngExplicitMicroseconds) {
    auto r = read_all(write("us6.pcapng", pcapng(ng_three(1000000), 6)));
    expect_three(r, 1700000000250000ull, 1700000001999999ull, 1700000002000000ull);
}

TEST_F(PcapSourceTest, PcapngNanosecondResolution) {
    auto r = read_all(write("ns.pcapng", pcapng(ng_three(1000000000), 9)));
    expect_three(r, 1700000000250000ull, 1700000001999999ull, 1700000002000000ull);
}

TEST_F(PcapSourceTest, PcapngBigEndianSection) {
    auto r = read_all(write("be.pcapng", pcapng(ng_three(1000000000), 9, kEn10mb, /*bigEndian=*/true)));
    expect_three(r, 1700000000250000ull, 1700000001999999ull, 1700000002000000ull);
}

TEST_F(PcapSourceTest, NotACaptureThrowsNamingTheFile) {
    std::string path = write("junk.pcap", testing::text("this is not a capture file at all"));
    try {
        PcapSource::open_file(path, 0);
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
    EXPECT_THROW(PcapSource::open_file(dir_.file("missing.pcap"), 0), std::runtime_error);
}

// ---------------------------------------------------------------- time

TEST_F(PcapSourceTest, TimesPast2038StayPositive) {
    const uint64_t late = 0xF0000000ull;  // 2097
    std::vector<Rec> recs = {{0x80000000ull, 1, pattern(1, 20)}, {late, 999999, pattern(2, 20)}};
    auto r = read_all(write("late.pcap", classic(recs)));
    ASSERT_EQ(r.packets.size(), 2u) << r.error;
    EXPECT_EQ(r.packets[0].tsUs, 0x80000000ull * 1000000 + 1);
    EXPECT_EQ(r.packets[1].tsUs, late * 1000000 + 999999);

    auto rn = read_all(write("late-ns.pcap", classic({{0xFFFFFFFFull, 999999999, pattern(3, 20)}}, true, true)));
    ASSERT_EQ(rn.packets.size(), 1u) << rn.error;
    EXPECT_EQ(rn.packets[0].tsUs, 0xFFFFFFFFull * 1000000 + 999999);

    std::vector<Rec> ng = {{0, late * 1000000000 + 7000, pattern(4, 20)}};
    auto rg = read_all(write("late.pcapng", pcapng(ng, 9)));
    ASSERT_EQ(rg.packets.size(), 1u) << rg.error;
    EXPECT_EQ(rg.packets[0].tsUs, late * 1000000 + 7);
}

// ---------------------------------------------------------------- batches

void expect_in_order(const ReadAll& r, size_t n, size_t size) {
    EXPECT_EQ(r.last, ReadStatus::End) << r.error;
    ASSERT_EQ(r.packets.size(), n);
    EXPECT_EQ(r.counted, n);
    for (size_t i = 0; i < n; ++i) {
        ASSERT_EQ(r.packets[i].caplen, size) << "packet " << i;
        ASSERT_EQ(r.packets[i].data, pattern(static_cast<uint32_t>(i), size)) << "packet " << i;
        ASSERT_EQ(r.packets[i].tsUs, 1700000000000000ull + i) << "packet " << i;
    }
}

TEST_F(PcapSourceTest, MoreThanOneBatchOfPackets) {
    const size_t n = PacketBatch::kMaxPackets * 3 + 17;
    std::vector<Rec> recs;
    for (size_t i = 0; i < n; ++i)
        recs.push_back({1700000000, i, pattern(static_cast<uint32_t>(i), 64)});
    auto r = read_all(write("many.pcap", classic(recs)));
    expect_in_order(r, n, 64);
    for (size_t b = 0; b + 1 < r.batchSizes.size(); ++b)
        EXPECT_EQ(r.batchSizes[b], PacketBatch::kMaxPackets) << "batch " << b;
}

TEST_F(PcapSourceTest, FramesOverflowingTheArenaCarryOver) {
    // 60 KB frames: eight fit the 512 KB arena, the ninth waits for the next batch.
    const size_t size = 60000, n = 40;
    std::vector<Rec> recs;
    for (size_t i = 0; i < n; ++i)
        recs.push_back({1700000000, i, pattern(static_cast<uint32_t>(i), size)});
    auto r = read_all(write("big.pcap", classic(recs)));
    expect_in_order(r, n, size);
    EXPECT_GT(r.batchSizes.size(), 4u);
    for (size_t b : r.batchSizes)
        EXPECT_LE(b * size, PacketBatch::kArenaBytes);

    auto rg = read_all(write("big.pcapng", pcapng([&] {
                                 for (size_t i = 0; i < n; ++i)
                                     recs[i].frac = 1700000000000000ull + i;
                                 return recs;
                             }())));
    expect_in_order(rg, n, size);
}

TEST_F(PcapSourceTest, FramesLargerThanTheArena) {
    // Small frames, then frames of 600 KB (more than the whole arena), then small ones again.
    std::vector<size_t> sizes = {100, 200, 600000, 600000, 50, 700000, 10};
    std::vector<Rec> recs;
    for (size_t i = 0; i < sizes.size(); ++i)
        recs.push_back({1700000000, i, pattern(static_cast<uint32_t>(i), sizes[i])});
    auto r = read_all(write("huge.pcap", classic(recs, false, false, kDbus, 1 << 20)));
    EXPECT_EQ(r.last, ReadStatus::End) << r.error;
    ASSERT_EQ(r.packets.size(), sizes.size()) << r.error;
    for (size_t i = 0; i < sizes.size(); ++i) {
        EXPECT_EQ(r.packets[i].caplen, sizes[i]) << "packet " << i;
        EXPECT_EQ(r.packets[i].data, pattern(static_cast<uint32_t>(i), sizes[i])) << "packet " << i;
        EXPECT_EQ(r.packets[i].linkType, kDbus);
    }
}

TEST_F(PcapSourceTest, ManySmallFramesThenABigOne) {
    // A full batch by count, a carry by size, then a second full batch.
    std::vector<Rec> recs;
    for (size_t i = 0; i < PacketBatch::kMaxPackets * 2 + 1; ++i) {
        size_t size = i == 300 ? 200000 : 1500;
        recs.push_back({1700000000, i, pattern(static_cast<uint32_t>(i), size)});
    }
    auto r = read_all(write("mixed.pcap", classic(recs)));
    EXPECT_EQ(r.last, ReadStatus::End) << r.error;
    ASSERT_EQ(r.packets.size(), recs.size());
    for (size_t i = 0; i < recs.size(); ++i)
        ASSERT_EQ(r.packets[i].data, recs[i].data) << "packet " << i;
}

// ---------------------------------------------------------------- damage

TEST_F(PcapSourceTest, TruncatedInsideAFrameReportsAnErrorAfterTheGoodPackets) {
    std::vector<Rec> recs;
    for (uint32_t i = 0; i < 5; ++i)
        recs.push_back({1700000000, i, pattern(i, 100)});
    Bytes full = classic(recs);
    Bytes cut(full.begin(), full.begin() + 24 + 3 * (16 + 100) + 16 + 40);  // 40 bytes into the 4th frame
    auto r = read_all(write("cut.pcap", cut));
    EXPECT_EQ(r.last, ReadStatus::Error);
    EXPECT_FALSE(r.error.empty());
    ASSERT_EQ(r.packets.size(), 3u);
    for (uint32_t i = 0; i < 3; ++i)
        EXPECT_EQ(r.packets[i].data, pattern(i, 100));
}

TEST_F(PcapSourceTest, TruncatedInsideARecordHeader) {
    std::vector<Rec> recs;
    for (uint32_t i = 0; i < 4; ++i)
        recs.push_back({1700000000, i, pattern(i, 100)});
    Bytes full = classic(recs);
    Bytes cut(full.begin(), full.begin() + 24 + 2 * (16 + 100) + 7);
    auto r = read_all(write("cut-hdr.pcap", cut));
    EXPECT_EQ(r.last, ReadStatus::Error);
    EXPECT_FALSE(r.error.empty());
    EXPECT_EQ(r.packets.size(), 2u);
}

TEST_F(PcapSourceTest, TruncatedPcapng) {
    std::vector<Rec> recs;
    for (uint32_t i = 0; i < 4; ++i)
        recs.push_back({0, 1700000000000000ull + i, pattern(i, 100)});
    Bytes full = pcapng(recs);
    Bytes cut(full.begin(), full.end() - 30);
    auto r = read_all(write("cut.pcapng", cut));
    EXPECT_EQ(r.last, ReadStatus::Error);
    EXPECT_FALSE(r.error.empty());
    EXPECT_EQ(r.packets.size(), 3u);
}

TEST_F(PcapSourceTest, TruncatedAfterManyBatches) {
    std::vector<Rec> recs;
    for (uint32_t i = 0; i < 600; ++i)
        recs.push_back({1700000000, i, pattern(i, 64)});
    Bytes full = classic(recs);
    Bytes cut(full.begin(), full.end() - 10);
    auto r = read_all(write("cut-many.pcap", cut));
    EXPECT_EQ(r.last, ReadStatus::Error);
    EXPECT_FALSE(r.error.empty());
    ASSERT_EQ(r.packets.size(), 599u);
    EXPECT_EQ(r.packets[598].data, pattern(598, 64));
}

// ---------------------------------------------------------------- standard input

Bytes udp_frame(uint16_t sport, uint16_t dport, const std::string& payload, bool reply = false) {
    using namespace testing;
    Ip4 a = ip4(10, 1, 0, 1), b = ip4(10, 1, 0, 2);
    return eth(0x0800, ipv4(reply ? b : a, reply ? a : b, 17, udp(sport, dport, text(payload))));
}

TEST_F(PcapSourceTest, StandardInputThroughTheBinary) {
    std::vector<Rec> recs = {{1700000000, 0, udp_frame(40000, 5353, "one")},
                             {1700000000, 1000, udp_frame(5353, 40000, "two", true)},
                             {1700000001, 0, udp_frame(40001, 6000, "three")}};
    for (bool ng : {false, true}) {
        SCOPED_TRACE(ng ? "pcapng" : "pcap");
        std::vector<Rec> in = recs;
        if (ng)
            for (auto& r : in)
                r.frac = r.sec * 1000000 + r.frac;
        std::string path = write(ng ? "stdin.pcapng" : "stdin.pcap", ng ? pcapng(in) : classic(in));
        auto res = e2e::flowdex({"capture", "--no-db", "--json", "-", "-r", "-"}, path);
        ASSERT_EQ(res.exitCode, 0) << res.describe();
        auto lines = e2e::split_lines(res.out);
        ASSERT_EQ(lines.size(), 2u) << res.out;
        std::set<std::pair<int, int>> ports;
        for (const auto& line : lines) {
            auto j = nlohmann::json::parse(line);
            EXPECT_EQ(j["ipProtocol"], 17);
            EXPECT_EQ(j["source"]["ip"], "10.1.0.1");
            EXPECT_EQ(j["destination"]["ip"], "10.1.0.2");
            ports.emplace(j["source"]["port"].get<int>(), j["destination"]["port"].get<int>());
            if (j["destination"]["port"] == 5353) {
                EXPECT_EQ(j["network"]["packets"], 2);
                EXPECT_EQ(j["firstPacket"], 1700000000000);
                EXPECT_EQ(j["lastPacket"], 1700000000001);
            }
        }
        EXPECT_EQ(ports, (std::set<std::pair<int, int>>{{40000, 5353}, {40001, 6000}}));
        EXPECT_EQ(e2e::summary_packets(res.err), 3) << res.err;
    }
}

TEST_F(PcapSourceTest, StandardInputNotACapture) {
    std::string path = write("junk", testing::text("garbage garbage garbage garbage"));
    auto res = e2e::flowdex({"capture", "--no-db", "--json", "-", "-r", "-"}, path);
    EXPECT_NE(res.exitCode, 0) << res.describe();
    EXPECT_TRUE(res.out.empty()) << res.out;
    EXPECT_NE(res.err.find("standard input"), std::string::npos) << res.err;
}

// ---------------------------------------------------------------- pcapng with several interfaces

/// Builds pcapng blocks one by one (little-endian unless asked).
class NgWriter {
  public:
    explicit NgWriter(bool bigEndian = false) : w_(bigEndian) {}
    NgWriter& section() {
        w_.u32(0x0a0d0d0a);
        w_.u32(28);
        w_.u32(0x1a2b3c4d);
        w_.u16(1);
        w_.u16(0);
        w_.u32(0xffffffff);
        w_.u32(0xffffffff);
        w_.u32(28);
        return *this;
    }
    NgWriter& interface(uint32_t linkType) {
        w_.u32(1);
        w_.u32(20);
        w_.u16(static_cast<uint16_t>(linkType));
        w_.u16(0);
        w_.u32(0);
        w_.u32(20);
        return *this;
    }
    /// An enhanced packet block (microsecond times); `lengthFix` is added to the trailing length.
    NgWriter& packet(uint32_t ifId, uint64_t tsUs, const Bytes& data, int lengthFix = 0) {
        size_t at = w_.size();
        w_.u32(6);
        w_.u32(0);
        w_.u32(ifId);
        w_.u32(static_cast<uint32_t>(tsUs >> 32));
        w_.u32(static_cast<uint32_t>(tsUs));
        w_.u32(static_cast<uint32_t>(data.size()));
        w_.u32(static_cast<uint32_t>(data.size()));
        w_.bytes(data);
        w_.pad4();
        w_.u32(0);
        uint32_t len = static_cast<uint32_t>(w_.size() - at);
        w_.patch32(at + 4, len);
        w_.patch32(w_.size() - 4, len + static_cast<uint32_t>(lengthFix));
        return *this;
    }
    NgWriter& simple(const Bytes& data) {
        size_t at = w_.size();
        w_.u32(3);
        w_.u32(0);
        w_.u32(static_cast<uint32_t>(data.size()));
        w_.bytes(data);
        w_.pad4();
        w_.u32(0);
        uint32_t len = static_cast<uint32_t>(w_.size() - at);
        w_.patch32(at + 4, len);
        w_.patch32(w_.size() - 4, len);
        return *this;
    }
    /// A block the reader does not know (a custom block): skipped.
    NgWriter& other() {
        w_.u32(0x00000bad);
        w_.u32(16);
        w_.u32(0x12345678);
        w_.u32(16);
        return *this;
    }
    Bytes& out() { return w_.out(); }

  private:
    Writer w_;
};

constexpr uint32_t kLinktypeRaw = 101;
constexpr uint32_t kLinktypeNull = 0;

TEST_F(PcapSourceTest, PcapngInterfacesOfDifferentLinkTypes) {
    // libpcap stops at the second interface (its type differs from the first): every packet must
    // come out, each with its own interface's link type.
    NgWriter w;
    w.section().interface(kEn10mb).interface(kLinktypeRaw).other().interface(kLinktypeNull);
    w.packet(0, 1700000000000001ull, pattern(1, 60))
        .packet(1, 1700000000000002ull, pattern(2, 40))
        .packet(2, 1700000000000003ull, pattern(3, 44))
        .packet(0, 1700000000000004ull, pattern(4, 70));
    auto r = read_all(write("multi.pcapng", w.out()));
    EXPECT_EQ(r.last, ReadStatus::End) << r.error;
    EXPECT_EQ(r.linkType, static_cast<int>(kEn10mb));
    ASSERT_EQ(r.packets.size(), 4u) << r.error;
    const uint16_t want[4] = {kEn10mb, DLT_RAW, kLinktypeNull, kEn10mb};
    const size_t sizes[4] = {60, 40, 44, 70};
    for (uint32_t i = 0; i < 4; ++i) {
        EXPECT_EQ(r.packets[i].linkType, want[i]) << i;
        EXPECT_EQ(r.packets[i].tsUs, 1700000000000001ull + i) << i;
        EXPECT_EQ(r.packets[i].data, pattern(i + 1, sizes[i])) << i;
    }
}

TEST_F(PcapSourceTest, PcapngNewSectionRestartsInterfaceNumbers) {
    NgWriter w;
    w.section().interface(kEn10mb).packet(0, 1700000000000000ull, pattern(1, 60));
    w.section().interface(kLinktypeRaw).packet(0, 1700000000000001ull, pattern(2, 40));
    w.simple(pattern(3, 30));
    auto r = read_all(write("sections.pcapng", w.out()));
    EXPECT_EQ(r.last, ReadStatus::End) << r.error;
    ASSERT_EQ(r.packets.size(), 3u) << r.error;
    EXPECT_EQ(r.packets[0].linkType, kEn10mb);
    EXPECT_EQ(r.packets[1].linkType, DLT_RAW);
    EXPECT_EQ(r.packets[2].linkType, DLT_RAW);  // a simple packet belongs to interface 0
    EXPECT_EQ(r.packets[2].data, pattern(3, 30));
}

TEST_F(PcapSourceTest, PcapngFaultsEndTheInputAfterTheGoodPackets) {
    {
        NgWriter w;
        w.section().interface(kEn10mb).packet(0, 1, pattern(1, 60)).packet(3, 2, pattern(2, 60));
        auto r = read_all(write("badif.pcapng", w.out()));
        EXPECT_EQ(r.last, ReadStatus::Error);
        EXPECT_NE(r.error.find("unknown interface 3"), std::string::npos) << r.error;
        EXPECT_EQ(r.packets.size(), 1u);
    }
    {
        NgWriter w;
        w.section().interface(kEn10mb).packet(0, 1, pattern(1, 60)).packet(0, 2, pattern(2, 60), 4);
        w.packet(0, 3, pattern(3, 60));
        auto r = read_all(write("badlen.pcapng", w.out()));
        EXPECT_EQ(r.last, ReadStatus::Error);
        EXPECT_NE(r.error.find("lengths differ"), std::string::npos) << r.error;
        EXPECT_EQ(r.packets.size(), 1u);
    }
    {
        NgWriter w;
        w.section().packet(0, 1, pattern(1, 60));
        try {
            PcapSource::open_file(write("noif.pcapng", w.out()), 0);
            FAIL() << "no exception";
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find("noif.pcapng"), std::string::npos) << e.what();
        }
    }
}

/// Reads `bytes` with PcapngFile from memory; the packet count, or -1 when open() refused it.
int ng_read_memory(Bytes bytes, bool& endedCleanly) {
    endedCleanly = false;
    if (bytes.empty()) return -1;
    FILE* f = fmemopen(bytes.data(), bytes.size(), "rb");
    if (!f) return -1;
    PcapngFile ng(f);
    int n = -1;
    if (ng.open()) {
        n = 0;
        PcapngFile::Record r;
        for (int guard = 0; guard < 100000; ++guard) {
            auto got = ng.next(r);
            if (got != PcapngFile::Next::Packet) {
                endedCleanly = got == PcapngFile::Next::End;
                break;
            }
            EXPECT_LE(r.caplen, PcapngFile::kMaxBlock);
            ++n;
        }
    }
    std::fclose(f);
    return n;
}

TEST_F(PcapSourceTest, PcapngBlockLongerThanTheFileIsRefusedBeforeItIsRead) {
    // A 48-byte file whose second block claims 64 MiB: the reader names the cut-off block without
    // growing its buffer to the claimed size (a short hostile file cannot cost 64 MiB).
    NgWriter w;
    w.section().interface(kEn10mb);
    Bytes bytes = w.out();
    const uint32_t claimed = 64u << 20;
    for (uint32_t v : {6u, claimed, 0u, 0u})
        for (int i = 0; i < 4; ++i)
            bytes.push_back(static_cast<uint8_t>(v >> (8 * i)));
    const std::string path = write("long-block.pcapng", bytes);
    FILE* f = std::fopen(path.c_str(), "rb");
    ASSERT_NE(f, nullptr);
    PcapngFile ng(f);
    ASSERT_TRUE(ng.open()) << ng.error();
    PcapngFile::Record r;
    EXPECT_EQ(ng.next(r), PcapngFile::Next::Error);
    EXPECT_NE(ng.error().find("truncated block"), std::string::npos) << ng.error();
    EXPECT_LT(ng.buffer_bytes(), size_t{1} << 20);
    std::fclose(f);
}

TEST_F(PcapSourceTest, PcapngEveryTruncationAndEveryByteChangeIsSafe) {
    // Bad input never wins: any cut or damaged byte ends the file with an error or fewer packets
    // (checked for memory errors under the sanitizer build), never a crash or a hang.
    NgWriter w;
    w.section().interface(kEn10mb).interface(kLinktypeRaw).other();
    w.packet(0, 1700000000000001ull, pattern(1, 61)).packet(1, 1700000000000002ull, pattern(2, 40));
    w.simple(pattern(3, 22));
    const Bytes good = w.out();
    bool clean = false;
    ASSERT_EQ(ng_read_memory(good, clean), 3);
    ASSERT_TRUE(clean);
    for (size_t cut = 0; cut < good.size(); ++cut) {
        int n = ng_read_memory(Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut)), clean);
        EXPECT_LE(n, 3) << cut;
        if (cut % 4 != 0) {
            EXPECT_FALSE(clean) << "a cut inside a block is an error, at " << cut;
        }
    }
    for (size_t at = 0; at < good.size(); ++at)
        for (uint8_t v : {uint8_t{0x00}, uint8_t{0xff}, uint8_t{0x80}}) {
            Bytes bad = good;
            bad[at] = v;
            EXPECT_LE(ng_read_memory(bad, clean), 3) << at;
        }
}

/// A loopback (DLT_NULL) frame: the 4-byte address family, then the IP packet.
Bytes null_frame(const Bytes& ipPacket) {
    Bytes b = {2, 0, 0, 0};  // AF_INET, host order
    testing::append(b, ipPacket);
    return b;
}

TEST_F(PcapSourceTest, PcapngMixedLinkTypesThroughTheBinary) {
    using namespace testing;
    Ip4 a = ip4(10, 1, 0, 1), b = ip4(10, 1, 0, 2), c = ip4(10, 1, 0, 3);
    NgWriter w;
    w.section().interface(kEn10mb).interface(kLinktypeRaw).interface(kLinktypeNull);
    // One flow whose packets cross all three interfaces, and one seen only on the raw interface.
    w.packet(0, 1700000000000000ull, eth(0x0800, ipv4(a, b, 17, udp(40000, 7000, text("one")))));
    w.packet(1, 1700000000001000ull, ipv4(b, a, 17, udp(7000, 40000, text("two"))));
    w.packet(2, 1700000000002000ull, null_frame(ipv4(a, b, 17, udp(40000, 7000, text("three")))));
    w.packet(1, 1700000000003000ull, ipv4(c, b, 17, udp(40001, 7000, text("four"))));
    std::string path = write("mixed.pcapng", w.out());
    auto res = e2e::flowdex({"capture", "--no-db", "--json", "-", "-r", path});
    ASSERT_EQ(res.exitCode, 0) << res.describe();
    auto lines = e2e::split_lines(res.out);
    ASSERT_EQ(lines.size(), 2u) << res.out;
    for (const auto& line : lines) {
        auto j = nlohmann::json::parse(line);
        if (j["source"]["ip"] == "10.1.0.1") {
            EXPECT_EQ(j["network"]["packets"], 3);
            EXPECT_EQ(j["source"]["packets"], 2);
            EXPECT_EQ(j["ethertype"], 2048);  // the first packet came over Ethernet
        } else {
            EXPECT_EQ(j["source"]["ip"], "10.1.0.3");
            EXPECT_EQ(j["network"]["packets"], 1);
            EXPECT_FALSE(j.contains("ethertype"));
            EXPECT_FALSE(j["source"].contains("mac"));
        }
    }
}

}  // namespace pcap_source_test
}  // namespace flowdex::reader
