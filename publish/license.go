package publish

import (
	"fmt"
	"slices"
	"strings"

	"github.com/github/go-spdx/v2/spdxexp"
	"github.com/github/go-spdx/v2/spdxexp/spdxlicenses"

	"github.com/hexship/ship/hexmeta"
)

// hex.pm accepts exactly one SPDX identifier per entry of licenses, spelled
// as SPDX spells it, or "LicenseRef-" and an idstring (hexmeta.CheckLicense).
// What is here explains a refused entry: a near miss, an expression (with
// the list to write instead), an exception.

func (r *report) checkLicenses(licenses []string) {
	if len(licenses) == 0 {
		r.add("licenses", "missing; hex.pm requires at least one license",
			`add licenses = ["Apache-2.0"] with the SPDX identifiers of the package's licenses`)
		return
	}
	for i, l := range licenses {
		key := fmt.Sprintf("licenses[%d]", i)
		if msg, fix := licenseProblem(l); msg != "" {
			r.add(key, msg, fix)
		} else if deprecated, _ := spdxlicenses.IsDeprecatedLicense(l); deprecated {
			r.warn(key, fmt.Sprintf("%q is a deprecated SPDX identifier; https://spdx.org/licenses/ names its replacement", l))
		}
	}
}

// licenseProblem says what is wrong with one licenses entry and how to fix
// it, or returns two empty strings when hex.pm will accept it.
func licenseProblem(l string) (msg, fix string) {
	if hexmeta.CheckLicense(l) == nil {
		return "", ""
	}
	if strings.HasPrefix(l, "LicenseRef-") {
		return fmt.Sprintf("%q is not a valid LicenseRef", l),
			`after "LicenseRef-" use only letters, digits, "." and "-"`
	}
	if id, ok := spdxID(l); ok {
		return fmt.Sprintf("%q is not spelled as SPDX spells it", l), fmt.Sprintf("write %q", id)
	}
	if id, ok := licenseWithException(l); ok {
		return fmt.Sprintf("%q names a license exception; hex.pm accepts only license identifiers", l),
			fmt.Sprintf("write %q and describe the exception in the package's LICENSE file", id)
	}
	if spdxExpressionValid(l) {
		return fmt.Sprintf("%q is an SPDX expression; hex.pm accepts one identifier per entry", l),
			fmt.Sprintf("list the licenses separately: licenses = [%s]", quoteList(spdxLicenses(l)))
	}
	msg = fmt.Sprintf("%q is not an SPDX license identifier", l)
	if s := suggestLicense(l); s != "" {
		return msg, fmt.Sprintf("did you mean %q?", s)
	}
	return msg, `use an identifier from https://spdx.org/licenses/ such as "MIT" or "Apache-2.0", or "LicenseRef-NAME" for a license of your own`
}

// spdxID looks l up among the SPDX identifiers, ignoring case and
// surrounding space, and returns the identifier as SPDX spells it.
func spdxID(l string) (string, bool) {
	return hexmeta.SPDXIdentifier(strings.TrimSpace(l))
}

// licenseWithException recognises "ID WITH EXCEPTION" and returns ID as
// SPDX spells it.
func licenseWithException(l string) (string, bool) {
	i := strings.Index(strings.ToUpper(l), " WITH ")
	if i < 0 || !spdxExpressionValid(l) {
		return "", false
	}
	return spdxID(l[:i])
}

// spdxExpressionValid reports whether l is a valid SPDX expression, such as
// "MIT OR Apache-2.0".
func spdxExpressionValid(l string) bool {
	valid, _ := spdxexp.ValidateLicenses([]string{l})
	return valid
}

// spdxLicenses lists the licenses of a valid expression, sorted, as
// separate entries of licenses would list them.
func spdxLicenses(expression string) []string {
	ids, _ := spdxexp.ExtractLicenses(expression) // cannot fail: the expression is valid
	slices.Sort(ids)
	return ids
}

func quoteList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(quoted, ", ")
}

// licenseNoise are words people add around an identifier ("The MIT
// License", "Apache License, Version 2.0") that SPDX identifiers leave out.
var licenseNoise = setOf("the", "license", "licence", "version")

// suggestLicense guesses the SPDX identifier meant by a near miss such as
// "apache 2" or "MIT License", or returns "".
func suggestLicense(l string) string {
	key := licenseKey(l)
	if key == "" {
		return ""
	}
	// "apache-2" means Apache-2.0 and "gpl-3" means GPL-3.0-only: try the
	// spellings SPDX would use, active identifiers before deprecated ones.
	variants := []string{key, key + ".0", key + "-only", key + ".0-only"}
	for _, lookup := range []func(string) (bool, string){spdxlicenses.IsActiveLicense, spdxlicenses.IsDeprecatedLicense} {
		for _, v := range variants {
			if ok, id := lookup(v); ok {
				return id
			}
		}
	}
	// Otherwise allow a typo: one edit per four characters.
	return closestLicense(key, len(key)/4)
}

// licenseKey lowercases l, drops noise words and a "v" before a version
// number, and joins what is left with "-", as SPDX identifiers are written.
func licenseKey(l string) string {
	var words []string
	for w := range strings.FieldsFuncSeq(strings.ToLower(l), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '+')
	}) {
		if licenseNoise[w] {
			continue
		}
		if rest, ok := strings.CutPrefix(w, "v"); ok && rest != "" && rest[0] >= '0' && rest[0] <= '9' {
			w = rest
		}
		words = append(words, w)
	}
	return strings.Join(words, "-")
}

// closestLicense is closest over the active SPDX identifiers, compared in
// lowercase.
func closestLicense(key string, maxEdits int) string {
	ids := spdxlicenses.GetLicenses()
	lower := make([]string, len(ids))
	for i, id := range ids {
		lower[i] = strings.ToLower(id)
	}
	if c := closest(key, lower, maxEdits); c != "" {
		return ids[slices.Index(lower, c)]
	}
	return ""
}
