package repofile

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/hexship/ship/registry/repofile/internal/pb/versionspb"
)

func sampleVersions() Versions {
	return Versions{Repository: "acme", Packages: []VersionsEntry{
		{Name: "ecto", Versions: []string{"1.0.0", "2.0.0", "3.0.0-rc.1"}, Retired: []int32{0, 2}},
		{Name: "phoenix", Versions: []string{"1.7.0"}},
		{Name: "unreleased"},
	}}
}

func TestVersionsRoundTrip(t *testing.T) {
	for _, want := range []Versions{sampleVersions(), {Repository: "empty"}} {
		got, err := DecodeVersions(encodeVersions(t, want), want.Repository)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("round trip:\n got %+v\nwant %+v", *got, want)
		}
	}
}

func TestAssembleVersionsMatchesWholeMessage(t *testing.T) {
	v := sampleVersions()
	m := &versionspb.Versions{Repository: proto.String(v.Repository)}
	for _, e := range v.Packages {
		m.Packages = append(m.Packages, &versionspb.Package{Name: proto.String(e.Name), Versions: e.Versions, Retired: e.Retired})
	}
	whole, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if got := encodeVersions(t, v); !bytes.Equal(got, whole) {
		t.Errorf("assembled versions differ from the whole message:\n got %x\nwant %x", got, whole)
	}
}

// TestRetiredIsPacked checks the wire form the specification asks for: the
// retired indexes as one length-delimited record, not one record each.
func TestRetiredIsPacked(t *testing.T) {
	entry, err := EncodeVersionsEntry(VersionsEntry{Name: "a", Versions: []string{"1.0.0", "1.1.0", "1.2.0"}, Retired: []int32{0, 2}})
	if err != nil {
		t.Fatal(err)
	}
	_, _, n := protowire.ConsumeTag(entry)
	msg, _ := protowire.ConsumeBytes(entry[n:])
	var records int
	for len(msg) > 0 {
		num, typ, l := protowire.ConsumeTag(msg)
		if l < 0 {
			t.Fatal("bad tag")
		}
		if num == 3 {
			records++
			if typ != protowire.BytesType {
				t.Errorf("retired written with wire type %d, want packed (%d)", typ, protowire.BytesType)
			}
		}
		fl := protowire.ConsumeFieldValue(num, typ, msg[l:])
		msg = msg[l+fl:]
	}
	if records != 1 {
		t.Errorf("retired written as %d records, want 1 packed record", records)
	}
}

func TestEncodeVersionsEntryRefuses(t *testing.T) {
	for name, e := range map[string]VersionsEntry{
		"empty name":         {Versions: []string{"1.0.0"}},
		"empty version":      {Name: "a", Versions: []string{""}},
		"retired past end":   {Name: "a", Versions: []string{"1.0.0"}, Retired: []int32{1}},
		"negative retired":   {Name: "a", Versions: []string{"1.0.0"}, Retired: []int32{-1}},
		"retired twice":      {Name: "a", Versions: []string{"1.0.0", "2.0.0"}, Retired: []int32{1, 1}},
		"invalid UTF-8 name": {Name: "a\xff"},
	} {
		if _, err := EncodeVersionsEntry(e); err == nil {
			t.Errorf("%s: EncodeVersionsEntry succeeded", name)
		}
	}
}

func TestDecodeVersionsChecksOriginAndIndexes(t *testing.T) {
	if _, err := DecodeVersions(encodeVersions(t, sampleVersions()), "other"); !errors.Is(err, ErrBadOrigin) {
		t.Errorf("wrong repository: err = %v, want ErrBadOrigin", err)
	}
	bad, _ := proto.Marshal(&versionspb.Versions{Repository: proto.String("r"), Packages: []*versionspb.Package{
		{Name: proto.String("a"), Versions: []string{"1.0.0"}, Retired: []int32{3}},
	}})
	if _, err := DecodeVersions(bad, "r"); !errors.Is(err, ErrMalformed) {
		t.Errorf("retired index past the versions: err = %v, want ErrMalformed", err)
	}
}
