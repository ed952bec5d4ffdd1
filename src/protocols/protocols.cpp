#include "protocols/protocols.h"

namespace flowdex::protocols {

void register_builtin_protocols(Registries& r) { (void)r; }

}  // namespace flowdex::protocols
