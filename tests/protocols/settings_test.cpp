// protocols::Settings: Arkime's parser keys read from the configuration, and what registering the
// built-in protocols with them does to the field registry.
#include <gtest/gtest.h>

#include <string>

#include "classify/classifier.h"
#include "config/config.h"
#include "fields/field_registry.h"
#include "protocols/protocols.h"
#include "session/hooks.h"

namespace flowdex::protocols {
namespace settings_test {

config::Config config_of(std::initializer_list<std::pair<const char*, const char*>> kv) {
    config::Config c;
    for (const auto& [k, v] : kv)
        c.set(k, v, "test.ini");
    return c;
}

TEST(ProtocolSettings, DefaultsAreTheRegressionSettings) {
    const Settings s = Settings::from_config(config::Config());
    EXPECT_TRUE(s.parseDNSRecordAll && s.dnsOutputAnswers && s.parseSMTPHeaderAll && s.parseHTTPHeaderRequestAll &&
                s.parseHTTPHeaderResponseAll && s.ja3Strings && s.ja4Raw && s.supportSha256 && s.parseQSValue &&
                s.parseCookieValue);
    EXPECT_EQ(s.maxReqBody, 2000u);
}

TEST(ProtocolSettings, KeysAreRead) {
    const Settings s = Settings::from_config(config_of({{"parseDNSRecordAll", "false"},
                                                        {"dnsOutputAnswers", "no"},
                                                        {"parseSMTPHeaderAll", "0"},
                                                        {"parseHTTPHeaderRequestAll", "off"},
                                                        {"parseHTTPHeaderResponseAll", "FALSE"},
                                                        {"ja3Strings", "false"},
                                                        {"ja4Raw", "false"},
                                                        {"supportSha256", "false"},
                                                        {"parseQSValue", "false"},
                                                        {"parseCookieValue", "false"},
                                                        {"maxReqBody", "256"}}));
    EXPECT_FALSE(s.parseDNSRecordAll || s.dnsOutputAnswers || s.parseSMTPHeaderAll || s.parseHTTPHeaderRequestAll ||
                 s.parseHTTPHeaderResponseAll || s.ja3Strings || s.ja4Raw || s.supportSha256 || s.parseQSValue ||
                 s.parseCookieValue);
    EXPECT_EQ(s.maxReqBody, 256u);
}

TEST(ProtocolSettings, BadValuesNameFileAndKey) {
    for (auto [key, value] : {std::pair{"ja3Strings", "maybe"}, std::pair{"maxReqBody", "lots"},
                              std::pair{"maxReqBody", "100000"}, std::pair{"parseQSValue", ""}}) {
        try {
            (void)Settings::from_config(config_of({{key, value}}));
            ADD_FAILURE() << key << "=" << value << " was accepted";
        } catch (const config::ConfigError& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find("test.ini"), std::string::npos) << what;
            EXPECT_NE(what.find(key), std::string::npos) << what;
        }
    }
}

TEST(ProtocolSettings, SwitchedOffFieldsAreDisabledOthersNot) {
    fields::FieldRegistry reg;
    classify::ClassifierRegistry classifiers;
    session::HookRegistry hooks;
    Registries r{reg, classifiers, hooks};
    Settings s;
    s.ja3Strings = false;
    s.parseQSValue = false;
    register_builtin_protocols(r, s);
    auto disabled = [&](const char* db) {
        const int pos = reg.find_db(db);
        EXPECT_GE(pos, 0) << db;
        return pos >= 0 && (reg.at(pos).flags & fields::kFlagDisabled) != 0;
    };
    EXPECT_TRUE(disabled("tls.ja3string"));
    EXPECT_TRUE(disabled("tls.ja3sstring"));
    EXPECT_TRUE(disabled("http.value"));
    EXPECT_FALSE(disabled("tls.ja3"));
    EXPECT_FALSE(disabled("http.key"));
    EXPECT_FALSE(disabled("tls.ja4_r"));
    EXPECT_FALSE(disabled("http.cookieValue"));
}

}  // namespace settings_test
}  // namespace flowdex::protocols
