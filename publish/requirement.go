package publish

import (
	"errors"
	"fmt"
	"strings"
)

// Versions and version requirements are parsed the way Elixir's
// Version.Parser parses them, because that is what hex.pm runs on every
// release it accepts: a version or requirement Elixir refuses is a publish
// that fails on the server.

// maxNumericDigits is Elixir's limit on a numeric version component; hex.pm
// states the same limit as 99_999_999_999_999.
const maxNumericDigits = 14

// semver is what validation needs to know about a parsed version.
type semver struct {
	pre      string // pre-release, without the "-"
	build    string // build metadata, without the "+"
	hasBuild bool
}

// parseVersion parses MAJOR.MINOR.PATCH[-PRE][+BUILD]. With approximate set
// it also accepts MAJOR.MINOR[-PRE][+BUILD], which Elixir allows after "~>".
func parseVersion(s string, approximate bool) (semver, error) {
	rest, build, hasBuild := strings.Cut(s, "+")
	core, pre, hasPre := strings.Cut(rest, "-")
	numbers := strings.Split(core, ".")
	switch {
	case len(numbers) > 3:
		return semver{}, errors.New("has more than three numbers")
	case len(numbers) == 2 && !approximate:
		return semver{}, errors.New("has no PATCH number")
	case len(numbers) < 2:
		return semver{}, errors.New("has no MINOR and PATCH numbers")
	}
	for _, n := range numbers {
		if err := checkNumber(n); err != nil {
			return semver{}, err
		}
	}
	if hasPre {
		if err := checkIdentifiers("pre-release", pre, true); err != nil {
			return semver{}, err
		}
	}
	if hasBuild {
		if err := checkIdentifiers("build metadata", build, false); err != nil {
			return semver{}, err
		}
	}
	return semver{pre: pre, build: build, hasBuild: hasBuild}, nil
}

// checkNumber checks one of MAJOR, MINOR and PATCH.
func checkNumber(n string) error {
	switch {
	case n == "" || !allDigits(n):
		return fmt.Errorf("has %q where a number should be", n)
	case len(n) > 1 && n[0] == '0':
		return fmt.Errorf("has a leading zero in %q", n)
	case len(n) > maxNumericDigits:
		return fmt.Errorf("has more than %d digits in %q", maxNumericDigits, n)
	}
	return nil
}

// checkIdentifiers checks the dot-separated identifiers of a pre-release or
// of build metadata. Only pre-release identifiers are numbers when they are
// all digits, and numbers may not have leading zeros.
func checkIdentifiers(what, s string, numbersChecked bool) error {
	for id := range strings.SplitSeq(s, ".") {
		if id == "" || strings.TrimFunc(id, isIdentifierChar) != "" {
			return fmt.Errorf("has an invalid %s %q: use dot-separated letters, digits and hyphens", what, s)
		}
		if numbersChecked && allDigits(id) {
			if err := checkNumber(id); err != nil {
				return err
			}
		}
	}
	return nil
}

func allDigits(s string) bool {
	return strings.TrimLeft(s, "0123456789") == ""
}

func isIdentifierChar(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-'
}

// requirementClause is one "OP VERSION" of a requirement.
type requirementClause struct {
	op      string // "==", "!=", ">", ">=", "<", "<=" or "~>"
	version string
}

// parseRequirement parses an Elixir version requirement such as "~> 1.0" or
// ">= 1.2.0 and < 2.0.0": clauses joined by " and " or " or ", each an
// operator (none means "==") and a version.
func parseRequirement(s string) ([]requirementClause, error) {
	tokens := lexRequirement(s)
	if len(tokens) == 0 {
		return nil, errors.New("no clauses")
	}
	var clauses []requirementClause
	for i := 0; ; i += 3 {
		c, err := parseClause(tokens[i:])
		if err != nil {
			return nil, err
		}
		clauses = append(clauses, c)
		switch rest := tokens[i+2:]; {
		case len(rest) == 0:
			return clauses, nil
		case rest[0].kind != conjunctionToken:
			return nil, fmt.Errorf("\"and\" or \"or\" missing after %q", tokens[i+1].text)
		case len(rest) == 1:
			return nil, fmt.Errorf("nothing after %q", rest[0].text)
		}
	}
}

// parseClause parses the operator and version at the start of tokens.
func parseClause(tokens []requirementToken) (requirementClause, error) {
	op := tokens[0]
	if op.kind != operatorToken {
		return requirementClause{}, fmt.Errorf("%q where a clause should start", op.text)
	}
	if len(tokens) < 2 || tokens[1].kind != versionToken {
		return requirementClause{}, fmt.Errorf("%q is not followed by a version", op.text)
	}
	v := tokens[1].text
	if _, err := parseVersion(v, op.text == "~>"); err != nil {
		return requirementClause{}, fmt.Errorf("version %q %w", v, err)
	}
	return requirementClause{op: op.text, version: v}, nil
}

type tokenKind int

const (
	operatorToken tokenKind = iota
	conjunctionToken
	versionToken
)

type requirementToken struct {
	kind tokenKind
	text string
}

// requirementOperators are tried in this order at every position, as
// Elixir's lexer does; the spaces around "and" and "or" are part of them.
var requirementOperators = []struct {
	text string
	kind tokenKind
}{
	{">=", operatorToken}, {"<=", operatorToken}, {"~>", operatorToken},
	{">", operatorToken}, {"<", operatorToken}, {"==", operatorToken},
	{"!=", operatorToken}, {" or ", conjunctionToken}, {" and ", conjunctionToken},
}

// lexRequirement splits s into tokens. Operators need no surrounding space
// (">=1.0.0" is valid), and a version not preceded by an operator gets an
// implicit "==". A bare "and" or "or" (at the end of s, where the space
// after it is missing) is never a valid version; it is lexed as what the
// author meant, so that the error says what is really missing.
func lexRequirement(s string) []requirementToken {
	var tokens []requirementToken
	var version strings.Builder
	flush := func() {
		if version.Len() == 0 {
			return
		}
		if v := version.String(); v == "and" || v == "or" {
			tokens = append(tokens, requirementToken{conjunctionToken, v})
			version.Reset()
			return
		}
		if len(tokens) == 0 || tokens[len(tokens)-1].kind != operatorToken {
			tokens = append(tokens, requirementToken{operatorToken, "=="})
		}
		tokens = append(tokens, requirementToken{versionToken, version.String()})
		version.Reset()
	}
next:
	for s != "" {
		for _, op := range requirementOperators {
			if rest, ok := strings.CutPrefix(s, op.text); ok {
				flush()
				tokens = append(tokens, requirementToken{op.kind, strings.TrimSpace(op.text)})
				s = rest
				continue next
			}
		}
		if s[0] == ' ' {
			flush()
		} else {
			version.WriteByte(s[0])
		}
		s = s[1:]
	}
	flush()
	return tokens
}
