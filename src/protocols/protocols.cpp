#include "protocols/protocols.h"

#include "protocols/dcerpc/dcerpc.h"
#include "protocols/dns/dns.h"
#include "protocols/http/http.h"
#include "protocols/ntlm/ntlm.h"
#include "protocols/signatures/signatures.h"
#include "protocols/tls/tls.h"

namespace flowdex::protocols {

void register_builtin_protocols(Registries& r) {
    register_ntlm(r);
    register_dns(r);
    register_http(r);
    register_tls(r);
    register_signatures(r);
    register_dcerpc(r);
}

}  // namespace flowdex::protocols
