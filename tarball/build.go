package tarball

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
)

// File is one entry of a package's contents, as Build writes it into
// contents.tar.gz. Build reads regular files through Open, one at a time,
// so a package is never held in memory whole.
type File struct {
	Name     string                        // slash-separated path inside the package, e.g. "src/foo.erl"
	Mode     fs.FileMode                   // type bits (fs.ModeDir, fs.ModeSymlink or none) and permissions
	Size     int64                         // regular files only
	Linkname string                        // symlinks only: the link target as stored
	Open     func() (io.ReadCloser, error) // regular files only
}

// Result describes a built tarball.
type Result struct {
	InnerChecksum [32]byte // SHA-256 of VERSION, metadata.config and contents.tar.gz
	OuterChecksum [32]byte // SHA-256 of the whole tarball; what registries and mix.lock record
	Size          int64    // bytes written
	ContentsSize  int64    // uncompressed size of contents.tar
}

// Limits bound what Build writes and Read accepts. hex_core and hex.pm use
// DefaultLimits.
type Limits struct {
	MaxSize             int64 // the whole outer tarball
	MaxUncompressedSize int64 // contents.tar after gunzip
	MaxMetadataSize     int64 // metadata.config
}

// DefaultLimits are hex_core's: 16 MiB, 128 MiB and 1 MiB.
var DefaultLimits = Limits{MaxSize: 16 << 20, MaxUncompressedSize: 128 << 20, MaxMetadataSize: 1 << 20}

// Build writes the package tarball for meta and files to w, the way
// hex_core's hex_tarball:create does: entries sorted by name, every entry
// stamped 2000-01-01 with uid and gid 0, and a gzip header with no time or
// OS. The same input always gives the same bytes.
//
// Files must name regular files, symlinks that stay inside the package, and
// empty directories; anything else is refused with an *Error before a byte
// is written to w.
func Build(w io.Writer, meta Metadata, files []File) (Result, error) {
	return DefaultLimits.Build(w, meta, files)
}

// Build is Build with these limits.
func (l Limits) Build(w io.Writer, meta Metadata, files []File) (Result, error) {
	metadata := meta.Encode()
	if int64(len(metadata)) > l.MaxMetadataSize {
		return Result{}, &Error{Kind: ErrFileTooBig, Name: "metadata.config"}
	}
	files, err := checkFiles(files)
	if err != nil {
		return Result{}, err
	}

	// The outer tar header of contents.tar.gz states its size, so the
	// compressed contents are kept until they are complete; they are at most
	// MaxSize bytes.
	var contents bytes.Buffer
	contentsSize, err := l.writeContents(&capWriter{w: &contents, max: l.MaxSize, err: l.tooBig()}, files)
	if err != nil {
		return Result{}, err
	}

	res, err := writeOuter(w, metadata, contents.Bytes())
	res.ContentsSize = contentsSize
	return res, err
}

// writeOuter writes the outer tar around metadata and the compressed
// contents, computing both checksums.
func writeOuter(w io.Writer, metadata, contents []byte) (Result, error) {
	var res Result
	inner := sha256.New()
	inner.Write([]byte(version))
	inner.Write(metadata)
	inner.Write(contents)
	inner.Sum(res.InnerChecksum[:0])

	outer := sha256.New()
	tw := newTarWriter(io.MultiWriter(w, outer))
	members := []struct {
		name string
		data []byte
	}{
		{"VERSION", []byte(version)},
		{"CHECKSUM", []byte(strings.ToUpper(hex.EncodeToString(res.InnerChecksum[:])))},
		{"metadata.config", metadata},
		{"contents.tar.gz", contents},
	}
	for _, m := range members {
		if err := tw.writeFile(m.name, m.data); err != nil {
			return Result{}, err
		}
	}
	if err := tw.close(); err != nil {
		return Result{}, err
	}
	outer.Sum(res.OuterChecksum[:0])
	res.Size = tw.written
	return res, nil
}

// version is the only tarball version this package reads and writes.
const version = "3"

// writeContents streams files as a gzipped tar into w and returns the
// uncompressed size.
func (l Limits) writeContents(w io.Writer, files []File) (int64, error) {
	var total int64
	for _, f := range files {
		total += f.Size
	}
	zw := newGzipWriter(w, total)
	n, err := writeContentsTar(&capWriter{w: zw, max: l.MaxUncompressedSize, err: l.tooBigUncompressed()}, files)
	if err == nil {
		err = zw.Close()
	}
	return n, err
}

// writeContentsTar writes files as an uncompressed tar and returns its size.
func writeContentsTar(w io.Writer, files []File) (int64, error) {
	tw := newTarWriter(w)
	for _, f := range files {
		if err := writeEntry(tw, f); err != nil {
			return tw.written, err
		}
	}
	err := tw.close()
	return tw.written, err
}

func writeEntry(tw *tarWriter, f File) error {
	h, err := headerFor(f)
	if err != nil {
		return err
	}
	if err := tw.writeHeader(h); err != nil {
		return err
	}
	if h.typeflag != typeRegular {
		return nil
	}
	r, err := f.Open()
	if err != nil {
		return fmt.Errorf("reading %s: %w", f.Name, err)
	}
	defer r.Close()
	n, err := io.Copy(tw.w, io.LimitReader(r, f.Size))
	tw.written += n
	var limit *Error
	if errors.As(err, &limit) {
		return err // a size limit, not a problem with this file
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", f.Name, err)
	}
	if n != f.Size {
		return fmt.Errorf("reading %s: file changed while it was read (%d bytes, expected %d)", f.Name, n, f.Size)
	}
	return tw.pad(f.Size)
}

// checkFiles validates names and types and returns the files sorted by name.
func checkFiles(files []File) ([]File, error) {
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	for i, f := range files {
		if !safeRelativePath(f.Name) {
			return nil, &Error{Kind: ErrUnsafePath, Name: f.Name}
		}
		if i > 0 && files[i-1].Name == f.Name {
			return nil, &Error{Kind: ErrDuplicateMember, Name: f.Name}
		}
		switch {
		case f.Mode.IsRegular():
			if f.Open == nil {
				return nil, fmt.Errorf("tarball: file %s has no Open function", f.Name)
			}
		case f.Mode.IsDir():
		case f.Mode&fs.ModeSymlink != 0:
			if !safeSymlink(f.Name, f.Linkname) {
				return nil, &Error{Kind: ErrUnsafeSymlink, Name: f.Name, Detail: f.Linkname}
			}
		default:
			return nil, &Error{Kind: ErrUnsupportedFileType, Name: f.Name, Detail: f.Mode.Type().String()}
		}
	}
	return files, nil
}
