#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "decode/decoder.h"
#include "python/internal.h"
#include "python/python_host.h"
#include "session/flow_table.h"

namespace flowdex::python {
namespace fs = std::filesystem;

State* g = nullptr;

namespace {

thread_local PyThreadState* tlsTs = nullptr;
thread_local int tlsDepth = 0;
thread_local bool tlsHolding = false;  ///< this thread kept the GIL after its last callback
thread_local int tlsScript = -1;
thread_local const void* tlsTable = nullptr;
thread_local std::vector<PacketFrame> tlsFrames;

constexpr auto kReportEvery = std::chrono::seconds(1);

bool ends_with_py(const std::string& n) {
    return n.size() > 3 && n.compare(n.size() - 3, 3, ".py") == 0;
}

/// Restores the previous per-thread callback context when a trampoline returns.
struct CallScope {
    int script;
    const void* table;
    CallScope(int s, const void* t) : script(tlsScript), table(tlsTable) {
        tlsScript = s;
        tlsTable = t;
    }
    ~CallScope() {
        tlsScript = script;
        tlsTable = table;
    }
};

void free_state_now(SessionState* st) {
    State::Slot& slot = g->slots[st->slot];
    slot.s = nullptr;
    slot.table = nullptr;
    slot.st = nullptr;
    ++slot.gen;
    g->freeSlots.push_back(st->slot);
    Py_XDECREF(st->handle);
    Py_XDECREF(st->attrs);
    delete st;
}

void free_session_state(void*, session::Session& s) {
    auto* st = static_cast<SessionState*>(s.pluginState);
    if (!st) return;
    s.pluginState = nullptr;
    if (tlsDepth == 0 && !tlsHolding && !st->attrs) {
        std::lock_guard lk(g->pendingMu);
        g->pending.push_back(st);
        g->havePending.store(true, std::memory_order_release);
        return;
    }
    Gil gil;  // attributes are dropped now, so their destructors run when the session goes
    free_state_now(st);
}

void run_save_list(const std::vector<Callback*>& list, session::Session& s, bool final) {
    Gil gil;
    PyObject* h = session_handle(s);
    if (!h) return;
    Py_INCREF(h);  // a callback may end the session (decref) while the others still need the handle
    PyObject* fin = PyLong_FromLong(final ? 1 : 0);
    for (Callback* cb : list) {
        CallScope scope(cb->script, s.table);
        PyObject* args[] = {h, fin};
        PyObject* r = PyObject_Vectorcall(cb->fn, args, 2, nullptr);
        if (!r)
            report_error(*cb);
        else
            Py_DECREF(r);
    }
    Py_DECREF(fin);
    Py_DECREF(h);
}

void pre_save_hook(void*, session::Session& s, bool final) {
    run_save_list(g->preSave, s, final);
}
void save_hook(void*, session::Session& s, bool final) {
    run_save_list(g->save, s, final);
}

PacketRC packet_cb(decode::Decoder& d, Packet& p, const uint8_t* data, uint32_t len, void* ctx) {
    auto* cb = static_cast<Callback*>(ctx);
    Gil gil;
    CallScope scope(cb->script, nullptr);
    uint64_t id = g->nextPacketId;
    g->nextPacketId += 2;
    tlsFrames.push_back({id, &p, &d});
    PyObject* view = make_view(data, len);
    PyObject* batchH = PyLong_FromUnsignedLongLong(id + 1);
    PyObject* packetH = PyLong_FromUnsignedLongLong(id);
    PyObject* lenO = PyLong_FromUnsignedLong(len);
    PyObject* r = nullptr;
    if (view && batchH && packetH && lenO) {
        PyObject* args[] = {batchH, packetH, view, lenO};
        r = PyObject_Vectorcall(cb->fn, args, 4, nullptr);
    }
    if (view) finish_view(view);
    Py_XDECREF(batchH);
    Py_XDECREF(packetH);
    Py_XDECREF(lenO);
    tlsFrames.pop_back();
    PacketRC rc = PacketRC::DoProcess;
    if (!r) {
        report_error(*cb);
    } else {
        if (PyLong_Check(r)) {
            long v = PyLong_AsLong(r);
            if (PyErr_Occurred())
                PyErr_Clear();
            else if (v >= 0 && v <= static_cast<long>(PacketRC::DuplicateDropped))
                rc = static_cast<PacketRC>(v);
        }
        Py_DECREF(r);
    }
    return rc;
}

// Line of the innermost traceback frame in `file`, or of a SyntaxError.
long error_line(PyObject* value, PyObject* tb, const std::string& file) {
    if (value && PyErr_GivenExceptionMatches(value, PyExc_SyntaxError)) {
        PyRef ln(PyObject_GetAttrString(value, "lineno"));
        if (ln.get() && PyLong_Check(ln.get())) return PyLong_AsLong(ln.get());
        PyErr_Clear();
    }
    long line = 0;
    for (PyObject* t = tb; t && t != Py_None;) {
        PyRef frame(PyObject_GetAttrString(t, "tb_frame"));
        PyRef lineno(PyObject_GetAttrString(t, "tb_lineno"));
        if (frame.get() && lineno.get()) {
            PyRef code(PyObject_GetAttrString(frame.get(), "f_code"));
            PyRef name(code.get() ? PyObject_GetAttrString(code.get(), "co_filename") : nullptr);
            const char* n = name.get() && PyUnicode_Check(name.get()) ? PyUnicode_AsUTF8(name.get()) : nullptr;
            if (n && file == n) line = PyLong_AsLong(lineno.get());
        }
        PyErr_Clear();
        PyObject* next = PyObject_GetAttrString(t, "tb_next");
        if (!next) {
            PyErr_Clear();
            break;
        }
        Py_DECREF(next);  // still referenced by t
        t = next;
    }
    return line;
}

std::string describe_exception(PyObject* type, PyObject* value) {
    std::string out = type ? reinterpret_cast<PyTypeObject*>(type)->tp_name : "exception";
    PyRef str(value ? PyObject_Str(value) : nullptr);
    const char* s = str.get() ? PyUnicode_AsUTF8(str.get()) : nullptr;
    if (s && *s) out += std::string(": ") + s;
    PyErr_Clear();
    return out;
}

void run_script(int idx) {
    const std::string& path = g->scripts[static_cast<size_t>(idx)];
    std::ifstream in(path, std::ios::binary);
    if (!in) throw LoadError(path + ": cannot read the script");
    std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    g->loading = idx;
    tlsScript = idx;
    PyRef module(PyModule_New("__main__"));
    PyObject* dict = module.get() ? PyModule_GetDict(module.get()) : nullptr;
    PyObject* modules = PyImport_GetModuleDict();
    bool ok = dict && PyDict_SetItemString(dict, "__builtins__", PyEval_GetBuiltins()) == 0;
    PyRef file(PyUnicode_DecodeFSDefault(path.c_str()));
    ok = ok && file.get() && PyDict_SetItemString(dict, "__file__", file.get()) == 0;
    ok = ok && PyDict_SetItemString(modules, "__main__", module.get()) == 0;
    PyRef code(ok ? Py_CompileString(source.c_str(), path.c_str(), Py_file_input) : nullptr);
    PyRef result(code.get() ? PyEval_EvalCode(code.get(), dict, dict) : nullptr);
    g->loading = -1;
    tlsScript = -1;
    if (result.get()) return;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb && value) PyException_SetTraceback(value, tb);
    long line = error_line(value, tb, path);
    std::string what = describe_exception(type, value);
    if (type && !PyErr_GivenExceptionMatches(type, PyExc_SystemExit)) PyErr_Display(type, value, tb);
    PyErr_Clear();
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    throw LoadError(path + ":" + std::to_string(line) + ": " + what);
}

PyObject* make_arkime() {
    return init_arkime();
}
PyObject* make_session() {
    return init_session();
}
PyObject* make_packet() {
    return init_packet();
}

void drop_state() {
    if (!g) return;
    for (auto& cb : g->callbacks)
        Py_CLEAR(cb->fn);
    delete g;
    g = nullptr;
}

}  // namespace

// ---------------------------------------------------------------- options

const char* config_prefix() {
    return FLOWDEX_PREFIX;
}
const char* version() {
    return FLOWDEX_VERSION;
}

Options Options::from_config(const config::Config& cfg, const std::vector<std::string>& extra) {
    Options o;
    o.disabled = cfg.get_bool("disablePython", false);
    for (const std::string& d : extra) {
        std::error_code ec;
        if (!fs::is_directory(d, ec)) throw LoadError("--parsers " + d + ": not a directory");
    }
    o.parsersDirs = extra;
    std::vector<std::string> dirs =
        cfg.has("parsersDir") ? cfg.get_list("parsersDir")
                              : std::vector<std::string>{std::string(FLOWDEX_PREFIX) + "/parsers", "./parsers"};
    o.parsersDirs.insert(o.parsersDirs.end(), dirs.begin(), dirs.end());
    o.plugins = cfg.get_list("plugins");
    o.pluginsDirs = cfg.has("pluginsDir") ? cfg.get_list("pluginsDir")
                                          : std::vector<std::string>{std::string(FLOWDEX_PREFIX) + "/plugins"};
    return o;
}

std::vector<std::string> Options::scripts() const {
    std::vector<std::string> out;
    if (disabled) return out;
    std::set<std::string> seen;
    for (const std::string& d : parsersDirs) {
        std::error_code ec;
        if (!fs::is_directory(d, ec)) continue;
        std::vector<std::pair<std::string, std::string>> found;
        for (const auto& e : fs::directory_iterator(d, ec)) {
            std::string name = e.path().filename().string();
            if (name.empty() || name[0] == '.' || !ends_with_py(name) || !e.is_regular_file(ec)) continue;
            found.emplace_back(name, e.path().string());
        }
        std::sort(found.begin(), found.end());
        for (auto& [name, path] : found)
            if (seen.insert(name).second) out.push_back(path);
    }
    for (const std::string& p : plugins) {
        if (!ends_with_py(p)) continue;
        std::string hit;
        for (const std::string& d : pluginsDirs) {
            std::error_code ec;
            fs::path c = fs::path(d) / p;
            if (fs::is_regular_file(c, ec)) {
                hit = c.string();
                break;
            }
        }
        if (hit.empty()) throw LoadError("plugins: " + p + " not found in pluginsDir");
        out.push_back(hit);
    }
    return out;
}

// ---------------------------------------------------------------- GIL and context

Gil::Gil() {
    if (tlsDepth++ > 0) return;
    if (tlsHolding) {
        // still ours since the last callback
    } else if (tlsTs) {
        PyEval_RestoreThread(tlsTs);
    } else {
        PyGILState_Ensure();  // first callback on this thread: its thread state lives for the run
        tlsTs = PyThreadState_Get();
    }
    if (g->havePending.load(std::memory_order_acquire)) drain_pending();
}

void drain_pending() {
    std::vector<SessionState*> done;
    {
        std::lock_guard lk(g->pendingMu);
        done.swap(g->pending);
        g->havePending.store(false, std::memory_order_release);
    }
    for (SessionState* st : done)
        free_state_now(st);
}

Gil::~Gil() {
    if (--tlsDepth > 0) return;
    // With one packet thread the main thread is the only engine thread that runs callbacks: it
    // keeps the GIL between them unless a Python thread (started by a script) needs it.
    if (g->holdGil && tlsTs == g->mainTs) {
        PyThreadState* head = PyInterpreterState_ThreadHead(PyThreadState_GetInterpreter(tlsTs));
        if (head && !PyThreadState_Next(head)) {
            tlsHolding = true;
            return;
        }
    }
    tlsHolding = false;
    tlsTs = PyEval_SaveThread();
}

// ---------------------------------------------------------------- errors

void report_error(const Callback& cb) {
    report_error(cb.fn, cb.script, cb.kind);
}

void report_error(PyObject* fn, int script, const char* kind) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (script >= 0 && static_cast<size_t>(script) < g->errors.size()) ++g->errors[static_cast<size_t>(script)];
    auto now = std::chrono::steady_clock::now();
    auto key = std::make_pair(static_cast<const void*>(fn), static_cast<const void*>(type));
    auto it = g->lastReport.find(key);
    if (it == g->lastReport.end() || now - it->second >= kReportEvery) {
        g->lastReport[key] = now;
        const char* name = script >= 0 ? g->scripts[static_cast<size_t>(script)].c_str() : "?";
        std::fprintf(stderr, "flowdex: python: %s callback of %s raised an exception (same kind muted for 1 s):\n",
                     kind, name);
        std::fflush(stderr);
        if (tb && value) PyException_SetTraceback(value, tb);
        if (type) PyErr_Display(type, value, tb);
        PyErr_Clear();
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
}

// ---------------------------------------------------------------- buffers and handles

namespace {
const char kEmptyView[1] = {0};
/// One idle view per thread, reused when the last callback's view was not kept by the script.
thread_local PyObject* tlsSpareView = nullptr;

/// Points an unshared view (and its managed buffer) at other bytes.
void point_view(PyObject* view, const char* p, Py_ssize_t len) {
    auto* mv = reinterpret_cast<PyMemoryViewObject*>(view);
    mv->mbuf->master.buf = const_cast<char*>(p);
    mv->mbuf->master.len = len;
    mv->view.buf = const_cast<char*>(p);
    mv->view.len = len;
    mv->view.shape[0] = len;
    mv->hash = -1;
}
}  // namespace

PyObject* make_view(const uint8_t* data, uint32_t len) {
    const char* p = data ? reinterpret_cast<const char*>(data) : kEmptyView;
    if (PyObject* v = tlsSpareView) {
        tlsSpareView = nullptr;
        point_view(v, p, static_cast<Py_ssize_t>(len));
        return v;
    }
    return PyMemoryView_FromMemory(const_cast<char*>(p), static_cast<Py_ssize_t>(len), PyBUF_READ);
}

void finish_view(PyObject* view) {
    auto* mv = reinterpret_cast<PyMemoryViewObject*>(view);
    if (Py_REFCNT(view) == 1 && Py_REFCNT(mv->mbuf) == 1 && mv->exports == 0 && !mv->weakreflist &&
        !(mv->flags & _Py_MEMORYVIEW_RELEASED)) {
        // Nothing kept it: it points at nothing while idle and serves the next callback.
        point_view(view, kEmptyView, 0);
        if (!tlsSpareView) {
            tlsSpareView = view;
            return;
        }
        Py_DECREF(view);
        return;
    }
    // Kept by the script: the view is released the documented way; marking its managed buffer
    // released also blocks every slice made from it (CPython checks that flag on each access:
    // ValueError). The callback's pending exception (if any) is kept for report_error.
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    auto* mbuf = mv->mbuf;
    Py_INCREF(mbuf);
    PyObject* r = PyObject_CallMethod(view, "release", nullptr);
    if (r) {
        Py_DECREF(r);
    } else {
        // A C-level consumer (struct.iter_unpack, numpy.frombuffer, ...) still holds a raw buffer
        // of the view: the flag below blocks every Python-level access, but not that pointer.
        PyErr_Clear();
        static bool warned = false;
        if (!warned) {
            warned = true;
            std::fprintf(stderr,
                         "flowdex: python: a script keeps a raw buffer of packetBytes after its callback; copy the "
                         "bytes (bytes(view)) before keeping them\n");
        }
    }
    mbuf->flags |= _Py_MANAGED_BUFFER_RELEASED;
    Py_DECREF(mbuf);
    Py_DECREF(view);
    PyErr_Restore(type, value, tb);
}

void drop_spare_view() {
    Py_CLEAR(tlsSpareView);
}

PyObject* session_handle(session::Session& s) {
    auto* st = static_cast<SessionState*>(s.pluginState);
    if (!st) {
        uint32_t slot;
        if (!g->freeSlots.empty()) {
            slot = g->freeSlots.back();
            g->freeSlots.pop_back();
        } else {
            slot = static_cast<uint32_t>(g->slots.size());
            g->slots.emplace_back();
        }
        g->slots[slot].s = &s;
        g->slots[slot].table = s.table;
        uint64_t h = (static_cast<uint64_t>(g->slots[slot].gen) << 32) | slot;
        PyObject* obj = PyLong_FromUnsignedLongLong(h);
        if (!obj) return nullptr;
        st = new SessionState{slot, obj, nullptr};
        s.pluginState = st;
        g->slots[slot].st = st;
    }
    return st->handle;
}

session::Session* session_from(PyObject* handle) {
    if (!PyLong_Check(handle)) {
        PyErr_SetString(PyExc_TypeError, "session must be the int handle passed to the callback");
        return nullptr;
    }
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(handle, &overflow);
    if (v == -1 && PyErr_Occurred()) return nullptr;
    uint64_t h = static_cast<uint64_t>(v);
    uint32_t slot = static_cast<uint32_t>(h);
    uint32_t gen = static_cast<uint32_t>(h >> 32);
    if (overflow || v < 0 || slot >= g->slots.size() || g->slots[slot].gen != gen || !g->slots[slot].s) {
        PyErr_SetString(PyExc_ValueError, "stale or invalid session handle");
        return nullptr;
    }
    session::Session* s = g->slots[slot].s;
    if (!tlsTable || g->slots[slot].table != tlsTable) {
        PyErr_SetString(PyExc_ValueError, "session handle used outside a callback of its packet thread");
        return nullptr;
    }
    return s;
}

PacketFrame* packet_from(PyObject* handle, bool batch) {
    if (!PyLong_Check(handle)) {
        PyErr_SetString(PyExc_TypeError, batch ? "batch must be the int handle passed to the callback"
                                               : "packet must be the int handle passed to the callback");
        return nullptr;
    }
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(handle, &overflow);
    if (v == -1 && PyErr_Occurred()) return nullptr;
    if (!overflow && v > 0) {
        uint64_t id = static_cast<uint64_t>(v) - (batch ? 1 : 0);
        for (PacketFrame& f : tlsFrames)
            if (f.id == id) return &f;
    }
    PyErr_SetString(PyExc_ValueError, batch ? "stale or invalid batch handle" : "stale or invalid packet handle");
    return nullptr;
}

Callback* keep_callback(PyObject* fn, const char* kind) {
    auto cb = std::make_unique<Callback>();
    Py_INCREF(fn);
    cb->fn = fn;
    cb->script = tlsScript;
    cb->kind = kind;
    g->callbacks.push_back(std::move(cb));
    return g->callbacks.back().get();
}

bool check_startup(const char* what) {
    if (g->started || g->loading < 0) {
        PyErr_Format(PyExc_RuntimeError, "%s is only allowed at start-up, not from a callback", what);
        return false;
    }
    return true;
}

// ---------------------------------------------------------------- session trampolines

void classify_cb(void* ctx, session::Session& s, const uint8_t* data, uint32_t len, int which) {
    auto* cb = static_cast<Callback*>(ctx);
    Gil gil;
    CallScope scope(cb->script, s.table);
    PyObject* h = session_handle(s);
    Py_XINCREF(h);
    PyObject* view = h ? make_view(data, len) : nullptr;
    PyObject* lenO = PyLong_FromUnsignedLong(len);
    PyObject* whichO = PyLong_FromLong(which);
    PyObject* r = nullptr;
    if (view && lenO && whichO) {
        PyObject* args[] = {h, view, lenO, whichO};
        r = PyObject_Vectorcall(cb->fn, args, 4, nullptr);
    }
    if (view) finish_view(view);
    Py_XDECREF(lenO);
    Py_XDECREF(whichO);
    Py_XDECREF(h);
    if (!r)
        report_error(*cb);
    else
        Py_DECREF(r);
}

/// A parser registered on one session: its callable (owned) and script.
struct ParserCtx {
    PyObject* fn;
    int script;
};

int parser_cb(void* ctx, session::Session& s, const uint8_t* data, uint32_t len, int which) {
    auto* pc = static_cast<ParserCtx*>(ctx);
    Gil gil;
    CallScope scope(pc->script, s.table);
    PyObject* h = session_handle(s);
    Py_XINCREF(h);
    PyObject* view = h ? make_view(data, len) : nullptr;
    PyObject* lenO = PyLong_FromUnsignedLong(len);
    PyObject* whichO = PyLong_FromLong(which);
    PyObject* r = nullptr;
    if (view && lenO && whichO) {
        PyObject* args[] = {h, view, lenO, whichO};
        r = PyObject_Vectorcall(pc->fn, args, 4, nullptr);
    }
    if (view) finish_view(view);
    Py_XDECREF(lenO);
    Py_XDECREF(whichO);
    Py_XDECREF(h);
    if (!r) {
        report_error(pc->fn, pc->script, "parser");
        return -1;  // unregistered for this session only
    }
    int rc = 0;
    if (PyLong_Check(r)) {
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(r, &overflow);
        if (v == -1 && PyErr_Occurred()) PyErr_Clear();
        if (overflow > 0 || v >= static_cast<long long>(len))
            rc = len > 0 ? static_cast<int>(std::min<uint32_t>(len, INT32_MAX)) : 0;  // consumed everything
        else if (overflow == 0 && v == -1)
            rc = -1;
        else if (overflow == 0 && v > 0)
            rc = static_cast<int>(v);
    }
    Py_DECREF(r);
    return rc;
}

void parser_free(void* ctx, session::Session&) {
    auto* pc = static_cast<ParserCtx*>(ctx);
    Gil gil;
    Py_XDECREF(pc->fn);
    delete pc;
}

session::ParserEntry make_parser_entry(PyObject* fn) {
    Py_INCREF(fn);
    auto* pc = new ParserCtx{fn, tlsScript};
    session::ParserEntry e;
    e.parse = parser_cb;
    e.free = parser_free;
    e.ctx = pc;
    return e;
}

// ---------------------------------------------------------------- Host

std::unique_ptr<Host> Host::start(const std::vector<std::string>& scripts, protocols::Registries& regs,
                                  bool printToStderr) {
    if (scripts.empty()) return nullptr;
    if (g) throw std::logic_error("python: only one Host per process");
    g = new State();
    g->regs = &regs;
    g->scripts = scripts;
    g->errors.assign(scripts.size(), 0);
    for (int pos = 0; pos < static_cast<int>(regs.fields.size()); ++pos) {
        uint8_t flag = 0;
        Computed c = computed_of(regs.fields.at(pos).expression, &flag);
        g->computedByPos.emplace_back(static_cast<int>(c), flag);
    }

    PyImport_AppendInittab("arkime", make_arkime);
    PyImport_AppendInittab("arkime_session", make_session);
    PyImport_AppendInittab("arkime_packet", make_packet);
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    config.install_signal_handlers = 0;
    config.parse_argv = 0;
    PyStatus st = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(st)) {
        drop_state();
        throw LoadError(std::string("python: cannot start the interpreter: ") + (st.err_msg ? st.err_msg : "?"));
    }
    std::unique_ptr<Host> host(new Host());
    // The three modules are imported once so every script finds them in sys.modules.
    for (const char* m : {"arkime", "arkime_session", "arkime_packet"}) {
        PyRef mod(PyImport_ImportModule(m));
        if (!mod.get()) {
            PyErr_Print();
            throw LoadError(std::string("python: cannot create module ") + m);
        }
    }
    if (printToStderr) {
        PyObject* err = PySys_GetObject("stderr");  // borrowed
        if (err) PySys_SetObject("stdout", err);
    }
    for (size_t i = 0; i < scripts.size(); ++i)
        run_script(static_cast<int>(i));  // throws LoadError; ~Host finalizes
    g->started = true;
    if (!g->preSave.empty()) regs.hooks.add_pre_save(pre_save_hook, nullptr);
    if (!g->save.empty()) regs.hooks.add_save(save_hook, nullptr);
    regs.hooks.add_free(free_session_state, nullptr);
    std::fflush(stdout);
    PyObject* out = PySys_GetObject("stdout");
    if (out) {
        PyRef r(PyObject_CallMethod(out, "flush", nullptr));
        PyErr_Clear();
    }
    g->mainTs = PyEval_SaveThread();
    tlsTs = g->mainTs;
    return host;
}

Host::~Host() {
    if (!g) return;
    if (g->mainTs && !tlsHolding) PyEval_RestoreThread(g->mainTs);
    tlsTs = nullptr;
    tlsDepth = 0;
    tlsHolding = false;
    drain_pending();
    drop_spare_view();
    // States of sessions the engine never released (it stopped on an error; the sessions are gone).
    for (State::Slot& sl : g->slots)
        if (sl.st) free_state_now(sl.st);
    for (auto& cb : g->callbacks)
        Py_CLEAR(cb->fn);
    Py_FinalizeEx();
    drop_state();
}

void Host::hold_gil_between_callbacks(bool on) {
    g->holdGil = on;
}

void Host::install(decode::Decoder& d) {
    for (const State::PacketCb& pc : g->packetCbs) {
        const decode::HandlerEntry& old =
            pc.ip ? d.ip_handler(static_cast<uint8_t>(pc.type)) : d.ether_handler(static_cast<uint16_t>(pc.type));
        const std::string& script = g->scripts[static_cast<size_t>(pc.cb->script)];
        if (old.fn)
            std::fprintf(stderr, "flowdex: python: %s 0x%x: handler '%s' replaced by %s\n",
                         pc.ip ? "IP protocol" : "ethertype", pc.type, old.name ? old.name : "?", script.c_str());
        decode::HandlerEntry h{packet_cb, pc.cb, pc.ip ? "python-ip" : "python-ethernet"};
        if (pc.ip)
            d.set_ip_handler(static_cast<uint8_t>(pc.type), h);
        else
            d.set_ether_handler(static_cast<uint16_t>(pc.type), h);
    }
}

std::string Host::error_summary() const {
    std::string out;
    if (!g) return out;
    for (size_t i = 0; i < g->scripts.size(); ++i) {
        if (!g->errors[i]) continue;
        if (!out.empty()) out += "\n";
        out += "python: " + g->scripts[i] + ": " + std::to_string(g->errors[i]) + " callback errors";
    }
    return out;
}

uint64_t Host::errors() const {
    uint64_t n = 0;
    if (g)
        for (uint64_t e : g->errors)
            n += e;
    return n;
}

}  // namespace flowdex::python
