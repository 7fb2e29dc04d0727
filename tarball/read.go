package tarball

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// Package is what Read learned from a valid tarball.
type Package struct {
	Metadata      Metadata
	MetadataRaw   []byte // metadata.config as stored
	Files         []FileInfo
	InnerChecksum [32]byte
	OuterChecksum [32]byte
	Size          int64 // bytes of the outer tarball
	ContentsSize  int64 // bytes of contents.tar after gunzip
}

// FileInfo describes one entry of contents.tar.gz.
type FileInfo struct {
	Name     string      // slash-separated, without a trailing slash
	Mode     fs.FileMode // type bits and permissions
	Size     int64
	Linkname string // symlinks only
}

// ReadOptions tune Read. The zero value uses DefaultLimits.
type ReadOptions struct {
	Limits Limits
	// OnFile, when set, is called for each regular file of the contents in
	// archive order, with a reader of its bytes. Returning an error stops
	// Read with that error.
	OnFile func(f FileInfo, r io.Reader) error
}

// outerMembers are the members of a version 3 tarball, in the order they
// are written; memberLimit says how large each may be.
var outerMembers = []string{"VERSION", "CHECKSUM", "metadata.config", "contents.tar.gz"}

// Read verifies an untrusted package tarball and returns what it holds. It
// reads r to its end. Every refusal is an *Error (see the Err* kinds); the
// contents are checked entry by entry as they are inflated, so a gzip bomb
// or a hostile path is stopped as soon as it appears.
func Read(r io.Reader, opts *ReadOptions) (*Package, error) {
	if opts == nil {
		opts = &ReadOptions{}
	}
	limits := opts.Limits
	if limits == (Limits{}) {
		limits = DefaultLimits
	}
	outerHash := sha256.New()
	capped := &capReader{r: io.TeeReader(r, outerHash), max: limits.MaxSize, err: limits.tooBig()}

	members, err := readOuter(capped, limits)
	if err == nil {
		// The outer checksum covers every byte, including the zero blocks
		// and any padding the tar reader leaves unread.
		_, err = io.Copy(io.Discard, capped)
	}
	if err != nil {
		var te *Error
		if errors.As(err, &te) {
			return nil, err
		}
		return nil, &Error{Kind: ErrBadTar, Err: err}
	}

	pkg := &Package{Size: capped.n}
	outerHash.Sum(pkg.OuterChecksum[:0])
	if err := checkMembers(members, pkg); err != nil {
		return nil, err
	}
	if pkg.Metadata, err = DecodeMetadata(members["metadata.config"]); err != nil {
		return nil, &Error{Kind: ErrMetadata, Err: err}
	}
	pkg.MetadataRaw = members["metadata.config"]
	if err := readContents(members["contents.tar.gz"], limits, opts.OnFile, pkg); err != nil {
		return nil, err
	}
	return pkg, nil
}

// readOuter reads the known members of the outer tar into memory, each
// within its size cap, and skips unknown ones as hex_core does.
func readOuter(r io.Reader, limits Limits) (map[string][]byte, error) {
	members := map[string][]byte{}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return members, nil
		}
		if err != nil {
			return nil, err
		}
		max, known := memberLimit(hdr.Name, limits)
		if !known {
			continue
		}
		if _, dup := members[hdr.Name]; dup {
			return nil, &Error{Kind: ErrDuplicateMember, Name: hdr.Name}
		}
		if hdr.Typeflag != tar.TypeReg {
			return nil, &Error{Kind: ErrUnsupportedFileType, Name: hdr.Name, Detail: typeName(hdr.Typeflag)}
		}
		if hdr.Size > max {
			return nil, &Error{Kind: ErrFileTooBig, Name: hdr.Name}
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		members[hdr.Name] = data
	}
}

func memberLimit(name string, limits Limits) (int64, bool) {
	switch name {
	case "VERSION":
		return 32, true
	case "CHECKSUM":
		return 128, true
	case "metadata.config":
		return limits.MaxMetadataSize, true
	case "contents.tar.gz":
		return limits.MaxSize, true
	}
	return 0, false
}

// checkMembers checks presence, version and the inner checksum.
func checkMembers(members map[string][]byte, pkg *Package) error {
	var missing []string
	for _, name := range outerMembers {
		if _, ok := members[name]; !ok {
			missing = append(missing, fmt.Sprintf("%q", name))
		}
	}
	if len(missing) > 0 {
		return &Error{Kind: ErrMissingFiles, Detail: "[" + strings.Join(missing, ",") + "]"}
	}
	if v := string(members["VERSION"]); v != version {
		return &Error{Kind: ErrBadVersion, Detail: v}
	}
	want, err := hex.DecodeString(string(members["CHECKSUM"]))
	if err != nil || len(want) != sha256.Size {
		return &Error{Kind: ErrInvalidChecksum}
	}
	h := sha256.New()
	h.Write(members["VERSION"])
	h.Write(members["metadata.config"])
	h.Write(members["contents.tar.gz"])
	h.Sum(pkg.InnerChecksum[:0])
	if !bytes.Equal(want, pkg.InnerChecksum[:]) {
		return &Error{Kind: ErrChecksumMismatch, Detail: fmt.Sprintf(
			"Expected (base16-encoded): %X\nActual   (base16-encoded): %X", want, pkg.InnerChecksum)}
	}
	return nil
}

// readContents inflates and walks contents.tar.gz, refusing unsafe entries
// and stopping at the first byte past the uncompressed limit.
func readContents(gz []byte, limits Limits, onFile func(FileInfo, io.Reader) error, pkg *Package) error {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return &Error{Kind: ErrBadContents, Err: err}
	}
	raw := &capReader{r: zr, max: limits.MaxUncompressedSize, err: limits.tooBigUncompressed()}
	if err := walkContents(tar.NewReader(raw), limits, onFile, pkg); err != nil {
		return contentsError(err)
	}
	// Read to the end so the gzip trailer (CRC and size) is verified.
	if _, err := io.Copy(io.Discard, raw); err != nil {
		return contentsError(err)
	}
	pkg.ContentsSize = raw.n
	return nil
}

func walkContents(tr *tar.Reader, limits Limits, onFile func(FileInfo, io.Reader) error, pkg *Package) error {
	// The sizes headers claim are bounded too, not only the bytes inflated,
	// so that no entry can make OnFile read more than the limit.
	var claimed int64
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		fi, err := checkEntry(hdr)
		if err != nil {
			return err
		}
		claimed += fi.Size
		if fi.Size > limits.MaxUncompressedSize || claimed > limits.MaxUncompressedSize {
			return limits.tooBigUncompressed()
		}
		pkg.Files = append(pkg.Files, fi)
		if onFile != nil && fi.Mode.IsRegular() {
			if err := onFile(fi, tr); err != nil {
				return callerError{err}
			}
		}
	}
}

// checkEntry applies hex_core's path and type rules to one contents entry.
func checkEntry(hdr *tar.Header) (FileInfo, error) {
	name := strings.TrimSuffix(hdr.Name, "/")
	if !safeRelativePath(name) {
		return FileInfo{}, &Error{Kind: ErrUnsafePath, Name: hdr.Name}
	}
	fi := FileInfo{Name: name, Mode: hdr.FileInfo().Mode()}
	if isSparse(hdr) {
		// A sparse entry's holes read as zeros that were never stored, so
		// a few bytes could claim any size; hex_core never writes them.
		return FileInfo{}, &Error{Kind: ErrUnsupportedFileType, Name: name, Detail: "sparse"}
	}
	switch hdr.Typeflag {
	case tar.TypeReg:
		fi.Size = hdr.Size
	case tar.TypeDir:
	case tar.TypeSymlink:
		if !safeSymlink(name, hdr.Linkname) {
			return FileInfo{}, &Error{Kind: ErrUnsafeSymlink, Name: name, Detail: hdr.Linkname}
		}
		fi.Linkname = hdr.Linkname
	default:
		return FileInfo{}, &Error{Kind: ErrUnsupportedFileType, Name: name, Detail: typeName(hdr.Typeflag)}
	}
	return fi, nil
}

// callerError carries an OnFile error through unchanged.
type callerError struct{ err error }

func (e callerError) Error() string { return e.err.Error() }

func contentsError(err error) error {
	var ce callerError
	if errors.As(err, &ce) {
		return ce.err
	}
	var te *Error
	if errors.As(err, &te) {
		return err
	}
	return &Error{Kind: ErrBadContents, Err: err}
}

// isSparse reports whether hdr is a GNU sparse file, in the old GNU or in
// the PAX form; archive/tar presents the PAX form as a regular file.
func isSparse(hdr *tar.Header) bool {
	if hdr.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// typeName names a tar entry type in the words hex_core's errors use.
func typeName(flag byte) string {
	switch flag {
	case tar.TypeLink:
		return "link"
	case tar.TypeChar, tar.TypeBlock:
		return "device"
	case tar.TypeFifo:
		return "fifo"
	case tar.TypeDir:
		return "directory"
	case tar.TypeSymlink:
		return "symlink"
	}
	return fmt.Sprintf("type %q", flag)
}
