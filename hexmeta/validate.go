package hexmeta

import (
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/hexship/ship/tarball"
)

// FieldError is one problem with uploaded metadata, keyed like hex.pm's
// 422 `errors` object: Path ["name"], ["version"], ["meta", "licenses"] or
// ["requirements", "plug"] is written {"meta": {"licenses": Msg}}.
type FieldError struct {
	Path []string
	Msg  string
}

// Error formats e as "meta.licenses: invalid license \"x\"".
func (e FieldError) Error() string {
	return strings.Join(e.Path, ".") + ": " + e.Msg
}

// Validate checks metadata decoded from an uploaded tarball with the rules
// hex.pm applies when a release is published, and returns every problem,
// or nil when there is none. Messages are hex.pm's. Problems come in the
// order hex.pm checks, so the first one for each path is the one hex.pm
// would report (its errors object has one message per key).
//
// What hex.pm checks, and so Validate: name (CheckName), version (SemVer,
// no build metadata, a pre-release of at most 64 bytes), description,
// licenses (CheckLicense; an absent list is refused, an empty one is not),
// links (CheckLink), app, build_tools and files present and not empty,
// elixir and each requirement's requirement (CheckRequirement), each
// requirement's name present. What ship adds, because build tools turn
// them into atoms and paths: the formats and lengths of requirement names
// (CheckDependencyName) and of app names (CheckAppName), and a requirement
// listed twice.
//
// Left to the caller, because they need the registry: whether each
// requirement exists in its repository, whether that repository may be
// depended on, whether the name matches the URL, and whether the package
// or version is reserved on this registry. mix's 300-character limit on
// descriptions (MaxDescription) is not applied: hex.pm accepts longer
// ones from other tools.
func Validate(m tarball.Metadata) []FieldError {
	var v validation
	v.add(CheckName(m.Name), "name")
	v.addMsg(versionMessage(m.Version), "version")
	if strings.TrimSpace(m.Description) == "" {
		v.add(ErrBlank, "meta", "description")
	}
	v.licenses(m.Licenses)
	v.links(m.Links)
	v.add(CheckAppName(m.App), "meta", "app")
	if len(m.BuildTools) == 0 {
		v.add(ErrBlank, "meta", "build_tools")
	}
	switch {
	case m.Files == nil:
		v.add(ErrBlank, "meta", "files")
	case len(m.Files) == 0:
		v.addMsg("package can't be empty", "meta", "files")
	}
	if strings.TrimSpace(m.Elixir) != "" {
		v.addMsg(requirementMessage(m.Elixir), "meta", "elixir")
	}
	seen := make(map[string]bool, len(m.Requirements))
	for _, r := range m.Requirements {
		v.requirement(r, seen[r.Name])
		seen[r.Name] = true
	}
	return v.errs
}

// MaxDescription is the length, in characters, past which mix refuses to
// build a package; hex.pm itself takes longer descriptions.
const MaxDescription = 300

// validation collects problems.
type validation struct {
	errs []FieldError
}

// add records err's message at path; a nil err records nothing.
func (v *validation) add(err error, path ...string) {
	if err != nil {
		v.addMsg(err.Error(), path...)
	}
}

// addMsg records msg at path; an empty msg records nothing.
func (v *validation) addMsg(msg string, path ...string) {
	if msg != "" {
		v.errs = append(v.errs, FieldError{Path: path, Msg: msg})
	}
}

// versionMessage is hex.pm's complaint about a release version, or "".
func versionMessage(s string) string {
	version, err := ParseVersion(s)
	switch {
	case err != nil:
		return "is invalid SemVer"
	case version.Build != "":
		return "build number not allowed"
	case len(strings.Join(version.Pre, ".")) > MaxPreRelease:
		return "prerelease must be at most 64 characters"
	}
	return ""
}

func (v *validation) licenses(licenses []string) {
	if licenses == nil {
		v.add(ErrBlank, "meta", "licenses")
	}
	for _, l := range licenses {
		if CheckLicense(l) != nil {
			v.addMsg("invalid license "+inspect(l), "meta", "licenses")
		}
	}
}

// links checks links the way hex.pm sees them: as a map, where a later
// link of the same name replaces an earlier one, taken in name order.
func (v *validation) links(links []tarball.Link) {
	byName := make(map[string]string, len(links))
	for _, l := range links {
		byName[l.Name] = l.URL
	}
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		if url := byName[name]; CheckLink(url) != nil {
			v.addMsg("invalid link "+inspect(url), "meta", "links")
		}
	}
}

// requirement checks one dependency; hex.pm keys its problems by the
// dependency's name.
func (v *validation) requirement(r tarball.Requirement, duplicate bool) {
	path := []string{"requirements", r.Name}
	if err := CheckDependencyName(r.Name); err != nil {
		v.add(err, path...)
		return
	}
	if duplicate {
		v.addMsg("is required more than once", path...)
		return
	}
	if strings.TrimSpace(r.Requirement) == "" {
		v.add(ErrBlank, path...)
	} else {
		v.addMsg(requirementMessage(r.Requirement), path...)
	}
	if r.App != "" {
		v.add(CheckAppName(r.App), path...)
	}
}

// requirementMessage is hex.pm's complaint about a version requirement,
// or "".
func requirementMessage(req string) string {
	err := CheckRequirement(req)
	if err == nil {
		return ""
	}
	msg := "invalid requirement: " + inspect(req)
	if errors.Is(err, ErrNotEqual) {
		msg += ", " + ErrNotEqual.Error()
	}
	return msg
}
