#pragma once
/// Internals of the Python layer, shared by host.cpp and the three module files. Everything here
/// that touches Python objects runs with the GIL held; the GIL also guards the process-wide State
/// (handle table, error counts, rate limits), so it needs no lock of its own.
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/packet.h"
#include "protocols/protocols.h"
#include "session/session.h"

namespace flowdex::decode {
class Decoder;
}

namespace flowdex::python {

/// Owned reference to a Python object (decref needs the GIL).
struct PyRef {
    PyObject* p = nullptr;
    PyRef() = default;
    explicit PyRef(PyObject* o) : p(o) {}
    PyRef(const PyRef&) = delete;
    PyRef& operator=(const PyRef&) = delete;
    PyRef(PyRef&& o) noexcept : p(o.p) { o.p = nullptr; }
    ~PyRef() { Py_XDECREF(p); }
    PyObject* get() const { return p; }
    PyObject* release() { return std::exchange(p, nullptr); }
};

/// A registered Python callable and the script that registered it.
struct Callback {
    PyObject* fn = nullptr;  ///< owned
    int script = -1;
    const char* kind = "";  ///< "classify", "parser", "pre_save", "save", "ethernet", "ip"
};

/// Python state of one session, made when the session is first handed to a script
/// (Session::pluginState) and freed by the session-free hook.
struct SessionState {
    uint32_t slot = 0;
    PyObject* handle = nullptr;  ///< the int passed to callbacks (cached)
    PyObject* attrs = nullptr;   ///< set_attr dict
};

/// A packet callback in progress on this thread (the handles arkime_packet accepts).
struct PacketFrame {
    uint64_t id;  ///< packet handle; the batch handle is id + 1
    Packet* packet;
    decode::Decoder* decoder;
};

enum class Computed : uint8_t {
    None,
    IpSrc,
    IpDst,
    PortSrc,
    PortDst,
    PacketsSrc,
    PacketsDst,
    Packets,
    BytesSrc,
    BytesDst,
    Bytes,
    DataBytesSrc,
    DataBytesDst,
    DataBytes,
    IpProtocol,
    CommunityId,
    IpDstPort,
    TcpFlag,  ///< + flag index
};

struct State {
    protocols::Registries* regs = nullptr;
    std::vector<std::string> scripts;
    std::vector<uint64_t> errors;  ///< per script
    int loading = -1;              ///< script being run at start-up, -1 after
    bool started = false;          ///< scripts ran; registrations are closed

    std::vector<std::unique_ptr<Callback>> callbacks;
    std::vector<Callback*> preSave, save;
    struct PacketCb {
        bool ip;
        uint32_t type;
        Callback* cb;
    };
    std::vector<PacketCb> packetCbs;

    struct Slot {
        session::Session* s = nullptr;
        const void* table = nullptr;  ///< owning FlowTable (compared without touching the session)
        SessionState* st = nullptr;
        uint32_t gen = 1;
    };
    std::vector<Slot> slots;
    std::vector<uint32_t> freeSlots;
    uint64_t nextPacketId = 2;

    std::map<std::pair<const void*, const void*>, std::chrono::steady_clock::time_point> lastReport;
    std::set<std::string> warned;
    std::vector<std::pair<int, uint8_t>> computedByPos;  ///< (Computed, tcp flag) by field position

    PyThreadState* mainTs = nullptr;
    bool holdGil = false;  ///< Host::hold_gil_between_callbacks

    /// Session states freed by a thread that did not hold the GIL and had no attributes to drop:
    /// their slots are invalidated at the next GIL acquisition (before any Python code runs), so
    /// a session free costs no GIL hand-over in the common case.
    std::mutex pendingMu;
    std::vector<SessionState*> pending;
    std::atomic<bool> havePending{false};
};

/// Invalidates and frees the deferred session states (GIL held).
void drain_pending();

extern State* g;

/// Takes the GIL for this thread (re-entrant: nested callbacks on one thread take it once).
class Gil {
  public:
    Gil();
    ~Gil();
    Gil(const Gil&) = delete;
    Gil& operator=(const Gil&) = delete;
};

/// Prints the pending exception (rate-limited per callable and exception type) and counts it.
void report_error(const Callback& cb);
void report_error(PyObject* fn, int script, const char* kind);

/// A read-only memoryview over [data, data+len) (new reference), and its end after the callback,
/// which consumes that reference: a view the script kept (or any slice of it) raises ValueError
/// afterwards; one it did not keep is reused for the next callback of this thread.
PyObject* make_view(const uint8_t* data, uint32_t len);
void finish_view(PyObject* view);
/// Frees this thread's idle view (GIL held).
void drop_spare_view();

/// The handle int of `s` (made on first use).
PyObject* session_handle(session::Session& s);
/// The live session named by a handle of the current table, or nullptr with ValueError set.
session::Session* session_from(PyObject* handle);
/// The running packet callback named by a packet (or, with batch=true, batch) handle, or nullptr
/// with ValueError set.
PacketFrame* packet_from(PyObject* handle, bool batch);

/// Field position from an int, a numeric string or an expression; -1 if unknown (no error set),
/// -2 with TypeError set for another type.
int field_pos(PyObject* posOrExp);
Computed computed_of(std::string_view expr, uint8_t* flag);

/// Keeps the caller's callable (new reference) as a Callback of the running script.
Callback* keep_callback(PyObject* fn, const char* kind);
/// Raises RuntimeError when registrations are closed (from a callback). Returns false then.
bool check_startup(const char* what);

/// Callback trampolines (host.cpp).
void classify_cb(void* ctx, session::Session& s, const uint8_t* data, uint32_t len, int which);
int parser_cb(void* ctx, session::Session& s, const uint8_t* data, uint32_t len, int which);
void parser_free(void* ctx, session::Session& s);
/// A ParserEntry calling `fn` (a new reference, released by parser_free).
session::ParserEntry make_parser_entry(PyObject* fn);

PyObject* init_arkime();
PyObject* init_session();
PyObject* init_packet();

}  // namespace flowdex::python
