package blob

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	// MaxKeyLength is the longest key, in bytes.
	MaxKeyLength = 512
	// MaxSegmentLength is the longest segment of a key, in bytes: longer
	// ones cannot be file names on common file systems, so every store
	// refuses them rather than only the ones on disk.
	MaxSegmentLength = 255
)

// ValidKey checks key against the rules every Store applies, so that a key
// means the same on every backend and can never name something outside
// the store: slash-separated segments of ASCII letters, digits, ".", "_",
// "+" and "-"; no empty, "." or ".." segment (so no leading, trailing or
// doubled slash); at most MaxSegmentLength bytes a segment and
// MaxKeyLength bytes in all. The error wraps ErrInvalidKey and says which
// rule the key breaks.
func ValidKey(key string) error {
	invalid := func(format string, args ...any) error {
		return &keyError{key: key, err: ErrInvalidKey, reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case key == "":
		return invalid("is empty")
	case len(key) > MaxKeyLength:
		return invalid("is longer than %d bytes", MaxKeyLength)
	case key[0] == '/':
		return invalid(`starts with "/"`)
	}
	if i := strings.IndexFunc(key, func(r rune) bool { return r != '/' && !isKeyChar(r) }); i >= 0 {
		if r, size := utf8.DecodeRuneInString(key[i:]); size > 1 || r != utf8.RuneError {
			return invalid("has %s, which keys may not contain", strconv.QuoteRune(r))
		}
		return invalid("has byte 0x%02X, which keys may not contain", key[i])
	}
	for segment := range strings.SplitSeq(key, "/") {
		switch {
		case segment == "":
			return invalid("has an empty segment")
		case segment == "." || segment == "..":
			return invalid("has a %q segment", segment)
		case len(segment) > MaxSegmentLength:
			return invalid("has a segment longer than %d bytes", MaxSegmentLength)
		}
	}
	return nil
}

func isKeyChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		r == '.' || r == '_' || r == '+' || r == '-'
}

// maxQuotedKey is how many bytes of a key errors quote, so that a hostile
// key cannot fill a log.
const maxQuotedKey = 80

func quoteKey(key string) string {
	if len(key) <= maxQuotedKey {
		return strconv.Quote(key)
	}
	cut := maxQuotedKey
	for cut > 0 && !utf8.RuneStart(key[cut]) {
		cut--
	}
	return strconv.Quote(key[:cut]) + "..."
}
