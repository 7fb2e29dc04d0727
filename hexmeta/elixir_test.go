package hexmeta

import (
	"strings"
	"unicode/utf8"
)

// This file transcribes Elixir's Version.Parser, step by step and shaped
// as Elixir writes it (a lexer that pushes onto a list, a parser that walks
// that list from its head), so that the fuzz targets can check that
// ParseVersion and ParseRequirement accept exactly what Elixir accepts,
// and so what hex.pm accepts. It is deliberately naive: it says only
// valid or not.

const elixirMaxDigits = 14

// elixirParseVersion is Version.Parser.parse_version/2: ok, and whether a
// PATCH was given.
func elixirParseVersion(s string, approximate bool) (ok, hasPatch bool) {
	versionWithPre, build, hasBuild := strings.Cut(s, "+")
	version, pre, hasPre := strings.Cut(versionWithPre, "-")
	parts := strings.Split(version, ".")
	part := func(i int) *string { // destructure: nil past the end
		if i < len(parts) {
			return &parts[i]
		}
		return nil
	}
	if part(3) != nil {
		return false, false
	}
	if !elixirRequireDigits(part(0)) || !elixirRequireDigits(part(1)) {
		return false, false
	}
	if part(2) != nil || !approximate {
		if !elixirRequireDigits(part(2)) {
			return false, false
		}
	}
	if hasPre {
		preParts, ok := elixirOptionalDotSeparated(pre)
		if !ok {
			return false, false
		}
		for _, p := range preParts {
			if len(p) > elixirMaxDigits {
				if elixirAllDigits(p) {
					return false, false
				}
				continue
			}
			if p != "" && elixirAllDigits(p) && elixirLeadingZero(p) {
				return false, false
			}
		}
	}
	if hasBuild {
		if _, ok := elixirOptionalDotSeparated(build); !ok {
			return false, false
		}
	}
	return true, part(2) != nil
}

func elixirRequireDigits(s *string) bool {
	if s == nil || elixirLeadingZero(*s) || len(*s) > elixirMaxDigits {
		return false
	}
	return *s != "" && elixirAllDigits(*s)
}

// elixirLeadingZero is leading_zero?(<<?0, _, _::binary>>): a "0" and at
// least one more byte.
func elixirLeadingZero(s string) bool {
	return len(s) >= 2 && s[0] == '0'
}

func elixirAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func elixirOptionalDotSeparated(s string) ([]string, bool) {
	parts := strings.Split(s, ".")
	for _, p := range parts {
		if p == "" {
			return nil, false
		}
		for i := 0; i < len(p); i++ {
			c := p[i]
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
				return nil, false
			}
		}
	}
	return parts, true
}

// elixirToken is an atom (an operator or a conjunction) or a binary (a
// version), as the lexer's list holds them.
type elixirToken struct {
	atom   string
	binary string
	isAtom bool
}

// elixirParseRequirement is Version.Parser.parse_requirement/1. Elixir
// raises on invalid UTF-8; that counts as invalid here.
func elixirParseRequirement(s string) bool {
	operators := []struct{ text, atom string }{
		{">=", ">="}, {"<=", "<="}, {"~>", "~>"}, {">", ">"}, {"<", "<"}, {"==", "=="},
		{" or ", "or"}, {" and ", "and"}, {"!=", "!="}, {"!", "!="},
	}
	var acc []elixirToken // the list's head is the last element
	buffer := ""
	maybePrependBuffer := func() {
		if buffer == "" {
			return
		}
		if n := len(acc); n > 0 && acc[n-1].isAtom && acc[n-1].atom != "and" && acc[n-1].atom != "or" {
			acc = append(acc, elixirToken{binary: buffer})
		} else {
			acc = append(acc, elixirToken{atom: "==", isAtom: true}, elixirToken{binary: buffer})
		}
		buffer = ""
	}
lex:
	for s != "" {
		for _, op := range operators {
			if strings.HasPrefix(s, op.text) {
				maybePrependBuffer()
				acc = append(acc, elixirToken{atom: op.atom, isAtom: true})
				s = s[len(op.text):]
				continue lex
			}
		}
		if s[0] == ' ' {
			maybePrependBuffer()
			s = s[1:]
			continue
		}
		r, size := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && size == 1 {
			return false
		}
		buffer += s[:size]
		s = s[size:]
	}
	maybePrependBuffer()

	// revert_lexed walks the list from its head: the last token lexed.
	list := make([]elixirToken, len(acc))
	for i, t := range acc {
		list[len(acc)-1-i] = t
	}
	validate := func(op, version string) bool {
		ok, hasPatch := elixirParseVersion(version, true)
		return ok && (op == "~>" || hasPatch)
	}
	for {
		switch {
		case len(list) >= 3 && !list[0].isAtom && list[1].isAtom && list[2].isAtom && (list[2].atom == "or" || list[2].atom == "and"):
			if !validate(list[1].atom, list[0].binary) {
				return false
			}
			list = list[3:]
		case len(list) == 2 && !list[0].isAtom && list[1].isAtom:
			return validate(list[1].atom, list[0].binary)
		default:
			return false
		}
	}
}
