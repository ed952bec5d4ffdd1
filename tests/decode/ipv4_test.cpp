// IPv4: fragments reassembled through the Decoder, IP-in-IP, and the nesting limit.
#include <gtest/gtest.h>

#include <cstring>

#include "decode/frame_builder.h"
#include "decode/ipv4/fragments.h"
#include "decode/layers.h"

namespace flowdex::decode {
namespace ipv4_test {

using namespace flowdex::testing;

constexpr uint64_t kSec = 1000000;

/// A UDP datagram (8-byte header + 40 data bytes) cut into 16-byte pieces.
class Fragments : public ::testing::Test {
  protected:
    void SetUp() override {
        for (int i = 0; i < 40; ++i)
            data.push_back(static_cast<uint8_t>('a' + i % 26));
        datagram = udp(1111, 2222, data);
    }
    /// Piece `i` of `n` equal pieces of `piece` bytes; `last` has no MF.
    Bytes frag(size_t offset, size_t len, bool more, uint16_t extraFlags = 0, uint16_t id = 77) const {
        Ip4Opts o;
        o.id = id;
        o.frag = static_cast<uint16_t>((more ? 0x2000 : 0) | extraFlags | (offset / 8));
        Bytes slice(datagram.begin() + static_cast<std::ptrdiff_t>(offset),
                    datagram.begin() + static_cast<std::ptrdiff_t>(offset + len));
        return eth(0x0800, ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 17, slice, o));
    }
    Bytes piece(int i) const { return frag(static_cast<size_t>(i) * 16, 16, i < 2); }

    PacketRC feed(const Bytes& f, Packet& p, uint64_t ts = 5 * kSec) {
        p = packet_of(f, 1, ts);
        return d.decode(p);
    }
    void expect_whole(const Packet& p) {
        EXPECT_EQ(p.kind, SessionKind::Udp);
        EXPECT_TRUE(p.wasfrag);
        EXPECT_EQ(p.srcPort, 1111);
        EXPECT_EQ(p.dstPort, 2222);
        EXPECT_EQ(p.ipOffset, 14);
        EXPECT_EQ(p.l4Offset, 34);
        EXPECT_EQ(p.payloadLen, 40u);
        EXPECT_EQ(p.caplen, 14u + 20 + 48);
        EXPECT_EQ(std::memcmp(p.data + p.payloadOffset, data.data(), data.size()), 0);
        EXPECT_EQ(d.fragments().pending(), 0u);
    }
    void expect_held(PacketRC rc, const Packet& p) {
        EXPECT_EQ(rc, PacketRC::DontProcess);
        EXPECT_EQ(d.last_outcome(), Outcome::FragmentHeld);
        EXPECT_EQ(p.kind, SessionKind::None);
    }

    Decoder d;
    Bytes data, datagram;
};

TEST_F(Fragments, InOrder) {
    Packet p;
    Bytes a = piece(0), b = piece(1), c = piece(2);
    expect_held(feed(a, p), p);
    expect_held(feed(b, p), p);
    ASSERT_EQ(feed(c, p), PacketRC::DoProcess);
    expect_whole(p);
    EXPECT_EQ(d.stats().get(Outcome::FragmentHeld), 2u);
}

TEST_F(Fragments, OutOfOrder) {
    Packet p;
    Bytes a = piece(0), b = piece(1), c = piece(2);
    expect_held(feed(c, p), p);
    expect_held(feed(a, p), p);
    ASSERT_EQ(feed(b, p), PacketRC::DoProcess);
    expect_whole(p);
}

TEST_F(Fragments, MissingPieceIsHeldUntilItArrives) {
    Packet p;
    Bytes a = piece(0), b = piece(1), c = piece(2);
    expect_held(feed(a, p), p);
    expect_held(feed(c, p), p);
    EXPECT_EQ(d.fragments().pending(), 1u);
    ASSERT_EQ(feed(b, p), PacketRC::DoProcess);
    expect_whole(p);
}

// Arkime's walk requires each piece to start exactly where the previous one ended, so a second
// copy of a piece (sorted right after the first) reads as a hole: the datagram is never rebuilt
// and waits for fragsTimeout. flowdex keeps that behaviour (capture/packet.c, frags_process).
TEST_F(Fragments, DuplicateFirstPieceBlocksReassemblyLikeArkime) {
    Packet p;
    Bytes a = piece(0), b = piece(1), c = piece(2);
    expect_held(feed(a, p), p);
    expect_held(feed(a, p), p);
    expect_held(feed(b, p), p);
    expect_held(feed(c, p), p);
    EXPECT_EQ(d.fragments().pending(), 1u);
    EXPECT_EQ(d.fragments().dropped(), 0u);
}

// Arkime walks every queued piece, so a second copy of the final piece is a hole too. flowdex
// stops its walk at the first piece without MF and rebuilds the datagram: a divergence.
TEST_F(Fragments, DuplicateLastPieceBlocksReassemblyLikeArkime) {
    Packet p;
    Bytes a = piece(0), b = piece(1), c = piece(2);
    expect_held(feed(c, p), p);
    expect_held(feed(c, p), p);
    expect_held(feed(a, p), p);
    expect_held(feed(b, p), p);
    EXPECT_EQ(d.fragments().pending(), 1u);
}

TEST_F(Fragments, RepeatAfterCompletionStartsANewDatagram) {
    Packet p;
    Bytes a = piece(0), b = piece(1), c = piece(2);
    expect_held(feed(a, p), p);
    expect_held(feed(b, p), p);
    ASSERT_EQ(feed(c, p), PacketRC::DoProcess);
    expect_whole(p);
    // A late copy of a piece after the datagram completed is held as a new, incomplete datagram.
    expect_held(feed(b, p), p);
    EXPECT_EQ(d.fragments().pending(), 1u);
}

TEST_F(Fragments, DifferentIdsAreDifferentDatagrams) {
    Packet p;
    Bytes a = piece(0), b = piece(1);
    Bytes c = frag(32, 16, false, 0, 78);
    expect_held(feed(a, p), p);
    expect_held(feed(b, p), p);
    expect_held(feed(c, p), p);
    EXPECT_EQ(d.fragments().pending(), 2u);
}

TEST_F(Fragments, LastPieceWithDontFragmentNeverCompletes) {
    // Arkime only tries reassembly after a fragment with neither MF nor DF.
    Packet p;
    Bytes a = piece(0), b = piece(1), c = frag(32, 16, false, 0x4000);
    expect_held(feed(a, p), p);
    expect_held(feed(b, p), p);
    expect_held(feed(c, p), p);
}

TEST_F(Fragments, FiftyPiecesReassembleFiftyOneAreDropped) {
    // 50 pieces of 8 bytes each: the most one datagram may have.
    Bytes big;
    for (int i = 0; i < 50 * 8 - 8; ++i)
        big.push_back(static_cast<uint8_t>(i));
    datagram = udp(1111, 2222, big);
    ASSERT_EQ(datagram.size(), 400u);
    Packet p;
    for (int i = 0; i < 49; ++i) {
        Bytes f = frag(static_cast<size_t>(i) * 8, 8, true);
        expect_held(feed(f, p), p);
    }
    Bytes last = frag(49 * 8, 8, false);
    ASSERT_EQ(feed(last, p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Udp);
    EXPECT_EQ(p.payloadLen, 392u);

    // 51 pieces: the 51st drops the whole set.
    Bytes huge;
    for (int i = 0; i < 51 * 8 - 8; ++i)
        huge.push_back(static_cast<uint8_t>(i));
    datagram = udp(1111, 2222, huge);
    for (int i = 0; i < 50; ++i) {
        Bytes f = frag(static_cast<size_t>(i) * 8, 8, true, 0, 99);
        expect_held(feed(f, p), p);
    }
    Bytes f51 = frag(50 * 8, 8, false, 0, 99);
    EXPECT_EQ(feed(f51, p), PacketRC::DontProcess);
    EXPECT_EQ(d.last_outcome(), Outcome::FragmentDropped);
    EXPECT_EQ(p.kind, SessionKind::None);
    EXPECT_EQ(d.fragments().pending(), 0u);
    EXPECT_EQ(d.fragments().dropped(), 1u);
    EXPECT_EQ(d.stats().get(Outcome::FragmentDropped), 1u);
}

TEST_F(Fragments, OldPiecesTimeOut) {
    Packet p;
    Bytes a = piece(0), b = piece(1), c = piece(2);
    expect_held(feed(a, p, 1000 * kSec), p);
    expect_held(feed(b, p, 1481 * kSec), p);  // 1000 + 480 < 1481: the first piece is gone
    expect_held(feed(c, p, 1481 * kSec), p);
    EXPECT_EQ(d.fragments().dropped(), 1u);
}

TEST_F(Fragments, PiecesWithinTheTimeoutComplete) {
    Packet p;
    Bytes a = piece(0), b = piece(1), c = piece(2);
    expect_held(feed(a, p, 1000 * kSec), p);
    expect_held(feed(b, p, 1480 * kSec), p);
    ASSERT_EQ(feed(c, p, 1480 * kSec), PacketRC::DoProcess);
    expect_whole(p);
    EXPECT_EQ(p.tsUs, 1480 * kSec);
}

TEST(Ipv4Decode, IpInIpKeepsOuterOffset) {
    Decoder d;
    Bytes inner = ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 6, tcp(1234, 80, 1, 0, tcpflag::kSyn));
    Bytes f = eth(0x0800, ipv4(ip4(192, 0, 2, 1), ip4(192, 0, 2, 2), 4, inner));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Tcp);
    EXPECT_EQ(p.outerIpOffset, 14);
    EXPECT_EQ(p.ipOffset, 34);
    EXPECT_EQ(p.l4Offset, 54);
    EXPECT_EQ(p.ipProtocol, 6);
    EXPECT_EQ(p.tunnel, 0);  // plain IP-in-IP adds no tunnel name
}

TEST(Ipv4Decode, Ipv6InIpv4) {
    Decoder d;
    Bytes inner = ipv6(ip6(1), ip6(2), 17, udp(5000, 53, text("abcdef")));
    Bytes f = eth(0x0800, ipv4(ip4(192, 0, 2, 1), ip4(192, 0, 2, 2), 41, inner));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Udp);
    EXPECT_TRUE(p.v6);
    EXPECT_FALSE(p.outerv6);
    EXPECT_EQ(p.outerIpOffset, 14);
    EXPECT_EQ(p.ipOffset, 34);
    EXPECT_EQ(p.payloadLen, 6u);
}

TEST(Ipv4Decode, BadInnerIpKeepsOuterPairAsCorruptIp) {
    Decoder d;
    Bytes inner = zeros(12, 0x45);  // too short for an IPv4 header
    Bytes f = eth(0x0800, ipv4(ip4(192, 0, 2, 1), ip4(192, 0, 2, 2), 4, inner));
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::OtherIp);
    EXPECT_STREQ(p.kindName, "corrupt-ip");
    EXPECT_EQ(p.ipOffset, 14);
    EXPECT_EQ(p.ipProtocol, 4);
}

Bytes nested_ipip(int headers) {
    Bytes b = tcp(1234, 80, 1, 0, tcpflag::kSyn);
    for (int i = 0; i < headers; ++i) {
        uint8_t proto = i == 0 ? 6 : 4;
        b = ipv4(ip4(10, 0, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)), ip4(10, 1, 0, 1), proto, b);
    }
    return eth(0x0800, b);
}

TEST(Ipv4Decode, ThreeNestedHeadersDecode) {
    Decoder d;
    Bytes f = nested_ipip(3);
    Packet p = packet_of(f);
    ASSERT_EQ(d.decode(p), PacketRC::DoProcess);
    EXPECT_EQ(p.kind, SessionKind::Tcp);
    EXPECT_EQ(p.ipOffset, 14 + 40);
    EXPECT_EQ(p.outerIpOffset, 14 + 20);
}

TEST(Ipv4Decode, NestingDeeperThanMaxDepthIsCorrupt) {
    Decoder d;
    Bytes f = nested_ipip(13);
    Packet p = packet_of(f);
    EXPECT_EQ(d.decode(p), PacketRC::Corrupt);
    EXPECT_EQ(d.last_outcome(), Outcome::TooDeep);
    EXPECT_EQ(p.kind, SessionKind::None);
    EXPECT_EQ(d.stats().get(Outcome::TooDeep), 1u);
    EXPECT_EQ(d.depth(), 0);  // unwound

    // The decoder is usable afterwards.
    Bytes ok = eth_tcp4();
    Packet q = packet_of(ok);
    EXPECT_EQ(d.decode(q), PacketRC::DoProcess);
}

TEST(Ipv4Decode, ThousandsOfNestedHeadersDoNotRecurseDeeply) {
    Decoder d;
    Bytes f = nested_ipip(3000);  // 60 kB of headers
    Packet p = packet_of(f);
    EXPECT_EQ(d.decode(p), PacketRC::Corrupt);
    EXPECT_EQ(d.last_outcome(), Outcome::TooDeep);
}

}  // namespace ipv4_test
}  // namespace flowdex::decode
