package repofile

import (
	"fmt"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// marshal encodes deterministically so that equal content gives equal bytes
// (and so equal signatures and ETags).
var marshal = proto.MarshalOptions{Deterministic: true}

// appendRecord appends one length-delimited field record: tag, length, bytes.
func appendRecord(b []byte, num protowire.Number, v []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

// assemble builds a Names or Versions payload: the pre-encoded packages
// records (field 1) followed by the repository (field 2), the order in which
// a whole-message encoder writes them.
func assemble(repository string, entries [][]byte) []byte {
	n := protowire.SizeTag(2) + protowire.SizeBytes(len(repository))
	for _, e := range entries {
		n += len(e)
	}
	b := make([]byte, 0, n)
	for _, e := range entries {
		b = append(b, e...)
	}
	b = protowire.AppendTag(b, 2, protowire.BytesType)
	return protowire.AppendString(b, repository)
}

// checkText refuses strings that clients cannot decode: gpb, which hex_core
// uses, reads protobuf strings as UTF-8.
func checkText(what, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("repofile: %s %q is not valid UTF-8", what, s)
	}
	return nil
}

// checkName refuses an empty or non-UTF-8 name.
func checkName(what, s string) error {
	if s == "" {
		return fmt.Errorf("repofile: empty %s", what)
	}
	return checkText(what, s)
}

// toTimestamp splits t into the seconds and nanoseconds of a Timestamp,
// refusing times that fromTimestamp would refuse.
func toTimestamp(what string, t time.Time) (seconds int64, nanos int32, err error) {
	seconds = t.Unix()
	if seconds < minTimestamp || seconds > maxTimestamp {
		return 0, 0, fmt.Errorf("repofile: %s %v is outside years 1 to 9999", what, t)
	}
	return seconds, int32(t.Nanosecond()), nil
}

// The range of google.protobuf.Timestamp, on which the registry's Timestamp
// is based: years 1 to 9999.
const (
	minTimestamp = -62135596800
	maxTimestamp = 253402300799
)

// fromTimestamp is the UTC time of a Timestamp, refusing values outside the
// range of google.protobuf.Timestamp.
func fromTimestamp(seconds int64, nanos int32) (time.Time, error) {
	if nanos < 0 || nanos >= 1e9 {
		return time.Time{}, fmt.Errorf("%w: timestamp nanos %d out of range", ErrMalformed, nanos)
	}
	if seconds < minTimestamp || seconds > maxTimestamp {
		return time.Time{}, fmt.Errorf("%w: timestamp seconds %d out of range", ErrMalformed, seconds)
	}
	return time.Unix(seconds, int64(nanos)).UTC(), nil
}

// unmarshal decodes a payload, wrapping protobuf errors as ErrMalformed.
func unmarshal(what string, payload []byte, m proto.Message) error {
	if err := proto.Unmarshal(payload, m); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrMalformed, what, err)
	}
	return nil
}

// checkOrigin compares the repository (or package) a payload names with the
// one the caller asked for.
func checkOrigin(what, got, want string) error {
	if got != want {
		return fmt.Errorf("%w: %s is %q, want %q", ErrBadOrigin, what, got, want)
	}
	return nil
}
