// The `arkime` module: constants, classifier and save-callback registration, field definition.
#include "classify/classifier.h"
#include "python/internal.h"
#include "python/python_host.h"

namespace flowdex::python {
namespace {

bool get_str(PyObject* o, const char* what, std::string& out) {
    if (!PyUnicode_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s must be a str", what);
        return false;
    }
    Py_ssize_t n = 0;
    const char* s = PyUnicode_AsUTF8AndSize(o, &n);
    if (!s) return false;
    out.assign(s, static_cast<size_t>(n));
    return true;
}

bool get_uint(PyObject* o, const char* what, unsigned long long max, unsigned long long& out) {
    if (!PyLong_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s must be an int", what);
        return false;
    }
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (v == -1 && PyErr_Occurred()) return false;
    if (overflow || v < 0 || static_cast<unsigned long long>(v) > max) {
        PyErr_Format(PyExc_ValueError, "%s must be between 0 and %llu", what, max);
        return false;
    }
    out = static_cast<unsigned long long>(v);
    return true;
}

bool get_callable(PyObject* o) {
    if (!PyCallable_Check(o)) {
        PyErr_SetString(PyExc_TypeError, "callback must be callable");
        return false;
    }
    return true;
}

PyObject* register_bytes(PyObject* args, classify::Transport t, const char* what) {
    PyObject *nameO, *offO, *bytesO, *cbO;
    if (!PyArg_ParseTuple(args, "OOOO", &nameO, &offO, &bytesO, &cbO)) return nullptr;
    std::string name;
    unsigned long long offset = 0;
    if (!get_str(nameO, "name", name) || !get_uint(offO, "matchOffset", 0xffff, offset) || !get_callable(cbO))
        return nullptr;
    if (PyUnicode_Check(bytesO) || !PyObject_CheckBuffer(bytesO)) {
        PyErr_SetString(PyExc_TypeError, "matchBytes must be bytes");
        return nullptr;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(bytesO, &view, PyBUF_SIMPLE) != 0) return nullptr;
    std::string match(static_cast<const char*>(view.buf), static_cast<size_t>(view.len));
    PyBuffer_Release(&view);
    if (!check_startup(what)) return nullptr;
    classify::Classifier c;
    c.name = std::move(name);
    c.offset = static_cast<uint32_t>(offset);
    c.match = std::move(match);
    c.fn = classify_cb;
    c.ctx = keep_callback(cbO, "classify");
    g->regs->classifiers.add(t, std::move(c));  // an identical registration is ignored
    Py_RETURN_NONE;
}

PyObject* reg_tcp(PyObject*, PyObject* args) {
    return register_bytes(args, classify::Transport::Tcp, "register_tcp_classifier");
}
PyObject* reg_udp(PyObject*, PyObject* args) {
    return register_bytes(args, classify::Transport::Udp, "register_udp_classifier");
}
PyObject* reg_sctp(PyObject*, PyObject* args) {
    return register_bytes(args, classify::Transport::Sctp, "register_sctp_classifier");
}

PyObject* reg_sctp_protocol(PyObject*, PyObject* args) {
    PyObject *nameO, *protoO, *cbO;
    if (!PyArg_ParseTuple(args, "OOO", &nameO, &protoO, &cbO)) return nullptr;
    std::string name;
    unsigned long long proto = 0;
    if (!get_str(nameO, "name", name) || !get_uint(protoO, "protocol", 255, proto) || !get_callable(cbO))
        return nullptr;
    if (!check_startup("register_sctp_protocol_classifier")) return nullptr;
    g->regs->classifiers.add_sctp_protocol(std::move(name), static_cast<uint32_t>(proto), classify_cb,
                                           keep_callback(cbO, "classify"));
    Py_RETURN_NONE;
}

PyObject* reg_port(PyObject*, PyObject* args) {
    PyObject *nameO, *portO, *kindO, *cbO;
    if (!PyArg_ParseTuple(args, "OOOO", &nameO, &portO, &kindO, &cbO)) return nullptr;
    std::string name;
    unsigned long long port = 0, kind = 0;
    if (!get_str(nameO, "name", name) || !get_uint(portO, "port", 0xffff, port) ||
        !get_uint(kindO, "portKind", 0x3f, kind) || !get_callable(cbO))
        return nullptr;
    if (kind == 0) {
        PyErr_SetString(PyExc_ValueError, "portKind must name at least one PORT_* bit");
        return nullptr;
    }
    if (!check_startup("register_port_classifier")) return nullptr;
    g->regs->classifiers.add_port(std::move(name), static_cast<uint16_t>(port), static_cast<uint8_t>(kind), classify_cb,
                                  keep_callback(cbO, "classify"));
    Py_RETURN_NONE;
}

PyObject* reg_save_list(PyObject* cb, std::vector<Callback*>& list, const char* what, const char* kind) {
    if (!get_callable(cb) || !check_startup(what)) return nullptr;
    list.push_back(keep_callback(cb, kind));
    Py_RETURN_NONE;
}
PyObject* reg_pre_save(PyObject*, PyObject* cb) {
    return reg_save_list(cb, g->preSave, "register_pre_save", "pre_save");
}
PyObject* reg_save(PyObject*, PyObject* cb) {
    return reg_save_list(cb, g->save, "register_save", "save");
}

PyObject* field_define(PyObject*, PyObject* args) {
    PyObject *exprO, *defO;
    if (!PyArg_ParseTuple(args, "OO", &exprO, &defO)) return nullptr;
    std::string expr, def;
    if (!get_str(exprO, "fieldExpression", expr) || !get_str(defO, "fieldDefinition", def)) return nullptr;
    if (!check_startup("field_define")) return nullptr;
    std::string error;
    int pos = g->regs->fields.define(expr, def, &error);
    if (pos >= 0 && static_cast<size_t>(pos) >= g->computedByPos.size()) {
        uint8_t flag = 0;
        g->computedByPos.resize(static_cast<size_t>(pos) + 1, {0, 0});
        Computed c = computed_of(g->regs->fields.at(pos).expression, &flag);
        g->computedByPos[static_cast<size_t>(pos)] = {static_cast<int>(c), flag};
    }
    return PyLong_FromLong(pos);
}

PyObject* field_get(PyObject*, PyObject* exprO) {
    std::string expr;
    if (!get_str(exprO, "fieldExpression", expr)) return nullptr;
    return PyLong_FromLong(g->regs->fields.find(expr));
}

PyMethodDef kMethods[] = {
    {"register_tcp_classifier", reg_tcp, METH_VARARGS, "register_tcp_classifier(name, matchOffset, matchBytes, cb)"},
    {"register_udp_classifier", reg_udp, METH_VARARGS, "register_udp_classifier(name, matchOffset, matchBytes, cb)"},
    {"register_sctp_classifier", reg_sctp, METH_VARARGS, "register_sctp_classifier(name, matchOffset, matchBytes, cb)"},
    {"register_sctp_protocol_classifier", reg_sctp_protocol, METH_VARARGS,
     "register_sctp_protocol_classifier(name, protocol, cb)"},
    {"register_port_classifier", reg_port, METH_VARARGS, "register_port_classifier(name, port, portKind, cb)"},
    {"register_pre_save", reg_pre_save, METH_O, "register_pre_save(cb): cb(session, final)"},
    {"register_save", reg_save, METH_O, "register_save(cb): cb(session, final)"},
    {"field_define", field_define, METH_VARARGS, "field_define(fieldExpression, fieldDefinition) -> int"},
    {"field_get", field_get, METH_O, "field_get(fieldExpression) -> int (-1 when unknown)"},
    {nullptr, nullptr, 0, nullptr},
};

PyModuleDef kModule = {PyModuleDef_HEAD_INIT,
                       "arkime",
                       "Arkime-compatible plugin registration (flowdex)",
                       -1,
                       kMethods,
                       nullptr,
                       nullptr,
                       nullptr,
                       nullptr};

}  // namespace

PyObject* init_arkime() {
    PyObject* m = PyModule_Create(&kModule);
    if (!m) return nullptr;
    bool ok = PyModule_AddStringConstant(m, "VERSION", version()) == 0 &&
              PyModule_AddStringConstant(m, "CONFIG_PREFIX", config_prefix()) == 0 &&
              PyModule_AddIntConstant(m, "API_VERSION", kApiVersion) == 0 &&
              PyModule_AddIntConstant(m, "PORT_UDP_SRC", classify::kPortUdpSrc) == 0 &&
              PyModule_AddIntConstant(m, "PORT_UDP_DST", classify::kPortUdpDst) == 0 &&
              PyModule_AddIntConstant(m, "PORT_TCP_SRC", classify::kPortTcpSrc) == 0 &&
              PyModule_AddIntConstant(m, "PORT_TCP_DST", classify::kPortTcpDst) == 0 &&
              PyModule_AddIntConstant(m, "PORT_SCTP_SRC", classify::kPortSctpSrc) == 0 &&
              PyModule_AddIntConstant(m, "PORT_SCTP_DST", classify::kPortSctpDst) == 0;
    if (!ok) {
        Py_DECREF(m);
        return nullptr;
    }
    return m;
}

}  // namespace flowdex::python
