#pragma once
/// Classifier registry: what runs on the first payload of each direction of a session.
///
/// Three ways to match, as in Arkime:
/// - bytes at an offset of the first TCP (in-order), UDP or SCTP payload (empty bytes match all);
/// - a port, with kind bits saying which end and which transport (PORT_* below);
/// - the SCTP payload protocol id of a DATA chunk;
/// - the IP protocol number of a session without ports (SessionKind::OtherIp: OSPF, VRRP, …).
/// Registrations happen at start-up; after freeze() the registry is read-only and shared by all
/// packet threads. Byte classifiers are indexed by their first matching byte so the per-payload
/// cost does not grow with the number of classifiers.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace flowdex::session {
struct Session;
}

namespace flowdex::classify {

/// Port kind bits (arkime.PORT_*).
enum PortKind : uint8_t {
    kPortUdpSrc = 0x01,
    kPortUdpDst = 0x02,
    kPortTcpSrc = 0x04,
    kPortTcpDst = 0x08,
    kPortSctpSrc = 0x10,
    kPortSctpDst = 0x20,
};

enum class Transport : uint8_t { Tcp, Udp, Sctp };

/// `which`: 0 client→server, 1 server→client.
using ClassifyFn = void (*)(void* ctx, session::Session& s, const uint8_t* data, uint32_t len, int which);

struct Classifier {
    std::string name;
    uint32_t offset = 0;
    std::string match;  ///< bytes; empty matches every first payload
    ClassifyFn fn = nullptr;
    void* ctx = nullptr;
};

class ClassifierRegistry {
  public:
    /// Returns false (and ignores it) when the same name, offset and bytes are already registered.
    bool add(Transport t, Classifier c);
    bool add_port(std::string name, uint16_t port, uint8_t kindBits, ClassifyFn fn, void* ctx);
    bool add_sctp_protocol(std::string name, uint32_t ppid, ClassifyFn fn, void* ctx);
    /// `fn` runs on the first IP payload of each direction of a session of IP protocol `proto`.
    bool add_ip_protocol(std::string name, uint8_t proto, ClassifyFn fn, void* ctx);
    /// `fn` runs on the first payload of each direction of a session without IP whose frames carry
    /// `ethertype` (for OSI LLC frames, the NLPID: IS-IS is 0x83).
    bool add_ethertype(std::string name, uint16_t ethertype, ClassifyFn fn, void* ctx);

    /// Runs every classifier matching this first payload. `clientPort`/`serverPort` select the
    /// port classifiers. Payloads shorter than 2 bytes are not classified.
    void classify(Transport t, session::Session& s, const uint8_t* data, uint32_t len, int which, uint16_t clientPort,
                  uint16_t serverPort) const;
    void classify_sctp_protocol(session::Session& s, uint32_t ppid, const uint8_t* data, uint32_t len, int which) const;
    void classify_ip_protocol(session::Session& s, uint8_t proto, const uint8_t* data, uint32_t len, int which) const;
    void classify_ethertype(session::Session& s, uint16_t ethertype, const uint8_t* data, uint32_t len,
                            int which) const;

    bool empty() const { return count_ == 0; }
    size_t size() const { return count_; }
    void freeze() { frozen_ = true; }
    bool frozen() const { return frozen_; }

  private:
    struct PortEntry {
        std::string name;
        uint16_t port;
        uint8_t bits;
        ClassifyFn fn;
        void* ctx;
    };
    struct PpidEntry {
        std::string name;
        uint32_t ppid;
        ClassifyFn fn;
        void* ctx;
    };
    struct PerTransport {
        std::vector<Classifier> any;                       ///< empty match or offset > 0
        std::array<std::vector<Classifier>, 256> byFirst;  ///< offset 0, by first byte
    };
    std::array<PerTransport, 3> byTransport_;
    std::vector<PortEntry> ports_;
    std::vector<PpidEntry> ppids_;
    std::vector<PpidEntry> ipProtocols_;  ///< `ppid` holds the IP protocol number
    std::vector<PpidEntry> ethertypes_;   ///< `ppid` holds the ethertype (or NLPID)
    size_t count_ = 0;
    bool frozen_ = false;
};

}  // namespace flowdex::classify
