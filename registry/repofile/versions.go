package repofile

import (
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/hexship/ship/registry/repofile/internal/pb/versionspb"
)

// EncodeVersionsEntry encodes e as one packages record (field 1) of a
// Versions payload, ready for AssembleVersions. It refuses retired indexes
// that do not point into e.Versions, or that repeat.
func EncodeVersionsEntry(e VersionsEntry) ([]byte, error) {
	if err := checkName("package name", e.Name); err != nil {
		return nil, err
	}
	for _, v := range e.Versions {
		if err := checkName("version of "+e.Name, v); err != nil {
			return nil, err
		}
	}
	if err := checkRetired(e.Retired, len(e.Versions)); err != nil {
		return nil, fmt.Errorf("repofile: package %q: %w", e.Name, err)
	}
	m := &versionspb.Package{Name: proto.String(e.Name), Versions: e.Versions, Retired: e.Retired}
	b, err := marshal.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("repofile: encode versions entry %q: %w", e.Name, err)
	}
	return appendRecord(nil, 1, b), nil
}

// AssembleVersions builds the Versions payload of repository from entries
// made by EncodeVersionsEntry, keeping their order.
func AssembleVersions(repository string, entries [][]byte) []byte {
	return assemble(repository, entries)
}

// DecodeVersions decodes a Versions payload and checks that it belongs to
// repository (ErrBadOrigin otherwise).
func DecodeVersions(payload []byte, repository string) (*Versions, error) {
	var m versionspb.Versions
	if err := unmarshal("versions", payload, &m); err != nil {
		return nil, err
	}
	if err := checkOrigin("repository", m.GetRepository(), repository); err != nil {
		return nil, err
	}
	out := &Versions{Repository: m.GetRepository()}
	if len(m.Packages) > 0 {
		out.Packages = make([]VersionsEntry, len(m.Packages))
	}
	for i, p := range m.Packages {
		if err := checkRetired(p.Retired, len(p.Versions)); err != nil {
			return nil, fmt.Errorf("%w: versions: package %q: %v", ErrMalformed, p.GetName(), err)
		}
		out.Packages[i] = VersionsEntry{Name: p.GetName(), Versions: p.Versions, Retired: p.Retired}
	}
	return out, nil
}

// checkRetired checks that each retired index points into n versions and
// appears once.
func checkRetired(retired []int32, n int) error {
	seen := make(map[int32]bool, len(retired))
	for _, r := range retired {
		if r < 0 || int(r) >= n {
			return fmt.Errorf("retired index %d outside its %d versions", r, n)
		}
		if seen[r] {
			return fmt.Errorf("retired index %d listed twice", r)
		}
		seen[r] = true
	}
	return nil
}
