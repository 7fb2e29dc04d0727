package repofile

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hexship/ship/registry/repofile/internal/pb/packagepb"
)

func TestPackageRoundTrip(t *testing.T) {
	p := samplePackage()
	payload, err := EncodePackage(p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodePackage(payload, "acme", "plug")
	if err != nil {
		t.Fatal(err)
	}
	// An app equal to the package name and the package's own repository are
	// left out of the file, so they come back empty.
	want := samplePackage()
	want.Releases[1].Dependencies[0].App = ""
	want.Releases[1].Dependencies[0].Repository = ""
	// An empty requirement is written as hexpm writes it.
	want.Releases[2].Dependencies[0].Requirement = ">= 0.0.0"
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
}

// TestDependencyFieldsFollowHexpm checks which dependency fields reach the
// wire, since clients read absent and present fields differently.
func TestDependencyFieldsFollowHexpm(t *testing.T) {
	p := &Package{Name: "plug", Repository: "acme", Releases: []Release{{
		Version:       "1.0.0",
		InnerChecksum: sum("x"),
		Dependencies: []Dependency{
			{Package: "any"},
			{Package: "same", App: "same", Repository: "acme", Requirement: "~> 1.0"},
			{Package: "other", App: "other_app", Repository: "hexpm", Optional: true, Requirement: "~> 2.0"},
		},
	}}}
	payload, err := EncodePackage(p)
	if err != nil {
		t.Fatal(err)
	}
	var m packagepb.Package
	if err := proto.Unmarshal(payload, &m); err != nil {
		t.Fatal(err)
	}
	deps := m.Releases[0].Dependencies
	if got := deps[0].GetRequirement(); got != ">= 0.0.0" {
		t.Errorf("empty requirement written as %q, want >= 0.0.0", got)
	}
	for i, d := range deps[:2] {
		if d.Optional != nil || d.App != nil || d.Repository != nil {
			t.Errorf("dependency %d: optional/app/repository written though default: %v", i, d)
		}
	}
	if d := deps[2]; !d.GetOptional() || d.GetApp() != "other_app" || d.GetRepository() != "hexpm" {
		t.Errorf("dependency 2: optional/app/repository lost: %v", d)
	}
	if m.Releases[0].OuterChecksum != nil || m.Releases[0].Retired != nil || m.Releases[0].PublishedAt != nil {
		t.Errorf("absent optional release fields written: %v", m.Releases[0])
	}
}

func TestRetirementReasons(t *testing.T) {
	for reason, want := range map[string]packagepb.RetirementReason{
		"other": 0, "invalid": 1, "security": 2, "deprecated": 3, "renamed": 4,
	} {
		p := &Package{Name: "a", Repository: "r", Releases: []Release{{
			Version: "1.0.0", InnerChecksum: sum("a"), Retired: &Retirement{Reason: reason},
		}}}
		payload, err := EncodePackage(p)
		if err != nil {
			t.Fatal(err)
		}
		var m packagepb.Package
		if err := proto.Unmarshal(payload, &m); err != nil {
			t.Fatal(err)
		}
		if got := m.Releases[0].Retired.GetReason(); got != want {
			t.Errorf("%s written as %d, want %d", reason, got, want)
		}
		back, err := DecodePackage(payload, "r", "a")
		if err != nil {
			t.Fatal(err)
		}
		if got := back.Releases[0].Retired.Reason; got != reason {
			t.Errorf("%s read back as %q", reason, got)
		}
	}
}

// TestUnknownRetirementReasonReadsAsOther covers a newer registry adding a
// reason: the client must still read the package.
func TestUnknownRetirementReasonReadsAsOther(t *testing.T) {
	payload, err := proto.Marshal(&packagepb.Package{Name: proto.String("a"), Repository: proto.String("r"), Releases: []*packagepb.Release{{
		Version:       proto.String("1.0.0"),
		InnerChecksum: sum("a"),
		Retired:       &packagepb.RetirementStatus{Reason: packagepb.RetirementReason(9).Enum(), Message: proto.String("new")},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := DecodePackage(payload, "r", "a")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := *p.Releases[0].Retired, (Retirement{Reason: "other", Message: "new"}); got != want {
		t.Errorf("retirement = %+v, want %+v", got, want)
	}
}

func TestDecodePackageRefuses(t *testing.T) {
	good, err := EncodePackage(samplePackage())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodePackage(good, "hexpm", "plug"); !errors.Is(err, ErrBadOrigin) {
		t.Errorf("wrong repository: err = %v, want ErrBadOrigin", err)
	}
	if _, err := DecodePackage(good, "acme", "plugs"); !errors.Is(err, ErrBadOrigin) {
		t.Errorf("wrong package: err = %v, want ErrBadOrigin", err)
	}
	noReason, _ := proto.Marshal(&packagepb.Package{Name: proto.String("a"), Repository: proto.String("r"), Releases: []*packagepb.Release{{
		Version: proto.String("1.0.0"), InnerChecksum: sum("a"), Retired: &packagepb.RetirementStatus{Message: proto.String("why?")},
	}}})
	noChecksum, _ := proto.MarshalOptions{AllowPartial: true}.Marshal(&packagepb.Package{Name: proto.String("a"), Repository: proto.String("r"), Releases: []*packagepb.Release{{
		Version: proto.String("1.0.0"),
	}}})
	for name, payload := range map[string][]byte{
		"garbage":                []byte{0x0a, 0xff},
		"retirement sans reason": noReason,
		"release sans checksum":  noChecksum,
	} {
		if _, err := DecodePackage(payload, "r", "a"); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}

func TestEncodePackageRefuses(t *testing.T) {
	for name, edit := range map[string]func(p *Package){
		"no name":            func(p *Package) { p.Name = "" },
		"no repository":      func(p *Package) { p.Repository = "" },
		"short inner":        func(p *Package) { p.Releases[0].InnerChecksum = []byte{1, 2} },
		"short outer":        func(p *Package) { p.Releases[1].OuterChecksum = []byte{1, 2} },
		"unknown reason":     func(p *Package) { p.Releases[1].Retired.Reason = "bored" },
		"empty reason":       func(p *Package) { p.Releases[1].Retired.Reason = "" },
		"duplicate version":  func(p *Package) { p.Releases[2].Version = "1.0.0" },
		"empty version":      func(p *Package) { p.Releases[2].Version = "" },
		"nameless dep":       func(p *Package) { p.Releases[1].Dependencies[0].Package = "" },
		"bad UTF-8 message":  func(p *Package) { p.Releases[1].Retired.Message = "\xc3" },
		"bad UTF-8 dep repo": func(p *Package) { p.Releases[1].Dependencies[0].Repository = "\xc3" },
		"published year 0":   func(p *Package) { p.Releases[1].PublishedAt = time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC) },
	} {
		p := samplePackage()
		edit(p)
		if _, err := EncodePackage(p); err == nil {
			t.Errorf("%s: EncodePackage succeeded", name)
		}
	}
	if _, err := EncodePackage(nil); err == nil {
		t.Error("EncodePackage(nil) succeeded")
	}
}
