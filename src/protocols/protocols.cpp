#include "protocols/protocols.h"

#include "protocols/dns/dns.h"
#include "protocols/http/http.h"
#include "protocols/signatures/signatures.h"

namespace flowdex::protocols {

void register_builtin_protocols(Registries& r) {
    register_dns(r);
    register_http(r);
    register_signatures(r);
}

}  // namespace flowdex::protocols
