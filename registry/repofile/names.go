package repofile

import (
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/hexship/ship/registry/repofile/internal/pb/namespb"
)

// EncodeNamesEntry encodes e as one packages record (field 1) of a Names
// payload, ready for AssembleNames.
func EncodeNamesEntry(e NamesEntry) ([]byte, error) {
	if err := checkName("package name", e.Name); err != nil {
		return nil, err
	}
	m := &namespb.Package{Name: proto.String(e.Name)}
	if !e.UpdatedAt.IsZero() {
		s, n, err := toTimestamp("updated_at of "+e.Name, e.UpdatedAt)
		if err != nil {
			return nil, err
		}
		m.UpdatedAt = &namespb.Timestamp{Seconds: proto.Int64(s), Nanos: proto.Int32(n)}
	}
	b, err := marshal.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("repofile: encode names entry %q: %w", e.Name, err)
	}
	return appendRecord(nil, 1, b), nil
}

// AssembleNames builds the Names payload of repository from entries made by
// EncodeNamesEntry, keeping their order (hexpm sorts by name).
func AssembleNames(repository string, entries [][]byte) []byte {
	return assemble(repository, entries)
}

// DecodeNames decodes a Names payload and checks that it belongs to
// repository (ErrBadOrigin otherwise).
func DecodeNames(payload []byte, repository string) (*Names, error) {
	var m namespb.Names
	if err := unmarshal("names", payload, &m); err != nil {
		return nil, err
	}
	if err := checkOrigin("repository", m.GetRepository(), repository); err != nil {
		return nil, err
	}
	out := &Names{Repository: m.GetRepository()}
	if len(m.Packages) > 0 {
		out.Packages = make([]NamesEntry, len(m.Packages))
	}
	for i, p := range m.Packages {
		out.Packages[i].Name = p.GetName()
		if ts := p.UpdatedAt; ts != nil {
			t, err := fromTimestamp(ts.GetSeconds(), ts.GetNanos())
			if err != nil {
				return nil, fmt.Errorf("names: package %q: %w", p.GetName(), err)
			}
			out.Packages[i].UpdatedAt = t
		}
	}
	return out, nil
}
