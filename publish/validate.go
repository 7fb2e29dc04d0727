package publish

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hexship/ship/hexmeta"
)

// Problem is one thing wrong with a package, located as precisely as ship
// can: the manifest, the line and column when the TOML itself is at fault,
// and the key.
type Problem struct {
	File   string // the manifest's path: DIR/ship.toml for Load(DIR)
	Line   int    // 1-based; 0 when unknown
	Column int    // 1-based; 0 when unknown
	Key    string // dotted TOML key, e.g. "requirements.plug.requirement"; empty for syntax errors
	Msg    string // what is wrong
	Fix    string // what to do about it
}

// String formats p as "FILE[:LINE:COL]: KEY: MSG; FIX".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", p.Line, p.Column)
	}
	b.WriteString(": ")
	if p.Key != "" {
		b.WriteString(p.Key + ": ")
	}
	b.WriteString(p.Msg)
	if p.Fix != "" {
		b.WriteString("; " + p.Fix)
	}
	return b.String()
}

// ManifestError lists every problem Load found, so that one run shows the
// author everything to fix rather than one problem per attempt.
type ManifestError struct {
	Problems []Problem
}

// Error prints one problem per line.
func (e *ManifestError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// report collects problems and warnings while a package is loaded.
type report struct {
	file     string
	problems []Problem
	warnings []string
}

func (r *report) add(key, msg, fix string) {
	r.problems = append(r.problems, Problem{File: r.file, Key: key, Msg: msg, Fix: fix})
}

func (r *report) addAt(line, column int, key, msg, fix string) {
	r.problems = append(r.problems, Problem{File: r.file, Line: line, Column: column, Key: key, Msg: msg, Fix: fix})
}

// warn records something hex.pm accepts but the author should know about.
func (r *report) warn(key, msg string) {
	r.warnings = append(r.warnings, Problem{File: r.file, Key: key, Msg: msg}.String())
}

// err returns the problems as a *ManifestError, or nil when there are none.
func (r *report) err() error {
	if len(r.problems) == 0 {
		return nil
	}
	return &ManifestError{Problems: r.problems}
}

// repositoryPattern is the form of a repository name; the registry decides
// which repositories a dependency may come from.
var repositoryPattern = regexp.MustCompile(`^[a-z0-9_\-.]+$`)

func setOf(names ...string) map[string]bool {
	set := make(map[string]bool, len(names))
	for _, n := range names {
		set[n] = true
	}
	return set
}

// check runs every manifest rule that does not need the package's files.
func (r *report) check(m *manifest) {
	r.checkName(m.Name)
	r.checkVersion(m.Version)
	if m.App != "" {
		r.checkAppName("app", m.App)
	}
	r.checkDescription(m.Description)
	r.checkLicenses(m.Licenses)
	r.checkLinks(m.Links)
	if m.BuildTools != nil {
		r.checkBuildTools(*m.BuildTools)
	}
	if m.Elixir != "" {
		r.checkRequirement("elixir", m.Elixir)
	}
	for _, name := range slices.Sorted(maps.Keys(m.Requirements)) {
		r.checkDependency(name, m.Requirements[name])
	}
}

func (r *report) checkName(name string) {
	switch err := hexmeta.CheckName(name); {
	case err == nil:
	case name == "":
		r.add("name", "missing", `add name = "my_package" (lowercase letters, digits and underscores)`)
	case errors.Is(err, hexmeta.ErrTooShort):
		r.add("name", fmt.Sprintf("%q is too short", name), fmt.Sprintf("package names have at least %d characters", hexmeta.MinNameLength))
	case errors.Is(err, hexmeta.ErrTooLong):
		r.add("name", fmt.Sprintf("%q is too long", name), fmt.Sprintf("package names have at most %d characters", hexmeta.MaxNameLength))
	case errors.Is(err, hexmeta.ErrReserved):
		r.add("name", fmt.Sprintf("%q is reserved on hex.pm", name), "choose another name")
	default:
		r.add("name", fmt.Sprintf("%q is not a valid package name", name), nameFix(name))
	}
}

// nameFix tells how to write a valid name, offering a corrected name when a
// simple rewrite gives one ("My-Lib" -> "my_lib").
func nameFix(name string) string {
	const rule = "use lowercase letters, digits and underscores, starting with a letter"
	fixed := strings.Map(func(r rune) rune {
		switch {
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		case r == '-' || r == '.' || r == ' ':
			return '_'
		}
		return r
	}, name)
	if fixed != name && hexmeta.CheckDependencyName(fixed) == nil {
		return fmt.Sprintf("%s, such as %q", rule, fixed)
	}
	return rule
}

func (r *report) checkAppName(key, app string) {
	switch err := hexmeta.CheckAppName(app); {
	case err == nil:
	case errors.Is(err, hexmeta.ErrTooLong):
		r.add(key, fmt.Sprintf("%q is too long for an OTP application name", app),
			fmt.Sprintf("OTP application names have at most %d characters", hexmeta.MaxNameLength))
	default:
		r.add(key, fmt.Sprintf("%q is not a valid OTP application name", app), nameFix(app))
	}
}

func (r *report) checkVersion(version string) {
	const fix = `write MAJOR.MINOR.PATCH such as "1.0.0", optionally with a pre-release such as "1.0.0-rc.1"`
	if version == "" {
		r.add("version", "missing", `add version = "0.1.0"`)
		return
	}
	v, err := parseVersion(version, false)
	switch {
	case err != nil:
		r.add("version", fmt.Sprintf("%q is not a SemVer 2.0 version: it %v", version, err), fix)
	case v.hasBuild:
		r.add("version", fmt.Sprintf("%q has build metadata (+%s), which hex.pm refuses", version, v.build),
			fmt.Sprintf("remove %q", "+"+v.build))
	case len(v.pre) > hexmeta.MaxPreRelease:
		r.add("version", fmt.Sprintf("pre-release %q is longer than hex.pm's %d characters", v.pre, hexmeta.MaxPreRelease),
			"shorten it")
	}
}

func (r *report) checkDescription(description string) {
	description = strings.TrimSpace(description)
	if description == "" {
		r.add("description", "missing; hex.pm requires one", `add description = "What the package does, in one sentence."`)
		return
	}
	if n := utf8.RuneCountInString(description); n > hexmeta.MaxDescription {
		r.warn("description", fmt.Sprintf("is %d characters long; package listings show about %d, so keep it to a sentence or two and put the rest in the README", n, hexmeta.MaxDescription))
	}
}

func (r *report) checkLinks(links map[string]string) {
	for _, name := range slices.Sorted(maps.Keys(links)) {
		if !validURL(links[name]) {
			r.add(tomlKey("links", name), fmt.Sprintf("%q is not an http or https URL", links[name]),
				`write a full address such as "https://github.com/me/my_package"`)
		}
	}
}

// validURL is hex.pm's rule for links, an http or https URL, with a host
// that is not empty: hex.pm takes "https:///path", but no browser can
// follow it.
func validURL(s string) bool {
	u, err := url.Parse(s)
	return hexmeta.CheckLink(s) == nil && err == nil && u.Host != ""
}

func (r *report) checkBuildTools(tools []string) {
	if len(tools) == 0 {
		r.add("build_tools", "is empty", `remove the key to let ship guess from the files, or list tools such as ["mix"]`)
		return
	}
	for i, tool := range tools {
		if strings.TrimSpace(tool) == "" {
			r.add(fmt.Sprintf("build_tools[%d]", i), "is empty", `write a tool name such as "mix", "rebar3" or "make"`)
		}
	}
}

// checkRequirement checks an Elixir version requirement the way hex.pm does.
func (r *report) checkRequirement(key, requirement string) {
	if _, err := hexmeta.ParseRequirement(requirement); err != nil {
		r.add(key, fmt.Sprintf("%q is not a valid version requirement (%v)", requirement, err),
			`write clauses such as "~> 1.0" or ">= 1.2.0 and < 2.0.0"`)
		return
	}
	if errors.Is(hexmeta.CheckRequirement(requirement), hexmeta.ErrNotEqual) {
		r.add(key, fmt.Sprintf("%q uses !=, which hex.pm refuses in requirements", requirement),
			"use ~> or >= and < instead")
	}
}

func (r *report) checkDependency(name string, dep requirementTable) {
	key := tomlKey("requirements", name)
	if hexmeta.CheckDependencyName(name) != nil {
		r.add(key, fmt.Sprintf("%q is not a valid package name", name), nameFix(name))
	}
	if dep.Requirement == "" {
		r.add(key+".requirement", "missing", `add requirement = "~> 1.0" (or ">= 0.0.0" for any version)`)
	} else {
		r.checkRequirement(key+".requirement", dep.Requirement)
	}
	if dep.App != "" {
		r.checkAppName(key+".app", dep.App)
	}
	if dep.Repository != "" && !repositoryPattern.MatchString(dep.Repository) {
		r.add(key+".repository", fmt.Sprintf("%q is not a repository name", dep.Repository),
			`use the registry's repository name, such as "hexpm", in lowercase letters, digits, "_", "-" and "."`)
	}
}

// bareKey matches TOML keys that need no quotes.
var bareKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// tomlKey joins key parts as they would be written in ship.toml, quoting
// the parts that need it, so that a message points at the right key.
func tomlKey(parts ...string) string {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		if bareKey.MatchString(p) {
			quoted[i] = p
		} else {
			quoted[i] = fmt.Sprintf("%q", p)
		}
	}
	return strings.Join(quoted, ".")
}
