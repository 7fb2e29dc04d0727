package httpapi_test

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/hexship/ship/tarball"
)

// member is one file of a package's outer tar.
type member struct {
	name string
	data []byte
}

// members splits a package tarball into its outer members.
func members(t *testing.T, pkg []byte) []member {
	t.Helper()
	var out []member
	tr := tar.NewReader(bytes.NewReader(pkg))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, member{hdr.Name, data})
	}
}

// repack writes members as an outer tar again, after edit changed them.
func repack(t *testing.T, pkg []byte, edit func([]member) []member) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, m := range edit(members(t, pkg)) {
		if err := tw.WriteHeader(&tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(m.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// flipIn flips one byte in the middle of the named member's data, in place
// in the tarball, as a transmission error would.
func flipIn(t *testing.T, pkg []byte, name string) []byte {
	t.Helper()
	for _, m := range members(t, pkg) {
		if m.name != name {
			continue
		}
		at := bytes.Index(pkg, m.data)
		if at < 0 {
			t.Fatalf("%s not found in the tarball", name)
		}
		out := bytes.Clone(pkg)
		out[at+len(m.data)/2] ^= 0x20
		return out
	}
	t.Fatalf("no member %s", name)
	return nil
}

// repoState is everything a refused upload must leave as it was.
type repoState struct {
	names, versions, pkgFile, tarball []byte
	blobs                             []string
}

func (r *testRegistry) repoState(name, version string) repoState {
	r.t.Helper()
	return repoState{
		names:    r.call("GET", "/repo/names").wantStatus(http.StatusOK).body,
		versions: r.call("GET", "/repo/versions").wantStatus(http.StatusOK).body,
		pkgFile:  r.call("GET", "/repo/packages/"+name).wantStatus(http.StatusOK).body,
		tarball:  r.call("GET", "/repo/tarballs/"+name+"-"+version+".tar").wantStatus(http.StatusOK).body,
		blobs:    r.blobFiles(),
	}
}

// wantNothingStored checks that a refused upload of package fresh left no
// trace and did not touch the existing package.
func (r *testRegistry) wantNothingStored(fresh string, before repoState, existing, version string) {
	r.t.Helper()
	r.call("GET", "/api/packages/"+fresh).wantStatus(http.StatusNotFound)
	r.call("GET", "/repo/packages/"+fresh).wantStatus(http.StatusNotFound)
	after := r.repoState(existing, version)
	if !bytes.Equal(after.names, before.names) {
		r.t.Error("/repo/names changed")
	}
	if !bytes.Equal(after.versions, before.versions) {
		r.t.Error("/repo/versions changed")
	}
	if !bytes.Equal(after.pkgFile, before.pkgFile) {
		r.t.Errorf("/repo/packages/%s changed", existing)
	}
	if !bytes.Equal(after.tarball, before.tarball) {
		r.t.Errorf("the tarball of %s %s changed", existing, version)
	}
	if !reflect.DeepEqual(after.blobs, before.blobs) {
		r.t.Errorf("blobs changed:\nbefore %q\nafter  %q", before.blobs, after.blobs)
	}
}

func TestTamperedUploadIsRefusedInHexCoreWordsAndNothingIsStored(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	reg.mustPublish(key, "base", "1.0.0")

	tests := []struct {
		name   string
		tamper func(pkg []byte) []byte
		kind   error  // the tarball package's classification
		prefix string // hex_core's words the message starts with
	}{
		{"flipped byte in contents", func(p []byte) []byte { return flipIn(t, p, "contents.tar.gz") },
			tarball.ErrChecksumMismatch, "tarball checksum mismatch\n\nExpected (base16-encoded): "},
		{"flipped byte in metadata", func(p []byte) []byte { return flipIn(t, p, "metadata.config") },
			tarball.ErrChecksumMismatch, "tarball checksum mismatch\n\nExpected (base16-encoded): "},
		{"truncated", func(p []byte) []byte { return p[:len(p)/2] },
			tarball.ErrBadTar, "tarball error"},
		{"not a tar", func([]byte) []byte { return bytes.Repeat([]byte("not a tarball\n"), 100) },
			tarball.ErrBadTar, "tarball error"},
		{"VERSION 2", func(p []byte) []byte {
			return repack(t, p, func(ms []member) []member {
				ms[0].data = []byte("2")
				return ms
			})
		}, tarball.ErrBadVersion, `unsupported version: "2"`},
		{"missing metadata.config", func(p []byte) []byte {
			return repack(t, p, func(ms []member) []member {
				var out []member
				for _, m := range ms {
					if m.name != "metadata.config" {
						out = append(out, m)
					}
				}
				return out
			})
		}, tarball.ErrMissingFiles, `missing files: ["metadata.config"]`},
		{"bad inner checksum", func(p []byte) []byte {
			return repack(t, p, func(ms []member) []member {
				ms[1].data = []byte("not hex")
				return ms
			})
		}, tarball.ErrInvalidChecksum, "invalid tarball checksum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A new package, and a replacement of the existing release: each
			// must be refused whole.
			for _, target := range []struct {
				name    string
				replace bool
			}{{"fresh", false}, {"base", true}} {
				meta := metadata(target.name, "1.0.0")
				meta.Description = "Tampered with."
				bad := tt.tamper(build(t, meta))
				_, readErr := tarball.Read(bytes.NewReader(bad), nil)
				if !errors.Is(readErr, tt.kind) {
					t.Fatalf("tarball.Read: %v, want a %v", readErr, tt.kind)
				}
				want := readErr.Error()
				if !strings.HasPrefix(want, tt.prefix) {
					t.Fatalf("tarball's message %q does not start with hex_core's %q", want, tt.prefix)
				}
				before := reg.repoState("base", "1.0.0")
				reg.publish(key, target.name, bad, target.replace).wantTarError(want)
				reg.wantNothingStored("fresh", before, "base", "1.0.0")
			}
		})
	}
}

func TestInvalidMetadataIsRefusedWithNestedErrorsAndNothingIsStored(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	reg.mustPublish(key, "base", "1.0.0")

	tests := []struct {
		name string
		edit func(m *tarball.Metadata)
		want map[string]any
	}{
		{"version not SemVer", func(m *tarball.Metadata) { m.Version = "1.0" },
			map[string]any{"version": "is invalid SemVer"}},
		{"version with build metadata", func(m *tarball.Metadata) { m.Version = "1.0.0+build.1" },
			map[string]any{"version": "build number not allowed"}},
		{"name with capitals", func(m *tarball.Metadata) { m.Name = "Fresh" },
			map[string]any{"name": "has invalid format"}},
		{"reserved name", func(m *tarball.Metadata) { m.Name = "elixir" },
			map[string]any{"name": "is reserved"}},
		{"description and license", func(m *tarball.Metadata) {
			m.Description = ""
			m.Licenses = []string{"Not-A-License"}
		}, map[string]any{"meta": map[string]any{
			"description": "can't be blank",
			"licenses":    `invalid license "Not-A-License"`,
		}}},
		{"bad requirement", func(m *tarball.Metadata) {
			m.Requirements = []tarball.Requirement{{Name: "base", Requirement: "~> one"}}
		}, map[string]any{"requirements": map[string]any{"base": `invalid requirement: "~> one"`}}},
		{"dependency on a missing package", func(m *tarball.Metadata) {
			m.Requirements = []tarball.Requirement{
				{Name: "base", Requirement: "~> 1.0"},
				{Name: "ghost", Requirement: "~> 1.0"},
			}
		}, map[string]any{"requirements": map[string]any{"ghost": `package does not exist in repository "shipyard"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			meta := metadata("fresh", "1.0.0")
			tt.edit(&meta)
			before := reg.repoState("base", "1.0.0")
			reg.call("POST", "/api/publish", auth(key), body(mediaTar, build(t, meta))).
				wantError(http.StatusUnprocessableEntity, "Validation error(s)", tt.want)
			reg.call("GET", "/api/packages/"+meta.Name).wantStatus(http.StatusNotFound)
			reg.wantNothingStored("fresh", before, "base", "1.0.0")
		})
	}
}

func TestPublishNameMustMatchTheURL(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	reg.publish(key, "other", build(t, metadata("fresh", "1.0.0")), false).
		wantError(http.StatusUnprocessableEntity, "Validation error(s)", map[string]any{"name": "metadata does not match package name"})
	reg.call("GET", "/api/packages/other").wantStatus(http.StatusNotFound)
	reg.call("GET", "/api/packages/fresh").wantStatus(http.StatusNotFound)
	if files := reg.blobFiles(); len(files) != 0 {
		t.Errorf("blobs left behind: %q", files)
	}
}
