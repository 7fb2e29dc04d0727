package client

import "strings"

// challengeError returns the error parameter of the first Bearer challenge
// that has one, over all www-authenticate values: hex.pm's
// `Bearer realm="hex", error="totp_required"` gives "totp_required".
// The header is parsed by RFC 9110's grammar rather than compared as a
// string, so spacing, quoting, case and other challenges beside it do not
// matter.
func challengeError(values []string) string {
	for _, v := range values {
		for _, c := range parseChallenges(v) {
			if strings.EqualFold(c.scheme, "Bearer") && c.params["error"] != "" {
				return c.params["error"]
			}
		}
	}
	return ""
}

// challenge is one auth scheme of a www-authenticate value with its
// parameters (names lowercased).
type challenge struct {
	scheme string
	params map[string]string
}

// parseChallenges reads `scheme [token68 | name=value, ...], ...`. It
// never fails: what does not fit the grammar is skipped up to the next
// comma.
func parseChallenges(s string) []challenge {
	l := &lexer{s: s}
	var out []challenge
	for {
		l.skip(" \t,")
		if l.done() {
			return out
		}
		scheme := l.token()
		if scheme == "" {
			l.i++ // not a token character: skip it
			continue
		}
		c := challenge{scheme: scheme, params: map[string]string{}}
		l.params(&c)
		out = append(out, c)
	}
}

type lexer struct {
	s string
	i int
}

func (l *lexer) done() bool { return l.i >= len(l.s) }

func (l *lexer) peek() byte {
	if l.done() {
		return 0
	}
	return l.s[l.i]
}

func (l *lexer) skip(set string) {
	for !l.done() && strings.IndexByte(set, l.s[l.i]) >= 0 {
		l.i++
	}
}

// skipToComma moves to the next comma (left for the caller) or the end.
func (l *lexer) skipToComma() {
	for !l.done() && l.s[l.i] != ',' {
		l.i++
	}
}

// isTokenChar is RFC 9110's tchar.
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func (l *lexer) token() string {
	start := l.i
	for !l.done() && isTokenChar(l.s[l.i]) {
		l.i++
	}
	return l.s[start:l.i]
}

// quoted reads a quoted-string at the opening quote; an unterminated one
// runs to the end.
func (l *lexer) quoted() string {
	var b strings.Builder
	l.i++
	for !l.done() {
		c := l.s[l.i]
		l.i++
		switch {
		case c == '"':
			return b.String()
		case c == '\\' && !l.done():
			b.WriteByte(l.s[l.i])
			l.i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// params reads a challenge's parameters, stopping before the next
// challenge's scheme (a token not followed by '=').
func (l *lexer) params(c *challenge) {
	first := true
	for {
		l.skip(" \t")
		if l.done() {
			return
		}
		if l.peek() == ',' {
			l.i++
			first = false
			continue
		}
		start := l.i
		name := l.token()
		if name == "" {
			l.skipToComma() // a token68 or junk
			first = false
			continue
		}
		l.skip(" \t")
		if l.peek() != '=' {
			if first {
				// A token68 credential right after the scheme.
				l.skipToComma()
				first = false
				continue
			}
			l.i = start // the next challenge
			return
		}
		l.i++
		l.skip(" \t")
		var value string
		if l.peek() == '"' {
			value = l.quoted()
		} else if value = l.token(); value == "" {
			// "abc==": a token68's padding, not a parameter.
			l.skipToComma()
			first = false
			continue
		}
		key := strings.ToLower(name)
		if _, seen := c.params[key]; !seen {
			c.params[key] = value
		}
		first = false
		l.skipToComma()
	}
}
