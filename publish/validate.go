package publish

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
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

var (
	// namePattern is hexpm's rule for package names; OTP application names
	// and dependency names follow it too.
	namePattern       = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	repositoryPattern = regexp.MustCompile(`^[a-z0-9_\-.]+$`)
)

// reservedNames are the names hexpm refuses for new packages
// (hexpm:lib/hexpm/repository/package.ex): Elixir's and OTP's own
// applications and tools, inets' clients, names that would confuse users,
// Windows device names, and hex.pm's own words and subdomains.
var reservedNames = setOf(
	// Elixir
	"eex", "elixir", "elixirc", "ex_unit", "iex", "logger", "mix",
	// tools
	"erlang", "typer", "to_erl", "run_erl", "escript", "erlc", "erl", "epmd", "dialyzer",
	"ct_run", "rebar", "rebar3", "hex", "hexpm", "mix_hex",
	// OTP applications
	"otp", "asn1", "common_test", "compiler", "crypto", "debugger", "diameter",
	"edoc", "eldap", "erl_docgen", "erl_interface", "erts", "et", "eunit", "ftp", "hipe",
	"inets", "jinterface", "kernel", "megaco", "mnesia", "observer", "odbc", "os_mon",
	"parsetools", "public_key", "reltool", "runtime_tools", "sasl", "snmp", "ssh",
	"ssl", "stdlib", "syntax_tools", "toolbar", "tools", "wx", "xmerl",
	// inets clients and servers
	"tftp", "httpc", "httpd",
	// confusable application names
	"net", "http", "net_http", "gen_http",
	// Windows device names
	"nul", "con", "prn", "aux", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
	"lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
	// generic words and hex.pm subdomains
	"package", "organization", "www", "myapp", "lock", "locked", "all", "assets",
	"api", "docs", "preview", "search", "staging", "stats", "static",
)

func setOf(names ...string) map[string]bool {
	set := make(map[string]bool, len(names))
	for _, n := range names {
		set[n] = true
	}
	return set
}

const (
	// maxDescription is where mix starts warning that a description is
	// too long for package listings.
	maxDescription = 300
	// maxPreRelease is hex.pm's limit on the pre-release part of a version.
	maxPreRelease = 64
)

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
	switch {
	case name == "":
		r.add("name", "missing", `add name = "my_package" (lowercase letters, digits and underscores)`)
	case !namePattern.MatchString(name):
		r.add("name", fmt.Sprintf("%q is not a valid package name", name), nameFix(name))
	case len(name) < 2:
		r.add("name", fmt.Sprintf("%q is too short", name), "package names have at least 2 characters")
	case reservedNames[name]:
		r.add("name", fmt.Sprintf("%q is reserved on hex.pm", name), "choose another name")
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
	if fixed != name && namePattern.MatchString(fixed) {
		return fmt.Sprintf("%s, such as %q", rule, fixed)
	}
	return rule
}

func (r *report) checkAppName(key, app string) {
	if !namePattern.MatchString(app) {
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
	case len(v.pre) > maxPreRelease:
		r.add("version", fmt.Sprintf("pre-release %q is longer than hex.pm's %d characters", v.pre, maxPreRelease),
			"shorten it")
	}
}

func (r *report) checkDescription(description string) {
	description = strings.TrimSpace(description)
	if description == "" {
		r.add("description", "missing; hex.pm requires one", `add description = "What the package does, in one sentence."`)
		return
	}
	if n := utf8.RuneCountInString(description); n > maxDescription {
		r.warn("description", fmt.Sprintf("is %d characters long; package listings show about %d, so keep it to a sentence or two and put the rest in the README", n, maxDescription))
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

// validURL is hexpm's rule for links: an http or https URL with a host.
func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
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
	clauses, err := parseRequirement(requirement)
	if err != nil {
		r.add(key, fmt.Sprintf("%q is not a valid version requirement (%v)", requirement, err),
			`write clauses such as "~> 1.0" or ">= 1.2.0 and < 2.0.0"`)
		return
	}
	if slices.ContainsFunc(clauses, func(c requirementClause) bool { return c.op == "!=" }) {
		r.add(key, fmt.Sprintf("%q uses !=, which hex.pm refuses in requirements", requirement),
			"use ~> or >= and < instead")
	}
}

func (r *report) checkDependency(name string, dep requirementTable) {
	key := tomlKey("requirements", name)
	if !namePattern.MatchString(name) {
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
