// The `arkime_packet` module: ethertype and IP-protocol callbacks, re-entering the decoder, packet fields.
#include <cstring>
#include <string_view>

#include "decode/decoder.h"
#include "python/internal.h"

namespace flowdex::python {
namespace {

constexpr uint16_t kEtherFrame = 0;  ///< run_ethernet_cb type 0: the bytes are a whole Ethernet frame
constexpr int32_t kEtherHeader = 14;
constexpr int32_t kIpv4Header = 20, kIpv6Header = 40;

bool get_type(PyObject* o, long max, long& out) {
    if (!PyLong_Check(o)) {
        PyErr_SetString(PyExc_TypeError, "type must be an int");
        return false;
    }
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (v == -1 && PyErr_Occurred()) return false;
    if (overflow || v < 0 || v > max) {
        PyErr_Format(PyExc_ValueError, "type must be between 0 and %ld", max);
        return false;
    }
    out = static_cast<long>(v);
    return true;
}

PyObject* set_cb(PyObject* args, bool ip) {
    PyObject *typeO, *cb;
    if (!PyArg_ParseTuple(args, "OO", &typeO, &cb)) return nullptr;
    long type = 0;
    if (!get_type(typeO, ip ? 0xff : 0xffff, type)) return nullptr;
    if (!PyCallable_Check(cb)) {
        PyErr_SetString(PyExc_TypeError, "callback must be callable");
        return nullptr;
    }
    if (!check_startup(ip ? "set_ip_cb" : "set_ethernet_cb")) return nullptr;
    Callback* c = keep_callback(cb, ip ? "ip" : "ethernet");
    for (State::PacketCb& pc : g->packetCbs) {
        if (pc.ip == ip && pc.type == static_cast<uint32_t>(type)) {
            pc.cb = c;  // the last registration for a type wins
            Py_RETURN_NONE;
        }
    }
    g->packetCbs.push_back({ip, static_cast<uint32_t>(type), c});
    Py_RETURN_NONE;
}

PyObject* set_ethernet_cb(PyObject*, PyObject* args) {
    return set_cb(args, false);
}
PyObject* set_ip_cb(PyObject*, PyObject* args) {
    return set_cb(args, true);
}

PyObject* run_cb(PyObject* args, bool ip) {
    PyObject *batchO, *packetO, *bytesO, *typeO, *desc;
    if (!PyArg_ParseTuple(args, "OOOOO", &batchO, &packetO, &bytesO, &typeO, &desc)) return nullptr;
    if (!packet_from(batchO, true)) return nullptr;
    PacketFrame* f = packet_from(packetO, false);
    if (!f) return nullptr;
    long type = 0;
    if (!get_type(typeO, ip ? 0xff : 0xffff, type)) return nullptr;
    if (PyUnicode_Check(bytesO) || !PyObject_CheckBuffer(bytesO)) {
        PyErr_SetString(PyExc_TypeError, "packetBytes must be the packet's memoryview or a slice of it");
        return nullptr;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(bytesO, &view, PyBUF_SIMPLE) != 0) return nullptr;
    const auto* start = static_cast<const uint8_t*>(view.buf);
    Packet& p = *f->packet;
    const uint8_t* end = p.data + p.caplen;
    bool inside =
        view.len >= 0 && start >= p.data && start <= end && static_cast<size_t>(view.len) <= size_t(end - start);
    if (!inside) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "packetBytes must be the packet's memoryview or a slice of it");
        return nullptr;
    }
    auto len = static_cast<uint32_t>(view.len);
    decode::Decoder& d = *f->decoder;
    PacketRC rc;
    if (ip)
        rc = d.run_ip(p, start, len, static_cast<uint8_t>(type));
    else if (type == kEtherFrame && !d.ether_handler(kEtherFrame).fn)
        rc = d.depth() >= decode::Decoder::kMaxDepth ? PacketRC::Corrupt : d.decode_ethernet(p, start, len);
    else
        rc = d.run_ethernet(p, start, len, static_cast<uint16_t>(type));
    PyBuffer_Release(&view);
    return PyLong_FromLong(static_cast<long>(rc));
}

PyObject* run_ethernet_cb(PyObject*, PyObject* args) {
    return run_cb(args, false);
}
PyObject* run_ip_cb(PyObject*, PyObject* args) {
    return run_cb(args, true);
}

long offset(int32_t v) {
    return v < 0 ? 0 : v;
}

PyObject* get(PyObject*, PyObject* args) {
    PyObject *packetO, *fieldO;
    if (!PyArg_ParseTuple(args, "OO", &packetO, &fieldO)) return nullptr;
    PacketFrame* f = packet_from(packetO, false);
    if (!f) return nullptr;
    if (!PyUnicode_Check(fieldO)) {
        PyErr_SetString(PyExc_TypeError, "field must be a str");
        return nullptr;
    }
    const char* name = PyUnicode_AsUTF8(fieldO);
    if (!name) return nullptr;
    const Packet& p = *f->packet;
    std::string_view n(name);
    long v;
    if (n == "copied")
        v = p.copied;
    else if (n == "direction")
        v = p.direction;
    else if (n == "etherOffset")
        v = offset(p.etherOffset);
    else if (n == "ipOffset")
        v = offset(p.ipOffset);
    else if (n == "ipProtocol")
        v = p.ipProtocol;
    else if (n == "mProtocol")
        v = p.mProtocol ? p.mProtocol : static_cast<long>(p.kind);
    else if (n == "outerEtherOffset")
        v = offset(p.outerEtherOffset);
    else if (n == "outerIpOffset")
        v = offset(p.outerIpOffset);
    else if (n == "outerv6")
        v = p.outerv6;
    else if (n == "payloadLen")
        v = static_cast<long>(p.payloadLen);
    else if (n == "payloadOffset")
        v = p.payloadOffset;
    else if (n == "pktlen")
        v = static_cast<long>(p.caplen);
    else if (n == "readerFilePos")
        v = static_cast<long>(p.readerPos);
    else if (n == "readerPos")
        v = static_cast<long>(p.fileIndex);
    else if (n == "tunnel")
        v = p.tunnel;
    else if (n == "v6")
        v = p.v6;
    else if (n == "vlan")
        v = p.vlan;
    else if (n == "vni")
        v = static_cast<long>(p.vni);
    else if (n == "wasfrag")
        v = p.wasfrag;
    else if (n == "writerFileNum" || n == "writerFilePos")
        v = 0;  // no packet files are written
    else {
        if (g->warned.insert(std::string("packet.") + name).second)
            std::fprintf(stderr, "flowdex: python: arkime_packet.get: unknown field '%s' (None)\n", name);
        Py_RETURN_NONE;
    }
    return PyLong_FromLong(v);
}

PyObject* set(PyObject*, PyObject* args) {
    PyObject *packetO, *fieldO, *valO;
    if (!PyArg_ParseTuple(args, "OOO", &packetO, &fieldO, &valO)) return nullptr;
    PacketFrame* f = packet_from(packetO, false);
    if (!f) return nullptr;
    if (!PyUnicode_Check(fieldO)) {
        PyErr_SetString(PyExc_TypeError, "field must be a str");
        return nullptr;
    }
    if (!PyLong_Check(valO)) {
        PyErr_SetString(PyExc_TypeError, "value must be an int");
        return nullptr;
    }
    const char* name = PyUnicode_AsUTF8(fieldO);
    if (!name) return nullptr;
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(valO, &overflow);
    if (v == -1 && PyErr_Occurred()) return nullptr;
    Packet& p = *f->packet;
    const long long cap = p.caplen;
    auto bad = [&](const char* why) -> PyObject* {
        PyErr_Format(PyExc_ValueError, "%s: %s", name, why);
        return nullptr;
    };
    if (overflow || v < 0) return bad("must not be negative");
    std::string_view n(name);
    // Offsets the session layer reads through are checked against the captured length.
    if (n == "etherOffset" || n == "outerEtherOffset") {
        if (v + kEtherHeader > cap) return bad("past the end of the packet");
        (n == "etherOffset" ? p.etherOffset : p.outerEtherOffset) = static_cast<int32_t>(v);
    } else if (n == "outerIpOffset") {
        if (v + (p.outerv6 ? kIpv6Header : kIpv4Header) > cap) return bad("past the end of the packet");
        p.outerIpOffset = static_cast<int32_t>(v);
    } else if (n == "outerv6") {
        if (v > 1) return bad("must be 0 or 1");
        if (v && p.outerIpOffset >= 0 && p.outerIpOffset + kIpv6Header > cap) return bad("no room for an IPv6 header");
        p.outerv6 = v != 0;
    } else if (n == "v6") {
        if (v > 1) return bad("must be 0 or 1");
        if (v && p.ipOffset >= 0 && p.ipOffset + kIpv6Header > cap) return bad("no room for an IPv6 header");
        p.v6 = v != 0;
    } else if (n == "payloadOffset") {
        if (v + p.payloadLen > cap) return bad("payload past the end of the packet");
        p.payloadOffset = static_cast<int32_t>(v);
    } else if (n == "payloadLen") {
        if (p.payloadOffset + v > cap) return bad("payload past the end of the packet");
        p.payloadLen = static_cast<uint32_t>(v);
    } else if (n == "mProtocol") {
        if (v > 255) return bad("must be below 256");
        p.mProtocol = static_cast<uint8_t>(v);
    } else if (n == "tunnel") {
        if (v > 255) return bad("must be below 256");
        p.tunnel = static_cast<uint8_t>(v);
    } else if (n == "vlan") {
        if (v > 0xfff) return bad("must be below 4096");
        p.vlan = static_cast<uint16_t>(v);
    } else if (n == "vni") {
        if (v > 0xffffff) return bad("must be below 2^24");
        p.vni = static_cast<uint32_t>(v);
        p.vniSet = true;
    } else {
        PyErr_Format(PyExc_ValueError, "arkime_packet.set: '%s' cannot be set", name);
        return nullptr;
    }
    Py_RETURN_NONE;
}

PyMethodDef kMethods[] = {
    {"set_ethernet_cb", set_ethernet_cb, METH_VARARGS, "set_ethernet_cb(type, cb): cb(batch, packet, bytes, len)"},
    {"set_ip_cb", set_ip_cb, METH_VARARGS, "set_ip_cb(type, cb): cb(batch, packet, bytes, len)"},
    {"run_ethernet_cb", run_ethernet_cb, METH_VARARGS, "run_ethernet_cb(batch, packet, bytes, type, description)"},
    {"run_ip_cb", run_ip_cb, METH_VARARGS, "run_ip_cb(batch, packet, bytes, type, description)"},
    {"get", get, METH_VARARGS, "get(packet, field) -> int or None"},
    {"set", set, METH_VARARGS, "set(packet, field, value)"},
    {nullptr, nullptr, 0, nullptr},
};

PyModuleDef kModule = {PyModuleDef_HEAD_INIT,
                       "arkime_packet",
                       "Arkime-compatible packet callbacks (flowdex)",
                       -1,
                       kMethods,
                       nullptr,
                       nullptr,
                       nullptr,
                       nullptr};

}  // namespace

PyObject* init_packet() {
    PyObject* m = PyModule_Create(&kModule);
    if (!m) return nullptr;
    bool ok = PyModule_AddIntConstant(m, "DO_PROCESS", static_cast<long>(PacketRC::DoProcess)) == 0 &&
              PyModule_AddIntConstant(m, "CORRUPT", static_cast<long>(PacketRC::Corrupt)) == 0 &&
              PyModule_AddIntConstant(m, "UNKNOWN_ETHER", static_cast<long>(PacketRC::UnknownEther)) == 0 &&
              PyModule_AddIntConstant(m, "UNKNOWN_IP", static_cast<long>(PacketRC::UnknownIp)) == 0 &&
              PyModule_AddIntConstant(m, "DONT_PROCESS", static_cast<long>(PacketRC::DontProcess)) == 0 &&
              PyModule_AddIntConstant(m, "DONT_PROCESS_OR_FREE", static_cast<long>(PacketRC::DontProcessOrFree)) == 0;
    if (!ok) {
        Py_DECREF(m);
        return nullptr;
    }
    return m;
}

}  // namespace flowdex::python
