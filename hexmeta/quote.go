package hexmeta

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxQuoted is how many bytes of a value Go-side errors quote: enough to
// recognise it, not so much that a hostile value fills a log.
const maxQuoted = 64

// quote quotes s as Go does, shortened to maxQuoted bytes (at a rune
// boundary) with "..." after the closing quote when it was longer.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "..."
}

// Elixir's default inspect limits, which hex.pm's messages are printed
// with: characters of a printable string, and bytes of any other binary.
const (
	inspectPrintableLimit = 4096
	inspectLimit          = 50
)

// inspect formats s as Elixir's inspect/1 formats a binary, which is how
// hex.pm quotes values in its messages ("invalid license \"x\""): a
// printable string in double quotes with Elixir's escapes, cut after 4096
// characters with ` <> ...`; any other binary as <<1, 2, ...>>, cut after
// 50 bytes. Unlike Elixir, a long <<...>> is kept on one line rather than
// wrapped at 80 columns.
func inspect(s string) string {
	if !printable(s, inspectPrintableLimit) {
		return inspectBytes(s)
	}
	var b strings.Builder
	b.WriteByte('"')
	count := 0
	for i := 0; i < len(s); {
		if count == inspectPrintableLimit {
			b.WriteString(`" <> ...`)
			return b.String()
		}
		count++
		if strings.HasPrefix(s[i:], "#{") {
			b.WriteString(`\#{`)
			i += 2
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:]) // valid: printable checked it
		writeEscaped(&b, r)
		i += size
	}
	b.WriteByte('"')
	return b.String()
}

// printable is Elixir's String.printable?/2: whether the first limit
// characters of s are printable.
func printable(s string, limit int) bool {
	for i := 0; i < len(s) && limit > 0; limit-- {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return false
		case r >= 0x20 && r <= 0x7E, strings.ContainsRune("\n\r\t\v\b\f\x1b\x7f\a", r):
		case r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
		i += size
	}
	return true
}

// elixirEscapes are the characters Elixir writes with a letter escape.
var elixirEscapes = map[rune]string{
	'"': `\"`, '\\': `\\`, '\a': `\a`, '\b': `\b`, 0x7f: `\d`, 0x1b: `\e`,
	'\f': `\f`, '\n': `\n`, '\r': `\r`, '\t': `\t`, '\v': `\v`,
}

// writeEscaped writes a printable character r as Elixir's
// Code.Identifier.escape does inside a double-quoted string. (Elixir has
// escapes for unprintable characters too, but inspect never shows a
// string holding one as a string.)
func writeEscaped(b *strings.Builder, r rune) {
	switch e, ok := elixirEscapes[r]; {
	case ok:
		b.WriteString(e)
	case confusable(r):
		b.WriteString(`\u` + hex2(byte(r>>8)) + hex2(byte(r)))
	default:
		b.WriteRune(r)
	}
}

// confusable lists the invisible, space-like and bidirectional characters
// that Elixir shows as \uXXXX so that a message cannot hide or reorder
// text.
func confusable(r rune) bool {
	switch {
	case r == 0xFEFF, r >= 0x2061 && r <= 0x2064, r == 0x061C, r == 0x200E, r == 0x200F,
		r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r >= 0xFFF9 && r <= 0xFFFC,
		r == 0x200C, r == 0x200D, r == 0x034F, r == 0x00A0, r == 0x200B, r == 0x2060,
		r == 0x2028, r == 0x2029, r >= 0x2000 && r <= 0x200A, r == 0x205F:
		return true
	}
	return false
}

// inspectBytes formats a binary that is not a printable string as Elixir
// does: <<104, 105, 0>>.
func inspectBytes(s string) string {
	if s == "" {
		return "<<>>"
	}
	var b strings.Builder
	b.WriteString("<<")
	for i := range len(s) {
		if i > 0 {
			b.WriteString(", ")
		}
		if i == inspectLimit {
			b.WriteString("...")
			break
		}
		b.WriteString(strconv.Itoa(int(s[i])))
	}
	b.WriteString(">>")
	return b.String()
}

func hex2(c byte) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{digits[c>>4], digits[c&15]})
}
