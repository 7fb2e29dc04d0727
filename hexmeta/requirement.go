package hexmeta

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotEqual is hex.pm's refusal of "!=" in a requirement, which Elixir
// still parses but has deprecated.
var ErrNotEqual = errors.New("!= is not allowed in requirements")

// Clause is one "OP VERSION" of a version requirement.
type Clause struct {
	Conj    string // how the clause joins the one before: "and" or "or"; "" for the first
	Op      string // "==", "!=", ">", ">=", "<", "<=" or "~>"; "==" when none is written
	Version string // as written; after "~>" PATCH may be left out (see ParseApproximate)
}

// CheckRequirement checks a version requirement as hex.pm does: Elixir
// must parse it (ParseRequirement) and it must not contain "!=", which
// gives ErrNotEqual.
func CheckRequirement(req string) error {
	if _, err := ParseRequirement(req); err != nil {
		return err
	}
	// hex.pm looks for the text, not for the operator: Elixir also reads a
	// lone "!" as "!=", and hex.pm lets that through.
	if strings.Contains(req, "!=") {
		return ErrNotEqual
	}
	return nil
}

// ParseRequirement parses an Elixir version requirement such as "~> 1.0"
// or ">= 1.2.0 and < 2.0.0": clauses joined by " and " or " or ", each an
// operator and a version. It accepts exactly what Elixir's
// Version.parse_requirement accepts: operators need no space after them
// (">=1.0.0"), a version with no operator means "==", and "and" and "or"
// need a space on each side. The error says what is wrong.
func ParseRequirement(req string) ([]Clause, error) {
	tokens := lexRequirement(req)
	if len(tokens) == 0 {
		return nil, errors.New("no clauses")
	}
	var clauses []Clause
	conj := ""
	for i := 0; ; i += 3 {
		c, err := parseClause(tokens[i:])
		if err != nil {
			return nil, err
		}
		c.Conj = conj
		clauses = append(clauses, c)
		switch rest := tokens[i+2:]; {
		case len(rest) == 0:
			if bare := bareConjunction(tokens); bare != "" {
				return nil, fmt.Errorf("%q needs a space on each side", bare)
			}
			return clauses, nil
		case rest[0].kind != conjunctionToken:
			return nil, fmt.Errorf("\"and\" or \"or\" missing after %s", quote(tokens[i+1].text))
		case len(rest) == 1:
			return nil, fmt.Errorf("nothing after %q", rest[0].text)
		default:
			conj = rest[0].text
		}
	}
}

// parseClause parses the operator and version at the start of tokens.
func parseClause(tokens []requirementToken) (Clause, error) {
	op := tokens[0]
	if op.kind != operatorToken {
		return Clause{}, fmt.Errorf("%s where a clause should start", quote(op.text))
	}
	if len(tokens) < 2 || tokens[1].kind != versionToken {
		return Clause{}, fmt.Errorf("%q is not followed by a version", op.text)
	}
	v := tokens[1].text
	if _, _, err := parseVersion(v, op.text == "~>"); err != nil {
		return Clause{}, err
	}
	return Clause{Op: op.text, Version: v}, nil
}

// bareConjunction returns the first "and" or "or" written without a space
// on each side, or "".
func bareConjunction(tokens []requirementToken) string {
	for _, t := range tokens {
		if t.kind == conjunctionToken && t.bare {
			return t.text
		}
	}
	return ""
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
	bare bool // an "and" or "or" without a space on each side
}

// requirementOperators are tried in this order at every position, as
// Elixir's lexer does; the spaces around "and" and "or" are part of them,
// and a lone "!" means "!=".
var requirementOperators = []struct {
	text string
	kind tokenKind
	op   string
}{
	{">=", operatorToken, ">="}, {"<=", operatorToken, "<="}, {"~>", operatorToken, "~>"},
	{">", operatorToken, ">"}, {"<", operatorToken, "<"}, {"==", operatorToken, "=="},
	{" or ", conjunctionToken, "or"}, {" and ", conjunctionToken, "and"},
	{"!=", operatorToken, "!="}, {"!", operatorToken, "!="},
}

// lexRequirement splits s into tokens as Elixir's lexer does: operators
// need no surrounding space, and a version not preceded by an operator
// gets an implicit "==". Elixir lexes a bare "and" or "or" (one missing a
// space, as at the end of s) as a version, which can never be valid; it
// is lexed here as the conjunction the author meant, marked bare, so that
// the error says what is really wrong.
func lexRequirement(s string) []requirementToken {
	var tokens []requirementToken
	var version strings.Builder
	flush := func() {
		if version.Len() == 0 {
			return
		}
		v := version.String()
		version.Reset()
		if v == "and" || v == "or" {
			tokens = append(tokens, requirementToken{kind: conjunctionToken, text: v, bare: true})
			return
		}
		if len(tokens) == 0 || tokens[len(tokens)-1].kind != operatorToken {
			tokens = append(tokens, requirementToken{kind: operatorToken, text: "=="})
		}
		tokens = append(tokens, requirementToken{kind: versionToken, text: v})
	}
next:
	for s != "" {
		for _, op := range requirementOperators {
			if rest, ok := strings.CutPrefix(s, op.text); ok {
				flush()
				tokens = append(tokens, requirementToken{kind: op.kind, text: op.op})
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
