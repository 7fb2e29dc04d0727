package tarball

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel kinds of tarball failure. Every error Build and Read return for a
// bad package is an *Error whose Kind is one of these, so callers can test
// with errors.Is(err, tarball.ErrUnsafePath) and still print a message that
// names the offending member.
var (
	ErrTooBig              = errors.New("package exceeds max compressed size")
	ErrTooBigUncompressed  = errors.New("package exceeds max uncompressed size")
	ErrFileTooBig          = errors.New("file too big")
	ErrMissingFiles        = errors.New("missing files")
	ErrBadVersion          = errors.New("unsupported version")
	ErrInvalidChecksum     = errors.New("invalid tarball checksum")
	ErrChecksumMismatch    = errors.New("tarball checksum mismatch")
	ErrUnsafePath          = errors.New("unsafe path in tarball")
	ErrUnsafeSymlink       = errors.New("unsafe symlink in tarball")
	ErrUnsupportedFileType = errors.New("unsupported file type in tarball")
	ErrDuplicateMember     = errors.New("duplicate member in tarball")
	ErrMetadata            = errors.New("error reading package metadata")
	ErrBadTar              = errors.New("tarball error")
	ErrBadContents         = errors.New("inner tarball error")
)

// Error is a refusal of a package tarball. Its message follows hex_core's
// wording (hex_tarball:format_error), which hex.pm also returns to clients.
type Error struct {
	Kind   error  // one of the Err* sentinels
	Name   string // the member or package file concerned, if any
	Detail string // extra facts: a link target, a limit, a file type
	Err    error  // the underlying cause, if any
}

func (e *Error) Error() string {
	switch e.Kind {
	case ErrTooBig, ErrTooBigUncompressed:
		return fmt.Sprintf("%v %s", e.Kind, e.Detail)
	case ErrFileTooBig, ErrUnsafePath:
		return fmt.Sprintf("%v: %s", e.Kind, e.Name)
	case ErrMissingFiles:
		return fmt.Sprintf("%v: %s", e.Kind, e.Detail)
	case ErrBadVersion:
		return fmt.Sprintf("%v: %s", e.Kind, strconv.Quote(e.Detail))
	case ErrChecksumMismatch:
		return fmt.Sprintf("%v\n\n%s", e.Kind, e.Detail)
	case ErrUnsafeSymlink:
		return fmt.Sprintf("%v: %s -> %s", e.Kind, e.Name, e.Detail)
	case ErrUnsupportedFileType:
		return fmt.Sprintf("%v: %s (%s)", e.Kind, e.Name, e.Detail)
	case ErrBadTar, ErrBadContents:
		if e.Err != nil && e.Name == "" && e.Detail == "" {
			// hex_core joins these to the tar reader's reason with a comma.
			return fmt.Sprintf("%v, %v", e.Kind, e.Err)
		}
	}
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	if e.Name != "" {
		b.WriteString(": " + e.Name)
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrX) true for an *Error of kind ErrX.
func (e *Error) Is(target error) bool { return e.Kind == target }

func (e *Error) Unwrap() error { return e.Err }

// formatMB renders a byte limit as hex_core does, in decimal megabytes.
func formatMB(n int64) string {
	return strconv.FormatFloat(float64(n)/1e6, 'f', -1, 64) + " MB"
}
