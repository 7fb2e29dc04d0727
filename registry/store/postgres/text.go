package postgres

import (
	"strings"
	"unicode/utf8"
)

// storable reports whether PostgreSQL can hold s as text: valid UTF-8
// without NUL. A lookup of any other string finds nothing (no such string
// was ever stored), rather than making the server report an encoding
// error.
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
