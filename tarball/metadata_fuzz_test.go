package tarball

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzDecodeMetadata checks that DecodeMetadata never panics, fails only
// with *MetadataError, and that whatever it accepts survives Encode and
// DecodeMetadata unchanged. Seeds: testdata/fuzz/FuzzDecodeMetadata, the
// goldens under testdata/metadata and the cases below.
func FuzzDecodeMetadata(f *testing.F) {
	goldens, _ := filepath.Glob(filepath.Join(goldenDir, "*"))
	for _, name := range goldens {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		`{<<"name">>,<<"foo">>}.`,
		"{<<\"requirements\">>,[[{<<\"app\">>,<<\"x\">>},{<<\"name\">>,<<\"x\">>},{<<\"optional\">>,false},{<<\"repository\">>,<<\"hexpm\">>},{<<\"requirement\">>,<<\"~> 1.0\">>}]]}.\n",
		"{<<\"x\">>,[\"a\\x{1F600}\\^A\\101\", 'q\\'', -12, 99999999999999999999999, {ok, []}, <<1,2,\"z\"/utf8>>]}.\n% c\n",
		"{<<\"d\">>,<<\"caf\xe9\">>}.\n",
		`{<<"a">>,1}. {<<"a">>,2}.`,
		`{<<"a">>,#{}}.`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeMetadata(data)
		if err != nil {
			var me *MetadataError
			if !errors.As(err, &me) {
				t.Fatalf("error %v is a %T, not a *MetadataError", err, err)
			}
			return
		}
		encoded := m.Encode()
		m2, err := DecodeMetadata(encoded)
		if err != nil {
			t.Fatalf("decoding the encoding: %v\n%s", err, encoded)
		}
		if !reflect.DeepEqual(m, m2) {
			t.Fatalf("round trip changed the metadata:\n%#v\n%#v\nencoded:\n%s", m, m2, encoded)
		}
		if again := m2.Encode(); !bytes.Equal(again, encoded) {
			t.Fatalf("encoding is not stable:\n%s\nthen\n%s", encoded, again)
		}
	})
}
