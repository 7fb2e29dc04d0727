package tarball

import (
	"io"
	"io/fs"
)

// FSFiles lists everything in fsys as Files for Build: regular files (read
// lazily through fsys), symlinks (read with fs.ReadLink, never followed),
// and empty directories, which hex_core keeps as entries. Choosing which
// files belong to a package is the caller's job; package publish does it
// for a package directory.
func FSFiles(fsys fs.FS) ([]File, error) {
	var files []File
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || name == "." {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		f := File{Name: name, Mode: info.Mode()}
		switch {
		case info.Mode().IsRegular():
			f.Size = info.Size()
			f.Open = func() (io.ReadCloser, error) { return fsys.Open(name) }
		case info.IsDir():
			entries, err := fs.ReadDir(fsys, name)
			if err != nil || len(entries) > 0 {
				return err
			}
		case info.Mode()&fs.ModeSymlink != 0:
			if f.Linkname, err = fs.ReadLink(fsys, name); err != nil {
				return err
			}
		}
		files = append(files, f)
		return nil
	})
	return files, err
}
