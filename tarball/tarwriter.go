package tarball

import (
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// The tar layout below reproduces the headers of hex_core's vendored erl_tar
// byte for byte, which Go's archive/tar does not: erl_tar keeps the file-type
// bits in the mode field ("0100644"), writes the checksum as seven octal
// digits and a NUL (Go writes six and a space), writes devmajor/devminor as
// zeros, and uses a PAX header only when a name cannot be split into the
// ustar prefix and name fields.

const (
	blockSize = 512

	// epoch is the time hex_core stamps on every entry: 2000-01-01T00:00:00Z.
	epoch = 946684800

	typeRegular = '0'
	typeSymlink = '2'
	typeDir     = '5'
	typePAX     = 'x'

	// Unix st_mode type bits, which erl_tar stores in the mode field.
	modeRegular = 0o100000
	modeDir     = 0o040000
	modeSymlink = 0o120000

	// defaultMode is erl_tar's mode for members added from memory.
	defaultMode = modeRegular | 0o644
)

// ustar field offsets and lengths.
const (
	offName, lenName         = 0, 100
	offMode, lenMode         = 100, 8
	offUID, lenUID           = 108, 8
	offGID, lenGID           = 116, 8
	offSize, lenSize         = 124, 12
	offMtime, lenMtime       = 136, 12
	offChksum, lenChksum     = 148, 8
	offType                  = 156
	offLinkname, lenLinkname = 157, 100
	offMagic                 = 257
	offDevmajor, lenDevmajor = 329, 8
	offDevminor, lenDevminor = 337, 8
	offPrefix, lenPrefix     = 345, 155
)

// entryHeader is what tarWriter needs to know about one entry.
type entryHeader struct {
	name     string // archive path; directories carry a trailing slash
	mode     int64  // st_mode: type bits and permissions
	size     int64
	typeflag byte
	linkname string
}

// tarWriter writes an erl_tar-compatible tar stream.
type tarWriter struct {
	w       io.Writer
	written int64
	block   [blockSize]byte
}

func newTarWriter(w io.Writer) *tarWriter { return &tarWriter{w: w} }

// writeHeader writes the header blocks of one entry (a PAX entry first when
// a name needs one). The caller then writes exactly h.size bytes of data
// followed by pad.
func (t *tarWriter) writeHeader(h entryHeader) error {
	pax := map[string]string{}
	blk := &t.block
	clear(blk[:])

	if needsPAX(h.name, lenName) {
		if name, prefix, ok := splitUstarPath(h.name); ok {
			putString(blk[offName:offName+lenName], name)
			putString(blk[offPrefix:offPrefix+lenPrefix], prefix)
		} else {
			pax["path"] = h.name
		}
	} else {
		putString(blk[offName:offName+lenName], h.name)
	}
	if needsPAX(h.linkname, lenLinkname) {
		pax["linkpath"] = h.linkname
	} else {
		putString(blk[offLinkname:offLinkname+lenLinkname], h.linkname)
	}
	putOctal(blk[offMode:offMode+lenMode], h.mode)
	putOctal(blk[offUID:offUID+lenUID], 0)
	putOctal(blk[offGID:offGID+lenGID], 0)
	if !putOctal(blk[offSize:offSize+lenSize], h.size) {
		pax["size"] = strconv.FormatInt(h.size, 10)
	}
	putOctal(blk[offMtime:offMtime+lenMtime], epoch)
	blk[offType] = h.typeflag
	putOctal(blk[offDevmajor:offDevmajor+lenDevmajor], 0)
	putOctal(blk[offDevminor:offDevminor+lenDevminor], 0)
	copy(blk[offMagic:], "ustar\x0000")
	putOctal(blk[offChksum:offChksum+lenChksum], checksum(blk))

	if len(pax) > 0 {
		// The PAX entry is written before this header, so keep a copy.
		header := *blk
		if err := t.writePAX(h.name, pax); err != nil {
			return err
		}
		t.block = header
	}
	return t.write(t.block[:])
}

// writePAX writes a PAX extended header entry carrying records.
func (t *tarWriter) writePAX(name string, records map[string]string) error {
	body := paxBody(records)
	paxName := toASCII(erlDirname(name) + "/PaxHeaders.0/" + erlBasename(name))
	if len(paxName) > lenName {
		paxName = paxName[:lenName-1]
	}
	if err := t.writeHeader(entryHeader{name: paxName, mode: defaultMode, size: int64(len(body)), typeflag: typePAX}); err != nil {
		return err
	}
	if err := t.write([]byte(body)); err != nil {
		return err
	}
	return t.pad(int64(len(body)))
}

// pad writes the zero bytes that complete the data of an entry of size n.
func (t *tarWriter) pad(n int64) error {
	if rem := n % blockSize; rem != 0 {
		clear(t.block[:])
		return t.write(t.block[:blockSize-rem])
	}
	return nil
}

// writeFile writes a whole regular-file entry from memory.
func (t *tarWriter) writeFile(name string, data []byte) error {
	if err := t.writeHeader(entryHeader{name: name, mode: defaultMode, size: int64(len(data)), typeflag: typeRegular}); err != nil {
		return err
	}
	if err := t.write(data); err != nil {
		return err
	}
	return t.pad(int64(len(data)))
}

// close ends the archive with two zero blocks, as erl_tar does (no padding
// to a record size).
func (t *tarWriter) close() error {
	clear(t.block[:])
	if err := t.write(t.block[:]); err != nil {
		return err
	}
	return t.write(t.block[:])
}

func (t *tarWriter) write(p []byte) error {
	n, err := t.w.Write(p)
	t.written += int64(n)
	return err
}

// headerFor maps a File to the header erl_tar would write for it.
func headerFor(f File) (entryHeader, error) {
	perm := int64(f.Mode.Perm())
	switch {
	case f.Mode.IsRegular():
		return entryHeader{name: f.Name, mode: modeRegular | perm, size: f.Size, typeflag: typeRegular}, nil
	case f.Mode.IsDir():
		return entryHeader{name: f.Name + "/", mode: modeDir | perm, typeflag: typeDir}, nil
	case f.Mode&fs.ModeSymlink != 0:
		return entryHeader{name: f.Name, mode: modeSymlink | perm, typeflag: typeSymlink, linkname: f.Linkname}, nil
	}
	return entryHeader{}, &Error{Kind: ErrUnsupportedFileType, Name: f.Name, Detail: f.Mode.Type().String()}
}

// erlDirname and erlBasename behave as Erlang's filename:dirname and
// filename:basename, which erl_tar uses to name PAX entries: "a/b/" has
// dirname "a/b" and basename "b"; "foo" has dirname ".".
func erlDirname(p string) string {
	i := strings.LastIndex(p, "/")
	switch {
	case i < 0:
		return "."
	case i == 0:
		return "/"
	}
	return p[:i]
}

func erlBasename(p string) string {
	p = strings.TrimRight(p, "/")
	return p[strings.LastIndex(p, "/")+1:]
}

// needsPAX reports whether erl_tar would not put s in a field of n bytes.
func needsPAX(s string, n int) bool { return len(s) > n || !isASCII(s) }

// splitUstarPath splits a long ASCII path into the ustar name and prefix
// fields the way erl_tar does: the last element is the name, the rest the
// prefix, and empty elements (a trailing slash) are dropped.
func splitUstarPath(p string) (name, prefix string, ok bool) {
	if len(p) <= lenName || !isASCII(p) {
		return "", "", false
	}
	var parts []string
	for _, part := range strings.Split(p, "/") {
		if part != "" {
			parts = append(parts, part)
		}
	}
	if len(parts) < 2 || len(parts[len(parts)-1]) >= lenName {
		return "", "", false
	}
	prefix = strings.Join(parts[:len(parts)-1], "/")
	if len(prefix) > lenPrefix {
		return "", "", false
	}
	return parts[len(parts)-1], prefix, true
}

// paxBody formats PAX records sorted by key, each "LEN key=value\n" where
// LEN counts the whole record including its own digits.
func paxBody(records map[string]string) string {
	keys := make([]string, 0, len(records))
	for k := range records {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		rest := len(k) + len(records[k]) + 3 // space, '=', newline
		n := rest + len(strconv.Itoa(rest))
		if len(strconv.Itoa(n)) != len(strconv.Itoa(rest)) {
			n++
		}
		fmt.Fprintf(&b, "%d %s=%s\n", n, k, records[k])
	}
	return b.String()
}

// putOctal writes v as zero-padded octal digits filling all but the last
// byte of field, which stays NUL. It reports false when v does not fit.
func putOctal(field []byte, v int64) bool {
	s := strconv.FormatInt(v, 8)
	if len(s) > len(field)-1 {
		return false
	}
	copy(field, strings.Repeat("0", len(field)-1-len(s))+s)
	return true
}

// putString copies s into field; a shorter string is NUL-terminated by the
// zeroed block.
func putString(field []byte, s string) { copy(field, s) }

// checksum is the unsigned byte sum of the header with the checksum field
// counted as spaces.
func checksum(blk *[blockSize]byte) int64 {
	var sum int64
	for i, c := range blk {
		if i >= offChksum && i < offChksum+lenChksum {
			c = ' '
		}
		sum += int64(c)
	}
	return sum
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// toASCII drops non-ASCII bytes, as erl_tar does for PAX entry names.
func toASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0x80 {
			return -1
		}
		return r
	}, s)
}
