package etf

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzDecode checks that Decode never panics on any input, fails only with
// its documented errors, and that whatever it accepts survives a round
// trip: Encode of the decoded value decodes to an equal value, and encoding
// that again gives the same bytes (Encode's output is canonical).
func FuzzDecode(f *testing.F) {
	for _, v := range []any{samplePackage(2), Tuple{Atom("ok"), 1.5, []any{}}} {
		b, err := Encode(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Decode(data)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) && !errors.Is(err, ErrCompressed) {
				t.Fatalf("Decode failed with %T %v", err, err)
			}
			return
		}
		enc, err := Encode(v)
		if err != nil {
			t.Fatalf("Encode of a decoded %T: %v", v, err)
		}
		again, err := Decode(enc)
		if err != nil {
			t.Fatalf("Decode of Encode's % x: %v", enc, err)
		}
		if !equal(v, again) {
			t.Fatalf("round trip changed %#v into %#v", v, again)
		}
		enc2, err := Encode(again)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("re-encoding gave % x, %v; first encoding % x", enc2, err, enc)
		}
	})
}
