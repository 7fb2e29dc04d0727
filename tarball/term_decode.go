package tarball

import (
	"fmt"
	"math/big"
	"strconv"
	"unicode/utf8"
)

// Limits that keep decoding hostile input cheap: recursion depth is bounded
// by maxNesting, and no single token needs more than linear work.
const (
	maxNesting   = 100  // lists and tuples inside one form
	maxIntDigits = 1024 // digits of an integer literal; big.Int parsing is superlinear
	maxAtomChars = 255  // Erlang's own limit
)

// DecodeTerms parses metadata.config text: a sequence of forms, each a
// tuple of a binary key and any term followed by a dot, {<<"key">>, Value}.
// Keys must be unique. The text is read as UTF-8, or as Latin-1 when it is
// not valid UTF-8, as hex_core does.
//
// The syntax accepted is the part of Erlang's that metadata can use:
// binaries of string and integer segments (optionally /utf8), strings,
// atoms (bare or quoted), decimal integers with an optional sign, proper
// lists and tuples, % comments, and Erlang's string escapes. Escapes follow
// Erlang's scanner, which hex_core's own metadata lexer approximates (it
// lacks \x and needs three octal digits); the writers never use escapes
// where the two differ. Maps (#{...}) are refused: hex_core turns maps into
// lists of pairs before writing, and its readers expect lists. Terms come
// back in the canonical form described at Term. Errors are *MetadataError
// values naming the line.
func DecodeTerms(data []byte) ([]Tuple, error) {
	p := parser{lex: lexer{src: decodeText(data), line: 1}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	var forms []Tuple
	firstLine := make(map[Binary]int)
	for p.tok.kind != tokEOF {
		line := p.tok.line
		key, value, err := p.form()
		if err != nil {
			return nil, err
		}
		if first, dup := firstLine[key]; dup {
			return nil, errorAt(line, "duplicate key %q (first at line %d)", key, first)
		}
		firstLine[key] = line
		forms = append(forms, Tuple{key, value})
	}
	return forms, nil
}

// decodeText returns the characters of data: UTF-8 if it is valid UTF-8,
// else Latin-1, each byte one character.
func decodeText(data []byte) []rune {
	if utf8.Valid(data) {
		return []rune(string(data))
	}
	chars := make([]rune, len(data))
	for i, b := range data {
		chars[i] = rune(b)
	}
	return chars
}

func errorAt(line int, format string, args ...any) *MetadataError {
	return &MetadataError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

type tokenKind uint8

const (
	tokEOF    tokenKind = iota
	tokPunct            // text is the punctuation
	tokAtom             // text is the atom's name
	tokString           // chars are the string's characters
	tokInt              // text is the digits
)

type token struct {
	kind  tokenKind
	text  string
	chars []rune
	line  int
}

func (t token) String() string {
	switch t.kind {
	case tokEOF:
		return "end of input"
	case tokPunct:
		return strconv.Quote(t.text)
	case tokAtom:
		return "atom " + quoteAtom(t.text)
	case tokString:
		return "string"
	}
	if len(t.text) > 20 {
		return "integer " + t.text[:20] + "..."
	}
	return "integer " + t.text
}

// lexer splits text into tokens the way Erlang's scanner does, for the
// tokens metadata can hold.
type lexer struct {
	src  []rune
	pos  int
	line int
}

// get returns the next character, counting lines.
func (l *lexer) get() (rune, bool) {
	if l.pos == len(l.src) {
		return 0, false
	}
	c := l.src[l.pos]
	l.pos++
	if c == '\n' {
		l.line++
	}
	return c, true
}

// peek returns the character i places ahead, or -1 past the end.
func (l *lexer) peek(i int) rune {
	if l.pos+i >= len(l.src) {
		return -1
	}
	return l.src[l.pos+i]
}

// skipSpace skips whitespace (every control character and space, as in
// hex_core's lexer) and % comments.
func (l *lexer) skipSpace() {
	for l.pos < len(l.src) {
		switch c := l.src[l.pos]; {
		case c <= ' ':
			l.get()
		case c == '%':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		default:
			return
		}
	}
}

func (l *lexer) next() (token, error) {
	l.skipSpace()
	line := l.line
	c, ok := l.get()
	switch {
	case !ok:
		return token{kind: tokEOF, line: line}, nil
	case c == '"':
		chars, err := l.quoted('"', "string", line)
		return token{kind: tokString, chars: chars, line: line}, err
	case c == '\'':
		chars, err := l.quoted('\'', "atom", line)
		if err == nil && len(chars) > maxAtomChars {
			err = errorAt(line, "atom longer than %d characters", maxAtomChars)
		}
		return token{kind: tokAtom, text: string(chars), line: line}, err
	case c >= '0' && c <= '9':
		return l.integer(line)
	case atomStart(c):
		return l.bareAtom(line)
	}
	if p := l.punct(c); p != "" {
		return token{kind: tokPunct, text: p, line: line}, nil
	}
	return token{}, errorAt(line, "unexpected character %s", strconv.QuoteRune(c))
}

// punct returns the punctuation token starting with c, or "".
func (l *lexer) punct(c rune) string {
	switch c {
	case '[', ']', '{', '}', ',', '.', '+', '-', '/', '#':
		return string(c)
	}
	for _, p := range [...]string{"<<", ">>", "=>"} {
		if c == rune(p[0]) && l.peek(0) == rune(p[1]) {
			l.pos++
			return p
		}
	}
	return ""
}

func (l *lexer) integer(line int) (token, error) {
	start := l.pos - 1
	for c := l.peek(0); c >= '0' && c <= '9'; c = l.peek(0) {
		l.pos++
	}
	if l.pos-start > maxIntDigits {
		return token{}, errorAt(line, "integer longer than %d digits", maxIntDigits)
	}
	return token{kind: tokInt, text: string(l.src[start:l.pos]), line: line}, nil
}

func (l *lexer) bareAtom(line int) (token, error) {
	start := l.pos - 1
	for atomChar(l.peek(0)) {
		l.pos++
	}
	name := string(l.src[start:l.pos])
	switch {
	case l.pos-start > maxAtomChars:
		return token{}, errorAt(line, "atom longer than %d characters", maxAtomChars)
	case reservedWords[name]:
		return token{}, errorAt(line, "unexpected reserved word %s", name)
	}
	return token{kind: tokAtom, text: name, line: line}, nil
}

// quoted reads the rest of a string or quoted atom whose opening quote q
// was on line start.
func (l *lexer) quoted(q rune, what string, start int) ([]rune, error) {
	var chars []rune
	for {
		c, ok := l.get()
		switch {
		case !ok:
			return nil, errorAt(start, "unterminated %s", what)
		case c == q:
			return chars, nil
		case c == '\\':
			e, err := l.escape(what, start)
			if err != nil {
				return nil, err
			}
			c = e
		}
		chars = append(chars, c)
	}
}

// letterEscapes maps the letter after a backslash to the character it
// stands for.
var letterEscapes = map[rune]rune{
	'b': '\b', 'd': 0x7F, 'e': 0x1B, 'f': '\f', 'n': '\n', 'r': '\r', 's': ' ', 't': '\t', 'v': '\v',
}

// escape reads an escape sequence after its backslash, with Erlang's
// rules: \NNN (one to three octal digits), \xHH, \x{H...}, \^X (control-X),
// the letters of letterEscapes, and \C for any other C meaning C itself.
func (l *lexer) escape(what string, start int) (rune, error) {
	c, ok := l.get()
	switch {
	case !ok:
		return 0, errorAt(start, "unterminated %s", what)
	case isOctal(c):
		v := c - '0'
		for i := 0; i < 2 && isOctal(l.peek(0)); i++ {
			v = v*8 + l.src[l.pos] - '0'
			l.pos++
		}
		return v, nil
	case c == 'x':
		return l.hexEscape()
	case c == '^':
		c, ok = l.get()
		if !ok {
			return 0, errorAt(start, "unterminated %s", what)
		}
		if c == '\n' {
			return c, nil
		}
		return c & 31, nil
	}
	if e, ok := letterEscapes[c]; ok {
		return e, nil
	}
	return c, nil
}

func (l *lexer) hexEscape() (rune, error) {
	line := l.line
	if l.peek(0) != '{' {
		v, ok1 := hexDigit(l.peek(0))
		w, ok2 := hexDigit(l.peek(1))
		if !ok1 || !ok2 {
			return 0, errorAt(line, `invalid \x escape: want two hex digits or \x{...}`)
		}
		l.pos += 2
		return v<<4 | w, nil
	}
	l.pos++
	var v rune
	digits := 0
	for d, ok := hexDigit(l.peek(0)); ok; d, ok = hexDigit(l.peek(0)) {
		v = min(v<<4|d, utf8.MaxRune+1) // saturate: anything above MaxRune is invalid anyway
		digits++
		l.pos++
	}
	if digits == 0 || l.peek(0) != '}' || !isUnicode(v) {
		return 0, errorAt(line, `invalid \x{...} escape`)
	}
	l.pos++
	return v, nil
}

func isOctal(c rune) bool {
	return c >= '0' && c <= '7'
}

func hexDigit(c rune) (rune, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// isUnicode reports whether Erlang's scanner accepts c as a character:
// a code point that is neither a surrogate nor U+FFFE or U+FFFF.
func isUnicode(c rune) bool {
	return utf8.ValidRune(c) && c != 0xFFFE && c != 0xFFFF
}

// parser reads forms and terms from a lexer, one token of lookahead.
type parser struct {
	lex lexer
	tok token
}

func (p *parser) advance() error {
	t, err := p.lex.next()
	p.tok = t
	return err
}

func (p *parser) at(punct string) bool {
	return p.tok.kind == tokPunct && p.tok.text == punct
}

func (p *parser) expect(punct string) error {
	if !p.at(punct) {
		return errorAt(p.tok.line, "expected %q but found %s", punct, p.tok)
	}
	return p.advance()
}

// form reads {<<"key">>, Value}.
func (p *parser) form() (Binary, Term, error) {
	if err := p.expect("{"); err != nil {
		return "", nil, err
	}
	line := p.tok.line
	key, err := p.term(1)
	if err != nil {
		return "", nil, err
	}
	k, ok := key.(Binary)
	if !ok {
		return "", nil, errorAt(line, `key must be a binary such as <<"name">>, not %s`, termKind(key))
	}
	if err := p.expect(","); err != nil {
		return "", nil, err
	}
	value, err := p.term(1)
	if err != nil {
		return "", nil, err
	}
	for _, punct := range []string{"}", "."} {
		if err := p.expect(punct); err != nil {
			return "", nil, err
		}
	}
	return k, value, nil
}

// term reads one term nested depth deep in its form.
func (p *parser) term(depth int) (Term, error) {
	if depth > maxNesting {
		return nil, errorAt(p.tok.line, "terms nested more than %d deep", maxNesting)
	}
	t := p.tok
	if err := p.advance(); err != nil {
		return nil, err
	}
	switch t.kind {
	case tokString:
		return charsTerm(t.chars), nil
	case tokAtom:
		return Atom(t.text), nil
	case tokInt:
		return intTerm(false, t.text), nil
	case tokPunct:
		switch t.text {
		case "[":
			elems, err := p.seq("]", depth)
			if err != nil {
				return nil, err
			}
			return listTerm(elems), nil
		case "{":
			elems, err := p.seq("}", depth)
			if err != nil {
				return nil, err
			}
			return Tuple(elems), nil
		case "<<":
			return p.binary()
		case "-", "+":
			digits, err := p.signedDigits(t)
			if err != nil {
				return nil, err
			}
			return intTerm(t.text == "-", digits), nil
		case "#":
			return nil, errorAt(t.line, "maps (#{...}) are not supported; write a list of {Key, Value} pairs")
		}
	}
	return nil, errorAt(t.line, "unexpected %s", t)
}

// seq reads the elements of a list or tuple up to its closing bracket.
func (p *parser) seq(close string, depth int) ([]Term, error) {
	elems := []Term{}
	if p.at(close) {
		return elems, p.advance()
	}
	for {
		e, err := p.term(depth + 1)
		if err != nil {
			return nil, err
		}
		elems = append(elems, e)
		switch {
		case p.at(","):
			if err := p.advance(); err != nil {
				return nil, err
			}
		case p.at(close):
			return elems, p.advance()
		default:
			return nil, errorAt(p.tok.line, "expected \",\" or %q but found %s", close, p.tok)
		}
	}
}

// signedDigits reads the integer after the sign token sign.
func (p *parser) signedDigits(sign token) (string, error) {
	if p.tok.kind != tokInt {
		return "", errorAt(p.tok.line, "expected an integer after %q but found %s", sign.text, p.tok)
	}
	digits := p.tok.text
	return digits, p.advance()
}

// binary reads the segments of a binary after its "<<".
func (p *parser) binary() (Term, error) {
	b := []byte{}
	if p.at(">>") {
		return Binary(b), p.advance()
	}
	for {
		var err error
		if b, err = p.segment(b); err != nil {
			return nil, err
		}
		switch {
		case p.at(","):
			if err := p.advance(); err != nil {
				return nil, err
			}
		case p.at(">>"):
			return Binary(b), p.advance()
		default:
			return nil, errorAt(p.tok.line, `expected "," or ">>" but found %s`, p.tok)
		}
	}
}

// segment reads one binary segment, a string or an integer optionally
// typed /utf8, and appends its bytes to b. Without /utf8 each character or
// integer is one byte, truncated to 8 bits as Erlang does.
func (p *parser) segment(b []byte) ([]byte, error) {
	t := p.tok
	if err := p.advance(); err != nil {
		return nil, err
	}
	if t.kind == tokString {
		isUTF8, err := p.segmentType()
		if err != nil {
			return nil, err
		}
		for _, c := range t.chars {
			b = appendSegment(b, c, isUTF8)
		}
		return b, nil
	}
	neg := t.kind == tokPunct && t.text == "-"
	digits := t.text
	switch {
	case t.kind == tokPunct && (t.text == "-" || t.text == "+"):
		var err error
		if digits, err = p.signedDigits(t); err != nil {
			return nil, err
		}
	case t.kind != tokInt:
		return nil, errorAt(t.line, "expected a string or an integer in a binary but found %s", t)
	}
	isUTF8, err := p.segmentType()
	if err != nil {
		return nil, err
	}
	if !isUTF8 {
		return append(b, lowByte(neg, digits)), nil
	}
	c, err := strconv.ParseInt(digits, 10, 32)
	if err != nil || neg || !utf8.ValidRune(rune(c)) {
		if neg {
			digits = "-" + digits
		}
		return nil, errorAt(t.line, "integer %s is not a Unicode code point", digits)
	}
	return appendSegment(b, rune(c), true), nil
}

func appendSegment(b []byte, c rune, isUTF8 bool) []byte {
	if isUTF8 {
		return utf8.AppendRune(b, c)
	}
	return append(b, byte(c))
}

// segmentType reads an optional type after a segment and reports whether
// it is /utf8, the only one metadata uses.
func (p *parser) segmentType() (bool, error) {
	if !p.at("/") {
		return false, nil
	}
	if err := p.advance(); err != nil {
		return false, err
	}
	if p.tok.kind != tokAtom || p.tok.text != "utf8" {
		return false, errorAt(p.tok.line, "unsupported binary segment type %s, only utf8", p.tok)
	}
	return true, p.advance()
}

// lowByte returns the low 8 bits of the decimal integer digits, negated if
// neg, in two's complement; it works digit by digit since the integer may
// have any length.
func lowByte(neg bool, digits string) byte {
	var v byte
	for i := 0; i < len(digits); i++ {
		v = v*10 + digits[i] - '0'
	}
	if neg {
		return -v
	}
	return v
}

func intTerm(neg bool, digits string) Term {
	s := digits
	if neg {
		s = "-" + digits
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return Int(v)
	}
	x, _ := new(big.Int).SetString(s, 10) // digits are all decimal
	return NewBigInt(x)
}

// charsTerm returns the canonical term for a list of characters.
func charsTerm(chars []rune) Term {
	switch {
	case len(chars) == 0:
		return List{}
	case allPrintable(chars):
		return Charlist(string(chars))
	}
	l := make(List, len(chars))
	for i, c := range chars {
		l[i] = Int(c)
	}
	return l
}

// listTerm returns the canonical term for a list: a Charlist if Erlang
// would print it as a string.
func listTerm(elems []Term) Term {
	if chars, ok := listChars(elems); ok && len(chars) > 0 && allPrintable(chars) {
		return Charlist(string(chars))
	}
	return List(elems)
}

// termKind names t's kind for messages.
func termKind(t Term) string {
	switch t := t.(type) {
	case Binary:
		return "a binary"
	case Atom:
		return "atom " + quoteAtom(string(t))
	case Charlist:
		return "a string"
	case Int, BigInt:
		return "an integer"
	case List:
		return "a list"
	case Tuple:
		return "a tuple"
	}
	return fmt.Sprintf("%T", t)
}
