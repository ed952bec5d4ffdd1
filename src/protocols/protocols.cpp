#include "protocols/protocols.h"

#include <initializer_list>
#include <string_view>

#include "config/config.h"
#include "fields/field_values.h"
#include "protocols/adb/adb.h"
#include "protocols/bacnet/bacnet.h"
#include "protocols/bgp/bgp.h"
#include "protocols/c1222/c1222.h"
#include "protocols/dcerpc/dcerpc.h"
#include "protocols/dhcp/dhcp.h"
#include "protocols/diameter/diameter.h"
#include "protocols/dnp3/dnp3.h"
#include "protocols/dns/dns.h"
#include "protocols/ftp/ftp.h"
#include "protocols/http/http.h"
#include "protocols/ics/ics.h"
#include "protocols/imap/imap.h"
#include "protocols/irc/irc.h"
#include "protocols/isakmp/isakmp.h"
#include "protocols/isis/isis.h"
#include "protocols/krb5/krb5.h"
#include "protocols/ldap/ldap.h"
#include "protocols/modbus/modbus.h"
#include "protocols/mqtt/mqtt.h"
#include "protocols/mysql/mysql.h"
#include "protocols/ntlm/ntlm.h"
#include "protocols/ntp/ntp.h"
#include "protocols/opcua/opcua.h"
#include "protocols/openvpn/openvpn.h"
#include "protocols/oracle/oracle.h"
#include "protocols/ospf/ospf.h"
#include "protocols/postgresql/postgresql.h"
#include "protocols/ptp/ptp.h"
#include "protocols/quic/gquic.h"
#include "protocols/quic/initial.h"
#include "protocols/radius/radius.h"
#include "protocols/rdp/rdp.h"
#include "protocols/signatures/signatures.h"
#include "protocols/sigtran/sigtran.h"
#include "protocols/sip/sip.h"
#include "protocols/smb/smb.h"
#include "protocols/smtp/smtp.h"
#include "protocols/snmp/snmp.h"
#include "protocols/socks/socks.h"
#include "protocols/ssdp/ssdp.h"
#include "protocols/ssh/ssh.h"
#include "protocols/stun/stun.h"
#include "protocols/synchrophasor/synchrophasor.h"
#include "protocols/tds/tds.h"
#include "protocols/tftp/tftp.h"
#include "protocols/tls/tls.h"
#include "session/session.h"

namespace flowdex::protocols {

void restart_classification(session::Session& s) {
    s.classified[0] = s.classified[1] = false;
}

Settings Settings::from_config(const config::Config& cfg) {
    Settings s;
    s.parseDNSRecordAll = cfg.get_bool("parseDNSRecordAll", s.parseDNSRecordAll);
    s.dnsOutputAnswers = cfg.get_bool("dnsOutputAnswers", s.dnsOutputAnswers);
    s.parseSMTPHeaderAll = cfg.get_bool("parseSMTPHeaderAll", s.parseSMTPHeaderAll);
    s.parseHTTPHeaderRequestAll = cfg.get_bool("parseHTTPHeaderRequestAll", s.parseHTTPHeaderRequestAll);
    s.parseHTTPHeaderResponseAll = cfg.get_bool("parseHTTPHeaderResponseAll", s.parseHTTPHeaderResponseAll);
    s.ja3Strings = cfg.get_bool("ja3Strings", s.ja3Strings);
    s.ja4Raw = cfg.get_bool("ja4Raw", s.ja4Raw);
    s.supportSha256 = cfg.get_bool("supportSha256", s.supportSha256);
    s.parseQSValue = cfg.get_bool("parseQSValue", s.parseQSValue);
    s.parseCookieValue = cfg.get_bool("parseCookieValue", s.parseCookieValue);
    s.maxReqBody = cfg.get_uint("maxReqBody", s.maxReqBody, 0, static_cast<uint32_t>(fields::kMaxFieldString));
    return s;
}

namespace {

/// Leaves the fields named by `dbs` out of every record when `on` is false.
void keep_fields(fields::FieldRegistry& reg, bool on, std::initializer_list<std::string_view> dbs) {
    if (on) return;
    for (std::string_view db : dbs)
        reg.disable(reg.find_db(db));
}

}  // namespace

void register_builtin_protocols(Registries& r, const Settings& settings) {
    register_ntlm(r);
    register_dns(r, dns::Options{settings.parseDNSRecordAll, settings.dnsOutputAnswers});
    register_http(r, settings.maxReqBody);
    register_tls(r);
    register_dtls(r);
    register_openvpn(r);
    register_signatures(r);
    register_dcerpc(r);
    register_socks(r);
    register_smb(r);
    register_smtp(r);
    register_imap(r);
    register_sigtran(r);
    register_ssh(r);
    register_mysql(r);
    register_ics(r);
    register_gquic(r);
    register_quic_initial(r);
    register_dhcp(r);
    register_rdp(r);
    register_sip(r);
    register_snmp(r);
    register_diameter(r);
    register_stun(r);
    register_isakmp(r);
    register_radius(r);
    register_mqtt(r);
    register_dnp3(r);
    register_ospf(r);
    register_isis(r);
    register_modbus(r);
    register_synchrophasor(r);
    register_bacnet(r);
    register_adb(r);
    register_ntp(r);
    register_tftp(r);
    register_ldap(r);
    register_krb5(r);
    register_irc(r);
    register_postgresql(r);
    register_ftp(r);
    register_ptp(r);
    register_oracle(r);
    register_c1222(r);
    register_bgp(r);
    register_opcua(r);  // after the signatures: its classifier checks the `opcua` name
    register_ssdp(r);   // after the signatures: its classifiers check the `ssdp` name they give
    register_tds(r);    // after the signatures: its classifiers check the `tds` name they give

    keep_fields(r.fields, settings.parseSMTPHeaderAll, {"email.headerField", "email.headerValue"});
    keep_fields(r.fields, settings.parseHTTPHeaderRequestAll, {"http.requestHeaderField", "http.requestHeaderValue"});
    keep_fields(r.fields, settings.parseHTTPHeaderResponseAll,
                {"http.responseHeaderField", "http.responseHeaderValue"});
    keep_fields(r.fields, settings.ja3Strings, {"tls.ja3string", "tls.ja3sstring"});
    keep_fields(r.fields, settings.ja4Raw, {"tls.ja4_r"});
    keep_fields(r.fields, settings.supportSha256, {"http.sha256", "email.sha256"});
    keep_fields(r.fields, settings.parseQSValue, {"http.value"});
    keep_fields(r.fields, settings.parseCookieValue, {"http.cookieValue"});
}

}  // namespace flowdex::protocols
