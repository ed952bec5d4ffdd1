#include "protocols/smb/smb.h"

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "core/ber.h"
#include "core/text.h"
#include "protocols/ntlm/ntlm.h"
#include "session/flow_table.h"
#include "session/parser_buffer.h"
#include "session/session.h"

namespace flowdex::protocols::smb {
namespace {

using session::Session;

constexpr size_t kNetbiosHeader = 4;
constexpr size_t kSmb1Header = 32;
constexpr size_t kSmb2Header = 64;
constexpr int kMaxAndX = 4;
constexpr uint8_t kReply = 0x80;         // SMB1 flags
constexpr uint16_t kUnicode = 0x8000;    // SMB1 flags2
constexpr uint32_t kSmb2Response = 0x1;  // SMB2 flags
enum class Cmd1 : uint8_t {
    Delete = 0x06,
    OpenAndX = 0x2d,
    Negotiate = 0x72,
    SessionSetup = 0x73,
    TreeConnect = 0x75,
    NtCreate = 0xa2
};
enum class Cmd2 : uint16_t { SessionSetup = 0x01, TreeConnect = 0x03, Create = 0x05 };
constexpr uint8_t kNoAndX = 0xff;
constexpr uint8_t kBufferFormatAscii = 0x04;  ///< the byte before a DELETE's file name

struct Fields {
    int dialect = -1, os = -1, version = -1, user = -1, domain = -1, host = -1, share = -1, filename = -1;
};

uint16_t le16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] | p[1] << 8);
}
uint32_t le32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
           static_cast<uint32_t>(p[3]) << 24;
}

struct State {
    const Fields* f = nullptr;
    const fields::FieldRegistry* reg = nullptr;
    struct Direction {
        uint8_t head[kNetbiosHeader];
        size_t headLen = 0;
        size_t left = 0;            ///< bytes of the current message still to come
        session::ParserBuffer msg;  ///< its first kMaxKept bytes
        bool dead = false;          ///< refused by the parser budget: no longer read
        /// Stops the direction and gives its bytes back to the session.
        void stop() {
            dead = true;
            msg.clear();
        }
    } d[2];
    int client = -1;                 ///< the direction that sent the first request
    session::ParserBuffer dialects;  ///< the client's dialect names, each NUL-ended
    size_t dialectCount = 0;
    bool refused = false;  ///< the message being read was refused bytes: its direction stops
};

/// Name `i` of the NUL-ended names in `names`.
std::string_view nth_name(std::string_view names, size_t i) {
    size_t at = 0;
    for (; i > 0; --i)
        at = names.find('\0', at) + 1;
    return names.substr(at, names.find('\0', at) - at);
}

/// A string at `at` of an SMB1 message `m` (NUL-ended; UTF-16LE aligned to 2 from the header
/// start when `unicode`); `at` moves past it.
std::string str1(std::string_view m, size_t& at, bool unicode) {
    std::string out;
    if (unicode) {
        if (at & 1) ++at;
        size_t end = at;
        while (end + 1 < m.size() && (m[end] || m[end + 1]))
            end += 2;
        if (at < m.size())
            out = core::utf16le_to_utf8(reinterpret_cast<const uint8_t*>(m.data()) + at, std::min(end, m.size()) - at);
        at = end + 2;
    } else {
        size_t end = m.find('\0', at);
        if (end == std::string_view::npos) end = m.size();
        if (at < m.size()) out.assign(m.substr(at, end - at));
        at = end + 1;
    }
    if (out.size() > kMaxString) out.resize(kMaxString);
    return out;
}

void add(State& st, Session& s, int pos, std::string_view v) {
    if (pos >= 0 && !v.empty()) s.fields.add_string_as_is(*st.reg, pos, v);
}

/// The NTLMSSP message Arkime reads from a session setup's security blob (`wrapped` tells which):
/// the blob itself when it is raw NTLMSSP, or the responseToken of an SPNEGO negTokenResp ([1]) whose
/// SEQUENCE opens with it ([2] holding an OCTET STRING that starts with NTLMSSP). A negTokenInit (a
/// client's usual NEGOTIATE) or a negTokenResp that opens with its negState gives nothing.
std::string_view ntlmssp_in_blob(std::string_view blob, bool& wrapped) {
    constexpr std::string_view kSig("NTLMSSP\0", 8);
    constexpr uint32_t kNegTokenResp = 1, kResponseToken = 2;
    wrapped = false;
    if (blob.substr(0, kSig.size()) == kSig) return blob;
    BerTlv t;
    BerReader top(reinterpret_cast<const uint8_t*>(blob.data()), blob.size(), BerMode::Clamp);
    if (!top.next(t) || t.cls != BerClass::Context || t.number != kNegTokenResp) return {};
    BerReader resp(t, BerMode::Clamp);
    if (!resp.next(t) || !t.is(BerTag::Sequence)) return {};
    BerReader seq(t, BerMode::Clamp);
    if (!seq.next(t) || t.cls != BerClass::Context || t.number != kResponseToken) return {};
    BerReader token(t, BerMode::Clamp);
    if (!token.next(t) || !t.is(BerTag::OctetString) || t.text().substr(0, kSig.size()) != kSig) return {};
    wrapped = true;
    return t.text();
}

/// The security blob of a session setup request (by the header's flag, whichever side sent it): its
/// NTLMSSP message, as ntlmssp_in_blob finds it, fills `ntlm.*`; an AUTHENTICATE wrapped in SPNEGO
/// also gives smb.user, smb.domain and smb.host (a raw one does not, as Arkime's records show).
void security_blob(State& st, Session& s, std::string_view blob) {
    constexpr uint32_t kAuthenticate = 3, kNegotiateUnicode = 0x1;
    bool wrapped = false;
    const std::string_view m = ntlmssp_in_blob(blob, wrapped);
    if (m.empty()) return;
    const auto* u = reinterpret_cast<const uint8_t*>(m.data());
    ntlm::parse_message(s, u, m.size());
    if (!wrapped || m.size() < 64 || le32(u + 8) != kAuthenticate) return;
    const bool unicode = le32(u + 60) & kNegotiateUnicode;
    const auto field = [&](size_t desc, int pos) {
        const size_t len = le16(u + desc), off = le32(u + desc + 4);
        if (len == 0 || off > m.size() || len > m.size() - off || len > 2 * kMaxString) return;
        add(st, s, pos, unicode ? core::utf16le_to_utf8(u + off, len) : std::string(m.substr(off, len)));
    };
    field(28, st.f->domain);
    field(36, st.f->user);
    field(44, st.f->host);
}

/// One SMB1 command at `off` (its word count byte) of message `m`; returns the AndX command and
/// sets `next` to its offset, or kNoAndX. With `blobOnly` (a request sent by the server's side) only a
/// session setup's security blob is read.
uint8_t smb1_command(State& st, Session& s, std::string_view m, uint8_t cmd, size_t off, bool reply, bool unicode,
                     bool blobOnly, size_t& next) {
    const auto* u = reinterpret_cast<const uint8_t*>(m.data());
    if (off + 1 > m.size()) return kNoAndX;
    const size_t wct = u[off];
    const size_t words = off + 1, bcAt = words + 2 * wct;
    if (bcAt + 2 > m.size()) return kNoAndX;
    const size_t bytes = bcAt + 2;
    const auto w = [&](size_t i) { return le16(u + words + 2 * i); };
    const Fields& f = *st.f;
    const auto c = static_cast<Cmd1>(cmd);
    if (blobOnly && !(c == Cmd1::SessionSetup && !reply && wct == 12)) return kNoAndX;
    const bool andx = c == Cmd1::SessionSetup || c == Cmd1::TreeConnect || c == Cmd1::OpenAndX || c == Cmd1::NtCreate;
    uint8_t nextCmd = kNoAndX;
    if (andx && wct >= 2) {
        nextCmd = static_cast<uint8_t>(w(0) & 0xff);
        next = w(1);
    }
    if (c == Cmd1::Negotiate) {
        if (!reply) {
            st.dialects.clear();
            st.dialectCount = 0;
            for (size_t at = bytes; at < m.size() && st.dialectCount < kMaxDialects;) {
                if (u[at] != 0x02) break;
                ++at;
                const std::string name = str1(m, at, false);
                if (!st.dialects.append(s, name.c_str(), name.size() + 1)) {  // the NUL too
                    st.dialects.clear();
                    st.dialectCount = 0;
                    st.refused = true;
                    break;
                }
                ++st.dialectCount;
            }
        } else if (wct >= 1 && w(0) < st.dialectCount && f.dialect >= 0) {
            s.fields.add_string_as_is(*st.reg, f.dialect, nth_name(st.dialects.view(), w(0)));
        }
    } else if (c == Cmd1::SessionSetup && !reply) {
        size_t at = bytes;
        if (wct == 13) {
            at += w(7) + w(8);  // the two passwords
            add(st, s, f.user, str1(m, at, unicode));
            add(st, s, f.domain, str1(m, at, unicode));
            add(st, s, f.os, str1(m, at, unicode));
            add(st, s, f.version, str1(m, at, unicode));
        } else if (wct == 12) {
            security_blob(st, s, m.substr(std::min(at, m.size()), w(7)));
            if (blobOnly) return kNoAndX;  // from the other side only the blob counts
            at += w(7);                    // the security blob
            add(st, s, f.os, str1(m, at, unicode));
            add(st, s, f.version, str1(m, at, unicode));
            add(st, s, f.domain, str1(m, at, unicode));
        }
    } else if (c == Cmd1::TreeConnect && !reply && wct >= 4) {
        size_t at = bytes + w(3);  // after the password
        add(st, s, f.share, str1(m, at, unicode));
    } else if (c == Cmd1::OpenAndX && !reply) {
        size_t at = bytes + 1;  // Arkime skips the byte before the name (the pad in Unicode)
        add(st, s, f.filename, str1(m, at, unicode));
    } else if (c == Cmd1::Delete && !reply && bytes < m.size() && u[bytes] == kBufferFormatAscii) {
        size_t at = bytes + 1;
        add(st, s, f.filename, str1(m, at, unicode));
    } else if (c == Cmd1::NtCreate && !reply && wct >= 24) {
        size_t at = bytes;
        if (unicode) ++at;  // a pad byte before the name
        add(st, s, f.filename, str1(m, at, unicode));
    }
    return nextCmd;
}

/// A UTF-16LE name at (offset, length) from the SMB2 header start.
void add16(State& st, Session& s, int pos, std::string_view m, size_t hdr, size_t off, size_t len) {
    if (off < kSmb2Header || hdr + off + len > m.size() || len > 2 * kMaxString) return;
    add(st, s, pos, core::utf16le_to_utf8(reinterpret_cast<const uint8_t*>(m.data()) + hdr + off, len));
}

void smb2(State& st, Session& s, std::string_view m) {
    const auto* u = reinterpret_cast<const uint8_t*>(m.data());
    size_t hdr = 0;
    for (int k = 0; k < kMaxAndX && hdr + kSmb2Header <= m.size(); ++k) {
        if (m.substr(hdr, 4) != "\xfeSMB") return;
        const auto cmd = static_cast<Cmd2>(le16(u + hdr + 12));
        const bool reply = le32(u + hdr + 16) & kSmb2Response;
        const size_t body = hdr + kSmb2Header;
        if (!reply && cmd == Cmd2::TreeConnect && body + 8 <= m.size())
            add16(st, s, st.f->share, m, hdr, le16(u + body + 4), le16(u + body + 6));
        if (!reply && cmd == Cmd2::SessionSetup && body + 16 <= m.size()) {
            const size_t off = le16(u + body + 12), len = le16(u + body + 14);
            if (off >= kSmb2Header && hdr + off <= m.size()) security_blob(st, s, m.substr(hdr + off, len));
        }
        if (!reply && cmd == Cmd2::Create && body + 48 <= m.size())
            add16(st, s, st.f->filename, m, hdr, le16(u + body + 44), le16(u + body + 46));
        const uint32_t nextCommand = le32(u + hdr + 20);
        if (nextCommand == 0) return;
        hdr += nextCommand;
    }
}

void message(State& st, Session& s, int which, std::string_view m) {
    if (m.size() >= 4 && m.substr(0, 4) == "\xfeSMB") {
        smb2(st, s, m);
        return;
    }
    if (m.size() < kSmb1Header + 1 || m.substr(0, 4) != "\xffSMB") return;
    const auto* u = reinterpret_cast<const uint8_t*>(m.data());
    const bool reply = u[9] & kReply;
    if (!reply && st.client < 0) st.client = which;
    // Only the client's requests count, except for a session setup's security blob, which Arkime
    // reads from any message flagged a request.
    const bool blobOnly = st.client >= 0 && which != st.client && !reply;  // a request from the server's side
    const bool unicode = le16(u + 10) & kUnicode;
    uint8_t cmd = u[4];
    size_t off = kSmb1Header;
    for (int k = 0; k < kMaxAndX && cmd != kNoAndX; ++k) {
        size_t next = 0;
        const uint8_t nextCmd = smb1_command(st, s, m, cmd, off, reply, unicode, blobOnly, next);
        if (nextCmd == kNoAndX || next <= off) break;
        cmd = nextCmd;
        off = next;
    }
}

int smb_parse(void* ctx, Session& s, const uint8_t* data, uint32_t len, int which) {
    auto& st = *static_cast<State*>(ctx);
    if (which < 0 || which > 1) return 0;
    State::Direction& d = st.d[which];
    while (len > 0 && !d.dead) {
        if (d.left == 0) {
            d.head[d.headLen++] = *data++;
            --len;
            if (d.headLen < kNetbiosHeader) continue;
            d.headLen = 0;
            d.left = static_cast<size_t>(d.head[1] & 0x01) << 16 | static_cast<size_t>(d.head[2]) << 8 | d.head[3];
            d.msg.clear();
            if (d.head[0] != 0 || d.left == 0) {  // keep-alives and other NetBIOS packets
                d.left = 0;
                continue;
            }
        }
        const size_t take = std::min<size_t>(d.left, len);
        if (d.msg.size() < kMaxKept && !d.msg.append(s, data, std::min(take, kMaxKept - d.msg.size()))) {
            d.stop();
            break;
        }
        d.left -= take;
        data += take;
        len -= static_cast<uint32_t>(take);
        if (d.left == 0) {
            message(st, s, which, d.msg.view());
            d.msg.clear();
            if (st.refused) {
                st.refused = false;
                d.stop();
            }
        }
    }
    return st.d[0].dead && st.d[1].dead ? -1 : 0;
}

void smb_free(void* ctx, Session&) {
    delete static_cast<State*>(ctx);
}

void smb_classify(void* ctx, Session& s, const uint8_t*, uint32_t, int) {
    if (!s.table) return;
    if (s.has_parser(smb_parse)) return;
    auto* st = new State;
    st->f = static_cast<const Fields*>(ctx);
    st->reg = s.table->context().registry;
    s.table->register_parser(s, session::ParserEntry{smb_parse, nullptr, smb_free, st});
}

}  // namespace

void register_smb(Registries& r) {
    static std::deque<Fields> all;  // one per registration; classifiers keep pointers into it
    Fields& f = all.emplace_back();
    f.dialect = r.fields.find_db("smb.dialect");
    f.os = r.fields.find_db("smb.os");
    f.version = r.fields.find_db("smb.version");
    f.user = r.fields.find_db("smb.user");
    f.domain = r.fields.find_db("smb.domain");
    f.host = r.fields.find_db("smb.host");
    f.share = r.fields.find_db("smb.share");
    f.filename = r.fields.find_db("smb.filename");
    using namespace std::string_view_literals;
    for (std::string_view magic : {"\xffSMB"sv, "\xfeSMB"sv})
        r.classifiers.add(classify::Transport::Tcp,
                          classify::Classifier{"smb-parser", 4, std::string(magic), smb_classify, &f});
}

}  // namespace flowdex::protocols::smb
