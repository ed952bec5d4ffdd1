#pragma once
/// Vendor names for MAC addresses (OUI enrichment), from a Wireshark `manuf` file, the format
/// Arkime's `ouiFile` uses. Each line is `PREFIX<TAB>short name[<TAB>long name][<TAB># comment]`
/// where PREFIX is three octets (`00:11:22`, a /24) or a whole address with a length
/// (`00:1B:C5:00:00:00/36`); `#` starts a comment line. The long name is used when there is one.
/// Lookups take the longest prefix that matches (/36, then /28, then /24 and any other length).
///
/// At every save a pre-save hook fills `srcOui`/`dstOui` from `source.mac`/`destination.mac`,
/// `srcOuterOui`/`dstOuterOui` from the outer MACs of a tunnel, `arp.oui` from `arp.mac` and
/// `dhcp.oui` from `dhcp.mac`. Locally administered and unknown addresses give nothing.
///
/// Settings: `ouiFile` names the file; unset, /usr/share/wireshark/manuf (Debian's
/// libwireshark-data) is used when present; `ouiFile=` (empty) turns enrichment off. A named file
/// that cannot be read, or that holds no valid line, is a start-up error naming the key and file.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "protocols/protocols.h"

namespace flowdex::enrich {

/// The file used when `ouiFile` is not set (if it exists).
inline constexpr std::string_view kDefaultOuiFile = "/usr/share/wireshark/manuf";

class OuiTable {
  public:
    /// Parses `text` (the contents of a manuf file); lines that do not parse are skipped and counted.
    static OuiTable parse(std::string_view text);
    /// Reads and parses `path`; throws config::ConfigError ("ouiFile: PATH: reason") when the file
    /// cannot be read or holds no entry.
    static OuiTable load(const std::string& path);

    /// The vendor of a 6-byte address, empty when none is known.
    std::string_view lookup(const uint8_t mac[6]) const;
    /// The same for a MAC written `aa:bb:cc:dd:ee:ff` (either case); empty when it does not parse.
    std::string_view lookup(std::string_view macText) const;

    size_t size() const { return entries_.size(); }
    size_t skipped_lines() const { return skipped_; }

  private:
    struct Entry {
        uint64_t prefix;  ///< the address's top `bits` bits, left-aligned in 48 bits
        uint32_t name;    ///< offset of the name in names_
        uint16_t nameLen;
        uint8_t bits;
    };
    std::vector<Entry> entries_;    ///< sorted by (bits descending, prefix)
    std::vector<uint8_t> lengths_;  ///< the distinct prefix lengths, longest first
    std::string names_;
    size_t skipped_ = 0;
};

/// The table `cfg` asks for (see above), or nullptr when enrichment is off or no file is present.
std::unique_ptr<OuiTable> load_oui_table(const config::Config& cfg);

/// Registers the pre-save hook that fills the OUI fields from `table` (which must outlive every
/// session). Start-up only.
void register_oui(protocols::Registries& r, const OuiTable& table);

}  // namespace flowdex::enrich
