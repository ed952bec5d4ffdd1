// Positive and negative first-payload fixtures for every entry of the signature table.
#include "protocols/signatures/signatures.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

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
    {"bgp", Transport::Tcp, 40000, 179, 0, ff16() + "\x00\x13\x09"s, false},
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

}  // namespace signatures_test
}  // namespace flowdex::protocols::signatures
