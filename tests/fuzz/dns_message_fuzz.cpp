// libFuzzer target: the DNS message decoder alone (protocols::dns::DnsObjects::parse), the code
// fuzz_dns reaches only through a session.
//
// Input layout: byte 0 bits 0-1 flavor (DNS, LLMNR, mDNS, DNS), bit 2 parseDNSRecordAll off,
// bit 3 dnsOutputAnswers off; then messages, each a u16 big-endian length and its bytes, all parsed
// into the same DnsObjects (as one session's messages are), whose JSON is then written.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "protocols/dns/dns_message.h"

using namespace flowdex::protocols::dns;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    constexpr Flavor kFlavors[] = {Flavor::Dns, Flavor::Llmnr, Flavor::Mdns, Flavor::Dns};
    const Flavor flavor = kFlavors[data[0] & 3];
    DnsObjects objs;
    objs.options.parseRecordAll = (data[0] & 4) == 0;
    objs.options.outputAnswers = (data[0] & 8) == 0;
    size_t off = 1;
    while (off + 2 <= size) {
        const size_t len = std::min((size_t{data[off]} << 8) | data[off + 1], size - off - 2);
        off += 2;
        Effects fx;
        objs.parse(data + off, len, flavor, fx);
        off += len;
    }
    std::string out;
    objs.write_json(out);
    if (!nlohmann::json::accept(out)) __builtin_trap();
    return 0;
}
