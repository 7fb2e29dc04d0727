package hexmeta

import (
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"
)

// The errors of CheckName, CheckDependencyName and CheckAppName. Their
// text is hex.pm's message for the rule, so a server can send it as is;
// callers with their own wording tell them apart with errors.Is.
var (
	ErrBlank    = errors.New("can't be blank")
	ErrTooShort = errors.New("should be at least 2 character(s)")
	ErrTooLong  = errors.New("should be at most 255 character(s)")
	ErrFormat   = errors.New("has invalid format")
	ErrReserved = errors.New("is reserved")
)

const (
	// MinNameLength is hex.pm's minimum length of a package name.
	MinNameLength = 2
	// MaxNameLength is the longest package or application name accepted.
	// hex.pm sets no limit, but names become Erlang atoms in every project
	// that depends on the package, and an atom has at most 255 characters.
	MaxNameLength = 255
)

// namePattern is hex.pm's rule for package names; mix applies the same
// rule to application names.
var namePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// reservedNames are the names hex.pm refuses for new packages: Elixir's
// and OTP's own applications and tools, inets' clients and servers, names
// that would be confused with those, Windows device names, and hex.pm's
// own words and subdomains.
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

// IsReservedName reports whether hex.pm refuses name for a new package
// whatever its format.
func IsReservedName(name string) bool {
	return reservedNames[name]
}

// CheckName checks the name of a new package with hex.pm's rules, in
// hex.pm's order (the first broken rule is the one reported): not blank,
// at least 2 characters, a lowercase ASCII letter followed by lowercase
// letters, digits and underscores, and not reserved; and, as Erlang atoms
// need, at most 255 characters. It returns ErrBlank, ErrTooShort,
// ErrTooLong, ErrFormat or ErrReserved.
func CheckName(name string) error {
	if err := checkLength(name, MinNameLength); err != nil {
		return err
	}
	if !namePattern.MatchString(name) {
		return ErrFormat
	}
	if reservedNames[name] {
		return ErrReserved
	}
	return nil
}

// CheckDependencyName checks the name of a package that a release
// requires. A dependency is an existing package, so only its format is
// checked: hex.pm's reserved words and minimum length apply to new
// packages, and a registry may hold packages older than those rules.
func CheckDependencyName(name string) error {
	if err := checkLength(name, 1); err != nil {
		return err
	}
	if !namePattern.MatchString(name) {
		return ErrFormat
	}
	return nil
}

// CheckAppName checks an OTP application name. hex.pm does not check
// them, but build tools make atoms and directories of them, so ship holds
// them to mix's rule, the same as package names' format: a lowercase ASCII
// letter followed by lowercase letters, digits and underscores, at most
// 255 characters. It returns ErrBlank, ErrTooLong or ErrFormat.
func CheckAppName(app string) error {
	return CheckDependencyName(app)
}

// checkLength is Ecto's validate_required and validate_length as hex.pm
// uses them: blank means empty once whitespace is trimmed, and length is
// counted in characters.
func checkLength(s string, minLength int) error {
	n := utf8.RuneCountInString(s)
	switch {
	case strings.TrimSpace(s) == "":
		return ErrBlank
	case n < minLength:
		return ErrTooShort
	case n > MaxNameLength:
		return ErrTooLong
	}
	return nil
}
