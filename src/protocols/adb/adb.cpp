#include "protocols/adb/adb.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <deque>
#include <string>
#include <string_view>

#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::adb {
namespace {

using fields::FieldRegistry;
using session::Session;

struct Fields {
    int authtype = -1, command = -1, fwdDirection = -1, fwdLocal = -1, fwdRemote = -1, maxpayload = -1, serial = -1,
        service = -1, exitcode = -1, streamid = -1, syncOp = -1, syncPath = -1, systemtype = -1, version = -1;
};

constexpr uint32_t cmd(const char (&c)[5]) {
    return uint32_t(uint8_t(c[0])) | uint32_t(uint8_t(c[1])) << 8 | uint32_t(uint8_t(c[2])) << 16 |
           uint32_t(uint8_t(c[3])) << 24;
}
constexpr uint32_t kCnxn = cmd("CNXN"), kAuth = cmd("AUTH"), kOpen = cmd("OPEN"), kOkay = cmd("OKAY"),
                   kClse = cmd("CLSE"), kWrte = cmd("WRTE"), kSync = cmd("SYNC"), kStls = cmd("STLS");

enum class Kind : uint8_t { Other, Sync, ShellV2 };

struct Stream {
    uint32_t id[2] = {0, 0};  ///< local id of each side (0: not known yet)
    int opener = 0;
    Kind kind = Kind::Other;
};

enum class Mode : uint8_t { Transport, SmartSocket, Done };

struct Direction {
    session::ParserBuffer buf;  ///< header, then the kept data
    uint32_t dataLen = 0;
    size_t skip = 0;  ///< data bytes past kMaxData still to skip
};

struct State {
    const Fields* f = nullptr;
    const FieldRegistry* reg = nullptr;
    Mode mode = Mode::Transport;
    Direction d[2];
    bool done[2] = {false, false};
    bool stls[2] = {false, false};
    std::array<Stream, kMaxStreams> streams{};
    size_t nStreams = 0;

    void add(int pos, std::string_view v, Session& s) const {
        if (pos >= 0 && !v.empty()) s.fields.add_string(*reg, pos, v);
    }
    /// Ends direction `which` and gives its bytes back to the session.
    void stop(int which) {
        done[which] = true;
        d[which].buf.clear();
    }
};

uint32_t le32(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

std::string_view trim_nul(std::string_view v) {
    size_t z = v.find('\0');
    return z == std::string_view::npos ? v : v.substr(0, z);
}

/// "L;R" after the "forward:" of a service, with an optional "norebind:".
void forward(const State& st, Session& s, std::string_view dir, std::string_view spec) {
    if (spec.starts_with("norebind:")) spec.remove_prefix(9);
    size_t semi = spec.find(';');
    if (semi == std::string_view::npos) return;
    st.add(st.f->fwdDirection, dir, s);
    st.add(st.f->fwdLocal, spec.substr(0, semi), s);
    st.add(st.f->fwdRemote, spec.substr(semi + 1), s);
}

/// An OPEN destination or a smart-socket request: the service and its forward spec, if any.
std::string_view service(const State& st, Session& s, std::string_view dest) {
    size_t end = dest.find_first_of(":,");
    std::string_view svc = dest.substr(0, end);
    st.add(st.f->service, svc, s);
    if (end == std::string_view::npos || dest[end] != ':') return svc;
    std::string_view rest = dest.substr(end + 1);
    if (svc == "forward")
        forward(st, s, "forward", rest);
    else if ((svc == "reverse" || svc == "host") && rest.starts_with("forward:"))
        forward(st, s, svc == "reverse" ? "reverse" : "forward", rest.substr(8));
    return svc;
}

Stream* find(State& st, int side, uint32_t id) {
    for (size_t i = 0; i < st.nStreams; ++i)
        if (st.streams[i].id[side] == id) return &st.streams[i];
    return nullptr;
}

bool is_path_op(std::string_view op) {
    return op == "STAT" || op == "LIST" || op == "SEND" || op == "RECV" || op == "STA2" || op == "LST2" ||
           op == "LIS2" || op == "SND2" || op == "RCV2";
}

/// Sync requests (from the opener) or replies (from the peer) in one WRTE's data.
void sync_data(const State& st, Session& s, bool request, const uint8_t* p, size_t n, size_t& skip) {
    size_t off = std::min(skip, n);
    skip -= off;
    while (off + 8 <= n) {
        std::string_view op(reinterpret_cast<const char*>(p + off), 4);
        uint32_t len = le32(p + off + 4);
        off += 8;
        bool known = true;
        size_t body = 0;
        if (request) {
            if (is_path_op(op) || op == "DATA")
                body = len;
            else if (op != "DONE" && op != "QUIT")
                known = false;
        } else if (op == "OKAY" || op == "FAIL" || op == "DATA") {
            body = len;
        } else if (op == "STAT") {
            body = 8;  // mode, size, time: `len` was the mode
        } else if (op == "DENT") {
            if (off + 8 > n) return;
            body = 8 + le32(p + off + 8);  // size, time, name length, name
        } else if (op == "DONE") {
            st.add(st.f->syncOp, op, s);
            return;  // RECV's 8-byte DONE and LIST's 20-byte one look alike: stop here
        } else {
            known = false;
        }
        if (!known) return;
        st.add(st.f->syncOp, op, s);
        if (request && is_path_op(op) && body <= n - off) {
            std::string_view path(reinterpret_cast<const char*>(p + off), body);
            if (op == "SEND" || op == "SND2") path = path.substr(0, path.rfind(','));
            st.add(st.f->syncPath, path, s);
        }
        if (body > n - off) {
            skip = body - (n - off);
            return;
        }
        off += body;
    }
}

/// Shell protocol v2 packets (id, 4-byte length, data) from the peer: the exit code.
void shell_data(const State& st, Session& s, const uint8_t* p, size_t n, size_t& skip) {
    size_t off = std::min(skip, n);
    skip -= off;
    while (off + 5 <= n) {
        uint8_t id = p[off];
        uint32_t len = le32(p + off + 1);
        off += 5;
        if (id == 3 && len >= 1 && off < n) {
            char buf[4];
            st.add(st.f->exitcode, std::string_view(buf, size_t(std::snprintf(buf, sizeof buf, "%u", p[off]))), s);
        }
        if (len > n - off) {
            skip = len - (n - off);
            return;
        }
        off += len;
    }
}

struct StreamSkip {
    size_t skip[2] = {0, 0};
};

void message(State& st, Session& s, int which, const uint8_t* h, const uint8_t* data, size_t n,
             std::array<StreamSkip, kMaxStreams>& skips) {
    const uint32_t c = le32(h), a0 = le32(h + 4), a1 = le32(h + 8);
    const char* name = nullptr;
    switch (c) {
        case kCnxn:
            name = "cnxn";
            break;
        case kAuth:
            name = "auth";
            break;
        case kOpen:
            name = "open";
            break;
        case kOkay:
            name = "okay";
            break;
        case kClse:
            name = "clse";
            break;
        case kWrte:
            name = "wrte";
            break;
        case kSync:
            name = "sync";
            break;
        case kStls:
            name = "stls";
            break;
        default:
            return;
    }
    st.add(st.f->command, name, s);
    char buf[32];
    std::string_view text = trim_nul(std::string_view(reinterpret_cast<const char*>(data), n));
    if (c == kCnxn) {
        st.add(st.f->version, std::string_view(buf, size_t(std::snprintf(buf, sizeof buf, "0x%08x", a0))), s);
        st.add(st.f->maxpayload, std::string_view(buf, size_t(std::snprintf(buf, sizeof buf, "%u", a1))), s);
        size_t c1 = text.find(':');
        st.add(st.f->systemtype, text.substr(0, c1), s);
        if (c1 != std::string_view::npos) {
            std::string_view rest = text.substr(c1 + 1);
            st.add(st.f->serial, rest.substr(0, rest.find(':')), s);
        }
    } else if (c == kAuth) {
        static constexpr const char* kTypes[] = {nullptr, "token", "signature", "rsapublickey"};
        if (a0 >= 1 && a0 <= 3) st.add(st.f->authtype, kTypes[a0], s);
    } else if (c == kOpen) {
        st.add(st.f->streamid, std::string_view(buf, size_t(std::snprintf(buf, sizeof buf, "%u", a0))), s);
        std::string_view svc = service(st, s, text);
        if (st.nStreams < kMaxStreams && a0 != 0) {
            Stream& x = st.streams[st.nStreams++];
            x.id[which] = a0;
            x.opener = which;
            if (svc == "sync")
                x.kind = Kind::Sync;
            else if (svc == "shell" && text.size() > 6 && text[5] == ',' &&
                     text.substr(6, text.find(':') - 6).find("v2") != std::string_view::npos)
                x.kind = Kind::ShellV2;
        }
    } else if (c == kOkay || c == kWrte || c == kClse) {
        st.add(st.f->streamid, std::string_view(buf, size_t(std::snprintf(buf, sizeof buf, "%u-%u", a0, a1))), s);
        Stream* x = find(st, 1 - which, a1);
        if (!x) return;
        if (c == kOkay && x->id[which] == 0) x->id[which] = a0;
        if (c != kWrte) return;
        size_t& skip = skips[size_t(x - st.streams.data())].skip[which];
        if (x->kind == Kind::Sync)
            sync_data(st, s, which == x->opener, data, n, skip);
        else if (x->kind == Kind::ShellV2 && which != x->opener)
            shell_data(st, s, data, n, skip);
    } else if (c == kStls) {
        st.stls[which] = true;
    }
}

struct Parser {
    State st;
    std::array<StreamSkip, kMaxStreams> skips{};
};

void transport(Parser& ps, Session& s, int which, const uint8_t* data, size_t len) {
    State& st = ps.st;
    Direction& d = st.d[which];
    size_t i = 0;
    while (i < len && !st.done[which]) {
        if (d.skip > 0) {
            size_t k = std::min(d.skip, len - i);
            d.skip -= k;
            i += k;
            if (d.skip == 0) {
                const uint8_t* p = d.buf.bytes();
                message(st, s, which, p, p + kHeader, d.buf.size() - kHeader, ps.skips);
                d.buf.clear();
            }
            continue;
        }
        size_t want = kHeader;
        if (d.buf.size() >= kHeader) want = kHeader + std::min<size_t>(d.dataLen, kMaxData);
        size_t take = std::min(want - d.buf.size(), len - i);
        if (!d.buf.append(s, data + i, take)) return st.stop(which);
        i += take;
        if (d.buf.size() < want) continue;
        const uint8_t* p = d.buf.bytes();
        if (want == kHeader) {
            if ((le32(p) ^ le32(p + 20)) != 0xffffffffu) return st.stop(which);
            d.dataLen = le32(p + 12);
            if (d.dataLen > 0) continue;
        }
        if (d.dataLen > kMaxData) {
            d.skip = d.dataLen - kMaxData;
            continue;
        }
        message(st, s, which, p, p + kHeader, d.buf.size() - kHeader, ps.skips);
        d.buf.clear();
        if (st.stls[0] && st.stls[1]) return;
    }
}

/// Smart-socket requests from the client: 4 hex digits of length, then the request.
void smart_socket(State& st, Session& s, int which, const uint8_t* data, size_t len) {
    if (which != 0) return;
    Direction& d = st.d[0];
    size_t i = 0;
    while (i < len && !st.done[0]) {
        size_t want = 4;
        if (d.buf.size() >= 4) want = 4 + d.dataLen;
        size_t take = std::min(want - d.buf.size(), len - i);
        if (!d.buf.append(s, data + i, take)) return st.stop(0);
        i += take;
        if (d.buf.size() < want) continue;
        if (want == 4) {
            unsigned v = 0;
            for (char c : d.buf.view()) {
                if (!std::isxdigit(static_cast<unsigned char>(c))) return st.stop(0);
                v = v * 16 + unsigned(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (c | 0x20) - 'a' + 10);
            }
            if (v == 0 || v > kMaxRequest) return st.stop(0);
            d.dataLen = v;
            continue;
        }
        service(st, s, trim_nul(d.buf.view().substr(4)));
        d.buf.clear();
    }
}

int adb_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& ps = *static_cast<Parser*>(ctx);
    State& st = ps.st;
    if (which < 0 || which > 1) return 0;
    if (st.mode == Mode::SmartSocket) {
        smart_socket(st, s, which, data, len);
        return st.done[0] ? -1 : 0;
    }
    transport(ps, s, which, data, len);
    if (st.stls[0] && st.stls[1]) {
        restart_classification(s);  // TLS follows
        return -1;
    }
    return st.done[0] && st.done[1] ? -1 : 0;
}

void adb_free(void* ctx, Session&) {
    delete static_cast<Parser*>(ctx);
}

void attach(void* ctx, Session& s, Mode mode) {
    if (!s.table) return;
    if (s.has_parser(adb_parse)) return;
    auto* ps = new Parser;
    ps->st.f = static_cast<const Fields*>(ctx);
    ps->st.reg = s.table->context().registry;
    ps->st.mode = mode;
    s.table->register_parser(s, session::ParserEntry{adb_parse, nullptr, adb_free, ps});
}

void cnxn_classify(void* ctx, Session& s, const uint8_t* d, uint32_t len, int) {
    if (len >= kHeader && (le32(d) ^ le32(d + 20)) == 0xffffffffu) attach(ctx, s, Mode::Transport);
}

void host_classify(void* ctx, Session& s, const uint8_t* d, uint32_t len, int which) {
    if (which == 0 && len >= 9 && std::isxdigit(d[0]) && std::isxdigit(d[1]) && std::isxdigit(d[2]) &&
        std::isxdigit(d[3]))
        attach(ctx, s, Mode::SmartSocket);
}

}  // namespace

void register_adb(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.authtype = r.fields.find_db("adb.authtype");
    f.command = r.fields.find_db("adb.command");
    f.fwdDirection = r.fields.find_db("adb.forward.direction");
    f.fwdLocal = r.fields.find_db("adb.forward.local");
    f.fwdRemote = r.fields.find_db("adb.forward.remote");
    f.maxpayload = r.fields.find_db("adb.maxpayload");
    f.serial = r.fields.find_db("adb.serial");
    f.service = r.fields.find_db("adb.service");
    f.exitcode = r.fields.find_db("adb.shell.exitcode");
    f.streamid = r.fields.find_db("adb.streamid");
    f.syncOp = r.fields.find_db("adb.sync.operation");
    f.syncPath = r.fields.find_db("adb.sync.path");
    f.systemtype = r.fields.find_db("adb.systemtype");
    f.version = r.fields.find_db("adb.version");
    r.classifiers.add(classify::Transport::Tcp, classify::Classifier{"adb-parser", 0, "CNXN", cnxn_classify, &f});
    r.classifiers.add(classify::Transport::Tcp, classify::Classifier{"adb-host-parser", 4, "host:", host_classify, &f});
}

}  // namespace flowdex::protocols::adb
