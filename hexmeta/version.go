package hexmeta

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

// Version is a SemVer 2.0 version as Hex uses it.
type Version struct {
	Major, Minor, Patch uint64
	Pre                 []string // pre-release identifiers, without the "-"; nil when there is none
	Build               string   // build metadata, without the "+"; "" when there is none
}

// VersionError says why a string is not a version.
type VersionError struct {
	Version string // the string as given
	Reason  string // what is wrong, as a verb phrase: "has no PATCH number"
}

// Error reads "version "1.0" has no PATCH number".
func (e *VersionError) Error() string {
	return "version " + quote(e.Version) + " " + e.Reason
}

// maxNumericDigits is Elixir's limit on a numeric version component or
// numeric pre-release identifier; hex.pm states the same limit as
// 99_999_999_999_999.
const maxNumericDigits = 14

// MaxPreRelease is hex.pm's limit on the length of a version's pre-release
// part, in bytes, without the "-".
const MaxPreRelease = 64

// ParseVersion parses MAJOR.MINOR.PATCH[-PRE][+BUILD] as Elixir's
// Version.parse does: no leading zeros in numbers or numeric pre-release
// identifiers, at most 14 digits in those, identifiers of ASCII letters,
// digits and hyphens. Errors are *VersionError values.
//
// ParseVersion accepts build metadata and long pre-releases, as Elixir
// does; Validate applies hex.pm's further limits on both.
func ParseVersion(s string) (Version, error) {
	v, _, err := parseVersion(s, false)
	return v, err
}

// ParseApproximate parses the version of a "~>" clause, where Elixir lets
// PATCH be left out: "~> 1.2" means >= 1.2.0 and < 2.0.0 but "~> 1.2.3"
// means >= 1.2.3 and < 1.3.0, so hasPatch reports which form was written
// (Patch is 0 when it was not).
func ParseApproximate(s string) (v Version, hasPatch bool, err error) {
	return parseVersion(s, true)
}

func parseVersion(s string, approximate bool) (Version, bool, error) {
	fail := func(format string, args ...any) (Version, bool, error) {
		return Version{}, false, &VersionError{Version: s, Reason: fmt.Sprintf(format, args...)}
	}
	if s == "" {
		return fail("is empty")
	}
	rest, build, hasBuild := strings.Cut(s, "+")
	core, pre, hasPre := strings.Cut(rest, "-")
	numbers := strings.Split(core, ".")
	switch {
	case len(numbers) > 3:
		return fail("has more than three numbers")
	case len(numbers) == 2 && !approximate:
		return fail("has no PATCH number")
	case len(numbers) < 2:
		return fail("has no MINOR and PATCH numbers")
	}
	var parsed [3]uint64
	for i, n := range numbers {
		if reason := numberProblem(n); reason != "" {
			return fail("%s", reason)
		}
		parsed[i], _ = strconv.ParseUint(n, 10, 64) // at most 14 digits: cannot overflow
	}
	v := Version{Major: parsed[0], Minor: parsed[1], Patch: parsed[2], Build: build}
	if hasPre {
		if reason := identifiersProblem("pre-release", pre, true); reason != "" {
			return fail("%s", reason)
		}
		v.Pre = strings.Split(pre, ".")
	}
	if hasBuild {
		if reason := identifiersProblem("build metadata", build, false); reason != "" {
			return fail("%s", reason)
		}
	}
	return v, len(numbers) == 3, nil
}

// numberProblem checks one of MAJOR, MINOR and PATCH, or a numeric
// pre-release identifier, and says what is wrong with it.
func numberProblem(n string) string {
	switch {
	case n == "" || !allDigits(n):
		return fmt.Sprintf("has %s where a number should be", quote(n))
	case len(n) > 1 && n[0] == '0':
		return fmt.Sprintf("has a leading zero in %s", quote(n))
	case len(n) > maxNumericDigits:
		return fmt.Sprintf("has more than %d digits in %s", maxNumericDigits, quote(n))
	}
	return ""
}

// identifiersProblem checks the dot-separated identifiers of a pre-release
// or of build metadata. Only pre-release identifiers are numbers when they
// are all digits, and only those are held to the rules for numbers.
func identifiersProblem(what, s string, numbersChecked bool) string {
	for id := range strings.SplitSeq(s, ".") {
		if id == "" || strings.TrimFunc(id, isIdentifierChar) != "" {
			return fmt.Sprintf("has an invalid %s %s: use dot-separated letters, digits and hyphens", what, quote(s))
		}
		if numbersChecked && allDigits(id) {
			if reason := numberProblem(id); reason != "" {
				return reason
			}
		}
	}
	return ""
}

func allDigits(s string) bool {
	return strings.TrimLeft(s, "0123456789") == ""
}

func isIdentifierChar(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-'
}

// Compare returns -1, 0 or +1 as v has lower, equal or higher precedence
// than w. Build metadata is ignored; a pre-release is lower than the
// release; pre-releases compare identifier by identifier, numbers
// numerically and below words, words byte by byte, and a shorter list
// below a longer one it begins.
func (v Version) Compare(w Version) int {
	if c := cmp.Or(cmp.Compare(v.Major, w.Major), cmp.Compare(v.Minor, w.Minor), cmp.Compare(v.Patch, w.Patch)); c != 0 {
		return c
	}
	switch {
	case len(v.Pre) == 0 && len(w.Pre) == 0:
		return 0
	case len(v.Pre) == 0:
		return 1
	case len(w.Pre) == 0:
		return -1
	}
	for i := range min(len(v.Pre), len(w.Pre)) {
		if c := compareIdentifiers(v.Pre[i], w.Pre[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(v.Pre), len(w.Pre))
}

// compareIdentifiers orders two pre-release identifiers. Numbers are
// compared by their digits rather than converted, so that a Version built
// by hand with a huge number still compares correctly.
func compareIdentifiers(a, b string) int {
	aNum, bNum := a != "" && allDigits(a), b != "" && allDigits(b)
	switch {
	case aNum && bNum:
		a, b = trimZeros(a), trimZeros(b)
		return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
	case aNum:
		return -1
	case bNum:
		return 1
	}
	return strings.Compare(a, b)
}

func trimZeros(n string) string {
	if t := strings.TrimLeft(n, "0"); t != "" {
		return t
	}
	return "0"
}

// IsPre reports whether v is a pre-release.
func (v Version) IsPre() bool {
	return len(v.Pre) > 0
}

// String formats v as MAJOR.MINOR.PATCH[-PRE][+BUILD]; for a parsed
// version it gives back the parsed string.
func (v Version) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d.%d.%d", v.Major, v.Minor, v.Patch)
	if len(v.Pre) > 0 {
		b.WriteString("-" + strings.Join(v.Pre, "."))
	}
	if v.Build != "" {
		b.WriteString("+" + v.Build)
	}
	return b.String()
}
