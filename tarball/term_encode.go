package tarball

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// The printer below reproduces io_lib_pretty:print(Term, [{encoding, utf8}])
// from Erlang/OTP, which is what hex_core uses to write metadata.config, so
// that the same metadata gives the same bytes (and the same inner checksum).
// It follows the same layout rules with the options hex_core leaves at their
// defaults: column 1, line length 80, no depth or character limits, and the
// VM's default printable range, Latin-1.
//
// The layout works on a tree of nodes, each knowing how many characters it
// takes on one line. A term that fits on the rest of the line is written
// flat. Otherwise a list or tuple is broken after its opening bracket and
// its elements are filled: a short "atomic" element (anything written as a
// single token) joins the current line while it fits, and anything else
// starts a new line at the element column.

// lineLength is io_lib_pretty's default line length; printing starts at
// column 1.
const lineLength = 80

// EncodeTerm returns t as io_lib_pretty prints it, without the terminating
// ".\n" a metadata.config form needs.
func EncodeTerm(t Term) []byte {
	return AppendTerm(nil, t)
}

// AppendTerm appends t to dst as io_lib_pretty prints it at column 1 and
// returns the extended buffer. The text is UTF-8.
//
// AppendTerm panics if t, or a term inside it, is nil.
func AppendTerm(dst []byte, t Term) []byte {
	n := layout(t)
	p := printer{buf: dst, max: n.size}
	if n.kind == leafNode || n.size < lineLength-1 {
		p.write(n)
		return p.buf
	}
	p.tind = tagIndent(n)
	p.pp(n, 1, 0, 0, 0)
	return p.buf
}

type nodeKind uint8

const (
	leafNode  nodeKind = iota // a single token, never broken
	bytesNode                 // a binary written as byte values, breakable after each comma
	listNode
	tupleNode
)

// node is a term laid out for printing.
type node struct {
	kind   nodeKind
	size   int     // characters when written on one line
	text   string  // leafNode: the token; bytesNode: the whole <<...>>
	bytes  string  // bytesNode: the binary itself
	elems  []*node // listNode and tupleNode
	tagged bool    // tupleNode of two or more elements, the first an atom
}

func leaf(text string) *node {
	return &node{kind: leafNode, size: utf8.RuneCountInString(text), text: text}
}

func layout(t Term) *node {
	switch t := t.(type) {
	case Binary:
		return layoutBinary(string(t))
	case Atom:
		return leaf(quoteAtom(string(t)))
	case Charlist:
		return layoutChars([]rune(string(t)))
	case Int:
		return leaf(strconv.FormatInt(int64(t), 10))
	case BigInt:
		return leaf(t.String())
	case List:
		if chars, ok := listChars(t); ok {
			return layoutChars(chars)
		}
		return layoutSeq(listNode, t)
	case Tuple:
		if len(t) == 0 {
			return leaf("{}")
		}
		n := layoutSeq(tupleNode, t)
		_, isAtom := t[0].(Atom)
		n.tagged = isAtom && len(t) > 1
		return n
	}
	panic(fmt.Sprintf("tarball: cannot encode %T as an Erlang term", t))
}

func layoutSeq(kind nodeKind, ts []Term) *node {
	if len(ts) == 0 {
		return leaf("[]")
	}
	n := &node{kind: kind, size: 1 + len(ts), elems: make([]*node, len(ts))}
	for i, t := range ts {
		n.elems[i] = layout(t)
		n.size += n.elems[i].size
	}
	return n
}

// layoutChars lays out a list of character codes: as a string literal when
// Erlang considers it printable, else as a list of integers.
func layoutChars(chars []rune) *node {
	if len(chars) > 0 && allPrintable(chars) {
		return leaf(quoteString(chars, '"'))
	}
	ints := make([]Term, len(chars))
	for i, c := range chars {
		ints[i] = Int(c)
	}
	return layoutSeq(listNode, ints)
}

// listChars returns l's elements as character codes when all of them are
// integers that could be characters, the only lists Erlang may print as
// strings.
func listChars(l List) ([]rune, bool) {
	chars := make([]rune, len(l))
	for i, t := range l {
		c, ok := t.(Int)
		if !ok || c < 0 || c > utf8.MaxRune {
			return nil, false
		}
		chars[i] = rune(c)
	}
	return chars, true
}

func layoutBinary(b string) *node {
	if b == "" {
		return leaf("<<>>")
	}
	if s, ok := binaryString(b); ok {
		return leaf(s)
	}
	text := make([]byte, 0, 2+4*len(b))
	text = append(text, "<<"...)
	for i := 0; i < len(b); i++ {
		if i > 0 {
			text = append(text, ',')
		}
		text = strconv.AppendUint(text, uint64(b[i]), 10)
	}
	text = append(text, ">>"...)
	return &node{kind: bytesNode, size: len(text), text: string(text), bytes: b}
}

// binaryString spells b as a string literal if Erlang does: when b, read
// as UTF-8 if valid and else as Latin-1, has only printable Latin-1
// characters. UTF-8 beyond ASCII is marked /utf8.
func binaryString(b string) (string, bool) {
	chars := decodeText([]byte(b))
	if !allPrintable(chars) {
		return "", false
	}
	suffix := ""
	if len(chars) != len(b) {
		suffix = "/utf8"
	}
	return "<<" + quoteString(chars, '"') + suffix + ">>", true
}

// printable reports whether Erlang's default (Latin-1) printable range
// includes c.
func printable(c rune) bool {
	switch {
	case c >= ' ' && c <= '~', c >= 0xA0 && c <= 0xFF:
		return true
	}
	switch c {
	case '\n', '\r', '\t', '\v', '\b', '\f', 0x1B:
		return true
	}
	return false
}

func allPrintable(chars []rune) bool {
	for _, c := range chars {
		if !printable(c) {
			return false
		}
	}
	return true
}

// quoteString writes chars between quotes q with Erlang's escapes. Only
// control characters are escaped; everything from U+00A0 up is written as
// itself.
func quoteString(chars []rune, q rune) string {
	b := make([]byte, 0, len(chars)+2)
	b = utf8.AppendRune(b, q)
	for _, c := range chars {
		b = appendChar(b, c, q)
	}
	return string(utf8.AppendRune(b, q))
}

// charEscapes are the control characters with a letter escape.
var charEscapes = map[rune]byte{
	'\n': 'n', '\r': 'r', '\t': 't', '\v': 'v', '\b': 'b', '\f': 'f', 0x1B: 'e', 0x7F: 'd',
}

func appendChar(b []byte, c, q rune) []byte {
	switch {
	case c == q || c == '\\':
		return utf8.AppendRune(append(b, '\\'), c)
	case c >= ' ' && c <= '~', c >= 0xA0:
		return utf8.AppendRune(b, c)
	}
	if e, ok := charEscapes[c]; ok {
		return append(b, '\\', e)
	}
	return append(b, '\\', byte('0'+c>>6), byte('0'+c>>3&7), byte('0'+c&7))
}

// reservedWords are the Erlang keywords, which must be quoted to be atoms.
// maybe and else are keywords from OTP 27 on (OTP 25 and 26 write them
// unquoted), and quoting them is safe for every reader.
var reservedWords = map[string]bool{
	"after": true, "and": true, "andalso": true, "band": true, "begin": true,
	"bnot": true, "bor": true, "bsl": true, "bsr": true, "bxor": true,
	"case": true, "catch": true, "cond": true, "div": true, "else": true,
	"end": true, "fun": true, "if": true, "let": true, "maybe": true,
	"not": true, "of": true, "or": true, "orelse": true, "receive": true,
	"rem": true, "try": true, "when": true, "xor": true,
}

func quoteAtom(name string) string {
	if bareAtom(name) {
		return name
	}
	return quoteString([]rune(name), '\'')
}

// bareAtom reports whether name can be written without quotes: a lowercase
// letter followed by letters, digits, _ and @ (Latin-1 letters included),
// and not a keyword.
func bareAtom(name string) bool {
	if name == "" || reservedWords[name] {
		return false
	}
	for i, c := range name {
		if i == 0 && !atomStart(c) || !atomChar(c) {
			return false
		}
	}
	return true
}

func atomStart(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'ß' && c <= 'ÿ' && c != '÷'
}

func atomChar(c rune) bool {
	return atomStart(c) || c >= 'A' && c <= 'Z' || c >= 'À' && c <= 'Þ' && c != '×' ||
		c >= '0' && c <= '9' || c == '_' || c == '@'
}

// printer writes laid-out nodes. Its methods mirror io_lib_pretty's layout
// functions and keep their parameters: col is the current column, ind the
// indentation of continuation lines, w the characters written on the
// current line since the last break, and ld ("last depth") how many
// closing brackets follow the node on its line.
type printer struct {
	buf []byte
	// max is io_lib_pretty's line_max_chars. hex_core does not set it, so
	// it is the size of the whole term.
	max int
	// tind is the indentation for the elements of tuples tagged with an
	// atom, or -1 to align them after the tag.
	tind int
	// tooNarrow is set when a tagged tuple is laid out too far right for
	// tind; tagIndent uses it to pick tind.
	tooNarrow bool
}

// tagIndent picks the tagged-tuple indentation as io_lib_pretty does:
// aligned after the tag if that keeps every tagged tuple within bounds, else
// 4, else 1. Each candidate is tried by printing to a scratch buffer.
func tagIndent(n *node) int {
	for _, tind := range []int{-1, 4} {
		p := printer{max: n.size, tind: tind}
		p.pp(n, 1, 0, 0, 0)
		if !p.tooNarrow {
			return tind
		}
	}
	return 1
}

func (p *printer) fits(n *node, col, ld, w int) bool {
	return n.size < lineLength-col-ld && n.size+w+ld <= p.max
}

// fitsAfterComma reports whether the atomic node n can follow a comma on the
// current line.
func (p *printer) fitsAfterComma(n *node, col, ld, w int) bool {
	if n.kind != leafNode {
		return false
	}
	size := 1 + n.size
	if ld == 0 {
		return size+1 < lineLength-col && w+size+1 <= p.max
	}
	return size < lineLength-col-ld && w+size+ld <= p.max
}

// lastDepth is the ld of an element: 0 when more elements follow it on its
// line, else one more than its container's.
func lastDepth(more bool, ld int) int {
	if more {
		return 0
	}
	return ld + 1
}

func (p *printer) pp(n *node, col, ind, ld, w int) {
	if p.fits(n, col, ld, w) {
		p.write(n)
		return
	}
	switch n.kind {
	case listNode:
		p.buf = append(p.buf, '[')
		p.ppElems(n.elems, col+1, ind+1, ld, w+1)
		p.buf = append(p.buf, ']')
	case tupleNode:
		p.buf = append(p.buf, '{')
		if n.tagged {
			p.ppTagged(n.elems, col, ind, ld, w+1)
		} else {
			p.ppElems(n.elems, col+1, ind+1, ld, w+1)
		}
		p.buf = append(p.buf, '}')
	case bytesNode:
		p.ppBytes(n.bytes, col+2, ind+2, ld, w)
	default:
		p.write(n)
	}
}

// ppElems writes the elements of a broken list or tuple, the first at col0.
func (p *printer) ppElems(elems []*node, col0, ind, ld, w int) {
	width := p.ppElem(elems[0], col0, ind, lastDepth(len(elems) > 1, ld), w)
	p.ppTail(elems[1:], col0, col0+width, ind, ld, w+width)
}

// ppTail writes the elements after the first, each after a comma: on the
// current line if it is atomic and fits, else on a new line at col0.
func (p *printer) ppTail(elems []*node, col0, col, ind, ld, w int) {
	for i, e := range elems {
		eld := lastDepth(i < len(elems)-1, ld)
		p.buf = append(p.buf, ',')
		if p.fitsAfterComma(e, col, eld, w) {
			p.write(e)
			col += 1 + e.size
			w += 1 + e.size
			continue
		}
		p.newline(ind)
		width := p.ppElem(e, col0, ind, eld, 0)
		col, w = col0+width, width
	}
}

// ppElem writes an element and returns the width it takes on its line:
// lineLength for a non-atomic element, so that the next one starts a new
// line.
func (p *printer) ppElem(e *node, col, ind, ld, w int) int {
	if e.kind == leafNode && p.fits(e, col, ld, w) {
		p.write(e)
		return e.size
	}
	p.pp(e, col, ind, ld, w)
	return lineLength
}

// ppTagged writes a broken tuple whose first element is an atom tag: the
// other elements are aligned after the tag, or indented by tind when the
// tag is longer than that.
func (p *printer) ppTagged(elems []*node, col, ind, ld, w int) {
	tag := elems[0]
	tagInd := tag.size + 2
	tcol := col + tagInd
	p.write(tag)
	if p.tind > 0 && tagInd > p.tind {
		col1 := col + p.tind
		if p.max+col1 > lineLength && col1 > lineLength/2 {
			p.tooNarrow = true
		}
		p.ppTail(elems[1:], col1, tcol, ind+p.tind, ld, w+tag.size)
		return
	}
	if p.max+tcol >= lineLength && tcol >= lineLength/2 {
		p.tooNarrow = true
	}
	p.buf = append(p.buf, ',')
	p.ppElems(elems[1:], tcol, ind+tagInd, ld, w+tag.size+1)
}

// ppBytes writes a binary as byte values, filling lines of at least 8
// characters.
func (p *printer) ppBytes(b string, col, ind, ld, w int) {
	width := max(8, min(lineLength-col, p.max-4-w)-ld)
	left := width
	p.buf = append(p.buf, "<<"...)
	for i := 0; i < len(b); i++ {
		s := strconv.Itoa(int(b[i]))
		if i == len(b)-1 {
			if len(s) > left {
				p.newline(ind)
			}
			p.buf = append(p.buf, s...)
			break
		}
		if size := len(s) + 1; size > left {
			p.newline(ind)
			left = width - size
		} else {
			left -= size
		}
		p.buf = append(p.buf, s...)
		p.buf = append(p.buf, ',')
	}
	p.buf = append(p.buf, ">>"...)
}

func (p *printer) newline(ind int) {
	p.buf = append(p.buf, '\n')
	for range ind {
		p.buf = append(p.buf, ' ')
	}
}

// write writes n on one line.
func (p *printer) write(n *node) {
	switch n.kind {
	case listNode:
		p.writeSeq('[', n.elems, ']')
	case tupleNode:
		p.writeSeq('{', n.elems, '}')
	default:
		p.buf = append(p.buf, n.text...)
	}
}

func (p *printer) writeSeq(open byte, elems []*node, close byte) {
	p.buf = append(p.buf, open)
	for i, e := range elems {
		if i > 0 {
			p.buf = append(p.buf, ',')
		}
		p.write(e)
	}
	p.buf = append(p.buf, close)
}
