package repofile

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hexship/ship/registry/repofile/internal/pb/namespb"
)

func sampleNames() Names {
	return Names{Repository: "acme", Packages: []NamesEntry{
		{Name: "ecto", UpdatedAt: at(1700000000, 5)},
		{Name: "phoenix"},
		{Name: "plug", UpdatedAt: at(0, 0)},
	}}
}

func TestNamesRoundTrip(t *testing.T) {
	for _, want := range []Names{sampleNames(), {Repository: "empty"}} {
		got, err := DecodeNames(encodeNames(t, want), want.Repository)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("round trip:\n got %+v\nwant %+v", *got, want)
		}
	}
}

// TestAssembleNamesMatchesWholeMessage shows that concatenating entries is
// the encoding of the whole message: what a server assembles piecewise is
// what a protobuf encoder would write at once.
func TestAssembleNamesMatchesWholeMessage(t *testing.T) {
	n := sampleNames()
	m := &namespb.Names{Repository: proto.String(n.Repository)}
	for _, e := range n.Packages {
		p := &namespb.Package{Name: proto.String(e.Name)}
		if !e.UpdatedAt.IsZero() {
			p.UpdatedAt = &namespb.Timestamp{Seconds: proto.Int64(e.UpdatedAt.Unix()), Nanos: proto.Int32(int32(e.UpdatedAt.Nanosecond()))}
		}
		m.Packages = append(m.Packages, p)
	}
	whole, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if got := encodeNames(t, n); !bytes.Equal(got, whole) {
		t.Errorf("assembled names differ from the whole message:\n got %x\nwant %x", got, whole)
	}
}

func TestNamesEntryOmitsZeroTime(t *testing.T) {
	b, err := EncodeNamesEntry(NamesEntry{Name: "plug"})
	if err != nil {
		t.Fatal(err)
	}
	var m namespb.Names
	if err := proto.Unmarshal(AssembleNames("r", [][]byte{b}), &m); err != nil {
		t.Fatal(err)
	}
	if m.Packages[0].UpdatedAt != nil {
		t.Errorf("updated_at written for a zero time: %v", m.Packages[0].UpdatedAt)
	}
}

func TestEncodeNamesEntryRefusesBadNames(t *testing.T) {
	for _, name := range []string{"", "bad\xff"} {
		if _, err := EncodeNamesEntry(NamesEntry{Name: name}); err == nil {
			t.Errorf("EncodeNamesEntry(%q) succeeded", name)
		}
	}
	if _, err := EncodeNamesEntry(NamesEntry{Name: "a", UpdatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}); err == nil {
		t.Error("EncodeNamesEntry accepted a time past year 9999, which decoding refuses")
	}
}

func TestDecodeNamesChecksOrigin(t *testing.T) {
	_, err := DecodeNames(encodeNames(t, sampleNames()), "hexpm")
	if !errors.Is(err, ErrBadOrigin) {
		t.Fatalf("err = %v, want ErrBadOrigin", err)
	}
	if !strings.Contains(err.Error(), `"acme"`) || !strings.Contains(err.Error(), `"hexpm"`) {
		t.Errorf("error does not name both repositories: %v", err)
	}
}

func TestDecodeNamesRefusesMalformed(t *testing.T) {
	noRepo, _ := proto.Marshal(&namespb.Names{Packages: []*namespb.Package{{Name: proto.String("a")}}})
	badNanos, _ := proto.Marshal(&namespb.Names{Repository: proto.String("r"), Packages: []*namespb.Package{{
		Name:      proto.String("a"),
		UpdatedAt: &namespb.Timestamp{Seconds: proto.Int64(1), Nanos: proto.Int32(int32(time.Second))},
	}}})
	for name, payload := range map[string][]byte{
		"garbage":            []byte("\xff\xff\xff"),
		"missing repo":       noRepo,
		"nanos out of range": badNanos,
	} {
		if _, err := DecodeNames(payload, "r"); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}
