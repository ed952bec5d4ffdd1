// Positive and negative first-payload fixtures for every entry of the signature table.
#include "protocols/signatures/signatures.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "protocols/exchange.h"
#include "session/session_harness.h"

namespace flowdex::protocols::signatures {
namespace signatures_test {

using namespace std::string_literals;
using classify::Transport;
using session::test::Harness;

struct Case {
    const char* proto;
    Transport t;
    uint16_t cport, sport;
    int which;
    std::string data;
    bool expect;
    std::string other = {};  ///< first bytes of the other direction (payload8)
};

std::string pad(std::string s, size_t n) {
    s.resize(std::max(n, s.size()), '\0');
    return s;
}
std::string ff16() {
    return std::string(16, '\xff');
}
std::string dhcp(bool cookie) {
    std::string d = pad("\x01\x01\x06\x00"s, 256);
    if (cookie) d.replace(236, 4, "\x63\x82\x53\x63");
    return d;
}
std::string rdp(uint8_t cotp) {
    std::string tail = "Cookie: mstshash=a\r\n";
    std::string d = "\x03\x00\x00"s + char(31) + char(26) + char(cotp) + std::string(5, '\0') + tail;
    return d;
}
/// A MongoDB OP_QUERY header (length, request id, responseTo, opcode 2004) and a namespace.
std::string mongo_query(const std::string& responseTo) {
    return "\x3a\x00\x00\x00\x01\x00\x00\x00"s + responseTo + "\xd4\x07\x00\x00\x00\x00\x00\x00admin.$cmd\x00"s;
}
/// A gh0st frame: 5-byte flag, packet length (little-endian, `declared`), original length, zlib header.
std::string gh0st(uint8_t declared) {
    return pad("Gh0st"s + char(declared) + "\x00\x00\x00\x10\x20\x30\x40\x78\x9c"s, 32);
}
/// An ONC RPC call over UDP (xid, call, version 2) to program 0x000186`prog`, version 2.
std::string rpc_call(uint8_t prog) {
    return pad("\x12\x34\x56\x78\x00\x00\x00\x00\x00\x00\x00\x02\x00\x01\x86"s + char(prog) + "\x00\x00\x00\x02"s, 40);
}

const Case kCases[] = {
    {"smtp", Transport::Tcp, 40000, 25, 0, "EHLO me\r\n", true},
    {"smtp", Transport::Tcp, 40000, 25, 0, "EHLX me\r\n", false},
    {"smtp", Transport::Tcp, 40000, 25, 1, "220 mx ESMTP ready\r\n", true},
    {"smtp", Transport::Tcp, 40000, 25, 1, "220 mx LMTP SMTP\r\n", false},
    {"ftp", Transport::Tcp, 40000, 21, 1, "220 FTP ready\r\n", true},
    {"ftp", Transport::Tcp, 40000, 2121, 1, "220 FTP ready\r\n", false},
    {"ftp", Transport::Tcp, 40000, 21, 0, "USER anonymous\r\n", true},
    {"ftp", Transport::Tcp, 40000, 2100, 0, "USER anonymous\r\n", false},
    {"snmp", Transport::Udp, 40000, 161, 0,
     "\x30\x1a\x02\x01\x00\x04\x06public\xa0\x0d\x02\x01\x01\x02\x01\x00\x02\x01\x00\x30\x00"s, true},
    {"snmp", Transport::Udp, 40000, 161, 0,
     "\x30\x1a\x02\x01\x02\x04\x06public\xa0\x0d\x02\x01\x01\x02\x01\x00\x02\x01\x00\x30\x00"s, false},
    {"socks", Transport::Tcp, 40000, 1080, 1, "\x00\x5a\x00\x00\x00\x00\x00\x00"s, true,
     "\x04\x01\x00\x50\x01\x02\x03\x04"s},
    {"socks", Transport::Tcp, 40000, 1080, 1, "\x00\x5a\x00\x00\x00\x00\x00\x00"s, false,
     "\x05\x01\x00\x50\x01\x02\x03\x04"s},
    {"socks", Transport::Tcp, 40000, 1080, 1, "\x05\x00"s, true, "\x05\x01\x00"s},
    {"socks", Transport::Tcp, 40000, 1080, 1, "\x05\xff"s, false, "\x05\x01\x00"s},
    {"bacnet", Transport::Udp, 47808, 47808, 0, "\x81\x0a\x00\x08\x01\x00\x10\x08"s, true},
    {"bacnet", Transport::Udp, 47808, 47808, 0, "\x81\x0a\x00\x09\x01\x00\x10\x08"s, false},
    {"smb", Transport::Tcp, 40000, 445, 0, "\x00\x00\x00\x2f\xffSMBr"s, true},
    {"smb", Transport::Tcp, 40000, 445, 0, "\x00\x00\x00\x2f\xfeSMB@"s, true},
    {"smb", Transport::Tcp, 40000, 445, 0, "\x00\x00\x00\x2f\xffSMXr"s, false},
    {"nbds", Transport::Udp, 138, 138, 0, pad("\x11\x02"s, 14) + "\xffSMB"s, true},
    {"nbds", Transport::Udp, 138, 138, 0, pad("\x20\x02"s, 14) + "\xffSMB"s, false},
    {"smb", Transport::Udp, 138, 138, 0, pad("\x11\x02"s, 14) + "\xffSMB"s, true},
    {"smb", Transport::Udp, 138, 138, 0, pad("\x11\x02"s, 18), false},
    {"mqtt", Transport::Tcp, 40000, 1883, 0,
     "\x10\x10\x00\x04MQTT\x04\x02\x00\x3c\x00\x04"
     "abcd"s,
     true},
    {"mqtt", Transport::Tcp, 40000, 1883, 0,
     "\x10\x10\x00\x04MXTT\x04\x02\x00\x3c\x00\x04"
     "abcd"s,
     false},
    {"modbus", Transport::Tcp, 40000, 502, 0, "\x00\x01\x00\x00\x00\x06\x01\x03\x00\x00\x00\x01"s, true},
    {"modbus", Transport::Tcp, 40000, 502, 0, "\x00\x01\x00\x01\x00\x06\x01\x03\x00\x00\x00\x01"s, false},
    {"modbus", Transport::Tcp, 40000, 503, 0, "\x00\x01\x00\x00\x00\x06\x01\x03\x00\x00\x00\x01"s, false},
    {"quic", Transport::Udp, 40000, 443, 0, pad("\x0d"s, 9) + "Q043" + std::string(20, 'x'), true},
    {"quic", Transport::Udp, 40000, 443, 0, pad("\x01"s, 9) + "Q043" + std::string(20, 'x'), false},
    // IETF QUIC is named only when its Initial decrypts (quic/initial.h), never by signature.
    {"quic", Transport::Udp, 40000, 443, 0, pad("\xc3\x00\x00\x00\x01"s, 1200), false},
    {"quic", Transport::Udp, 40000, 443, 0, pad("\xc3\x00\x00\x00\x01"s, 100), false},
    {"fbzero", Transport::Tcp, 40000, 443, 0, "1QTV0\xc6\x00\x00\x00"s, true},
    {"fbzero", Transport::Tcp, 40000, 443, 0, "1QTW0\xc6\x00\x00\x00"s, false},
    {"ssh", Transport::Tcp, 40000, 22, 0, "SSH-2.0-x\r\n", true},
    {"ssh", Transport::Tcp, 40000, 22, 0, "SSH 2.0-x\r\n", false},
    {"ldap", Transport::Tcp, 40000, 389, 0, "\x30\x0c\x02\x01\x01\x60\x07\x02\x01\x03\x04\x00\x80\x00"s, true},
    {"ldap", Transport::Tcp, 40000, 389, 0, "\x30\x0c\x02\x01\x01\x04\x07\x02\x01\x03\x04\x00\x80\x00"s, false},
    {"adb", Transport::Tcp, 40000, 5555, 0, pad("CNXN"s, 20) + "\xbc\xb1\xa7\xb1"s, true},
    {"adb", Transport::Tcp, 40000, 5555, 0, pad("CNXN"s, 20) + "\xbc\xb1\xa7\xb2"s, false},
    {"adb", Transport::Tcp, 40000, 5037, 0, "000chost:version", true},
    {"adb", Transport::Tcp, 40000, 5037, 0, "zzzzhost:version", false},
    {"stun", Transport::Udp, 40000, 3478, 0, pad("\x00\x01\x00\x00\x21\x12\xa4\x42"s, 20), true},
    {"stun", Transport::Udp, 40000, 3478, 0, pad("\x00\x01\x00\x00\x21\x12\xa4\x42"s, 21), false},
    {"stun", Transport::Tcp, 40000, 3478, 0, "RSP/1.0 STUN", true},
    {"stun", Transport::Tcp, 40000, 3478, 0, "RSP/1.0 FOO!", false},
    {"nbns", Transport::Udp, 40000, 137, 0,
     "\x12\x34\x01\x10\x00\x01\x00\x00\x00\x00\x00\x00\x20"
     "CKAA"s,
     true},
    {"nbns", Transport::Udp, 40000, 137, 0,
     "\x12\x34\x01\x10\x00\x01\x00\x00\x00\x00\x00\x00\x21"
     "CKAA"s,
     false},
    {"sip", Transport::Udp, 5060, 5060, 0, "INVITE sip:bob@x SIP/2.0\r\n", true},
    {"sip", Transport::Udp, 5060, 5060, 0, "INVITE bob@x SIP/2.0\r\n", false},
    {"radius", Transport::Udp, 40000, 1812, 0, pad("\x01\x01\x00\x14"s, 20), true},
    {"radius", Transport::Udp, 40000, 1812, 0, pad("\x07\x01\x00\x14"s, 20), false},
    {"dhcpv6", Transport::Udp, 546, 547, 0, "\x01\x00\x00\x01"s, true},
    {"dhcpv6", Transport::Udp, 546, 547, 0, "\x00\x00\x00\x01"s, false},
    {"dhcp", Transport::Udp, 68, 67, 0, dhcp(true), true},
    {"dhcp", Transport::Udp, 68, 67, 0, dhcp(false), false},
    {"netflow", Transport::Udp, 40000, 2055, 0, pad("\x00\x05\x00\x01"s, 72), true},
    {"netflow", Transport::Udp, 40000, 2055, 0, pad("\x00\x05\x00\x02"s, 72), false},
    {"ipfix", Transport::Udp, 40000, 4739, 0, pad("\x00\x0a\x00\x10"s, 16), true},
    {"ipfix", Transport::Udp, 40000, 4739, 0, pad("\x00\x0a\x00\x11"s, 16), false},
    {"sflow", Transport::Udp, 40000, 6343, 0, pad("\x00\x00\x00\x05\x00\x00\x00\x01"s, 28), true},
    {"sflow", Transport::Udp, 40000, 6343, 0, pad("\x00\x00\x00\x03\x00\x00\x00\x01"s, 28), false},
    {"imap", Transport::Tcp, 40000, 143, 1, "* OK IMAP4rev1 ready\r\n", true},
    {"imap", Transport::Tcp, 40000, 143, 1, "* OK POP ready\r\n", false},
    {"s7comm", Transport::Tcp, 40000, 102, 0, pad("\x03\x00\x00\x19\x02\xf0\x80\x32\x01"s, 25), true},
    {"s7comm", Transport::Tcp, 40000, 102, 0, pad("\x03\x00\x00\x19\x02\xf0\x80\x72\x01"s, 25), false},
    {"rdp", Transport::Tcp, 40000, 3389, 0, rdp(0xe0), true},
    {"rdp", Transport::Tcp, 40000, 3389, 0, rdp(0xd0), false},
    {"irc", Transport::Tcp, 40000, 6667, 0, "NICK bob\r\n", true},
    {"irc", Transport::Tcp, 40000, 6667, 0, "NICKbob\r\n", false},
    {"irc", Transport::Tcp, 40000, 6667, 0, "USER a +iw b\r\n", true},
    {"irc", Transport::Tcp, 40000, 6667, 0, "USER a b c\r\n", false},
    {"irc", Transport::Tcp, 40000, 6667, 1, ":irc.x 001 bob :hi\r\n", true},
    {"irc", Transport::Tcp, 40000, 6667, 0, ":irc.x 001 bob :hi\r\n", false},
    {"mysql", Transport::Tcp, 40000, 3306, 0, pad("\x20\x00\x00\x01"s, 36), true, "\x4a\x00\x00\x00\x0a\x35\x2e\x37"s},
    {"mysql", Transport::Tcp, 40000, 3306, 0, pad("\x20\x00\x00\x01"s, 36), false, "\x4a\x00\x00\x00\x09\x35\x2e\x37"s},
    {"synchrophasor", Transport::Udp, 4712, 4713, 0, pad("\xaa\x41\x00\x12"s, 18), true},
    {"synchrophasor", Transport::Udp, 4712, 4713, 0, pad("\xaa\x41\x00\x13"s, 18), false},
    {"diameter", Transport::Tcp, 40000, 3868, 0, pad("\x01\x00\x00\x14\x80\x00\x01\x01"s, 20), true},
    {"diameter", Transport::Tcp, 40000, 3869, 0, pad("\x01\x00\x00\x14\x80\x00\x01\x01"s, 20), false},
    {"enip", Transport::Tcp, 40000, 44818, 0, pad("\x65\x00\x04\x00"s, 28), true},
    {"enip", Transport::Tcp, 40000, 44818, 0, pad("\x99\x00\x04\x00"s, 28), false},
    {"cip", Transport::Udp, 40000, 44818, 0, pad("\x6f\x00\x00\x00"s, 24), true},
    {"cip", Transport::Udp, 40000, 44818, 0, pad("\x65\x00\x00\x00"s, 24), false},
    {"bittorrent", Transport::Tcp, 40000, 6881, 0,
     "\x13"
     "BitTorrent protocol\x00"s,
     true},
    {"bittorrent", Transport::Tcp, 40000, 6881, 0,
     "\x12"
     "BitTorrent protocol\x00"s,
     false},
    {"bittorrent", Transport::Udp, 40000, 6881, 0, "d1:ad2:id20:", true},
    {"bittorrent", Transport::Udp, 40000, 6881, 0, "d2:ad2:id20:", false},
    {"bgp", Transport::Tcp, 40000, 179, 0, ff16() + "\x00\x13\x04"s, true},
    {"bgp", Transport::Tcp, 179, 40000, 0, ff16() + "\x00\x13\x04"s, false},  // server port 179 only
    {"bgp", Transport::Tcp, 40000, 179, 0, ff16() + "\x00\x13"s, false},      // shorter than a header
    {"ntp", Transport::Udp, 40000, 123, 0, pad("\x1b"s, 48), true},
    {"ntp", Transport::Udp, 40000, 124, 0, pad("\x1b"s, 48), false},
    {"postgresql", Transport::Tcp, 40000, 5432, 0, "\x00\x00\x00\x08\x04\xd2\x16\x2f"s, true},
    {"postgresql", Transport::Tcp, 40000, 5432, 0, "\x00\x00\x00\x08\x04\xd2\x16\x30"s, false},
    {"postgresql", Transport::Tcp, 40000, 5432, 0,
     "\x00\x00\x00\x11\x00\x03\x00\x00user\x00"
     "bob\x00\x00"s,
     true},
    {"postgresql", Transport::Tcp, 40000, 5432, 0,
     "\x00\x00\x01\x11\x00\x03\x00\x00user\x00"
     "bob\x00\x00"s,
     false},
    {"oracle", Transport::Tcp, 40000, 1521, 0, pad("\x00\x3a\x00\x00\x01\x00\x00\x00\x01\x38"s, 58), true},
    {"oracle", Transport::Tcp, 40000, 1521, 0, pad("\x00\x3a\x00\x00\x01\x00\x00\x00\x01\x28"s, 58), false},
    {"tds", Transport::Tcp, 40000, 1433, 0, "\x12\x01\x00\x08\x00\x00\x01\x00"s, true},
    {"tds", Transport::Tcp, 40000, 1433, 0, "\x12\x01\x00\x09\x00\x00\x01\x00"s, false},
    {"tds", Transport::Tcp, 40000, 3106, 0, pad("\x02\x00\x02\x00\x00\x00\x01\x00"s, 16), true},
    {"tds", Transport::Tcp, 40000, 3106, 0, pad("\x02\x00\x02\x00\x00\x00\x02\x00"s, 16), false},
    {"dnp3", Transport::Tcp, 40000, 20000, 0, "\x05\x64\x05\xc0\x01\x00\x00\x04\xe9\x21"s, true},
    {"dnp3", Transport::Tcp, 40000, 20000, 0, "\x05\x64\x04\xc0\x01\x00\x00\x04\xe9\x21"s, false},
    {"dtls", Transport::Udp, 40000, 4433, 0, pad(pad("\x16\xfe\xfd"s, 13) + "\x01"s, 100), true},
    {"dtls", Transport::Udp, 40000, 4433, 0, pad(pad("\x16\xfe\xfd"s, 13) + "\x01"s, 99), false},
    {"openvpn", Transport::Udp, 40000, 1194, 0,
     "\x38"
     "CLIENTID\x00\x00\x00\x00\x00"s,
     true},
    {"openvpn", Transport::Udp, 40000, 1194, 0, "\x38\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"s, false},
    {"openvpn", Transport::Tcp, 40000, 1194, 0,
     "\x00\x0e\x38"
     "CLIENTID\x00\x00\x00\x00\x00"s,
     true},
    {"openvpn", Transport::Tcp, 40000, 1194, 0,
     "\x00\x0f\x38"
     "CLIENTID\x00\x00\x00\x00\x00"s,
     false},
    {"isakmp", Transport::Udp, 500, 500, 0, pad(pad(""s, 16) + "\x01\x10\x02"s, 28), true},
    {"isakmp", Transport::Udp, 500, 500, 0, pad(pad(""s, 16) + "\x05\x10\x02"s, 28), false},
    {"krb5", Transport::Udp, 40000, 88, 0, "\x6a\x03\x30\x01\x00"s, true},
    {"krb5", Transport::Udp, 40000, 88, 0, "\x6a\x30\x30\x01\x00"s, false},
    {"krb5", Transport::Tcp, 40000, 88, 0, "\x00\x00\x00\x05\x6a\x03\x30\x01\x00"s, true},
    {"krb5", Transport::Tcp, 40000, 88, 0, "\x00\x00\x00\x05\x30\x03\x30\x01\x00"s, false},
    {"mdns", Transport::Udp, 5353, 5353, 0, pad("\x00\x00\x00\x00\x00\x01"s, 12), true},
    {"mdns", Transport::Udp, 5353, 53, 0, pad("\x00\x00\x00\x00\x00\x01"s, 12), false},
    {"llmnr", Transport::Udp, 40000, 5355, 0, pad("\x20\x0c\x00\x00\x00\x01"s, 12), true},
    {"llmnr", Transport::Udp, 40000, 5355, 0, pad("\x20\x0c\x00\x00\x00\x00"s, 12), false},
    {"tftp", Transport::Udp, 40000, 69, 0,
     "\x00\x01"
     "file\x00octet\x00"s,
     true},
    {"tftp", Transport::Udp, 40000, 69, 0,
     "\x00\x01"
     "file\x00"
     "bogus\x00"s,
     false},
    {"thrift", Transport::Tcp, 40000, 9090, 0, "\x80\x01\x00\x01\x00\x00\x00\x04ping"s, true},
    {"thrift", Transport::Tcp, 40000, 9090, 0, "\x80\x01\x00\x02\x00\x00\x00\x04ping"s, false},
    {"thrift", Transport::Tcp, 40000, 9090, 0, pad("\x00\x00\x00\x20\x80\x01\x00\x01"s, 24), true},
    {"thrift", Transport::Tcp, 40000, 9090, 0, pad("\x00\x00\x00\x20\x81\x01\x00\x01"s, 24), false},
    {"aerospike", Transport::Tcp, 40000, 3000, 0, "\x02\x01\x00\x00\x00\x00\x00\x23node\n"s, true},
    {"aerospike", Transport::Tcp, 40000, 3000, 0, "\x02\x01\x00\x00\x00\x00\x00\x24node\n"s, false},
    {"cassandra", Transport::Tcp, 40000, 9160, 0, "\x00\x00\x00\x25\x80\x01\x00\x01\x00\x00\x00\x0cset_keyspace"s,
     true},
    {"cassandra", Transport::Tcp, 40000, 9160, 0, "\x00\x00\x00\x25\x80\x01\x00\x01\x00\x00\x00\x0dset_keyspace"s,
     false},
    {"kafka", Transport::Tcp, 40000, 9092, 0, pad("\x00\x00\x00\x2e\x00\x02"s, 50), true},
    {"kafka", Transport::Tcp, 40000, 9092, 0, pad("\x00\x00\x00\x2e\x00\x02"s, 51), false},
    {"bitcoin", Transport::Tcp, 40000, 8333, 0, "\xf9\xbe\xb4\xd9version"s, true},
    {"bitcoin", Transport::Tcp, 40000, 8333, 0, "\xf9\xbe\xb4\xd8version"s, false},
    {"pop3", Transport::Tcp, 40000, 110, 1, "+OK POP3 ready\r\n", true},
    {"pop3", Transport::Tcp, 40000, 1100, 1, "+OK hello\r\n", false},
    {"http2", Transport::Tcp, 40000, 80, 0, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", true},
    {"http2", Transport::Tcp, 40000, 80, 0, "PRI * HTTP/1.1\r\n\r\nSM\r\n\r\n", false},
    {"c1222", Transport::Tcp, 40000, 1153, 0, "\x60\x26\xa2\x07\x06"s, true},
    {"c1222", Transport::Tcp, 40000, 1153, 0, "\x61\x26\xa2\x07\x06"s, false},
    {"pana", Transport::Udp, 40000, 716, 0, pad("\x00\x00\x00\x10"s, 16), true},
    {"pana", Transport::Udp, 40000, 716, 0, pad("\x00\x01\x00\x10"s, 16), false},
    {"ptp", Transport::Udp, 319, 319, 0, pad("\x00\x02\x00\x2c"s, 44), true},
    {"ptp", Transport::Udp, 319, 319, 0, pad("\x00\x01\x00\x2c"s, 44), false},
    // Classify-only protocols.
    {"mongo", Transport::Tcp, 40000, 27017, 0, mongo_query("\x00\x00\x00\x00"s), true},
    {"mongo", Transport::Tcp, 40000, 27017, 0, mongo_query("\xff\xff\xff\xff"s), true},
    {"mongo", Transport::Tcp, 40000, 27017, 0, mongo_query("\x01\x00\x00\x00"s), false},
    {"redis", Transport::Tcp, 40000, 6379, 0, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n", true},
    {"redis", Transport::Tcp, 40000, 6379, 1, "-NOAUTH Authentication required.\r\n", true},
    {"redis", Transport::Tcp, 40000, 6379, 0, "*6\r\n$3\r\nSET\r\n", false},
    {"redis", Transport::Tcp, 40000, 6379, 1, "+PING\r\n", false},
    {"lmtp", Transport::Tcp, 40000, 24, 1, "220 mail LMTP server ready\r\n", true},
    {"lmtp", Transport::Tcp, 40000, 24, 1, "220 mail ESMTP server ready\r\n", false},
    {"gh0st", Transport::Tcp, 40000, 8000, 0, gh0st(32), true},
    {"gh0st", Transport::Tcp, 40000, 8000, 0, gh0st(33), false},
    {"vnc", Transport::Tcp, 40000, 5900, 1, "RFB 003.008\n", true},
    {"vnc", Transport::Tcp, 40000, 5900, 1, "RFB 003-008\n", false},
    {"jabber", Transport::Tcp, 40000, 5222, 0, "<?xml version='1.0'?><stream:stream xmlns='jabber:client'>", true},
    {"jabber", Transport::Tcp, 40000, 5222, 0, "<?xml version='1.0'?><svg xmlns='w3'/>", false},
    {"bjnp", Transport::Udp, 40000, 8611, 0, "BJNP\x01\x01\x00\x00\x00\x00\x00\x00"s, true},
    {"bjnp", Transport::Udp, 40000, 8611, 0, "BJNQ\x01\x01\x00\x00\x00\x00\x00\x00"s, false},
    {"syslog", Transport::Udp, 40000, 514, 0, "<34>Oct 11 22:14:15 host su: fail", true},
    {"syslog", Transport::Tcp, 40000, 601, 0, "<7>1 2026-11-23T00:00:00Z host app - - -", true},
    {"syslog", Transport::Udp, 40000, 514, 0, "<34 Oct 11 22:14:15 host su: fail", false},
    {"syslog", Transport::Udp, 40000, 514, 0, "<345", false},
    {"flap", Transport::Tcp, 40000, 5190, 1, "\x2a\x01\x00\x01\x00\x04\x00\x00\x00\x01"s, true},
    {"flap", Transport::Tcp, 40000, 5190, 1, "\x2a\x01\x00\x01\x00\x05\x00\x00\x00\x01"s, false},
    {"nsclient", Transport::Tcp, 40000, 12489, 0, "NSClient++ 1&1", true},
    {"nsclient", Transport::Tcp, 40000, 12489, 0, "NSClien++ 1&1", false},
    {"ssdp", Transport::Udp, 40000, 1900, 0, "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n", true},
    {"ssdp", Transport::Udp, 40000, 1900, 0, "NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\n", true},
    {"ssdp", Transport::Udp, 40000, 1900, 1, "HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n", true},
    {"ssdp", Transport::Udp, 40000, 1900, 1, "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n", false},
    {"ssdp", Transport::Udp, 40000, 1900, 0, "M-SEARCH* HTTP/1.1\r\n", false},
    {"zabbix", Transport::Tcp, 40000, 10051, 0, "ZBXD\x01\x10\x00\x00\x00\x00\x00\x00\x00"s, true},
    {"zabbix", Transport::Tcp, 40000, 10051, 0, "ZBXD\x02\x10\x00\x00\x00\x00\x00\x00\x00"s, false},
    {"rmi", Transport::Tcp, 40000, 1099, 0, "JRMI\x00\x02\x4b"s, true},
    {"rmi", Transport::Tcp, 40000, 1099, 0, "JRMI\x00\x01\x4b"s, false},
    {"tacacs", Transport::Tcp, 40000, 49, 0, pad("\xc0\x01\x01\x00"s, 28), true},
    {"tacacs", Transport::Tcp, 40000, 50, 0, pad("\xc0\x01\x01\x00"s, 28), false},
    {"tacacs", Transport::Tcp, 40000, 49, 0, pad("\xc0\x04\x01\x00"s, 28), false},
    {"flash-policy", Transport::Tcp, 40000, 843, 0, "<policy-file-request/>\x00"s, true},
    {"flash-policy", Transport::Tcp, 40000, 843, 0, "<policy-file-request>\x00"s, false},
    {"dropbox-lan-sync", Transport::Udp, 17500, 17500, 0, "{\"host_int\": 12345, \"version\": [2, 0]}", true},
    {"dropbox-lan-sync", Transport::Udp, 17500, 17500, 0, "{\"host_id\": 12345, \"version\": [2, 0]}", false},
    {"steam-friends", Transport::Udp, 40000, 27017, 0, "VS01\x00\x00\x00\x00"s, true},
    {"steam-friends", Transport::Udp, 40000, 27017, 0, "VS02\x00\x00\x00\x00"s, false},
    {"valve-a2s", Transport::Udp, 40000, 27015, 0, "\xff\xff\xff\xffTSource Engine Query\x00"s, true},
    {"valve-a2s", Transport::Udp, 40000, 27015, 0, "\xff\xff\xff\xffUSource Engine Query\x00"s, false},
    {"stream-ihscp", Transport::Tcp, 40000, 27036, 0, "\xa4\x00\x00\x00VT01\x00\x00"s, true},
    {"stream-ihscp", Transport::Tcp, 40000, 27036, 0, "\xa5\x00\x00\x00VT01\x00\x00"s, false},
    {"honeywell-tcc", Transport::Tcp, 40000, 4242, 0, "CBKPPR\x05P\x00"s, true},
    {"honeywell-tcc", Transport::Tcp, 40000, 4242, 0, "CBKPPR\x06P\x00"s, false},
    {"pjl", Transport::Tcp, 40000, 9100, 0, "\x1b%-12345X@PJL\r\n"s, true},
    {"pjl", Transport::Tcp, 40000, 9100, 0, "@PJL INFO ID\r\n", true},
    {"pjl", Transport::Tcp, 40000, 9100, 0, "@PJLINFO ID\r\n", false},
    {"rip", Transport::Udp, 520, 520, 0, pad("\x02\x02\x00\x00"s, 24), true},
    {"rip", Transport::Udp, 521, 521, 0, pad("\x02\x02\x00\x00"s, 24), false},
    {"rip", Transport::Udp, 520, 520, 0, pad("\x02\x03\x00\x00"s, 24), false},
    {"nzsql", Transport::Tcp, 40000, 5480, 0, "\x00\x00\x00\x08\x00\x01\x00\x03"s, true},
    {"nzsql", Transport::Tcp, 40000, 5480, 0, "\x00\x00\x00\x08\x00\x01\x00\x04"s, false},
    {"splunk", Transport::Tcp, 40000, 9997, 0, "--splunk-cooked-mode-v3--\x00"s, true},
    {"splunk", Transport::Tcp, 40000, 9997, 0, "--splunk-raw-mode-v3--\x00"s, false},
    {"aruba-papi", Transport::Udp, 8211, 8211, 0, pad("\x49\x72\x00\x03"s, 20), true},
    {"aruba-papi", Transport::Udp, 8211, 8211, 0, pad("\x49\x73\x00\x03"s, 20), false},
    {"aruba-papi", Transport::Udp, 8211, 8211, 0, pad("\x49\x72\x00\x03"s, 19), false},
    {"x11", Transport::Tcp, 40000, 6000, 0, pad("\x6c\x00\x0b\x00\x00\x00"s, 12), true},
    {"x11", Transport::Tcp, 40000, 6000, 0, pad("\x42\x00\x00\x0b\x00\x00"s, 12), false},
    {"memcached", Transport::Tcp, 40000, 11211, 0, "flush_all\r\n", true},
    {"memcached", Transport::Tcp, 40000, 11211, 1, "VALUE k 0 1\r\nv\r\nEND\r\n", true},
    {"memcached", Transport::Tcp, 40000, 11211, 0, "flush\r\n", false},
    {"memcached", Transport::Udp, 40000, 11211, 0, "\x00\x01\x00\x00\x00\x01\x00\x00stats\r\n"s, true},
    {"memcached", Transport::Udp, 40000, 11211, 0, "\x00\x01\x00\x00\x00\x01\x00\x01stats\r\n"s, false},
    {"hbase", Transport::Tcp, 40000, 60000, 0, "HBas\x00\x50\x00\x00"s, true},
    {"hbase", Transport::Tcp, 40000, 60000, 0, "HBas\x01\x50\x00\x00"s, false},
    {"hadoop", Transport::Tcp, 40000, 8020, 0, "hrpc\x09\x00\x00\x00"s, true},
    {"hadoop", Transport::Tcp, 40000, 8020, 0, "hrpc\x08\x00\x00\x00"s, false},
    {"hdfs", Transport::Tcp, 40000, 50010, 0, pad("\x00\x1c\x50\x00\x00\x0a"s, 16), true},
    {"hdfs", Transport::Tcp, 40000, 50010, 0, pad("\x00\x1c\x50\x00\x00\x0b"s, 16), false},
    {"zookeeper", Transport::Tcp, 40000, 2181, 0, "mntr\n", true},
    {"zookeeper", Transport::Tcp, 40000, 2181, 0, pad("\x00\x00\x00\x2c\x00\x00\x00\x00"s, 48), true},
    {"zookeeper", Transport::Tcp, 40000, 2181, 0, "mntx\n", false},
    {"sccp", Transport::Tcp, 40000, 2000, 0, pad("\x1c"s, 36), true},
    {"sccp", Transport::Tcp, 40000, 2000, 0, pad("\x1c\x00\x00\x01"s, 36), false},
    {"sccp", Transport::Tcp, 40000, 2001, 0, pad("\x1c"s, 36), false},
    {"hsrp", Transport::Udp, 1985, 1985, 0, pad("\x00\x03\x00\x10"s, 20), true},
    {"hsrp", Transport::Udp, 40000, 1985, 0, pad("\x00\x03\x00\x10"s, 20), false},
    {"hsrpv2", Transport::Udp, 1985, 1985, 0, pad("\x01\x28\x02\x02"s, 40), true},
    {"hsrpv2", Transport::Udp, 1985, 1985, 0, pad("\x01\x28\x03\x02"s, 40), false},
    {"elasticsearch", Transport::Tcp, 40000, 9300, 0, "ES\x00\x00\x00\x10"s, true},
    {"elasticsearch", Transport::Tcp, 40000, 9300, 0, "ES\x00\x01\x00\x10"s, false},
    {"safet", Transport::Udp, 40000, 23294, 0, pad("\x00\x00\x18"s, 24), true},
    {"safet", Transport::Udp, 40000, 23294, 0, pad("\x00\x00\x19"s, 24), false},
    {"telnet", Transport::Tcp, 40000, 23, 0, "\xff\xfd\x18\xff\xfd\x20"s, true},
    {"telnet", Transport::Tcp, 40000, 23, 1, "\xff\xfb\x01"s, true},
    {"telnet", Transport::Tcp, 40000, 23, 0, "\xff\xf0\x18"s, false},
    {"telnet", Transport::Tcp, 40000, 2323, 0, "\xff\xfd\x18"s, false},
    {"opcua", Transport::Tcp, 40000, 4840, 0, pad("HELF\x38\x00\x00\x00"s, 56), true},
    {"opcua", Transport::Tcp, 40000, 4840, 0, pad("HELF\x04\x00\x00\x00"s, 56), false},
    {"nfs", Transport::Udp, 40000, 2049, 0, rpc_call(0xa3), true},
    {"nfs", Transport::Tcp, 40000, 2049, 0, "\x80\x00\x00\x28"s + rpc_call(0xa3), true},
    {"nfs", Transport::Udp, 40000, 2049, 0, rpc_call(0xa4), false},
    {"portmap", Transport::Udp, 40000, 111, 0, rpc_call(0xa0), true},
    {"portmap", Transport::Udp, 40000, 111, 0, rpc_call(0xa3), false},
    {"rstat", Transport::Udp, 40000, 900, 0, rpc_call(0xa1), true},
    {"rstat", Transport::Udp, 40000, 900, 0, rpc_call(0xa0), false},
    {"rusers", Transport::Udp, 40000, 900, 0, rpc_call(0xa2), true},
    {"rusers", Transport::Udp, 40000, 900, 0, rpc_call(0xa1), false},
    {"ypprog", Transport::Udp, 40000, 900, 0, rpc_call(0xa4), true},
    {"ypprog", Transport::Udp, 40000, 900, 0, rpc_call(0xa5), false},
    {"mount", Transport::Udp, 40000, 900, 0, rpc_call(0xa5), true},
    {"mount", Transport::Udp, 40000, 900, 0, rpc_call(0xa6), false},
    {"ypbind", Transport::Udp, 40000, 900, 0, rpc_call(0xa7), true},
    {"ypbind", Transport::Udp, 40000, 900, 0, rpc_call(0xa6), false},
    {"wall", Transport::Udp, 40000, 900, 0, rpc_call(0xa8), true},
    {"wall", Transport::Udp, 40000, 900, 0, rpc_call(0xa9), false},
    {"yppasswd", Transport::Udp, 40000, 900, 0, rpc_call(0xa9), true},
    {"yppasswd", Transport::Udp, 40000, 900, 0, rpc_call(0xaa), false},
    {"rquota", Transport::Udp, 40000, 900, 0, rpc_call(0xab), true},
    {"rquota", Transport::Udp, 40000, 900, 0, rpc_call(0xac), false},
    {"rexec", Transport::Udp, 40000, 900, 0, rpc_call(0xb1), true},
    {"rexec", Transport::Udp, 40000, 900, 0, rpc_call(0xb2), false},
    {"tfs", Transport::Udp, 40000, 900, 0, rpc_call(0xc5), true},
    {"tfs", Transport::Udp, 40000, 900, 0, rpc_call(0xc4), false},
    // A call that is not a call (message type 1, a reply) names no RPC program.
    {"portmap", Transport::Udp, 40000, 111, 0, "\x12\x34\x56\x78\x00\x00\x00\x01"s + rpc_call(0xa0).substr(8), false},
};

class SignaturesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        Registries r{h.registry, h.classifiers, h.hooks};
        register_signatures(r);
        h.start();
    }
    /// A detached session attached to the real table, with the given ends and other-direction bytes.
    session::Session make(Transport t, uint16_t cport, uint16_t sport, int which, const std::string& other) {
        session::Session s;
        s.table = h.table.get();
        s.ipProtocol = t == Transport::Tcp ? 6 : t == Transport::Udp ? 17 : 132;
        s.port[0] = cport;
        s.port[1] = sport;
        uint8_t n = static_cast<uint8_t>(std::min<size_t>(8, other.size()));
        std::memcpy(s.payload8[1 - which], other.data(), n);
        s.payload8Len[1 - which] = n;
        return s;
    }
    Harness h;
};

TEST_F(SignaturesTest, EachFixture) {
    for (const Case& c : kCases) {
        session::Session s = make(c.t, c.cport, c.sport, c.which, c.other);
        const auto* d = reinterpret_cast<const uint8_t*>(c.data.data());
        h.classifiers.classify(c.t, s, d, static_cast<uint32_t>(c.data.size()), c.which, c.cport, c.sport);
        EXPECT_EQ(h.table->has_protocol(s, c.proto), c.expect)
            << c.proto << (c.expect ? " positive" : " negative") << " fixture, " << c.data.size() << " bytes";
    }
}

TEST_F(SignaturesTest, FbzeroAlsoNamesQuic) {
    session::Session s = make(Transport::Tcp, 40000, 443, 0, {});
    const std::string d = "1QTV0\xc6\x00\x00\x00"s;
    h.classifiers.classify(Transport::Tcp, s, reinterpret_cast<const uint8_t*>(d.data()), uint32_t(d.size()), 0, 40000,
                           443);
    EXPECT_TRUE(h.table->has_protocol(s, "quic"));
}

TEST_F(SignaturesTest, SctpPayloadProtocolIds) {
    const std::string d = pad("\x01\x00\x00\x14\x80\x00\x01\x01"s, 20);
    const auto* p = reinterpret_cast<const uint8_t*>(d.data());
    struct {
        uint32_t ppid;
        const char* proto;
    } const cases[] = {{3, "m3ua"}, {2, "m2ua"}, {46, "diameter"}};
    for (const auto& c : cases) {
        session::Session s = make(Transport::Sctp, 2905, 2905, 0, {});
        h.classifiers.classify_sctp_protocol(s, c.ppid, p, uint32_t(d.size()), 0);
        EXPECT_TRUE(h.table->has_protocol(s, c.proto)) << c.proto;
        session::Session other = make(Transport::Sctp, 2905, 2905, 0, {});
        h.classifiers.classify_sctp_protocol(other, 99, p, uint32_t(d.size()), 0);
        EXPECT_FALSE(h.table->has_protocol(other, c.proto)) << c.proto;
    }
}

/// Every protocol name of the table has at least one positive and one negative fixture.
TEST_F(SignaturesTest, EveryNameHasFixtures) {
    std::set<std::string> pos, neg;
    for (const Case& c : kCases)
        (c.expect ? pos : neg).insert(c.proto);
    for (const Signature& sig : table()) {
        if (sig.sctpPpid && sig.patterns.empty() && sig.ports.empty()) continue;  // SctpPayloadProtocolIds
        EXPECT_TRUE(pos.count(std::string(sig.name))) << sig.name;
        EXPECT_TRUE(neg.count(std::string(sig.name))) << sig.name;
    }
}

/// Every entry's pattern (or, for port entries, nothing) at the start of exactly-sized payloads
/// of every length up to 64 bytes and three fillers, on both ends: the probes read only inside
/// the payload (the sanitizer build reports any byte read past it), and the table is exercised
/// with each entry's own bytes (at least one payload names each pattern entry's protocol).
TEST_F(SignaturesTest, ProbesStayInsideShortPayloads) {
    constexpr uint8_t kFillers[] = {0x00, 0xff, '>'};
    std::set<std::string> named;
    for (const Signature& sig : table()) {
        std::vector<Pattern> pats(sig.patterns.begin(), sig.patterns.end());
        if (pats.empty()) pats.push_back({});
        const Transport t = (sig.transports & kTcp) ? Transport::Tcp : Transport::Udp;
        if (!(sig.transports & (kTcp | kUdp))) continue;  // SCTP payload-id entries
        const uint16_t port = sig.ports.empty() ? 40001 : sig.ports.front().port;
        for (const Pattern& p : pats)
            for (uint32_t len = 2; len <= 64; ++len)
                for (uint8_t fill : kFillers)
                    for (int which = 0; which < 2; ++which) {
                        if (p.offset + p.bytes.size() > len) continue;
                        auto buf = std::make_unique<uint8_t[]>(len);  // exactly `len` bytes
                        std::memset(buf.get(), fill, len);
                        if (!p.bytes.empty()) std::memcpy(buf.get() + p.offset, p.bytes.data(), p.bytes.size());
                        session::Session s = make(t, port, port, which, {});
                        h.classifiers.classify(t, s, buf.get(), len, which, port, port);
                        if (h.table->has_protocol(s, sig.name)) named.insert(std::string(sig.name));
                    }
    }
    for (const char* name : {"mongo", "redis", "x11", "rmi", "zabbix", "syslog", "flap", "memcached", "nfs"})
        EXPECT_TRUE(named.count(name)) << name;
}

/// End to end through the flow table: a TCP handshake, then an SSH banner from each side.
TEST_F(SignaturesTest, TcpFlowThroughTable) {
    session::test::TcpFlow f;
    f.sport = 22;
    uint64_t t = session::test::kSec;
    h.feed(f.syn(), t);
    h.feed(f.synack(), t + 1);
    h.feed(f.ack(), t + 2);
    h.feed(f.sdata(0, "SSH-2.0-server\r\n"), t + 3);
    h.feed(f.cdata(0, "SSH-2.0-client\r\n"), t + 4);
    h.table->flush_all();
    const auto* saved = h.find_saved("10.0.0.1");
    ASSERT_NE(saved, nullptr);
    EXPECT_EQ(saved->at("protocol"), nlohmann::json({"tcp", "ssh"}));
}

// End to end with every built-in protocol registered: the classify-only names appear on the
// session record, alone (no other classifier claims the same bytes), and near misses name nothing.
using session::test::has_protocol;
using session::test::Msg;
using session::test::tcp_exchange;
using session::test::udp_exchange;

/// The record's protocol list without the transport.
std::set<std::string> app_protocols(const nlohmann::json& j) {
    std::set<std::string> out;
    if (j.contains("protocol"))
        for (const auto& p : j["protocol"])
            if (p != "tcp" && p != "udp") out.insert(p.get<std::string>());
    return out;
}

TEST(SignaturesExchange, MongoQueryOnly) {
    const auto j = tcp_exchange(27017, {{0, mongo_query("\x00\x00\x00\x00"s) + "\x00\x00\x00\x00"s}});
    EXPECT_EQ(app_protocols(j), std::set<std::string>{"mongo"});
    EXPECT_TRUE(has_protocol(j, "tcp"));
}

TEST(SignaturesExchange, MongoReplyHeaderIsNotAQuery) {
    // A reply (opcode 1) answers a request: responseTo is set and the opcode is not 2004.
    const auto j = tcp_exchange(27017, {{1, "\x3a\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00"s}});
    EXPECT_FALSE(has_protocol(j, "mongo"));
}

TEST(SignaturesExchange, RedisCommandAndReply) {
    const auto j = tcp_exchange(6379, {{0, "*1\r\n$4\r\nPING\r\n"}, {1, "+PONG\r\n"}});
    EXPECT_EQ(app_protocols(j), std::set<std::string>{"redis"});
}

TEST(SignaturesExchange, RedisInlineCommandIsNotNamed) {
    const auto j = tcp_exchange(6379, {{0, "PING\r\n"}, {1, "+OK\r\n"}});
    EXPECT_FALSE(has_protocol(j, "redis"));
}

TEST(SignaturesExchange, VncHandshake) {
    const auto j = tcp_exchange(5900, {{1, "RFB 003.008\n"}, {0, "RFB 003.008\n"}});
    EXPECT_EQ(app_protocols(j), std::set<std::string>{"vnc"});
}

TEST(SignaturesExchange, TelnetNegotiationOnlyToPort23) {
    const std::vector<Msg> msgs = {{1, "\xff\xfd\x18\xff\xfd\x20"s}, {0, "\xff\xfb\x18"s}};
    EXPECT_EQ(app_protocols(tcp_exchange(23, msgs)), std::set<std::string>{"telnet"});
    EXPECT_FALSE(has_protocol(tcp_exchange(2323, msgs), "telnet"));
}

TEST(SignaturesExchange, SyslogOverUdpAndTcp) {
    EXPECT_EQ(app_protocols(udp_exchange(514, {{0, "<13>Nov 23 03:00:00 host app: hello"}})),
              std::set<std::string>{"syslog"});
    EXPECT_EQ(app_protocols(tcp_exchange(601, {{0, "<165>1 2026-11-23T03:00:00Z host app - - - hi\n"}})),
              std::set<std::string>{"syslog"});
    EXPECT_FALSE(has_protocol(udp_exchange(514, {{0, "<13 >not a priority"}}), "syslog"));
}

TEST(SignaturesExchange, SsdpSearchAndUpnpReply) {
    const auto j = udp_exchange(1900, {{0, "M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\n\r\n"},
                                       {1, "HTTP/1.1 200 OK\r\nUSN: uuid:1\r\n\r\n"}});
    EXPECT_EQ(app_protocols(j), std::set<std::string>{"ssdp"});
    EXPECT_FALSE(has_protocol(udp_exchange(1900, {{0, "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n"}}), "ssdp"));
}

TEST(SignaturesExchange, X11AndMemcached) {
    EXPECT_EQ(app_protocols(tcp_exchange(6000, {{0, pad("\x6c\x00\x0b\x00\x00\x00\x12\x00"s, 48)}})),
              std::set<std::string>{"x11"});
    EXPECT_EQ(app_protocols(tcp_exchange(11211, {{0, "get k\r\n"}, {1, "VALUE k 0 1\r\nv\r\nEND\r\n"}})),
              std::set<std::string>{"memcached"});
}

TEST(SignaturesExchange, HsrpNeedsTheSamePortAtBothEnds) {
    const std::string hello = pad("\x00\x03\x00\x10\x03\x64\x01\x00cisco\x00\x00\x00"s, 20);
    EXPECT_EQ(app_protocols(udp_exchange(1985, {{0, hello}}, 1985)), std::set<std::string>{"hsrp"});
    EXPECT_FALSE(has_protocol(udp_exchange(1985, {{0, hello}}), "hsrp"));
}

TEST(SignaturesExchange, RpcProgramsByNumber) {
    EXPECT_EQ(app_protocols(udp_exchange(111, {{0, rpc_call(0xa0)}})), std::set<std::string>{"portmap"});
    EXPECT_EQ(app_protocols(udp_exchange(2049, {{0, rpc_call(0xa3)}})), std::set<std::string>{"nfs"});
    EXPECT_TRUE(app_protocols(udp_exchange(900, {{0, rpc_call(0xa6)}})).empty());  // 100006: no name
}

TEST(SignaturesExchange, LmtpBannerIsNotSmtp) {
    const auto j = tcp_exchange(24, {{1, "220 host LMTP ready\r\n"}, {0, "LHLO me\r\n"}});
    EXPECT_TRUE(has_protocol(j, "lmtp"));
    EXPECT_FALSE(has_protocol(j, "smtp"));
}

}  // namespace signatures_test
}  // namespace flowdex::protocols::signatures
