#pragma once
/// DNS messages (RFC 1035 and the record types Arkime writes) turned into Arkime's `dns` objects.
///
/// One session holds a list of objects, one per distinct question (transaction id, opcode,
/// class, type, name): the query creates it, the response with the same question fills in status,
/// header flags, hosts, IPs and answers. mDNS responses without a question share one object keyed
/// on `<root>`. DnsObjects is the session's FieldObject for the `dns` field and writes the array.
///
/// Bounded: names are read with at most kMaxPointers compression pointers and kMaxName output
/// bytes; a session keeps at most kMaxObjects objects, each with at most kMaxAnswers answers and
/// kMaxSetItems values per host/IP set. Every read is checked against the message end.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fields/field_values.h"

namespace flowdex::protocols::dns {

inline constexpr int kMaxPointers = 11;         ///< a 12th pointer in one name is a loop
inline constexpr size_t kMaxName = 8000;        ///< bytes of one decoded name
inline constexpr size_t kMaxObjects = 256;      ///< questions per session
inline constexpr size_t kMaxAnswers = 2000;     ///< answers per question
inline constexpr size_t kMaxSetItems = 2000;    ///< hosts or IPs per set
inline constexpr uint32_t kMinMessage = 17;     ///< shorter messages are ignored
inline constexpr uint32_t kMinTcpMessage = 17;  ///< a shorter TCP length prefix ends parsing

/// Which port family the message came from (decides the protocol name and mDNS rules).
enum class Flavor : uint8_t { Dns = 0, Llmnr = 1, Mdns = 2 };

struct Options {
    bool parseRecordAll = true;  ///< Arkime parseDNSRecordAll: NS/MX hosts and their IPs
    bool outputAnswers = true;   ///< Arkime dnsOutputAnswers: `answersCnt` and `answers`
};

/// Session-level effects of a message other than the objects (protocol, tags).
struct Effects {
    const char* protocol = nullptr;  ///< set when the message counts as DNS/LLMNR/mDNS
    std::vector<const char*> tags;   ///< e.g. "dns:bad-pointer-loop"
};

/// Reads a (possibly compressed) name at `pos` of `cur` (cur.size() is where the enclosing
/// structure ends) into `out` in Arkime's presentation (labels joined with '.', bytes >= 0x80 as
/// "M-" + low 7 bits, control bytes as '^' + byte ^ 0x40). Pointers resolve against `msg`.
/// Returns false for a bad pointer (out of the message, or more than kMaxPointers: `*loop` set);
/// `*truncated` is set when `cur` ended inside the name's own bytes. `pos` ends after the name.
bool read_name(std::string_view msg, std::string_view cur, size_t& pos, std::string& out, bool* truncated, bool* loop);

/// Arkime's hostname form (GLib g_hostname_to_unicode): ACE labels ("xn--…") punycode-decoded to
/// UTF-8, other labels lower-cased. False when a label does not decode or the name is too long.
bool hostname_to_unicode(std::string_view name, std::string& out);

struct Answer {
    enum class Data : uint8_t { None, Ip, Nameserver, Cname, Mx, Txt, Https, Caa, Rrsig, Nsec, Ds };
    std::string name;
    uint16_t type = 0, klass = 0;
    uint32_t ttl = 0;
    Data data = Data::None;
    uint16_t priority = 0;          ///< MX
    std::string text;               ///< ip, nameserver, cname, mx or the formatted HTTPS/CAA/… text
    std::vector<std::string> txts;  ///< TXT strings
};

/// One question and what its response said.
struct Object {
    uint16_t uid = 0;
    uint8_t opcode = 0;
    uint16_t qclass = 0, qtype = 0;
    std::string queryHost;  ///< unicode form, or "<root>"
    std::vector<std::string> hosts, nsHosts, mxHosts, puny;
    std::vector<std::array<uint8_t, 16>> ips, nsIps, mxIps;  ///< IPv4 as IPv4-mapped IPv6
    int rcode = -1;           ///< -1 until a response is seen; extended by an EDNS OPT record
    uint8_t headerFlags = 0;  ///< AA TC RD RA Z AD CD, AA = bit 6
    std::vector<Answer> answers;

    void clear();
    void write_json(std::string& out, const Options& opts) const;
};

/// The `dns` field value of one session.
class DnsObjects : public fields::FieldObject {
  public:
    /// Parses one whole DNS message. False when it was ignored (too short, unsupported opcode,
    /// bad question); `fx` still receives protocol/tags Arkime would have set.
    bool parse(const uint8_t* data, size_t len, Flavor flavor, Effects& fx);

    size_t count() const override { return used_; }
    void write_json(std::string& out) const override;
    void reset() override;

    const Object& at(size_t i) const { return objects_[i]; }
    Options options;
    uint32_t segment = 0;  ///< the session segment the objects belong to (see dns.cpp)

  private:
    Object* find_or_add(uint16_t uid, uint8_t opcode, uint16_t qclass, uint16_t qtype, std::string_view host);
    std::vector<Object> objects_;  ///< the first used_ are live; the rest keep buffers for reuse
    size_t used_ = 0;
};

}  // namespace flowdex::protocols::dns
