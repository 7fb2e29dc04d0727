package repofile

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/hexship/ship/registry/repofile/internal/pb/packagepb"
)

// anyRequirement is what hexpm writes for a dependency without a
// requirement.
const anyRequirement = ">= 0.0.0"

// checksumSize is the length of a SHA-256 checksum.
const checksumSize = 32

// reasons maps Retirement.Reason to the wire enum.
var reasons = map[string]packagepb.RetirementReason{
	"other":      packagepb.RetirementReason_RETIRED_OTHER,
	"invalid":    packagepb.RetirementReason_RETIRED_INVALID,
	"security":   packagepb.RetirementReason_RETIRED_SECURITY,
	"deprecated": packagepb.RetirementReason_RETIRED_DEPRECATED,
	"renamed":    packagepb.RetirementReason_RETIRED_RENAMED,
}

// reasonNames is reasons reversed.
var reasonNames = func() map[packagepb.RetirementReason]string {
	m := make(map[packagepb.RetirementReason]string, len(reasons))
	for k, v := range reasons {
		m[v] = k
	}
	return m
}()

// EncodePackage encodes p as the payload of /packages/NAME, with the releases
// in the order given (hexpm sorts them ascending by SemVer). Dependencies
// follow hexpm: an empty requirement is written ">= 0.0.0", optional only
// when true, app only when it differs from the package name and repository
// only when it differs from p.Repository.
func EncodePackage(p *Package) ([]byte, error) {
	if p == nil {
		return nil, fmt.Errorf("repofile: nil package")
	}
	if err := checkName("package name", p.Name); err != nil {
		return nil, err
	}
	if err := checkName("repository name", p.Repository); err != nil {
		return nil, err
	}
	m := &packagepb.Package{
		Name:       proto.String(p.Name),
		Repository: proto.String(p.Repository),
		Releases:   make([]*packagepb.Release, 0, len(p.Releases)),
	}
	seen := make(map[string]bool, len(p.Releases))
	for i := range p.Releases {
		r := &p.Releases[i]
		if seen[r.Version] {
			return nil, fmt.Errorf("repofile: package %q: version %q listed twice", p.Name, r.Version)
		}
		seen[r.Version] = true
		pr, err := encodeRelease(p.Repository, r)
		if err != nil {
			return nil, fmt.Errorf("repofile: package %q version %q: %w", p.Name, r.Version, err)
		}
		m.Releases = append(m.Releases, pr)
	}
	b, err := marshal.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("repofile: encode package %q: %w", p.Name, err)
	}
	return b, nil
}

// encodeRelease converts one release, repository being the package's own.
func encodeRelease(repository string, r *Release) (*packagepb.Release, error) {
	if err := checkName("version", r.Version); err != nil {
		return nil, err
	}
	if len(r.InnerChecksum) != checksumSize {
		return nil, fmt.Errorf("inner checksum is %d bytes, want %d (SHA-256)", len(r.InnerChecksum), checksumSize)
	}
	if n := len(r.OuterChecksum); n != 0 && n != checksumSize {
		return nil, fmt.Errorf("outer checksum is %d bytes, want %d (SHA-256)", n, checksumSize)
	}
	pr := &packagepb.Release{
		Version:       proto.String(r.Version),
		InnerChecksum: r.InnerChecksum,
		Dependencies:  make([]*packagepb.Dependency, 0, len(r.Dependencies)),
	}
	if len(r.OuterChecksum) > 0 {
		pr.OuterChecksum = r.OuterChecksum
	}
	for _, d := range r.Dependencies {
		pd, err := encodeDependency(repository, d)
		if err != nil {
			return nil, err
		}
		pr.Dependencies = append(pr.Dependencies, pd)
	}
	if rt := r.Retired; rt != nil {
		reason, ok := reasons[rt.Reason]
		if !ok {
			return nil, fmt.Errorf("unknown retirement reason %q (want other, invalid, security, deprecated or renamed)", rt.Reason)
		}
		if err := checkText("retirement message", rt.Message); err != nil {
			return nil, err
		}
		pr.Retired = &packagepb.RetirementStatus{Reason: reason.Enum()}
		if rt.Message != "" {
			pr.Retired.Message = proto.String(rt.Message)
		}
	}
	if !r.PublishedAt.IsZero() {
		s, n, err := toTimestamp("published_at", r.PublishedAt)
		if err != nil {
			return nil, err
		}
		pr.PublishedAt = &packagepb.Timestamp{Seconds: proto.Int64(s), Nanos: proto.Int32(n)}
	}
	return pr, nil
}

// encodeDependency applies hexpm's rules for which dependency fields to
// write.
func encodeDependency(repository string, d Dependency) (*packagepb.Dependency, error) {
	if err := checkName("dependency name", d.Package); err != nil {
		return nil, err
	}
	for _, f := range [...]struct{ what, s string }{{"requirement", d.Requirement}, {"app", d.App}, {"repository", d.Repository}} {
		if err := checkText("dependency "+d.Package+" "+f.what, f.s); err != nil {
			return nil, err
		}
	}
	req := d.Requirement
	if req == "" {
		req = anyRequirement
	}
	pd := &packagepb.Dependency{Package: proto.String(d.Package), Requirement: proto.String(req)}
	if d.Optional {
		pd.Optional = proto.Bool(true)
	}
	if d.App != "" && d.App != d.Package {
		pd.App = proto.String(d.App)
	}
	if d.Repository != "" && d.Repository != repository {
		pd.Repository = proto.String(d.Repository)
	}
	return pd, nil
}

// DecodePackage decodes the payload of /packages/NAME and checks that it
// belongs to repository and is the package name (ErrBadOrigin otherwise).
// Fields left out on the wire stay empty: an empty Dependency.App means the
// package name and an empty Dependency.Repository means repository. A
// retirement reason this package does not know reads as "other".
func DecodePackage(payload []byte, repository, name string) (*Package, error) {
	var m packagepb.Package
	// Partial first: a retirement reason from a newer registry lands in the
	// unknown fields (proto2 enums are closed), leaving the required reason
	// unset; it is mapped to "other" before required fields are checked.
	if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(payload, &m); err != nil {
		return nil, fmt.Errorf("%w: package: %v", ErrMalformed, err)
	}
	for _, r := range m.Releases {
		if st := r.Retired; st != nil && st.Reason == nil && hasField(st.ProtoReflect().GetUnknown(), 1) {
			st.Reason = packagepb.RetirementReason_RETIRED_OTHER.Enum()
		}
	}
	if err := proto.CheckInitialized(&m); err != nil {
		return nil, fmt.Errorf("%w: package: %v", ErrMalformed, err)
	}
	if err := checkOrigin("repository", m.GetRepository(), repository); err != nil {
		return nil, err
	}
	if err := checkOrigin("package", m.GetName(), name); err != nil {
		return nil, err
	}
	out := &Package{Name: m.GetName(), Repository: m.GetRepository()}
	if len(m.Releases) > 0 {
		out.Releases = make([]Release, len(m.Releases))
	}
	for i, pr := range m.Releases {
		r, err := decodeRelease(pr)
		if err != nil {
			return nil, fmt.Errorf("package %q version %q: %w", m.GetName(), pr.GetVersion(), err)
		}
		out.Releases[i] = r
	}
	return out, nil
}

// decodeRelease converts one release from the wire.
func decodeRelease(pr *packagepb.Release) (Release, error) {
	r := Release{
		Version:       pr.GetVersion(),
		InnerChecksum: pr.InnerChecksum,
		OuterChecksum: pr.OuterChecksum,
	}
	if len(pr.Dependencies) > 0 {
		r.Dependencies = make([]Dependency, len(pr.Dependencies))
	}
	for i, d := range pr.Dependencies {
		r.Dependencies[i] = Dependency{
			Package:     d.GetPackage(),
			Requirement: d.GetRequirement(),
			Optional:    d.GetOptional(),
			App:         d.GetApp(),
			Repository:  d.GetRepository(),
		}
	}
	if st := pr.Retired; st != nil {
		reason, ok := reasonNames[st.GetReason()]
		if !ok {
			reason = "other"
		}
		r.Retired = &Retirement{Reason: reason, Message: st.GetMessage()}
	}
	if ts := pr.PublishedAt; ts != nil {
		t, err := fromTimestamp(ts.GetSeconds(), ts.GetNanos())
		if err != nil {
			return Release{}, err
		}
		r.PublishedAt = t
	}
	return r, nil
}

// hasField reports whether the raw fields b hold field number num.
func hasField(b []byte, num protowire.Number) bool {
	for len(b) > 0 {
		n, _, l := protowire.ConsumeField(b)
		if l < 0 {
			return false
		}
		if n == num {
			return true
		}
		b = b[l:]
	}
	return false
}
