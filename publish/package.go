// Package publish turns a package directory into a Hex package: it reads
// ship.toml, checks it against hex.pm's rules, selects the files and builds
// the tarball with package tarball.
//
// Choices worth knowing:
//
//   - ship.toml is not packaged by default: it tells ship how to publish,
//     and nothing that builds or uses the package reads it.
//   - Everything wrong is reported at once, in a *ManifestError, so that
//     one run shows the author the whole list.
//   - Version control, build and dependency directories (.git, _build,
//     deps, node_modules, ...) are never packaged, and wildcards do not
//     match dotfiles, so a broad pattern cannot publish .env by accident.
//   - Symlinks are packaged as symlinks, and only when they point inside
//     the package; what they point to is never read.
//   - links and requirements are written sorted by name, as mix writes
//     them (TOML tables do not keep their order when decoded).
package publish

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hexship/ship/tarball"
)

// Package is a package directory, checked and ready to build.
type Package struct {
	Dir          string           // the package directory, as given to Load
	ManifestPath string           // Dir's ship.toml
	Metadata     tarball.Metadata // what metadata.config will say
	Files        []tarball.File   // the contents, sorted by name
	Warnings     []string         // things hex.pm accepts but the author should know, one per line
}

// exampleManifest is the smallest ship.toml hex.pm accepts.
const exampleManifest = `name = "my_package"
version = "0.1.0"
description = "What the package does, in one sentence."
licenses = ["Apache-2.0"]

[links]
GitHub = "https://github.com/me/my_package"
`

// Load reads dir's ship.toml, checks it and selects the package's files.
// Problems in ship.toml or with the files come back together in a
// *ManifestError; a missing ship.toml gives an error that wraps
// fs.ErrNotExist and shows how to write one.
func Load(dir string) (*Package, error) {
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: no such package directory", dir)
	}
	if err != nil {
		return nil, err
	}
	defer root.Close()

	manifestPath := filepath.Join(dir, ManifestName)
	data, err := root.ReadFile(ManifestName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w; create it to describe the package, for example:\n\n%s", manifestPath, fs.ErrNotExist, exampleManifest)
	}
	if err != nil {
		return nil, err
	}

	r := &report{file: manifestPath}
	m, err := parseManifest(r, data)
	if err != nil {
		return nil, err
	}
	r.check(m)
	sel, err := selectFiles(r, root, dir, m.Files)
	if err != nil {
		return nil, err
	}
	if err := r.err(); err != nil {
		return nil, err
	}
	return &Package{
		Dir:          dir,
		ManifestPath: manifestPath,
		Metadata:     m.metadata(sel),
		Files:        sel.files,
		Warnings:     r.warnings,
	}, nil
}

// Build writes the package tarball to w.
func (p *Package) Build(w io.Writer) (tarball.Result, error) {
	return tarball.Build(w, p.Metadata, p.Files)
}

// TotalSize is the size of the package's regular files, before
// compression.
func (p *Package) TotalSize() int64 {
	var total int64
	for _, f := range p.Files {
		if f.Mode.IsRegular() {
			total += f.Size
		}
	}
	return total
}

// DefaultOutput is the tarball's conventional file name, NAME-VERSION.tar,
// which is also its name in a repository's tarballs/ directory.
func (p *Package) DefaultOutput() string {
	return p.Metadata.Name + "-" + p.Metadata.Version + ".tar"
}
