#include "decode/decoder.h"

#include "decode/ipv4/fragments.h"

namespace flowdex::decode {

const char* to_string(Outcome o) {
    switch (o) {
        case Outcome::Ok:
            return "ok";
        case Outcome::CorruptSession:
            return "corrupt (kept as session)";
        case Outcome::UnknownSession:
            return "unknown protocol (kept as session)";
        case Outcome::Truncated:
            return "truncated";
        case Outcome::BadHeader:
            return "bad header";
        case Outcome::UnknownLink:
            return "unsupported link type";
        case Outcome::Unsupported:
            return "unsupported";
        case Outcome::FragmentHeld:
            return "fragment held";
        case Outcome::FragmentDropped:
            return "fragment dropped";
        case Outcome::TooDeep:
            return "nested too deep";
        case Outcome::Dropped:
            return "dropped by handler";
        case Outcome::Count:
            break;
    }
    return "?";
}

Decoder::Decoder(const DecoderOptions& opts) : opts_(opts), frags_(std::make_unique<FragmentTable>(opts)) {
    register_builtin_layers(*this);
}

Decoder::~Decoder() = default;

void Decoder::set_udp_port_handler(uint16_t port, HandlerEntry h) {
    for (int i = 0; i < udpPortCount_; ++i) {
        if (udpPorts_[static_cast<size_t>(i)].port == port) {
            udpPorts_[static_cast<size_t>(i)].h = h;
            return;
        }
    }
    if (udpPortCount_ < static_cast<int>(udpPorts_.size())) udpPorts_[static_cast<size_t>(udpPortCount_++)] = {port, h};
}

PacketRC Decoder::decode(Packet& p) {
    outcome_ = Outcome::Ok;
    depth_ = 0;
    return finish(p, decode_link(p));
}

PacketRC Decoder::finish(Packet& p, PacketRC rc) {
    if (rc == PacketRC::DoProcess && p.kind != SessionKind::None) {
        stats_.add(outcome_ == Outcome::Ok ? Outcome::Ok : outcome_);
        return rc;
    }
    if (rc == PacketRC::Corrupt || rc == PacketRC::UnknownIp || rc == PacketRC::UnknownEther) {
        if (outcome_ == Outcome::TooDeep) {
            stats_.add(outcome_);
            return PacketRC::Corrupt;
        }
        if (p.ipOffset >= 0) {
            // An IP header with readable addresses was seen: keep the packet as a session on that pair.
            p.kind = SessionKind::OtherIp;
            p.kindName = rc == PacketRC::UnknownIp ? "unknown-ip" : "corrupt-ip";
            p.srcPort = p.dstPort = 0;
            p.payloadLen = 0;
            stats_.add(rc == PacketRC::UnknownIp ? Outcome::UnknownSession : Outcome::CorruptSession);
            return PacketRC::DoProcess;
        }
        if (rc == PacketRC::UnknownEther && p.etherOffset >= 0) {
            p.kind = SessionKind::Ether;
            p.kindName = "unknown-ether";
            p.keyMode = KeyMode::MacPairType;
            stats_.add(Outcome::UnknownSession);
            return PacketRC::DoProcess;
        }
        if (outcome_ == Outcome::Ok) outcome_ = rc == PacketRC::Corrupt ? Outcome::Truncated : Outcome::Unsupported;
        stats_.add(outcome_);
        return rc;
    }
    if (rc == PacketRC::DoProcess) {
        // A handler accepted the packet without naming a session (e.g. a script consumed it).
        if (outcome_ == Outcome::Ok) outcome_ = Outcome::Dropped;
    } else if (outcome_ == Outcome::Ok) {
        outcome_ = Outcome::Dropped;
    }
    stats_.add(outcome_);
    return rc == PacketRC::DoProcess ? PacketRC::DontProcess : rc;
}

PacketRC Decoder::run_ethernet(Packet& p, const uint8_t* data, uint32_t len, uint16_t ethertype) {
    if (depth_ >= kMaxDepth) {
        outcome_ = Outcome::TooDeep;
        return PacketRC::Corrupt;
    }
    const HandlerEntry& h = ether_[ethertype];
    p.ethertype = ethertype;
    if (!h.fn) return PacketRC::UnknownEther;
    ++depth_;
    PacketRC rc = h.fn(*this, p, data, len, h.ctx);
    --depth_;
    return rc;
}

PacketRC Decoder::run_ip(Packet& p, const uint8_t* data, uint32_t len, uint8_t proto) {
    if (depth_ >= kMaxDepth) {
        outcome_ = Outcome::TooDeep;
        return PacketRC::Corrupt;
    }
    const HandlerEntry& h = ip_[proto];
    if (!h.fn) return PacketRC::UnknownIp;
    ++depth_;
    PacketRC rc = h.fn(*this, p, data, len, h.ctx);
    --depth_;
    return rc;
}

PacketRC Decoder::run_udp_port(Packet& p, const uint8_t* data, uint32_t len, uint16_t port) {
    for (int i = 0; i < udpPortCount_; ++i) {
        const PortEntry& e = udpPorts_[static_cast<size_t>(i)];
        if (e.port != port) continue;
        if (depth_ >= kMaxDepth) {
            outcome_ = Outcome::TooDeep;
            return PacketRC::Corrupt;
        }
        ++depth_;
        PacketRC rc = e.h.fn(*this, p, data, len, e.h.ctx);
        --depth_;
        return rc;
    }
    return PacketRC::UnknownIp;
}

PacketRC Decoder::redecode(Packet& p, const uint8_t* data, uint32_t len) {
    Packet fresh;
    fresh.data = data;
    fresh.caplen = len;
    fresh.wirelen = len;
    fresh.tsUs = p.tsUs;
    fresh.clockUs = p.clockUs;
    fresh.readerPos = p.readerPos;
    fresh.fileIndex = p.fileIndex;
    fresh.linkType = p.linkType;
    fresh.wasfrag = true;
    fresh.copied = true;
    p = fresh;
    return decode_link(p);
}

}  // namespace flowdex::decode
