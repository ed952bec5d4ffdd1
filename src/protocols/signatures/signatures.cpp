#include "protocols/signatures/signatures.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "protocols/ntlm/ntlm.h"
#include "session/flow_table.h"
#include "session/session.h"

namespace flowdex::protocols::signatures {
namespace {
using classify::kPortSctpDst;
using classify::kPortSctpSrc;
using classify::kPortTcpDst;
using classify::kPortTcpSrc;
using classify::kPortUdpDst;
using classify::kPortUdpSrc;
using session::Session;

constexpr uint8_t kUdpAny = kPortUdpSrc | kPortUdpDst;
constexpr uint8_t kTcpAny = kPortTcpSrc | kPortTcpDst;
constexpr uint8_t kSctpAny = kPortSctpSrc | kPortSctpDst;
constexpr uint8_t kAnyEnd = kUdpAny | kTcpAny | kSctpAny;

constexpr uint32_t be16(const uint8_t* p) {
    return uint32_t(p[0]) << 8 | p[1];
}
constexpr uint32_t le16(const uint8_t* p) {
    return uint32_t(p[1]) << 8 | p[0];
}
constexpr uint32_t be24(const uint8_t* p) {
    return uint32_t(p[0]) << 16 | uint32_t(p[1]) << 8 | p[2];
}
constexpr uint32_t le24(const uint8_t* p) {
    return uint32_t(p[2]) << 16 | uint32_t(p[1]) << 8 | p[0];
}
constexpr uint32_t be32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | be24(p + 1);
}
constexpr uint32_t le32(const uint8_t* p) {
    return uint32_t(p[3]) << 24 | le24(p);
}

bool contains(const uint8_t* data, uint32_t len, std::string_view needle, uint32_t from = 0) {
    if (from >= len) return false;
    std::string_view hay(reinterpret_cast<const char*>(data) + from, len - from);
    return hay.find(needle) != std::string_view::npos;
}
bool is_tcp(const Session& s) {
    return s.ipProtocol == 6;
}
bool has_port(const Session& s, uint16_t p) {
    return s.port[0] == p || s.port[1] == p;
}

/// BER tag+length at `off`; returns the content offset or 0 on error (`clen` gets the length).
uint32_t ber(const uint8_t* d, uint32_t len, uint32_t off, uint8_t& tag, uint32_t& clen) {
    if (off + 2 > len) return 0;
    tag = d[off];
    uint32_t l = d[off + 1], p = off + 2;
    if (l & 0x80) {
        uint32_t n = l & 0x7f;
        if (n == 0 || n > 4 || p + n > len) return 0;
        l = 0;
        for (uint32_t i = 0; i < n; ++i)
            l = l << 8 | d[p++];
    }
    clen = l;
    return p;
}

// ------------------------------------------------------------------ probes

bool smtp_banner_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return contains(d, len, "SMTP") && !contains(d, len, "LMTP");
}
bool ftp_banner_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return !contains(d, len, "SMTP") && !contains(d, len, "LMTP");
}
bool snmp_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    uint8_t tag;
    uint32_t clen;
    uint32_t p = ber(d, len, 0, tag, clen);
    if (!p || tag != 0x30 || clen < 16) return false;
    p = ber(d, len, p, tag, clen);
    return p && tag == 0x02 && clen == 1 && p < len && (d[p] <= 1 || d[p] == 3);  // v1, v2c, v3
}
/// SOCKS is named on the server's reply, checked against the client's request (payload8[0]).
bool socks4_probe(const Session& s, const uint8_t*, uint32_t len, int which) {
    const uint8_t* c = s.payload8[0];
    return which == 1 && len == 8 && s.payload8Len[0] == 8 && c[0] == 4 && (c[1] == 1 || c[1] == 2);
}
bool socks5_probe(const Session& s, const uint8_t* d, uint32_t len, int which) {
    const uint8_t* c = s.payload8[0];
    uint32_t n = s.payload8Len[0];
    if (which != 1 || len != 2 || d[1] > 2 || n < 3 || c[0] != 5 || c[1] == 0) return false;
    return n == 8 || n == 2u + c[1];
}
bool bacnet_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 4 && d[1] <= 0x0b && be16(d + 2) == len;
}
bool mqtt_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    uint32_t off = (d[1] & 0x80) ? 5 : 4;  // remaining length: 1 or 2 bytes
    return len >= off + 6 && d[off] == 'M' && d[off + 1] == 'Q';
}
bool modbus_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 8 && d[2] == 0 && d[3] == 0 && be16(d + 4) >= 2 && be16(d + 4) + 6 <= len;
}
bool gquic_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 13 && (d[0] & 0x08);
}
bool ldap_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    uint8_t tag;
    uint32_t clen;
    uint32_t p = ber(d, len, 0, tag, clen);
    if (!p || tag != 0x30) return false;
    p = ber(d, len, p, tag, clen);
    if (!p || tag != 0x02 || clen == 0 || clen > 4 || p + clen >= len) return false;
    uint8_t op = d[p + clen];
    return (op & 0xe0) == 0x60 || op == 0x42 || op == 0x50;  // application class: bind…extended, unbind, abandon
}
bool adb_cnxn_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 24 && d[20] == uint8_t(~'C') && d[21] == uint8_t(~'N') && d[22] == uint8_t(~'X') &&
           d[23] == uint8_t(~'N');
}
bool adb_host_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 9 && std::all_of(d, d + 4, [](uint8_t c) { return std::isxdigit(c) != 0; });
}
bool stun_probe(const Session& s, const uint8_t* d, uint32_t len, int) {
    if (len < 20) return false;
    bool cookie = std::memcmp(d + 4, "\x21\x12\xa4\x42", 4) == 0;
    if (is_tcp(s)) return cookie && 20 + be16(d + 2) <= len;
    if (20 + be16(d + 2) != len) return false;
    return cookie || (d[1] == 1 && len > 25 && d[23] + 24u == len);
}
bool stun_rsp_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return contains(d, len, "STUN", 7);
}
bool nbns_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 13 && d[12] == 0x20 && be16(d + 4) <= 1 && be16(d + 6) <= 1;
}
bool nbds_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 10 && d[0] >= 0x10 && d[0] <= 0x16;
}
bool nbds_smb_probe(const Session& s, const uint8_t* d, uint32_t len, int w) {
    return nbds_probe(s, d, len, w) && contains(d, len, "\xffSMB");
}
bool radius_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    uint8_t code = d[0];
    bool known = (code >= 1 && code <= 5) || (code >= 11 && code <= 13) || (code >= 40 && code <= 45);
    return known && len >= 20 && be16(d + 2) >= 20 && be16(d + 2) <= len;
}
bool dhcpv6_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 4 && d[0] >= 1 && d[0] <= 35;
}
bool dhcp_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 256 && (d[0] == 1 || d[0] == 2) && std::memcmp(d + 236, "\x63\x82\x53\x63", 4) == 0;
}
bool netflow_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    uint32_t v = be16(d), n = len >= 4 ? be16(d + 2) : 0;
    if (v == 1) return n >= 1 && n <= 30 && len == 16 + n * 48;
    if (v == 5 || v == 7) return n >= 1 && n <= 30 && len >= 24 + n * 44;
    return v == 9 && len >= 20 && n > 0;
}
bool ipfix_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 16 && be16(d) == 10 && be16(d + 2) == len;
}
bool sflow_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    uint32_t v = len >= 8 ? be32(d) : 0, at = len >= 8 ? be32(d + 4) : 0;
    return (v == 2 || v == 4 || v == 5) && (at == 1 || at == 2);
}
bool imap_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return contains(d, len, "IMAP", 5);
}
bool s7comm_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 8 && be16(d + 2) <= len && d[4] == 2 && d[5] == 0xf0 && d[7] == 0x32;
}
bool rdp_probe(const Session& s, const uint8_t* d, uint32_t len, int) {
    if (len <= 11 || d[3] > len || d[4] != d[3] - 5 || d[5] != 0xe0) return false;
    return std::memcmp(d + 11, "Cookie: ", 8) == 0 || has_port(s, 3389);
}
bool irc_user_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return contains(d, len, " +iw ") || contains(d, len, "\nNICK ");
}
bool irc_server_probe(const Session&, const uint8_t* d, uint32_t len, int which) {
    if (which != 1) return false;
    const char* sp = static_cast<const char*>(std::memchr(d, ' ', std::min<uint32_t>(len, 128)));
    if (!sp) return false;
    uint32_t p = uint32_t(reinterpret_cast<const uint8_t*>(sp) - d) + 1;
    if (p + 4 > len) return false;
    std::string_view rest(reinterpret_cast<const char*>(d) + p, len - p);
    bool numeric = std::isdigit(d[p]) && std::isdigit(d[p + 1]) && std::isdigit(d[p + 2]) && d[p + 3] == ' ';
    return numeric || rest.starts_with("NOTICE ") || rest.starts_with("CAP ");
}
/// Named on the client's first packet (sequence 1) answering a server greeting (protocol 10).
bool mysql_probe(const Session& s, const uint8_t* d, uint32_t len, int which) {
    const uint8_t* g = s.payload8[1];
    return which == 0 && len >= 8 && le24(d) + 4 <= len && s.payload8Len[1] >= 6 && g[3] == 0 && g[4] == 0x0a &&
           std::isdigit(g[5]);
}
bool synchrophasor_probe(const Session& s, const uint8_t* d, uint32_t len, int) {
    uint32_t type = (d[1] >> 4) & 0x7, version = d[1] & 0x0f, size = len >= 4 ? be16(d + 2) : 0;
    bool sized = is_tcp(s) ? (size >= 16 && size <= len) : size == len;
    return type <= 5 && version >= 1 && version <= 3 && sized;
}
bool diameter_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 20 && be24(d + 1) >= 20 && (d[4] & 0x0f) == 0;
}
bool enip_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    static constexpr std::array<uint16_t, 9> kCommands = {0x00, 0x04, 0x63, 0x64, 0x65, 0x66, 0x6f, 0x70, 0x72};
    return len >= 24 && d[1] == 0 && std::find(kCommands.begin(), kCommands.end(), d[0]) != kCommands.end() &&
           le16(d + 2) + 24 <= len;
}
bool cip_probe(const Session& s, const uint8_t* d, uint32_t len, int w) {
    return enip_probe(s, d, len, w) && (d[0] == 0x6f || d[0] == 0x70);
}
/// As Arkime: BGP is named only on sessions whose server port is 179 (its classifier is a
/// destination-port one), for any payload of at least a header starting with the marker.
bool bgp_probe(const Session& s, const uint8_t*, uint32_t len, int) {
    constexpr uint16_t kBgpPort = 179;
    constexpr uint32_t kBgpHeader = 19;
    return s.port[1] == kBgpPort && len >= kBgpHeader;
}
bool ntp_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    uint32_t version = (d[0] >> 3) & 0x7, mode = d[0] & 0x7;
    return len >= 48 && version >= 1 && version <= 4 && mode >= 1 && mode <= 5 && d[1] <= 16;
}
bool postgres_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 8 && be32(d) <= len;
}
bool oracle_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 34 && be16(d) >= 34 && (d[9] & 0xf0) == 0x30;
}
bool tds_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 8 && be16(d + 2) == len;
}
bool dnp3_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 10 && d[2] >= 5;
}
bool dtls_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 100 && d[13] == 1;
}
bool openvpn_probe(const Session& s, const uint8_t* d, uint32_t len, int) {
    if (!is_tcp(s)) return openvpn_hard_reset(d, len);
    return len > 2 && be16(d) == len - 2 && openvpn_hard_reset(d + 2, len - 2);
}
bool isakmp_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 18 && (d[16] == 1 || d[16] == 8 || d[16] == 33 || d[16] == 46) &&
           (d[17] == 0x10 || d[17] == 0x20 || d[17] == 0x02);
}
bool krb5_probe(const Session& s, const uint8_t* d, uint32_t len, int) {
    uint32_t off = is_tcp(s) ? 4 : 0;
    if (len < off + 4 || (is_tcp(s) && be32(d) + 4 != len)) return false;
    uint8_t tag;
    uint32_t clen;
    uint32_t p = ber(d, len, off, tag, clen);
    if (!p || p + clen > len) return false;
    uint8_t t = d[off];
    return t == 0x6a || t == 0x6b || t == 0x6c || t == 0x6d || t == 0x7e;
}
bool dns_like_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 12 && be16(d + 4) + be16(d + 6) + be16(d + 8) + be16(d + 10) > 0 && be16(d + 4) <= 64;
}
bool tftp_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    if (len < 4 || d[0] != 0 || (d[1] != 1 && d[1] != 2)) return false;
    const uint8_t* end = static_cast<const uint8_t*>(std::memchr(d + 2, 0, len - 2));
    if (!end || end == d + 2) return false;
    std::string mode(reinterpret_cast<const char*>(end + 1), std::min<size_t>(8, d + len - end - 1));
    for (char& c : mode)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return mode.starts_with("octet") || mode.starts_with("netascii") || mode.starts_with("mail");
}
bool thrift_framed_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len > 20 && d[4] == 0x80 && d[5] == 0x01 && d[6] == 0;
}
bool kafka_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 50 && d[4] == 0 && d[5] <= 6 && d[7] == 0 && d[8] == 0 && 4 + be16(d + 2) == len;
}
bool pop3_probe(const Session& s, const uint8_t* d, uint32_t len, int) {
    return contains(d, len, "POP3") || has_port(s, 110);
}
bool c1222_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 4 && d[0] == 0x60;
}
bool pana_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 16 && be16(d) == 0 && be16(d + 2) == len;
}
bool ptp_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 34 && (d[1] & 0x0f) == 2 && be16(d + 2) <= len && (d[0] & 0x0f) <= 0x0d;
}

// Classify-only protocols (no parser behind them).

bool lmtp_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return contains(d, len, "LMTP");
}
/// gh0st RAT frame: a zlib stream (0x78 at 13) after a packet length that equals the payload
/// (little- or big-endian 32-bit at 5), or after two zero 16-bit words when the length is elsewhere.
bool gh0st_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    if (len < 15) return false;
    const bool highZero = d[7] == 0 && d[8] == 0;
    if (highZero && le16(d + 5) == len) return true;
    if (d[5] == 0 && d[6] == 0 && be16(d + 7) == len) return true;
    return highZero && d[11] == 0 && d[12] == 0 && d[14] == 0x9c;
}
/// "RFB xxx.yyy\n": the version dot and the newline in place.
bool vnc_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 12 && d[7] == '.' && d[11] == '\n';
}
bool jabber_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return contains(d, len, "jabber", 5);
}
/// "<PRI>": only digits between the '<' and the first '>'.
bool syslog_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    for (uint32_t i = 2; i < len; ++i) {
        if (d[i] == '>') return true;
        if (!std::isdigit(d[i])) return false;
    }
    return false;
}
/// FLAP frame ('*', channel 1): its length fills the payload or another frame follows.
bool flap_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    if (len < 6) return false;
    uint32_t end = 6 + be16(d + 4);
    return end == len || (end < len && d[end] == '*');
}
bool ssdp_response_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return contains(d, len, "\r\nST:") || contains(d, len, "\r\nUSN:") || contains(d, len, "UPnP");
}
bool dropbox_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return contains(d, len, "host_int", 1);
}
bool aruba_papi_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 20 && d[0] == 0x49 && d[1] == 0x72;
}
/// Skinny (SCCP): little-endian length in byte 0 covering the payload, then seven zero bytes.
bool skinny_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len > 20 && len >= d[0] + 8u && std::all_of(d + 1, d + 8, [](uint8_t b) { return b == 0; });
}
bool hdfs_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 10 && d[5] == 0x0a;
}
/// HSRP runs between routers on the same port at both ends.
bool hsrp_probe(const Session& s, const uint8_t* d, uint32_t len, int) {
    return s.port[0] == s.port[1] && len >= 3 && d[0] == 0 && d[1] == 3;
}
bool hsrpv2_probe(const Session& s, const uint8_t* d, uint32_t len, int) {
    return s.port[0] == s.port[1] && len >= 3 && d[0] == 1 && d[1] == 40 && d[2] == 2;
}
bool safet_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 24 && d[2] == len;
}
/// A telnet option negotiation (IAC followed by SB/WILL/WONT/DO/DONT).
bool telnet_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 3 && d[0] == 0xff && d[1] >= 0xfa;
}
/// OPC UA Hello: a plausible little-endian message size after the 4-byte type.
bool opcua_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    constexpr uint32_t kMaxMessage = 16u << 20;
    return len >= 8 && le32(d + 4) >= 8 && le32(d + 4) <= kMaxMessage;
}
/// ONC RPC call to program 1000xx (the low byte of the program number picks the name).
template <uint8_t Program>
bool rpc_program_probe(const Session&, const uint8_t* d, uint32_t len, int) {
    return len >= 16 && d[15] == Program;
}

// ------------------------------------------------------------------ table

template <size_t N>
using Pats = std::array<Pattern, N>;
template <size_t N>
using Ports = std::array<PortRule, N>;
using namespace std::string_view_literals;

constexpr Pats<2> kSmtpClientPats{{{0, "EHLO "sv}, {0, "HELO "sv}}};
constexpr Pats<2> k220Pats{{{0, "220 "sv}, {0, "220-"sv}}};
constexpr Ports<1> kFtpPorts{{{21, kTcpAny}}};
constexpr Pats<1> kSnmpPats{{{0, "\x30"sv}}};
constexpr Pats<4> kSocks4Pats{{{0, "\x00\x5a"sv}, {0, "\x00\x5b"sv}, {0, "\x00\x5c"sv}, {0, "\x00\x5d"sv}}};
constexpr Pats<1> kSocks5Pats{{{0, "\x05"sv}}};
constexpr Pats<1> kBacnetPats{{{0, "\x81"sv}}};
constexpr Pats<2> kSmbPats{{{4, "\xffSMB"sv}, {4, "\xfeSMB"sv}}};
constexpr Pats<1> kMqttPats{{{0, "\x10"sv}}};
constexpr Ports<1> kModbusPorts{{{502, kTcpAny}}};
constexpr Pats<1> kGquicPats{{{9, "Q0"sv}}};
constexpr Pats<1> kFbzeroPats{{{0, "1QTV"sv}}};
constexpr Pats<1> kSshPats{{{0, "SSH-"sv}}};
constexpr Pats<1> kLdapPats{{{0, "\x30"sv}}};
constexpr Pats<1> kAdbPats{{{0, "CNXN"sv}}};
constexpr Pats<1> kAdbHostPats{{{4, "host:"sv}}};
constexpr Pats<3> kStunPats{{{0, "\x00\x01\x00"sv}, {0, "\x00\x03\x00"sv}, {0, "\x01\x01\x00"sv}}};
constexpr Pats<1> kStunRspPats{{{0, "RSP/"sv}}};
constexpr Ports<1> kNbnsPorts{{{137, kUdpAny}}};
constexpr Ports<1> kNbdsPorts{{{138, kUdpAny}}};
constexpr Pats<16> kSipPats{{{0, "SIP/2.0"sv},
                             {0, "REGISTER sip:"sv},
                             {0, "NOTIFY sip:"sv},
                             {0, "INVITE sip:"sv},
                             {0, "OPTIONS sip:"sv},
                             {0, "ACK sip:"sv},
                             {0, "BYE sip:"sv},
                             {0, "CANCEL sip:"sv},
                             {0, "SUBSCRIBE sip:"sv},
                             {0, "MESSAGE sip:"sv},
                             {0, "INFO sip:"sv},
                             {0, "PRACK sip:"sv},
                             {0, "UPDATE sip:"sv},
                             {0, "REFER sip:"sv},
                             {0, "PUBLISH sip:"sv},
                             {0, "INVITE sips:"sv}}};
constexpr Ports<4> kRadiusPorts{{{1812, kUdpAny}, {1813, kUdpAny}, {1645, kUdpAny}, {1646, kUdpAny}}};
constexpr Ports<2> kDhcpv6Ports{{{547, kPortUdpDst}, {546, kPortUdpDst}}};
constexpr Ports<2> kDhcpPorts{{{67, kPortUdpDst}, {68, kPortUdpDst}}};
constexpr Ports<4> kNetflowPorts{{{2055, kPortUdpDst}, {9995, kPortUdpDst}, {9996, kPortUdpDst}, {2056, kPortUdpDst}}};
constexpr Ports<1> kIpfixPorts{{{4739, kPortUdpDst}}};
constexpr Ports<1> kSflowPorts{{{6343, kPortUdpDst}}};
constexpr Pats<1> kImapPats{{{0, "* OK "sv}}};
constexpr Pats<1> kTpktPats{{{0, "\x03\x00"sv}}};
constexpr Pats<2> kIrcClientPats{{{0, "NICK "sv}, {0, "CAP "sv}}};
constexpr Pats<1> kUserPats{{{0, "USER "sv}}};
constexpr Pats<1> kIrcServerPats{{{0, ":"sv}}};
constexpr Pats<1> kMysqlPats{{{3, "\x01"sv}}};
constexpr Pats<1> kSynchroPats{{{0, "\xaa"sv}}};
constexpr Ports<2> kDiameterPorts{{{3868, kTcpAny | kSctpAny}, {5868, kTcpAny | kSctpAny}}};
constexpr Pats<1> kDiameterPats{{{0, "\x01"sv}}};
constexpr Ports<1> kEnipPorts{{{44818, kTcpAny | kUdpAny}}};
constexpr Pats<2> kBtTcpPats{{{0,
                               "\x13"
                               "BitTorrent protocol"sv},
                              {0, "BSYNC\x00"sv}}};
constexpr Pats<3> kBtUdpPats{{{0, "d1:a"sv}, {0, "d1:r"sv}, {0, "d1:q"sv}}};
constexpr Pats<1> kBgpPats{{{0, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"sv}}};
constexpr Ports<1> kNtpPorts{{{123, kUdpAny}}};
constexpr Pats<2> kPostgresPats{{{4, "\x00\x03\x00\x00"sv}, {0, "\x00\x00\x00\x08\x04\xd2\x16\x2f"sv}}};
constexpr Pats<1> kOraclePats{{{2, "\x00\x00\x01\x00\x00\x00\x01"sv}}};
constexpr Pats<2> kTdsPats{{{0, "\x12\x01\x00"sv}, {0, "\x10\x01\x00"sv}}};
constexpr Pats<1> kTds5Pats{{{0, "\x02\x00\x02\x00\x00\x00\x01\x00"sv}}};
constexpr Pats<1> kDnp3Pats{{{0, "\x05\x64"sv}}};
constexpr Pats<4> kDtlsPats{
    {{0, "\x16\xfe\xff"sv}, {0, "\x16\xfe\xfd"sv}, {0, "\x16\xfe\xfe"sv}, {0, "\x16\x01\x00"sv}}};
constexpr Pats<6> kOpenvpnPats{
    {{0, "\x38"sv}, {0, "\x40"sv}, {0, "\x08"sv}, {2, "\x38"sv}, {2, "\x40"sv}, {2, "\x08"sv}}};
constexpr Ports<2> kIsakmpPorts{{{500, kUdpAny}, {4500, kUdpAny}}};
constexpr Ports<1> kKrb5Ports{{{88, kUdpAny | kTcpAny}}};
constexpr Ports<1> kMdnsPorts{{{5353, kPortUdpDst}}};
constexpr Ports<1> kLlmnrPorts{{{5355, kPortUdpDst}}};
constexpr Ports<1> kTftpPorts{{{69, kPortUdpDst}}};
constexpr Pats<1> kThriftPats{{{0, "\x80\x01\x00\x01\x00\x00\x00"sv}}};
constexpr Pats<1> kFramedPats{{{0, "\x00\x00"sv}}};
constexpr Pats<2> kAerospikePats{{{0, "\x02\x01\x00\x00\x00\x00\x00\x4e\x6e\x6f\x64\x65"sv},
                                  {0, "\x02\x01\x00\x00\x00\x00\x00\x23\x6e\x6f\x64\x65"sv}}};
constexpr Pats<2> kCassandraPats{{{0, "\x00\x00\x00\x25\x80\x01\x00\x01\x00\x00\x00\x0c\x73\x65\x74\x5f"sv},
                                  {0, "\x00\x00\x00\x1d\x80\x01\x00\x01\x00\x00\x00\x10\x64\x65\x73\x63"sv}}};
constexpr Pats<2> kBitcoinPats{{{0, "\xf9\xbe\xb4\xd9"sv}, {0, "\xf9\xbe\xb4\xfe"sv}}};
constexpr Pats<1> kPop3Pats{{{0, "+OK "sv}}};
constexpr Pats<1> kHttp2Pats{{{0, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"sv}}};
constexpr Ports<1> kC1222Ports{{{1153, kTcpAny | kUdpAny}}};
constexpr Ports<1> kPanaPorts{{{716, kUdpAny}}};
constexpr Ports<2> kPtpPorts{{{319, kUdpAny}, {320, kUdpAny}}};
// Classify-only protocols.
constexpr Pats<2> kMongoPats{
    {{8, "\x00\x00\x00\x00\xd4\x07\x00\x00"sv}, {8, "\xff\xff\xff\xff\xd4\x07\x00\x00"sv}}};  // OP_QUERY
constexpr Pats<7> kRedisPats{{{0, "+PONG"sv},
                              {0, "*1\r\n$"sv},
                              {0, "*2\r\n$"sv},
                              {0, "*3\r\n$"sv},
                              {0, "*4\r\n$"sv},
                              {0, "*5\r\n$"sv},
                              {0, "-NOAUTH "sv}}};
constexpr Pats<1> kGh0stPats{{{13, "\x78"sv}}};
constexpr Pats<1> kVncPats{{{0, "RFB 0"sv}}};
constexpr Pats<1> kJabberPats{{{0, "<?xml"sv}}};
constexpr Pats<1> kBjnpPats{{{0, "BJNP"sv}}};
constexpr Pats<9> kSyslogPats{{{0, "<1"sv},
                               {0, "<2"sv},
                               {0, "<3"sv},
                               {0, "<4"sv},
                               {0, "<5"sv},
                               {0, "<6"sv},
                               {0, "<7"sv},
                               {0, "<8"sv},
                               {0, "<9"sv}}};
constexpr Pats<1> kFlapPats{{{0, "\x2a\x01"sv}}};
constexpr Pats<2> kNsclientPats{{{0, "NSClient"sv}, {0, "None&"sv}}};
constexpr Pats<2> kSsdpPats{{{0, "M-SEARCH "sv}, {0, "NOTIFY * "sv}}};
constexpr Pats<1> kSsdpResponsePats{{{0, "HTTP/1."sv}}};
constexpr Pats<1> kZabbixPats{{{0, "ZBXD\x01"sv}}};
constexpr Pats<1> kRmiPats{{{0, "JRMI\x00\x02\x4b"sv}}};
constexpr Pats<7> kTacacsPats{{{0, "\xc0\x01\x01"sv},
                               {0, "\xc0\x01\x02"sv},
                               {0, "\xc0\x02\x01"sv},
                               {0, "\xc0\x03\x01"sv},
                               {0, "\xc0\x03\x02"sv},
                               {0, "\xc1\x01\x01"sv},
                               {0, "\xc1\x01\x02"sv}}};
constexpr Ports<1> kTacacsPorts{{{49, kTcpAny | kUdpAny}}};
constexpr Pats<1> kFlashPolicyPats{{{0, "<policy-file-request/>"sv}}};
constexpr Ports<1> kDropboxPorts{{{17500, kUdpAny}}};
constexpr Pats<1> kSteamFriendsPats{{{0, "VS01"sv}}};
constexpr Pats<1> kValveA2sPats{{{0, "\xff\xff\xff\xffTSou"sv}}};
constexpr Pats<1> kStreamIhscpPats{{{0, "\xa4\x00\x00\x00VT01"sv}}};
constexpr Pats<1> kHoneywellTccPats{{{0, "CBKPPR\x05P"sv}}};
constexpr Pats<2> kPjlPats{{{0, "\x1b%-12345"sv}, {0, "@PJL "sv}}};
constexpr Pats<4> kRipPats{
    {{0, "\x01\x01\x00\x00"sv}, {0, "\x01\x02\x00\x00"sv}, {0, "\x02\x01\x00\x00"sv}, {0, "\x02\x02\x00\x00"sv}}};
constexpr Ports<1> kRipPorts{{{520, kUdpAny}}};
constexpr Pats<1> kNzsqlPats{{{0, "\x00\x00\x00\x08\x00\x01\x00\x03"sv}}};
constexpr Pats<1> kSplunkPats{{{0, "--splunk-cooked-mode"sv}}};
constexpr Ports<1> kArubaPapiPorts{{{8211, kUdpAny}}};
constexpr Pats<1> kX11Pats{{{0, "\x6c\x00\x0b\x00"sv}}};  // little-endian setup, protocol 11.0
constexpr Pats<4> kMemcachedTcpPats{{{0, "flush_all"sv}, {0, "STORED\r\n"sv}, {0, "END\r\n"sv}, {0, "VALUE "sv}}};
constexpr Pats<2> kMemcachedUdpPats{{{6, "\x00\x00stats"sv}, {6, "\x00\x00gets "sv}}};  // after the 8-byte frame header
constexpr Pats<1> kHbasePats{{{0, "HBas\x00"sv}}};
constexpr Pats<1> kHadoopPats{{{0, "hrpc\x09"sv}}};
constexpr Pats<3> kHdfsPats{{{0, "\x00\x1c\x50"sv}, {0, "\x00\x1c\x51"sv}, {0, "\x00\x1c\x55"sv}}};
constexpr Pats<4> kZookeeperPats{{{0, "zk_version"sv},
                                  {0, "mntr\n"sv},
                                  {0, "\x00\x00\x00\x2c\x00\x00\x00\x00"sv},
                                  {0, "\x00\x00\x00\x2d\x00\x00\x00\x00"sv}}};
constexpr Ports<1> kSkinnyPorts{{{2000, kPortTcpDst}}};
constexpr Ports<2> kHsrpPorts{{{1985, kUdpAny}, {2029, kUdpAny}}};
constexpr Pats<1> kElasticsearchPats{{{0, "ES\x00\x00"sv}}};
constexpr Ports<1> kSafetPorts{{{23294, kUdpAny}}};
constexpr Ports<1> kTelnetPorts{{{23, kPortTcpDst}}};
constexpr Pats<1> kOpcuaPats{{{0, "HELF"sv}}};
/// ONC RPC call header after the xid: call (0), RPC version 2, program 0x000186xx.
constexpr Pats<1> kRpcCallPats{{{4, "\x00\x00\x00\x00\x00\x00\x00\x02\x00\x01\x86"sv}}};
constexpr Pats<1> kNfsUdpPats{{{4, "\x00\x00\x00\x00\x00\x00\x00\x02\x00\x01\x86\xa3"sv}}};
constexpr Pats<1> kNfsTcpPats{{{8, "\x00\x00\x00\x00\x00\x00\x00\x02\x00\x01\x86\xa3"sv}}};  // after the record mark

constexpr std::array kTable = {
    Signature{"smtp", kTcp, kSmtpClientPats},
    Signature{"smtp", kTcp, k220Pats, {}, smtp_banner_probe},
    Signature{"ftp", kTcp, k220Pats, kFtpPorts, ftp_banner_probe},
    Signature{"ftp", kTcp, kUserPats, kFtpPorts},
    Signature{"snmp", kUdp, kSnmpPats, {}, snmp_probe},
    Signature{"socks", kTcp, kSocks4Pats, {}, socks4_probe},
    Signature{"socks", kTcp, kSocks5Pats, {}, socks5_probe},
    Signature{"bacnet", kUdp, kBacnetPats, {}, bacnet_probe},
    Signature{"smb", kTcp, kSmbPats},
    Signature{"mqtt", kTcp, kMqttPats, {}, mqtt_probe},
    Signature{"m3ua", 0, {}, {}, nullptr, 3},
    Signature{"m2ua", 0, {}, {}, nullptr, 2},
    Signature{"modbus", kTcp, {}, kModbusPorts, modbus_probe},
    Signature{"quic", kUdp, kGquicPats, {}, gquic_probe},
    Signature{"fbzero", kTcp, kFbzeroPats, {}, nullptr, 0, "quic"},
    Signature{"ssh", kTcp, kSshPats},
    Signature{"ldap", kTcp, kLdapPats, {}, ldap_probe},
    Signature{"adb", kTcp, kAdbPats, {}, adb_cnxn_probe},
    Signature{"adb", kTcp, kAdbHostPats, {}, adb_host_probe},
    Signature{"stun", kTcpUdp, kStunPats, {}, stun_probe},
    Signature{"stun", kTcpUdp, kStunRspPats, {}, stun_rsp_probe},
    Signature{"nbns", kUdp, {}, kNbnsPorts, nbns_probe},
    Signature{"nbds", kUdp, {}, kNbdsPorts, nbds_probe},
    Signature{"smb", kUdp, {}, kNbdsPorts, nbds_smb_probe},
    Signature{"sip", kTcpUdp, kSipPats},
    Signature{"radius", kUdp, {}, kRadiusPorts, radius_probe},
    Signature{"dhcpv6", kUdp, {}, kDhcpv6Ports, dhcpv6_probe},
    Signature{"dhcp", kUdp, {}, kDhcpPorts, dhcp_probe},
    Signature{"netflow", kUdp, {}, kNetflowPorts, netflow_probe},
    Signature{"ipfix", kUdp, {}, kIpfixPorts, ipfix_probe},
    Signature{"sflow", kUdp, {}, kSflowPorts, sflow_probe},
    Signature{"imap", kTcp, kImapPats, {}, imap_probe},
    Signature{"s7comm", kTcp, kTpktPats, {}, s7comm_probe},
    Signature{"rdp", kTcp, kTpktPats, {}, rdp_probe},
    Signature{"irc", kTcp, kIrcClientPats},
    Signature{"irc", kTcp, kUserPats, {}, irc_user_probe},
    Signature{"irc", kTcp, kIrcServerPats, {}, irc_server_probe},
    Signature{"mysql", kTcp, kMysqlPats, {}, mysql_probe},
    Signature{"synchrophasor", kTcpUdp, kSynchroPats, {}, synchrophasor_probe},
    Signature{"diameter", kTcp | kSctp, kDiameterPats, kDiameterPorts, diameter_probe},
    Signature{"diameter", 0, {}, {}, diameter_probe, 46},
    Signature{"enip", kTcpUdp, {}, kEnipPorts, enip_probe},
    Signature{"cip", kTcpUdp, {}, kEnipPorts, cip_probe},
    Signature{"bittorrent", kTcp, kBtTcpPats},
    Signature{"bittorrent", kUdp, kBtUdpPats},
    Signature{"bgp", kTcp, kBgpPats, {}, bgp_probe},
    Signature{"ntp", kUdp, {}, kNtpPorts, ntp_probe},
    Signature{"postgresql", kTcp, kPostgresPats, {}, postgres_probe},
    Signature{"oracle", kTcp, kOraclePats, {}, oracle_probe},
    Signature{"tds", kTcp, kTdsPats, {}, tds_probe},
    Signature{"tds", kTcp, kTds5Pats},
    Signature{"dnp3", kTcpUdp, kDnp3Pats, {}, dnp3_probe},
    Signature{"dtls", kUdp, kDtlsPats, {}, dtls_probe},
    Signature{"openvpn", kTcpUdp, kOpenvpnPats, {}, openvpn_probe},
    Signature{"isakmp", kUdp, {}, kIsakmpPorts, isakmp_probe},
    Signature{"krb5", kTcpUdp, {}, kKrb5Ports, krb5_probe},
    Signature{"mdns", kUdp, {}, kMdnsPorts, dns_like_probe},
    Signature{"llmnr", kUdp, {}, kLlmnrPorts, dns_like_probe},
    Signature{"tftp", kUdp, {}, kTftpPorts, tftp_probe},
    Signature{"thrift", kTcp, kThriftPats},
    Signature{"thrift", kTcp, kFramedPats, {}, thrift_framed_probe},
    Signature{"aerospike", kTcp, kAerospikePats},
    Signature{"cassandra", kTcp, kCassandraPats},
    Signature{"kafka", kTcp, kFramedPats, {}, kafka_probe},
    Signature{"bitcoin", kTcp, kBitcoinPats},
    Signature{"pop3", kTcp, kPop3Pats, {}, pop3_probe},
    Signature{"http2", kTcp, kHttp2Pats},
    Signature{"c1222", kTcpUdp, {}, kC1222Ports, c1222_probe},
    Signature{"pana", kUdp, {}, kPanaPorts, pana_probe},
    Signature{"ptp", kUdp, {}, kPtpPorts, ptp_probe},
    Signature{"mongo", kTcp, kMongoPats},
    Signature{"redis", kTcp, kRedisPats},
    Signature{"lmtp", kTcp, k220Pats, {}, lmtp_probe},
    Signature{"gh0st", kTcp, kGh0stPats, {}, gh0st_probe},
    Signature{"vnc", kTcp, kVncPats, {}, vnc_probe},
    Signature{"jabber", kTcp, kJabberPats, {}, jabber_probe},
    Signature{"bjnp", kUdp, kBjnpPats},
    Signature{"syslog", kTcpUdp, kSyslogPats, {}, syslog_probe},
    Signature{"flap", kTcp, kFlapPats, {}, flap_probe},
    Signature{"nsclient", kTcp, kNsclientPats},
    Signature{"ssdp", kUdp, kSsdpPats},
    Signature{"ssdp", kUdp, kSsdpResponsePats, {}, ssdp_response_probe},
    Signature{"zabbix", kTcp, kZabbixPats},
    Signature{"rmi", kTcp, kRmiPats},
    Signature{"tacacs", kTcpUdp, kTacacsPats, kTacacsPorts},
    Signature{"flash-policy", kTcp, kFlashPolicyPats},
    Signature{"dropbox-lan-sync", kUdp, {}, kDropboxPorts, dropbox_probe},
    Signature{"steam-friends", kUdp, kSteamFriendsPats},
    Signature{"valve-a2s", kUdp, kValveA2sPats},
    Signature{"stream-ihscp", kTcp, kStreamIhscpPats},
    Signature{"honeywell-tcc", kTcp, kHoneywellTccPats},
    Signature{"pjl", kTcp, kPjlPats},
    Signature{"rip", kUdp, kRipPats, kRipPorts},
    Signature{"nzsql", kTcp, kNzsqlPats},
    Signature{"splunk", kTcp, kSplunkPats},
    Signature{"aruba-papi", kUdp, {}, kArubaPapiPorts, aruba_papi_probe},
    Signature{"x11", kTcp, kX11Pats},
    Signature{"memcached", kTcp, kMemcachedTcpPats},
    Signature{"memcached", kUdp, kMemcachedUdpPats},
    Signature{"hbase", kTcp, kHbasePats},
    Signature{"hadoop", kTcp, kHadoopPats},
    Signature{"hdfs", kTcp, kHdfsPats, {}, hdfs_probe},
    Signature{"zookeeper", kTcp, kZookeeperPats},
    Signature{"sccp", kTcp, {}, kSkinnyPorts, skinny_probe},
    Signature{"hsrp", kUdp, {}, kHsrpPorts, hsrp_probe},
    Signature{"hsrpv2", kUdp, {}, kHsrpPorts, hsrpv2_probe},
    Signature{"elasticsearch", kTcp, kElasticsearchPats},
    Signature{"safet", kUdp, {}, kSafetPorts, safet_probe},
    Signature{"telnet", kTcp, {}, kTelnetPorts, telnet_probe},
    Signature{"opcua", kTcp, kOpcuaPats, {}, opcua_probe},
    Signature{"nfs", kUdp, kNfsUdpPats},
    Signature{"nfs", kTcp, kNfsTcpPats},
    Signature{"portmap", kUdp, kRpcCallPats, {}, rpc_program_probe<0xa0>},
    Signature{"rstat", kUdp, kRpcCallPats, {}, rpc_program_probe<0xa1>},
    Signature{"rusers", kUdp, kRpcCallPats, {}, rpc_program_probe<0xa2>},
    Signature{"ypprog", kUdp, kRpcCallPats, {}, rpc_program_probe<0xa4>},
    Signature{"mount", kUdp, kRpcCallPats, {}, rpc_program_probe<0xa5>},
    Signature{"ypbind", kUdp, kRpcCallPats, {}, rpc_program_probe<0xa7>},
    Signature{"wall", kUdp, kRpcCallPats, {}, rpc_program_probe<0xa8>},
    Signature{"yppasswd", kUdp, kRpcCallPats, {}, rpc_program_probe<0xa9>},
    Signature{"rquota", kUdp, kRpcCallPats, {}, rpc_program_probe<0xab>},
    Signature{"rexec", kUdp, kRpcCallPats, {}, rpc_program_probe<0xb1>},
    Signature{"tfs", kUdp, kRpcCallPats, {}, rpc_program_probe<0xc5>},
};

/// Protocols whose authentication exchanges may hold NTLMSSP messages.
bool carries_ntlm(std::string_view name) {
    // SMB is not scanned: its parser reads NTLMSSP only where Arkime does (smb/smb.h).
    static constexpr std::array<std::string_view, 5> kCarriers = {"ldap", "smtp", "imap", "pop3", "tds"};
    return std::find(kCarriers.begin(), kCarriers.end(), name) != kCarriers.end();
}

void on_match(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    const auto& sig = *static_cast<const Signature*>(ctx);
    if (!accepts(sig, s, data, len, which)) return;
    s.table->add_protocol(s, sig.name);
    if (!sig.also.empty()) s.table->add_protocol(s, sig.also);
    if (carries_ntlm(sig.name)) ntlm::attach(s);
}

/// Port bits of `rule` restricted to the entry's transports.
uint8_t port_bits(const Signature& sig, const PortRule& rule) {
    uint8_t mask = 0;
    if (sig.transports & kTcp) mask |= kTcpAny;
    if (sig.transports & kUdp) mask |= kUdpAny;
    if (sig.transports & kSctp) mask |= kSctpAny;
    return rule.kinds & mask;
}
}  // namespace

std::span<const Signature> table() {
    return kTable;
}

bool accepts(const Signature& sig, const Session& s, const uint8_t* data, uint32_t len, int which) {
    if (!sig.patterns.empty() && !sig.ports.empty()) {
        bool any = false;
        for (const PortRule& p : sig.ports)
            any = any || has_port(s, p.port);
        if (!any) return false;
    }
    return !sig.probe || sig.probe(s, data, len, which);
}

void register_signatures(Registries& r) {
    static_assert(kAnyEnd != 0);
    for (const Signature& sig : kTable) {
        void* ctx = const_cast<Signature*>(&sig);
        std::string name(sig.name);
        if (sig.sctpPpid) r.classifiers.add_sctp_protocol(name, sig.sctpPpid, on_match, ctx);
        if (sig.patterns.empty()) {
            for (const PortRule& p : sig.ports)
                if (uint8_t bits = port_bits(sig, p)) r.classifiers.add_port(name, p.port, bits, on_match, ctx);
            continue;
        }
        for (const Pattern& p : sig.patterns) {
            classify::Classifier c{name, p.offset, std::string(p.bytes), on_match, ctx};
            if (sig.transports & kTcp) r.classifiers.add(classify::Transport::Tcp, c);
            if (sig.transports & kUdp) r.classifiers.add(classify::Transport::Udp, c);
            if (sig.transports & kSctp) r.classifiers.add(classify::Transport::Sctp, c);
        }
    }
}

bool openvpn_hard_reset(const uint8_t* d, uint32_t len) {
    if (len < 14 || std::all_of(d + 1, d + 9, [](uint8_t b) { return b == 0; })) return false;
    uint8_t op = d[0] >> 3;
    if (op != 7 && op != 8 && op != 1 && op != 2) return false;           // hard resets (v1/v2)
    static constexpr std::array<uint32_t, 4> kAuthLen = {0, 28, 40, 72};  // none, SHA1/256/512 HMAC + pid + time
    for (uint32_t a : kAuthLen) {
        uint32_t ack = 9 + a;
        if (ack + 5 > len || d[ack] > 8) continue;
        uint32_t pid = ack + 1 + d[ack] * 4 + (d[ack] ? 8 : 0);
        if (pid + 4 == len && be32(d + pid) <= 1) return true;
    }
    return false;
}

}  // namespace flowdex::protocols::signatures
