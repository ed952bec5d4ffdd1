// libFuzzer target: the TLS certificate decoder alone (protocols::tls::decode_cert) and the JSON of
// what it decoded (protocols::tls::CertObjects), the code fuzz_tls reaches only through a handshake.
//
// Input layout: the whole input is one DER certificate.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "protocols/tls/certs.h"

using namespace flowdex::protocols::tls;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    constexpr int64_t kNow = 1700000000;
    CertInfo c;
    if (!decode_cert(data, size, kNow, c)) return 0;
    CertObjects objs;
    objs.add(std::move(c));
    std::string out;
    objs.write_json(out);
    if (!nlohmann::json::accept(out)) __builtin_trap();
    return 0;
}
