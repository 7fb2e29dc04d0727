package hexmeta

import (
	"fmt"
	"strings"

	"github.com/github/go-spdx/v2/spdxexp/spdxlicenses"
)

// licenseRefPrefix starts a license of the package's own, which SPDX
// writes LicenseRef-IDSTRING.
const licenseRefPrefix = "LicenseRef-"

// CheckLicense checks one entry of a package's licenses as hex.pm does
// (hex_core's hex_licenses:valid): it must be a single SPDX license
// identifier, active or deprecated, spelled exactly as SPDX spells it, or
// "LicenseRef-" followed by ASCII letters, digits, "." and "-". SPDX
// expressions ("MIT OR Apache-2.0", "Apache-2.0 WITH LLVM-exception") are
// refused: Hex lists each license as its own entry.
//
// The identifiers are those of the SPDX license list that go-spdx carries
// (SPDXListVersion), which may be newer than hex.pm's copy.
func CheckLicense(id string) error {
	if ref, ok := strings.CutPrefix(id, licenseRefPrefix); ok {
		if ref == "" || strings.TrimFunc(ref, isLicenseRefChar) != "" {
			return fmt.Errorf("%s is not a valid LicenseRef: after %q use only ASCII letters, digits, \".\" and \"-\"", quote(id), licenseRefPrefix)
		}
		return nil
	}
	if canonical, ok := SPDXIdentifier(id); ok && canonical == id {
		return nil
	}
	return fmt.Errorf("%s is not an SPDX license identifier", quote(id))
}

func isLicenseRefChar(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-'
}

// SPDXIdentifier looks id up among the SPDX license identifiers, active
// and deprecated, ignoring case, and returns it as SPDX spells it.
func SPDXIdentifier(id string) (string, bool) {
	if ok, canonical := spdxlicenses.IsActiveLicense(id); ok {
		return canonical, true
	}
	if ok, canonical := spdxlicenses.IsDeprecatedLicense(id); ok {
		return canonical, true
	}
	return "", false
}

// SPDXListVersion is the version of the SPDX license list CheckLicense
// uses.
func SPDXListVersion() string {
	return spdxlicenses.LicenseListVersion()
}
