// The `arkime_session` module: fields, tags, protocols, parsers, attributes and holds of a session.
#include <charconv>
#include <cstdio>

#include "core/ip_format.h"
#include "python/internal.h"
#include "session/community_id.h"
#include "session/flow_table.h"

namespace flowdex::python {
namespace {

using fields::AddResult;
using fields::FieldType;

struct ComputedName {
    const char* expr;
    Computed c;
    uint8_t flag;
};
constexpr ComputedName kComputed[] = {
    {"ip.src", Computed::IpSrc, 0},
    {"ip.dst", Computed::IpDst, 0},
    {"port.src", Computed::PortSrc, 0},
    {"port.dst", Computed::PortDst, 0},
    {"packets.src", Computed::PacketsSrc, 0},
    {"packets.dst", Computed::PacketsDst, 0},
    {"packets", Computed::Packets, 0},
    {"bytes.src", Computed::BytesSrc, 0},
    {"bytes.dst", Computed::BytesDst, 0},
    {"bytes", Computed::Bytes, 0},
    {"databytes.src", Computed::DataBytesSrc, 0},
    {"databytes.dst", Computed::DataBytesDst, 0},
    {"databytes", Computed::DataBytes, 0},
    {"ip.protocol", Computed::IpProtocol, 0},
    {"communityId", Computed::CommunityId, 0},
    {"ip.dst:port", Computed::IpDstPort, 0},
    {"tcpflags.syn", Computed::TcpFlag, static_cast<uint8_t>(session::TcpFlag::Syn)},
    {"tcpflags.syn-ack", Computed::TcpFlag, static_cast<uint8_t>(session::TcpFlag::SynAck)},
    {"tcpflags.ack", Computed::TcpFlag, static_cast<uint8_t>(session::TcpFlag::Ack)},
    {"tcpflags.psh", Computed::TcpFlag, static_cast<uint8_t>(session::TcpFlag::Psh)},
    {"tcpflags.rst", Computed::TcpFlag, static_cast<uint8_t>(session::TcpFlag::Rst)},
    {"tcpflags.fin", Computed::TcpFlag, static_cast<uint8_t>(session::TcpFlag::Fin)},
    {"tcpflags.urg", Computed::TcpFlag, static_cast<uint8_t>(session::TcpFlag::Urg)},
    {"tcpflags.ece", Computed::TcpFlag, static_cast<uint8_t>(session::TcpFlag::Ece)},
    {"tcpflags.cwr", Computed::TcpFlag, static_cast<uint8_t>(session::TcpFlag::Cwr)},
    {"tcpflags.ae", Computed::TcpFlag, static_cast<uint8_t>(session::TcpFlag::Ae)},
};

bool has_ip(const session::Session& s) {
    return s.kind != SessionKind::Arp && s.kind != SessionKind::Ether && s.kind != SessionKind::None;
}

PyObject* ip_text(const session::Session& s, int end) {
    if (!has_ip(s)) Py_RETURN_NONE;
    char buf[64];
    const uint8_t* a = s.ip[end];
    size_t n = format_ip(a, s.v6, buf);
    return PyUnicode_FromStringAndSize(buf, static_cast<Py_ssize_t>(n));
}

PyObject* computed_value(const session::Session& s, Computed c, uint8_t flag) {
    switch (c) {
        case Computed::IpSrc:
            return ip_text(s, 0);
        case Computed::IpDst:
            return ip_text(s, 1);
        case Computed::PortSrc:
            return PyLong_FromLong(s.port[0]);
        case Computed::PortDst:
            return PyLong_FromLong(s.port[1]);
        case Computed::PacketsSrc:
            return PyLong_FromUnsignedLongLong(s.packets[0]);
        case Computed::PacketsDst:
            return PyLong_FromUnsignedLongLong(s.packets[1]);
        case Computed::Packets:
            return PyLong_FromUnsignedLongLong(s.packets[0] + s.packets[1]);
        case Computed::BytesSrc:
            return PyLong_FromUnsignedLongLong(s.bytes[0]);
        case Computed::BytesDst:
            return PyLong_FromUnsignedLongLong(s.bytes[1]);
        case Computed::Bytes:
            return PyLong_FromUnsignedLongLong(s.bytes[0] + s.bytes[1]);
        case Computed::DataBytesSrc:
            return PyLong_FromUnsignedLongLong(s.databytes[0]);
        case Computed::DataBytesDst:
            return PyLong_FromUnsignedLongLong(s.databytes[1]);
        case Computed::DataBytes:
            return PyLong_FromUnsignedLongLong(s.databytes[0] + s.databytes[1]);
        case Computed::IpProtocol:
            return PyLong_FromLong(s.ipProtocol);
        case Computed::TcpFlag:
            return PyLong_FromUnsignedLong(flag < session::kTcpFlagCount ? s.tcpFlags[flag] : 0);
        case Computed::CommunityId: {
            std::string id;
            if (s.kind == SessionKind::Tcp || s.kind == SessionKind::Udp || s.kind == SessionKind::Sctp)
                id = session::community_id(s.ip[0], s.ip[1], s.v6, s.ipProtocol, s.port[0], s.port[1], true);
            else if (s.kind == SessionKind::Icmp && s.haveIcmp)
                id = session::community_id_icmp(s.ip[0], s.ip[1], s.v6, s.ipProtocol, s.icmpType, s.icmpCode);
            else if (s.kind == SessionKind::Esp)
                id = session::community_id(s.ip[0], s.ip[1], s.v6, s.ipProtocol, 0, 0, true);
            if (id.empty()) Py_RETURN_NONE;
            if (id.rfind("1:", 0) == 0) id.erase(0, 2);
            return PyUnicode_FromStringAndSize(id.data(), static_cast<Py_ssize_t>(id.size()));
        }
        case Computed::IpDstPort: {
            if (!has_ip(s)) Py_RETURN_NONE;
            char buf[64];
            size_t n = format_ip(s.ip[1], s.v6, buf);
            std::snprintf(buf + n, sizeof buf - n, "%c%u", s.v6 ? '.' : ':', s.port[1]);
            return PyUnicode_FromString(buf);
        }
        case Computed::None:
            break;
    }
    Py_RETURN_NONE;
}

PyObject* stored_value(const fields::FieldDef& def, const fields::FieldValues& v, int pos) {
    switch (def.type) {
        case FieldType::Int:
        case FieldType::IntSet: {
            const std::vector<int64_t>* xs = v.ints(pos);
            if (!xs || xs->empty()) Py_RETURN_NONE;
            if (def.type == FieldType::Int) return PyLong_FromLongLong(xs->front());
            PyObject* l = PyList_New(static_cast<Py_ssize_t>(xs->size()));
            for (size_t i = 0; l && i < xs->size(); ++i)
                PyList_SET_ITEM(l, static_cast<Py_ssize_t>(i), PyLong_FromLongLong((*xs)[i]));
            return l;
        }
        case FieldType::Float:
        case FieldType::FloatSet: {
            const std::vector<double>* xs = v.floats(pos);
            if (!xs || xs->empty()) Py_RETURN_NONE;
            if (def.type == FieldType::Float) return PyFloat_FromDouble(xs->front());
            PyObject* l = PyList_New(static_cast<Py_ssize_t>(xs->size()));
            for (size_t i = 0; l && i < xs->size(); ++i)
                PyList_SET_ITEM(l, static_cast<Py_ssize_t>(i), PyFloat_FromDouble((*xs)[i]));
            return l;
        }
        case FieldType::Str:
        case FieldType::Ip:
        case FieldType::StrSet:
        case FieldType::StrList:
        case FieldType::IpSet: {
            const std::vector<std::string>* xs = v.strings(pos);
            if (!xs || xs->empty()) Py_RETURN_NONE;
            auto str = [](const std::string& x) {
                return PyUnicode_DecodeUTF8(x.data(), static_cast<Py_ssize_t>(x.size()), "replace");
            };
            if (def.type == FieldType::Str || def.type == FieldType::Ip) return str(xs->front());
            PyObject* l = PyList_New(static_cast<Py_ssize_t>(xs->size()));
            for (size_t i = 0; l && i < xs->size(); ++i)
                PyList_SET_ITEM(l, static_cast<Py_ssize_t>(i), str((*xs)[i]));
            return l;
        }
        case FieldType::Object:
            break;
    }
    Py_RETURN_NONE;
}

bool get_text(PyObject* o, const char* what, std::string_view& out) {
    if (!PyUnicode_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s must be a str", what);
        return false;
    }
    Py_ssize_t n = 0;
    const char* s = PyUnicode_AsUTF8AndSize(o, &n);
    if (!s) return false;
    out = std::string_view(s, static_cast<size_t>(n));
    return true;
}

PyObject* result_of(session::Session& s, int pos, AddResult r, bool truncated) {
    if (r == AddResult::WrongType) {
        PyErr_Format(PyExc_TypeError, "value does not fit field %s", g->regs->fields.at(pos).expression.c_str());
        return nullptr;
    }
    if (truncated) s.table->add_tag(s, "truncated-field-" + g->regs->fields.at(pos).db);
    return PyBool_FromLong(fields::added(r));
}

PyObject* add_string(PyObject*, PyObject* args) {
    PyObject *h, *f, *val;
    if (!PyArg_ParseTuple(args, "OOO", &h, &f, &val)) return nullptr;
    session::Session* s = session_from(h);
    if (!s) return nullptr;
    std::string_view text;
    if (!get_text(val, "value", text)) return nullptr;
    int pos = field_pos(f);
    if (pos == -2) return nullptr;
    if (pos < 0) Py_RETURN_FALSE;
    const auto& reg = g->regs->fields;
    FieldType t = reg.at(pos).type;
    if (t == FieldType::Int || t == FieldType::IntSet) {
        // A numeric string to an integer field is stored as the number.
        int64_t v = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || end != text.data() + text.size()) {
            PyErr_Format(PyExc_TypeError, "field %s holds integers", reg.at(pos).expression.c_str());
            return nullptr;
        }
        return result_of(*s, pos, s->fields.add_int_r(reg, pos, v), false);
    }
    bool truncated = false;
    AddResult r = s->fields.add_string_r(reg, pos, text, &truncated);
    return result_of(*s, pos, r, truncated);
}

PyObject* add_int(PyObject*, PyObject* args) {
    PyObject *h, *f, *val;
    if (!PyArg_ParseTuple(args, "OOO", &h, &f, &val)) return nullptr;
    session::Session* s = session_from(h);
    if (!s) return nullptr;
    if (!PyLong_Check(val)) {
        PyErr_SetString(PyExc_TypeError, "value must be an int");
        return nullptr;
    }
    long long v = PyLong_AsLongLong(val);
    if (v == -1 && PyErr_Occurred()) return nullptr;
    int pos = field_pos(f);
    if (pos == -2) return nullptr;
    if (pos < 0) Py_RETURN_FALSE;
    const auto& reg = g->regs->fields;
    FieldType t = reg.at(pos).type;
    if (t == FieldType::Str || t == FieldType::StrSet || t == FieldType::StrList) {
        std::string text = std::to_string(v);
        return result_of(*s, pos, s->fields.add_string_r(reg, pos, text), false);
    }
    return result_of(*s, pos, s->fields.add_int_r(reg, pos, v), false);
}

PyObject* add_tag(PyObject*, PyObject* args) {
    PyObject *h, *val;
    if (!PyArg_ParseTuple(args, "OO", &h, &val)) return nullptr;
    session::Session* s = session_from(h);
    std::string_view text;
    if (!s || !get_text(val, "tag", text)) return nullptr;
    return PyBool_FromLong(s->table->add_tag(*s, text));
}

PyObject* add_protocol(PyObject*, PyObject* args) {
    PyObject *h, *val;
    if (!PyArg_ParseTuple(args, "OO", &h, &val)) return nullptr;
    session::Session* s = session_from(h);
    std::string_view text;
    if (!s || !get_text(val, "protocol", text)) return nullptr;
    return PyBool_FromLong(s->table->add_protocol(*s, text));
}

PyObject* has_protocol(PyObject*, PyObject* args) {
    PyObject *h, *val;
    if (!PyArg_ParseTuple(args, "OO", &h, &val)) return nullptr;
    session::Session* s = session_from(h);
    std::string_view text;
    if (!s || !get_text(val, "protocol", text)) return nullptr;
    return PyBool_FromLong(s->table->has_protocol(*s, text));
}

PyObject* get(PyObject*, PyObject* args) {
    PyObject *h, *f;
    if (!PyArg_ParseTuple(args, "OO", &h, &f)) return nullptr;
    session::Session* s = session_from(h);
    if (!s) return nullptr;
    if (PyUnicode_Check(f)) {
        const char* e = PyUnicode_AsUTF8(f);
        if (!e) return nullptr;
        uint8_t flag = 0;
        Computed c = computed_of(e, &flag);
        if (c != Computed::None) return computed_value(*s, c, flag);
    }
    int pos = field_pos(f);
    if (pos == -2) return nullptr;
    if (pos < 0) {
        PyRef r(PyObject_Repr(f));
        const char* name = r.get() ? PyUnicode_AsUTF8(r.get()) : "?";
        if (name && g->warned.insert(name).second)
            std::fprintf(stderr, "flowdex: python: arkime_session.get: unknown field %s (None)\n", name);
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    auto [c, flag] = static_cast<size_t>(pos) < g->computedByPos.size() ? g->computedByPos[static_cast<size_t>(pos)]
                                                                        : std::pair<int, uint8_t>{0, 0};
    if (c != 0) return computed_value(*s, static_cast<Computed>(c), flag);
    const fields::FieldDef& def = g->regs->fields.at(pos);
    if (def.flags & fields::kFlagFake) Py_RETURN_NONE;
    return stored_value(def, s->fields, pos);
}

PyObject* register_parser(PyObject*, PyObject* args) {
    PyObject *h, *cb;
    if (!PyArg_ParseTuple(args, "OO", &h, &cb)) return nullptr;
    session::Session* s = session_from(h);
    if (!s) return nullptr;
    if (!PyCallable_Check(cb)) {
        PyErr_SetString(PyExc_TypeError, "parser callback must be callable");
        return nullptr;
    }
    s->table->register_parser(*s, make_parser_entry(cb));
    Py_RETURN_NONE;
}

PyObject* set_attr(PyObject*, PyObject* args) {
    PyObject *h, *key, *val;
    if (!PyArg_ParseTuple(args, "OOO", &h, &key, &val)) return nullptr;
    session::Session* s = session_from(h);
    if (!s) return nullptr;
    auto* st = static_cast<SessionState*>(s->pluginState);
    if (!st) {
        PyErr_SetString(PyExc_ValueError, "stale session handle");
        return nullptr;
    }
    if (!st->attrs && !(st->attrs = PyDict_New())) return nullptr;
    if (PyDict_SetItem(st->attrs, key, val) != 0) return nullptr;
    Py_RETURN_NONE;
}

PyObject* get_attr(PyObject*, PyObject* args) {
    PyObject *h, *key;
    if (!PyArg_ParseTuple(args, "OO", &h, &key)) return nullptr;
    session::Session* s = session_from(h);
    if (!s) return nullptr;
    auto* st = static_cast<SessionState*>(s->pluginState);
    if (!st) {
        PyErr_SetString(PyExc_ValueError, "stale session handle");
        return nullptr;
    }
    if (!st->attrs) Py_RETURN_NONE;
    PyObject* v = PyDict_GetItemWithError(st->attrs, key);
    if (!v) {
        if (PyErr_Occurred()) return nullptr;
        Py_RETURN_NONE;
    }
    Py_INCREF(v);
    return v;
}

PyObject* incref(PyObject*, PyObject* h) {
    session::Session* s = session_from(h);
    if (!s) return nullptr;
    s->table->incref(*s);
    Py_RETURN_NONE;
}

PyObject* decref(PyObject*, PyObject* h) {
    session::Session* s = session_from(h);
    if (!s) return nullptr;
    s->table->decref(*s);  // may complete a waiting final save (and free the session)
    Py_RETURN_NONE;
}

PyMethodDef kMethods[] = {
    {"add_string", add_string, METH_VARARGS, "add_string(session, fieldPosOrExp, value) -> bool"},
    {"add_int", add_int, METH_VARARGS, "add_int(session, fieldPosOrExp, value) -> bool"},
    {"add_tag", add_tag, METH_VARARGS, "add_tag(session, tag)"},
    {"add_protocol", add_protocol, METH_VARARGS, "add_protocol(session, protocol)"},
    {"has_protocol", has_protocol, METH_VARARGS, "has_protocol(session, protocol) -> bool"},
    {"get", get, METH_VARARGS, "get(session, fieldPosOrExp) -> value, list or None"},
    {"register_parser", register_parser, METH_VARARGS, "register_parser(session, cb)"},
    {"set_attr", set_attr, METH_VARARGS, "set_attr(session, key, value)"},
    {"get_attr", get_attr, METH_VARARGS, "get_attr(session, key) -> value or None"},
    {"incref", incref, METH_O, "incref(session): the final save waits until the matching decref"},
    {"decref", decref, METH_O, "decref(session)"},
    {nullptr, nullptr, 0, nullptr},
};

PyModuleDef kModule = {PyModuleDef_HEAD_INIT,
                       "arkime_session",
                       "Arkime-compatible session access (flowdex)",
                       -1,
                       kMethods,
                       nullptr,
                       nullptr,
                       nullptr,
                       nullptr};

}  // namespace

Computed computed_of(std::string_view expr, uint8_t* flag) {
    for (const ComputedName& c : kComputed) {
        if (expr == c.expr) {
            *flag = c.flag;
            return c.c;
        }
    }
    return Computed::None;
}

int field_pos(PyObject* f) {
    const fields::FieldRegistry& reg = g->regs->fields;
    if (PyLong_Check(f)) {
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(f, &overflow);
        if (v == -1 && PyErr_Occurred()) PyErr_Clear();
        if (overflow || v < 0 || v >= static_cast<long long>(reg.size())) return -1;
        return static_cast<int>(v);
    }
    if (!PyUnicode_Check(f)) {
        PyErr_SetString(PyExc_TypeError, "field must be a position (int) or an expression (str)");
        return -2;
    }
    Py_ssize_t n = 0;
    const char* e = PyUnicode_AsUTF8AndSize(f, &n);
    if (!e) return -2;
    std::string_view expr(e, static_cast<size_t>(n));
    int v = 0;
    auto [end, ec] = std::from_chars(expr.data(), expr.data() + expr.size(), v);
    if (!expr.empty() && ec == std::errc() && end == expr.data() + expr.size())
        return v >= 0 && static_cast<size_t>(v) < reg.size() ? v : -1;
    return reg.find(expr);
}

PyObject* init_session() {
    return PyModule_Create(&kModule);
}

}  // namespace flowdex::python
