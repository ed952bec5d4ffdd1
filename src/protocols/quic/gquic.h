#pragma once
/// Google QUIC (versions Q0xx) over UDP: the client's CHLO handshake message is clear text. The
/// name `quic` comes from the signature table; this module attaches a parser on client datagrams
/// whose public header has the version flag and a `Q0xx` version right after the flags byte or
/// after an 8-byte connection id, and reads:
/// - the version → `quic.version`;
/// - from the CHLO tag/value map: SNI → `quic.host`, UAID → `quic.useragent`.
/// Only the first kMaxDatagrams client datagrams are looked at; every offset is checked.
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::quic {

constexpr size_t kMaxDatagrams = 4;

void register_gquic(Registries& r);

}  // namespace flowdex::protocols::quic

namespace flowdex::protocols {
using quic::register_gquic;
}
