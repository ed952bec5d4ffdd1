#pragma once
/// MQTT (3.1 "MQIsdp", 3.1.1 and 5.0) over TCP. The name `mqtt` comes from the signature table;
/// this module attaches its parser to a stream whose first client payload starts like a CONNECT
/// (packet type 1) and reads every control packet of both directions:
/// - every packet's type name → `mqtt.type` (CONNECT … DISCONNECT, AUTH; 0 is "Reserved");
/// - CONNECT: the protocol level → `mqtt.version` ("3.1", "3.1.1", "5.0", else "unknown"), the
///   connect flags → `mqtt.flags` (hasWill, willRetain, cleanSession, hasPassword) and the will
///   QoS → `mqtt.qos`, then the client id → `mqtt.clientId`, the will topic → `mqtt.willTopic` and
///   the user name → `user` (lower-cased); version 5 property blocks are skipped. The stream is
///   followed only when its first packet is a CONNECT naming "MQTT" or "MQIsdp";
/// - CONNACK: the return (reason) code → `mqtt.connackCode`;
/// - PUBLISH: the QoS from the fixed-header flags → `mqtt.qos` and the topic name → `mqtt.topic`,
///   both only when the topic fits in the kept bytes;
/// - SUBSCRIBE and UNSUBSCRIBE: every topic filter → `mqtt.topic` (version 5 properties skipped;
///   SUBSCRIBE filters are followed by their options byte, UNSUBSCRIBE filters are not).
/// Bounds: per direction at most kMaxBody bytes of one packet's body are kept (the rest is skipped
/// without being stored); CONNECT, CONNACK, SUBSCRIBE and UNSUBSCRIBE bodies larger than that are
/// only counted by type. A malformed remaining length (more than 4 bytes) ends that direction.
/// The kept body bytes count against the session's parser budget (`maxParserBuffer`); when the
/// budget refuses them that direction ends too (its packet adds nothing, earlier fields stay).
#include <cstddef>

#include "protocols/protocols.h"

namespace flowdex::protocols::mqtt {

constexpr size_t kMaxBody = 4096;

void register_mqtt(Registries& r);

}  // namespace flowdex::protocols::mqtt

namespace flowdex::protocols {
using mqtt::register_mqtt;
}
