#include "classify/classifier.h"

#include <cstring>

namespace flowdex::classify {
namespace {
constexpr uint32_t kMinPayload = 2;

bool same(const Classifier& a, const Classifier& b) {
    return a.name == b.name && a.offset == b.offset && a.match == b.match;
}

bool matches(const Classifier& c, const uint8_t* data, uint32_t len) {
    if (c.match.empty()) return true;
    if (c.offset + c.match.size() > len) return false;
    return std::memcmp(data + c.offset, c.match.data(), c.match.size()) == 0;
}

uint8_t src_bit(Transport t) {
    return t == Transport::Tcp ? kPortTcpSrc : t == Transport::Udp ? kPortUdpSrc : kPortSctpSrc;
}
uint8_t dst_bit(Transport t) {
    return t == Transport::Tcp ? kPortTcpDst : t == Transport::Udp ? kPortUdpDst : kPortSctpDst;
}
}  // namespace

bool ClassifierRegistry::add(Transport t, Classifier c) {
    PerTransport& pt = byTransport_[static_cast<size_t>(t)];
    auto& list = (c.offset == 0 && !c.match.empty()) ? pt.byFirst[static_cast<uint8_t>(c.match[0])] : pt.any;
    for (const Classifier& e : list)
        if (same(e, c)) return false;
    list.push_back(std::move(c));
    ++count_;
    return true;
}

bool ClassifierRegistry::add_port(std::string name, uint16_t port, uint8_t kindBits, ClassifyFn fn, void* ctx) {
    if (kindBits == 0) return false;
    for (const PortEntry& e : ports_)
        if (e.name == name && e.port == port && e.bits == kindBits) return false;
    ports_.push_back({std::move(name), port, kindBits, fn, ctx});
    ++count_;
    return true;
}

bool ClassifierRegistry::add_sctp_protocol(std::string name, uint32_t ppid, ClassifyFn fn, void* ctx) {
    for (const PpidEntry& e : ppids_)
        if (e.name == name && e.ppid == ppid) return false;
    ppids_.push_back({std::move(name), ppid, fn, ctx});
    ++count_;
    return true;
}

void ClassifierRegistry::classify(Transport t, session::Session& s, const uint8_t* data, uint32_t len, int which,
                                  uint16_t clientPort, uint16_t serverPort) const {
    if (len < kMinPayload || count_ == 0) return;
    const PerTransport& pt = byTransport_[static_cast<size_t>(t)];
    for (const Classifier& c : pt.byFirst[data[0]])
        if (matches(c, data, len)) c.fn(c.ctx, s, data, len, which);
    for (const Classifier& c : pt.any)
        if (matches(c, data, len)) c.fn(c.ctx, s, data, len, which);
    for (const PortEntry& e : ports_) {
        if (((e.bits & src_bit(t)) && e.port == clientPort) || ((e.bits & dst_bit(t)) && e.port == serverPort))
            e.fn(e.ctx, s, data, len, which);
    }
}

bool ClassifierRegistry::add_ip_protocol(std::string name, uint8_t proto, ClassifyFn fn, void* ctx) {
    for (const PpidEntry& e : ipProtocols_)
        if (e.name == name && e.ppid == proto) return false;
    ipProtocols_.push_back({std::move(name), proto, fn, ctx});
    ++count_;
    return true;
}

void ClassifierRegistry::classify_ip_protocol(session::Session& s, uint8_t proto, const uint8_t* data, uint32_t len,
                                              int which) const {
    for (const PpidEntry& e : ipProtocols_)
        if (e.ppid == proto) e.fn(e.ctx, s, data, len, which);
}

bool ClassifierRegistry::add_ethertype(std::string name, uint16_t ethertype, ClassifyFn fn, void* ctx) {
    for (const PpidEntry& e : ethertypes_)
        if (e.name == name && e.ppid == ethertype) return false;
    ethertypes_.push_back({std::move(name), ethertype, fn, ctx});
    ++count_;
    return true;
}

void ClassifierRegistry::classify_ethertype(session::Session& s, uint16_t ethertype, const uint8_t* data, uint32_t len,
                                            int which) const {
    for (const PpidEntry& e : ethertypes_)
        if (e.ppid == ethertype) e.fn(e.ctx, s, data, len, which);
}

void ClassifierRegistry::classify_sctp_protocol(session::Session& s, uint32_t ppid, const uint8_t* data, uint32_t len,
                                                int which) const {
    for (const PpidEntry& e : ppids_)
        if (e.ppid == ppid) e.fn(e.ctx, s, data, len, which);
}

}  // namespace flowdex::classify
