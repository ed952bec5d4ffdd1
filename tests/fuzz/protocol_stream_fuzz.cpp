// libFuzzer target: arbitrary application payloads through the built-in classifiers and parsers.
//
// One binary serves every protocol folder: the environment variable FLOWDEX_FUZZ_ONLY=<folder>
// registers only that folder's protocol (plus the ntlm fields, which carriers share), so every input
// is spent on its classifiers and parsers; unset, every protocol is registered. FLOWDEX_FUZZ_ONLY=ntlm
// also adds a classifier that attaches the NTLMSSP scanner to every session. FLOWDEX_FUZZ_ONLY=list
// prints the folder names and exits (tests/fuzz/run reads its target list from it). Linking the
// sanitized engine once, instead of once per folder, keeps the CI build short.
//
// Input layout:
//   byte 0      bits 0-1 transport (0 TCP, 1 UDP, 2 SCTP, 3 TCP), bits 2-4 the parser budget
//               (0: the default maxParserBuffer, k: kBudgets[k], so refusals are fuzzed too),
//               bit 7 the server speaks first
//   bytes 1-2   server port, big-endian (the client uses 40000)
//   byte 3      SCTP payload protocol id of the DATA chunks
//   then pieces, each: u8 flags (bit 0 direction: 0 client→server), u16 big-endian length,
//   `length` bytes (a short last piece is cut to what is left).
// For TCP the session opens with a handshake and each piece is one in-order segment, so payloads
// reach the stream parsers split wherever the input says; for UDP each piece is one datagram, for
// SCTP one DATA chunk. The frames (Ethernet/IPv4) go through decode::Decoder and
// session::FlowTable; the saved records are built with session::RecordBuilder. A session freed
// while its parsers' buffers still count bytes (TableStats::parserHeldAtFree) is a crash.
// tests/fuzz/run builds these and seeds them with the first payloads of the corpus captures.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "classify/classifier.h"
#include "decode/decoder.h"
#include "fields/field_registry.h"
#include "protocols/adb/adb.h"
#include "protocols/bacnet/bacnet.h"
#include "protocols/bgp/bgp.h"
#include "protocols/c1222/c1222.h"
#include "protocols/dcerpc/dcerpc.h"
#include "protocols/dhcp/dhcp.h"
#include "protocols/diameter/diameter.h"
#include "protocols/dnp3/dnp3.h"
#include "protocols/dns/dns.h"
#include "protocols/ftp/ftp.h"
#include "protocols/http/http.h"
#include "protocols/ics/ics.h"
#include "protocols/imap/imap.h"
#include "protocols/irc/irc.h"
#include "protocols/isakmp/isakmp.h"
#include "protocols/krb5/krb5.h"
#include "protocols/ldap/ldap.h"
#include "protocols/modbus/modbus.h"
#include "protocols/mqtt/mqtt.h"
#include "protocols/mysql/mysql.h"
#include "protocols/ntlm/ntlm.h"
#include "protocols/ntp/ntp.h"
#include "protocols/openvpn/openvpn.h"
#include "protocols/opcua/opcua.h"
#include "protocols/oracle/oracle.h"
#include "protocols/postgresql/postgresql.h"
#include "protocols/protocols.h"
#include "protocols/ptp/ptp.h"
#include "protocols/quic/gquic.h"
#include "protocols/quic/initial.h"
#include "protocols/radius/radius.h"
#include "protocols/rdp/rdp.h"
#include "protocols/signatures/signatures.h"
#include "protocols/sigtran/sigtran.h"
#include "protocols/sip/sip.h"
#include "protocols/smb/smb.h"
#include "protocols/smtp/smtp.h"
#include "protocols/snmp/snmp.h"
#include "protocols/socks/socks.h"
#include "protocols/ssdp/ssdp.h"
#include "protocols/ssh/ssh.h"
#include "protocols/stun/stun.h"
#include "protocols/synchrophasor/synchrophasor.h"
#include "protocols/tds/tds.h"
#include "protocols/tftp/tftp.h"
#include "protocols/tls/tls.h"
#include "session/flow_table.h"
#include "session/hooks.h"
#include "session/record.h"

namespace {

using namespace flowdex;

/// The protocol folder this run drives (FLOWDEX_FUZZ_ONLY); empty: all of them.
std::string_view only_folder() {
    const char* v = std::getenv("FLOWDEX_FUZZ_ONLY");
    return v ? std::string_view(v) : std::string_view();
}

using RegisterFn = void (*)(protocols::Registries&);
struct Folder {
    std::string_view name;
    RegisterFn fn;
};
constexpr Folder kFolders[] = {
    {"adb", protocols::register_adb},
    {"bacnet", protocols::register_bacnet},
    {"bgp", protocols::register_bgp},
    {"c1222", protocols::register_c1222},
    {"dcerpc", protocols::register_dcerpc},
    {"dhcp", protocols::register_dhcp},
    {"diameter",
     [](protocols::Registries& r) {
         protocols::register_signatures(r);  // names the sessions this parser attaches to
         protocols::register_diameter(r);
     }},
    {"dnp3", protocols::register_dnp3},
    {"dns", [](protocols::Registries& r) { protocols::register_dns(r); }},
    {"ftp", protocols::register_ftp},
    {"http", [](protocols::Registries& r) { protocols::register_http(r); }},
    {"ics", protocols::register_ics},
    {"imap", protocols::register_imap},
    {"irc", protocols::register_irc},
    {"isakmp",
     [](protocols::Registries& r) {
         protocols::register_signatures(r);  // names the sessions this parser attaches to
         protocols::register_isakmp(r);
     }},
    {"krb5", protocols::register_krb5},
    {"ldap", protocols::register_ldap},
    {"modbus", protocols::register_modbus},
    {"mqtt", protocols::register_mqtt},
    {"mysql", protocols::register_mysql},
    {"ntlm", [](protocols::Registries&) {}},  // the fields come with every target; see force_ntlm
    {"ntp", protocols::register_ntp},
    {"openvpn",
     [](protocols::Registries& r) {
         protocols::register_openvpn(r);
         protocols::register_signatures(r);  // names openvpn
     }},
    {"opcua",
     [](protocols::Registries& r) {
         protocols::register_signatures(r);  // names the sessions this parser attaches to
         protocols::register_opcua(r);
     }},
    {"oracle", protocols::register_oracle},
    {"postgresql", protocols::register_postgresql},
    {"ptp", protocols::register_ptp},
    {"quic",
     [](protocols::Registries& r) {
         protocols::register_tls(r);  // QUIC Initials carry a TLS ClientHello
         protocols::register_gquic(r);
         protocols::register_quic_initial(r);
     }},
    {"radius",
     [](protocols::Registries& r) {
         protocols::register_signatures(r);  // names the sessions this parser attaches to
         protocols::register_radius(r);
     }},
    {"rdp", protocols::register_rdp},
    {"signatures", protocols::register_signatures},
    {"sigtran", protocols::register_sigtran},
    {"sip",
     [](protocols::Registries& r) {
         protocols::register_signatures(r);  // names the sessions this parser attaches to
         protocols::register_sip(r);
     }},
    {"smb", protocols::register_smb},
    {"smtp", protocols::register_smtp},
    {"snmp",
     [](protocols::Registries& r) {
         protocols::register_signatures(r);  // names the sessions this parser attaches to
         protocols::register_snmp(r);
     }},
    {"socks", protocols::register_socks},
    {"ssdp",
     [](protocols::Registries& r) {
         protocols::register_signatures(r);  // names the sessions this parser attaches to
         protocols::register_ssdp(r);
     }},
    {"ssh", protocols::register_ssh},
    {"stun",
     [](protocols::Registries& r) {
         protocols::register_signatures(r);  // names the sessions this parser attaches to
         protocols::register_stun(r);
     }},
    {"synchrophasor", protocols::register_synchrophasor},
    {"tds",
     [](protocols::Registries& r) {
         protocols::register_signatures(r);  // names the sessions this parser attaches to
         protocols::register_tds(r);
     }},
    {"tftp", protocols::register_tftp},
    {"tls",
     [](protocols::Registries& r) {
         protocols::register_tls(r);
         protocols::register_dtls(r);
     }},
};

/// The folder named `name`; an unknown name ends the run with a message.
const Folder* find_folder(std::string_view name) {
    const Folder* f =
        std::find_if(std::begin(kFolders), std::end(kFolders), [&](const Folder& x) { return x.name == name; });
    if (f == std::end(kFolders)) {
        std::fprintf(stderr, "FLOWDEX_FUZZ_ONLY=%.*s: no such protocol folder\n", int(name.size()), name.data());
        std::exit(2);
    }
    return f;
}

/// fuzz_ntlm: every first payload attaches the NTLMSSP scanner, as a carrier's classifier would.
void force_ntlm(void*, session::Session& s, const uint8_t*, uint32_t, int) {
    protocols::ntlm::attach(s);
}

enum class Transport : uint8_t { Tcp, Udp, Sctp };
constexpr size_t kHeader = 4;  ///< flags, server port, SCTP payload protocol id
/// Parser budgets picked by bits 2-4 of the first byte (index 0: the default).
constexpr uint32_t kBudgets[8] = {
    session::TableSettings::kDefaultMaxParserBuffer, 8, 64, 256, 1024, 4096, 16384, 65536};

struct Globals {
    fields::FieldRegistry registry;
    classify::ClassifierRegistry classifiers;
    session::HookRegistry hooks;
    session::CoreFields core;
    Globals() {
        core = session::CoreFields::resolve(registry);
        protocols::Registries r{registry, classifiers, hooks};
        const std::string_view only = only_folder();
        if (only.empty()) {
            protocols::register_builtin_protocols(r);
        } else {
            protocols::register_ntlm(r);
            find_folder(only)->fn(r);
            if (only == "ntlm") {
                for (classify::Transport t : {classify::Transport::Tcp, classify::Transport::Udp})
                    classifiers.add(t, classify::Classifier{"fuzz-ntlm", 0, "", force_ntlm, nullptr});
            }
        }
        registry.freeze();
        classifiers.freeze();
    }
};

struct Sink final : session::SessionSink {
    Sink(const session::Context& ctx, const session::RecordOptions& opts) : builder(ctx, opts) {}
    void write_session(session::Session& s, bool final) override {
        store::SessionRecord rec;
        builder.build(s, final, 0x5eed, 1, rec);
        if (!rec.json.empty() && !nlohmann::json::accept(rec.json)) __builtin_trap();
    }
    session::RecordBuilder builder;
};

void put16(std::vector<uint8_t>& f, size_t at, uint32_t v) {
    f[at] = static_cast<uint8_t>(v >> 8);
    f[at + 1] = static_cast<uint8_t>(v);
}
void put32(std::vector<uint8_t>& f, size_t at, uint32_t v) {
    put16(f, at, v >> 16);
    put16(f, at + 2, v & 0xffff);
}

/// Ethernet + IPv4 + TCP/UDP/SCTP frame from `fromClient`'s side. For TCP `seq`/`ack` are the
/// sequence numbers, for SCTP `seq` is the TSN and `ack` the payload protocol id.
std::vector<uint8_t> frame(Transport tr, bool fromClient, uint16_t serverPort, uint32_t seq, uint32_t ack,
                           uint8_t flags, const uint8_t* payload, size_t len) {
    constexpr size_t kEth = 14, kIp = 20, kSctpData = 16;
    const size_t l4 = tr == Transport::Udp ? 8 : tr == Transport::Sctp ? 12 + kSctpData : 20;
    const size_t pad = tr == Transport::Sctp ? (4 - len % 4) % 4 : 0;
    std::vector<uint8_t> f(kEth + kIp + l4 + len + pad, 0);
    f[12] = 0x08;  // IPv4
    uint8_t* ip = f.data() + kEth;
    ip[0] = 0x45;
    put16(f, kEth + 2, static_cast<uint32_t>(kIp + l4 + len + pad));
    ip[8] = 64;
    ip[9] = tr == Transport::Udp ? 17 : tr == Transport::Sctp ? 132 : 6;
    const uint8_t client[4] = {10, 0, 0, 1}, server[4] = {10, 0, 0, 2};
    std::memcpy(ip + 12, fromClient ? client : server, 4);
    std::memcpy(ip + 16, fromClient ? server : client, 4);
    const size_t t = kEth + kIp;
    put16(f, t, fromClient ? 40000 : serverPort);
    put16(f, t + 2, fromClient ? serverPort : 40000);
    if (tr == Transport::Udp) {
        put16(f, t + 4, static_cast<uint32_t>(8 + len));
    } else if (tr == Transport::Sctp) {
        put32(f, t + 4, 0x11111111);  // verification tag; the checksum stays 0
        f[t + 12] = 0;                // DATA
        f[t + 13] = 0x03;             // beginning and end of a message
        put16(f, t + 14, static_cast<uint32_t>(kSctpData + len));
        put32(f, t + 16, seq);
        put32(f, t + 24, ack);
    } else {
        put32(f, t + 4, seq);
        put32(f, t + 8, ack);
        f[t + 12] = 0x50;
        f[t + 13] = flags;
        put16(f, t + 14, 65535);
    }
    if (len) std::memcpy(f.data() + t + l4, payload, len);
    return f;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const std::string_view only = only_folder();
    if (only == "list") {
        for (const Folder& f : kFolders)
            std::printf("%.*s\n", int(f.name.size()), f.name.data());
        std::exit(0);
    }
    if (!only.empty()) find_folder(only);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Globals* g = new Globals();
    if (size < kHeader) return 0;
    constexpr Transport kTransports[] = {Transport::Tcp, Transport::Udp, Transport::Sctp, Transport::Tcp};
    const Transport tr = kTransports[data[0] & 3];
    const bool serverFirst = (data[0] & 0x80) != 0;
    const uint16_t port = static_cast<uint16_t>((data[1] << 8) | data[2]);
    const uint32_t ppid = data[3];

    session::Context ctx;
    ctx.settings.maxParserBuffer = kBudgets[(data[0] >> 2) & 7];
    ctx.registry = &g->registry;
    ctx.classifiers = &g->classifiers;
    ctx.hooks = &g->hooks;
    ctx.core = g->core;
    decode::Decoder decoder(decode::DecoderOptions{});
    session::RecordOptions ropts;
    Sink sink(ctx, ropts);
    session::FlowTable table(ctx, sink);

    std::vector<std::unique_ptr<uint8_t[]>> keep;  // frames live until the end, each its exact size
    uint64_t ts = 1700000000ull * 1000000ull;
    auto send = [&](const std::vector<uint8_t>& f) {
        keep.push_back(std::make_unique<uint8_t[]>(f.size()));
        std::memcpy(keep.back().get(), f.data(), f.size());
        Packet p;
        p.data = keep.back().get();
        p.caplen = p.wirelen = static_cast<uint32_t>(f.size());
        p.clockUs = ts;
        p.tsUs = ts += 1000;
        p.linkType = 1;
        if (decoder.decode(p) == PacketRC::DoProcess) table.process(p);
    };
    constexpr uint8_t kSyn = 0x02, kAck = 0x10, kPsh = 0x08;
    uint32_t seq[2] = {1000, 5000};
    if (tr == Transport::Tcp) {
        send(frame(tr, true, port, seq[0]++, 0, kSyn, nullptr, 0));
        send(frame(tr, false, port, seq[1]++, seq[0], kSyn | kAck, nullptr, 0));
        send(frame(tr, true, port, seq[0], seq[1], kAck, nullptr, 0));
    }
    size_t off = kHeader;
    bool first = true;
    while (off + 3 <= size) {
        bool fromClient = (data[off] & 1) == 0;
        if (first && serverFirst) fromClient = false;
        first = false;
        constexpr size_t kMaxPiece = 65000;  // the frame's IPv4 total length stays in 16 bits
        size_t len = std::min({(size_t{data[off + 1]} << 8) | data[off + 2], size - off - 3, kMaxPiece});
        off += 3;
        const int dir = fromClient ? 0 : 1;
        if (tr == Transport::Sctp) {
            send(frame(tr, fromClient, port, seq[dir]++, ppid, 0, data + off, len));
        } else {
            send(frame(tr, fromClient, port, seq[dir], seq[1 - dir], kAck | kPsh, data + off, len));
            seq[dir] += static_cast<uint32_t>(len);
        }
        off += len;
    }
    table.flush_all();
    if (table.stats().parserHeldAtFree != 0) __builtin_trap();
    return 0;
}
