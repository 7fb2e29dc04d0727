// Package blobtest is the conformance suite every blob.Store passes: what
// the registry relies on, checked the same way for each backend.
package blobtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/hexship/ship/registry/blob"
)

// LeftoverLister is implemented by stores that can list the temporary data
// they hold (partial files, unfinished multipart uploads). When the store
// under test implements it, the suite checks that the list is empty after
// failed and concurrent Puts; a store that does not can be wrapped in a
// type that adds the method.
type LeftoverLister interface {
	Leftovers() ([]string, error)
}

// Run runs the suite. open must return a new, empty store for each
// subtest, and release it with t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) blob.Store) {
	tests := []struct {
		name string
		test func(t *testing.T, s blob.Store)
	}{
		{"PutOpenStat", testPutOpenStat},
		{"Seek", testSeek},
		{"Empty", testEmpty},
		{"NotFound", testNotFound},
		{"Delete", testDelete},
		{"Overwrite", testOverwrite},
		{"ValidKeys", testValidKeys},
		{"HostileKeys", testHostileKeys},
		{"FailingReader", testFailingReader},
		{"Cancelled", testCancelled},
		{"PutInProgressInvisible", testPutInProgressInvisible},
		{"ConcurrentPuts", testConcurrentPuts},
		{"ReadWhileReplaced", testReadWhileReplaced},
		{"ReadersSeeWholeContent", testReadersSeeWholeContent},
	}
	tests = append(tests, listCases...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.test(t, open(t))
		})
	}
}

// content returns n bytes that differ with seed at almost every offset,
// so that a mix of two contents, a shift or a truncation shows.
func content(seed byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*31+i>>8) ^ seed*97
	}
	return b
}

func put(t *testing.T, s blob.Store, key string, data []byte) {
	t.Helper()
	n, err := s.Put(t.Context(), key, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	if n != int64(len(data)) {
		t.Fatalf("Put(%q) = %d bytes, want %d", key, n, len(data))
	}
}

// read returns key's whole content, checking that Open's Info agrees.
func read(t *testing.T, s blob.Store, key string) []byte {
	t.Helper()
	f, info, err := s.Open(t.Context(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		t.Fatalf("reading %q: %v", key, err)
	}
	if info.Size != int64(len(data)) {
		t.Fatalf("Open(%q) Info.Size = %d, but %d bytes were read", key, info.Size, len(data))
	}
	return data
}

func wantContent(t *testing.T, s blob.Store, key string, want []byte) {
	t.Helper()
	if got := read(t, s, key); !bytes.Equal(got, want) {
		t.Fatalf("%q holds %d bytes, want %d bytes%s", key, len(got), len(want), firstDifference(got, want))
	}
}

func firstDifference(got, want []byte) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf(" (first difference at byte %d)", i)
		}
	}
	return ""
}

func wantNotFound(t *testing.T, s blob.Store, key string) {
	t.Helper()
	if _, err := s.Stat(t.Context(), key); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Stat(%q) error = %v, want ErrNotFound", key, err)
	}
	f, _, err := s.Open(t.Context(), key)
	if !errors.Is(err, blob.ErrNotFound) {
		if f != nil {
			f.Close()
		}
		t.Fatalf("Open(%q) error = %v, want ErrNotFound", key, err)
	}
}

// wantNoLeftovers checks that the store holds no temporary data, when it
// can tell.
func wantNoLeftovers(t *testing.T, s blob.Store) {
	t.Helper()
	l, ok := s.(LeftoverLister)
	if !ok {
		t.Logf("%T does not list leftovers; not checked", s)
		return
	}
	left, err := l.Leftovers()
	if err != nil {
		t.Fatalf("Leftovers: %v", err)
	}
	if len(left) > 0 {
		t.Fatalf("temporary data left behind: %q", left)
	}
}

func testPutOpenStat(t *testing.T, s blob.Store) {
	data := content(1, 100_000)
	put(t, s, "tarballs/plug-1.0.0.tar", data)
	wantContent(t, s, "tarballs/plug-1.0.0.tar", data)
	info, err := s.Stat(t.Context(), "tarballs/plug-1.0.0.tar")
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != int64(len(data)) || info.ModTime.IsZero() {
		t.Fatalf("Stat = %+v, want Size %d and a ModTime", info, len(data))
	}
	// A key that is a prefix of another, and one at the top, are their own.
	put(t, s, "tarballs/plug-1.0.0.tar.sig", []byte("sig"))
	put(t, s, "top", []byte("top"))
	wantContent(t, s, "tarballs/plug-1.0.0.tar", data)
	wantContent(t, s, "top", []byte("top"))
	wantNoLeftovers(t, s)
}

func testSeek(t *testing.T, s blob.Store) {
	data := content(2, 10_000)
	put(t, s, "docs/plug-1.0.0.tar.gz", data)
	f, _, err := s.Open(t.Context(), "docs/plug-1.0.0.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if end, err := f.Seek(0, io.SeekEnd); err != nil || end != int64(len(data)) {
		t.Fatalf("Seek(0, SeekEnd) = %d, %v; want %d", end, err, len(data))
	}
	if pos, err := f.Seek(1234, io.SeekStart); err != nil || pos != 1234 {
		t.Fatalf("Seek(1234, SeekStart) = %d, %v", pos, err)
	}
	buf := make([]byte, 100)
	if _, err := io.ReadFull(f, buf); err != nil || !bytes.Equal(buf, data[1234:1334]) {
		t.Fatalf("read after Seek: %v, or not the bytes at 1234", err)
	}
	if pos, err := f.Seek(-100, io.SeekCurrent); err != nil || pos != 1234 {
		t.Fatalf("Seek(-100, SeekCurrent) = %d, %v; want 1234", pos, err)
	}
	rest, err := io.ReadAll(f)
	if err != nil || !bytes.Equal(rest, data[1234:]) {
		t.Fatalf("reading the rest after Seek: %v, or not the bytes from 1234 on", err)
	}
}

func testEmpty(t *testing.T, s blob.Store) {
	put(t, s, "empty", nil)
	wantContent(t, s, "empty", []byte{})
	if info, err := s.Stat(t.Context(), "empty"); err != nil || info.Size != 0 {
		t.Fatalf("Stat = %+v, %v; want Size 0", info, err)
	}
}

func testNotFound(t *testing.T, s blob.Store) {
	wantNotFound(t, s, "tarballs/absent-1.0.0.tar")
	_, err := s.Stat(t.Context(), "tarballs/absent-1.0.0.tar")
	if !strings.Contains(err.Error(), "tarballs/absent-1.0.0.tar") {
		t.Fatalf("Stat error %q does not name the key", err)
	}
	put(t, s, "tarballs/present-1.0.0.tar", []byte("x"))
	wantNotFound(t, s, "tarballs/present-1.0.0")
	wantNotFound(t, s, "tarballs/present-1.0.0.tar/x")
	if err := s.Delete(t.Context(), "tarballs/absent-1.0.0.tar"); err != nil {
		t.Fatalf("Delete of an absent key: %v", err)
	}
}

func testDelete(t *testing.T, s blob.Store) {
	put(t, s, "tarballs/a-1.0.0.tar", []byte("a"))
	put(t, s, "tarballs/b-1.0.0.tar", []byte("b"))
	if err := s.Delete(t.Context(), "tarballs/a-1.0.0.tar"); err != nil {
		t.Fatal(err)
	}
	wantNotFound(t, s, "tarballs/a-1.0.0.tar")
	wantContent(t, s, "tarballs/b-1.0.0.tar", []byte("b"))
	if err := s.Delete(t.Context(), "tarballs/a-1.0.0.tar"); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
	put(t, s, "tarballs/a-1.0.0.tar", []byte("again"))
	wantContent(t, s, "tarballs/a-1.0.0.tar", []byte("again"))
}

func testOverwrite(t *testing.T, s blob.Store) {
	long, short := content(3, 50_000), content(4, 1000)
	put(t, s, "k", long)
	put(t, s, "k", short)
	wantContent(t, s, "k", short) // nothing of the longer content remains
	put(t, s, "k", long)
	wantContent(t, s, "k", long)
	wantNoLeftovers(t, s)
}

func testValidKeys(t *testing.T, s blob.Store) {
	segment := strings.Repeat("s", blob.MaxSegmentLength)
	keys := []string{
		"a",
		"A.b_c+d-e/F.0",
		"plug-1.0.0-rc.1+build.tar",
		".hidden/..x/x..",
		segment,
		// MaxKeyLength exactly, in segments a file system takes.
		strings.Repeat(strings.Repeat("k", 99)+"/", 5) + strings.Repeat("k", blob.MaxKeyLength-500),
	}
	for i, key := range keys {
		if err := blob.ValidKey(key); err != nil {
			t.Fatalf("ValidKey(%q) = %v", key, err)
		}
		data := content(byte(i), 100)
		put(t, s, key, data)
		wantContent(t, s, key, data)
	}
}

// countingReader counts the calls to Read.
type countingReader struct {
	reads int
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.reads++
	return 0, io.EOF
}

func testHostileKeys(t *testing.T, s blob.Store) {
	put(t, s, "x", []byte("x"))
	put(t, s, "a/b", []byte("b"))
	keys := []string{
		"", "/", "/abs", "/x", "../x", "..", ".", "a/../x", "a/./b", "./x", "a//b", "a/", "a/b/",
		"a\x00b", "x\x00", `a\b`, `..\x`, "a b", "a\nb", "a:b", "a~b", "a%2fb", "é", "a\xffb",
		strings.Repeat("a", blob.MaxKeyLength+1),
		strings.Repeat("a/", blob.MaxKeyLength/2) + "a",
		strings.Repeat("s", blob.MaxSegmentLength+1),
	}
	for _, key := range keys {
		if err := blob.ValidKey(key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("ValidKey(%q) = %v, want ErrInvalidKey", key, err)
		}
		r := &countingReader{}
		if _, err := s.Put(t.Context(), key, r); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Put(%q) error = %v, want ErrInvalidKey", key, err)
		}
		if r.reads > 0 {
			t.Errorf("Put(%q) read its content before refusing the key", key)
		}
		if f, _, err := s.Open(t.Context(), key); !errors.Is(err, blob.ErrInvalidKey) {
			if f != nil {
				f.Close()
			}
			t.Errorf("Open(%q) error = %v, want ErrInvalidKey", key, err)
		}
		if _, err := s.Stat(t.Context(), key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Stat(%q) error = %v, want ErrInvalidKey", key, err)
		}
		if err := s.Delete(t.Context(), key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Delete(%q) error = %v, want ErrInvalidKey", key, err)
		}
	}
	wantContent(t, s, "x", []byte("x"))
	wantContent(t, s, "a/b", []byte("b"))
	wantNoLeftovers(t, s)
}

// failingReader returns n bytes of data, then err.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

var errReader = errors.New("connection reset by the uploader")

func testFailingReader(t *testing.T, s blob.Store) {
	old := content(5, 20_000)
	put(t, s, "k", old)
	r := &failingReader{data: content(6, 70_000), err: errReader}
	if _, err := s.Put(t.Context(), "k", r); !errors.Is(err, errReader) {
		t.Fatalf("Put from a failing reader: error = %v, want the reader's", err)
	}
	wantContent(t, s, "k", old)

	r = &failingReader{data: content(7, 70_000), err: errReader}
	if _, err := s.Put(t.Context(), "new/k", r); !errors.Is(err, errReader) {
		t.Fatalf("Put from a failing reader: error = %v, want the reader's", err)
	}
	wantNotFound(t, s, "new/k")
	wantNoLeftovers(t, s)
}

// cancellingReader returns data, cancelling the context on its first read.
type cancellingReader struct {
	cancel context.CancelFunc
	r      io.Reader
}

func (c *cancellingReader) Read(p []byte) (int, error) {
	c.cancel()
	return c.r.Read(p)
}

func testCancelled(t *testing.T, s blob.Store) {
	old := content(8, 1000)
	put(t, s, "k", old)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.Put(ctx, "k", bytes.NewReader(content(9, 1000))); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with a cancelled context: error = %v, want context.Canceled", err)
	}

	ctx, cancel = context.WithCancel(t.Context())
	r := &cancellingReader{cancel: cancel, r: bytes.NewReader(content(10, 5<<20))}
	if _, err := s.Put(ctx, "k", r); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put cancelled while reading: error = %v, want context.Canceled", err)
	}
	wantContent(t, s, "k", old)
	wantNoLeftovers(t, s)
}

// testPutInProgressInvisible checks that a Put that has taken part of its
// content shows nothing of it: the uploader writes into a pipe, and the
// first half being taken means Put is under way.
func testPutInProgressInvisible(t *testing.T, s blob.Store) {
	old, next := content(11, 30_000), content(12, 200_000)
	put(t, s, "k", old)
	for _, key := range []string{"k", "fresh"} {
		pr, pw := io.Pipe()
		done := make(chan error, 1)
		go func() {
			_, err := s.Put(t.Context(), key, pr)
			done <- err
		}()
		if _, err := pw.Write(next[:len(next)/2]); err != nil {
			t.Fatal(err)
		}
		if key == "k" {
			wantContent(t, s, key, old)
		} else {
			wantNotFound(t, s, key)
		}
		if _, err := pw.Write(next[len(next)/2:]); err != nil {
			t.Fatal(err)
		}
		pw.Close()
		if err := <-done; err != nil {
			t.Fatalf("Put(%q): %v", key, err)
		}
		wantContent(t, s, key, next)
	}
	wantNoLeftovers(t, s)
}

func testConcurrentPuts(t *testing.T, s blob.Store) {
	const writers = 8
	contents := make([][]byte, writers)
	for i := range contents {
		contents[i] = content(byte(20+i), 100_000+i*1000)
	}
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			_, errs[i] = s.Put(t.Context(), "same/key", bytes.NewReader(contents[i]))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Put %d: %v", i, err)
		}
	}
	got := read(t, s, "same/key")
	found := false
	for _, c := range contents {
		found = found || bytes.Equal(got, c)
	}
	if !found {
		t.Fatalf("after %d concurrent Puts the key holds %d bytes that are none of their contents", writers, len(got))
	}
	wantNoLeftovers(t, s)
}

// testReadWhileReplaced checks that an opened blob keeps reading the
// content it opened, however slowly, while a Put replaces the key.
func testReadWhileReplaced(t *testing.T, s blob.Store) {
	old, next := content(30, 1<<20), content(31, 300_000)
	put(t, s, "k", old)
	f, info, err := s.Open(t.Context(), "k")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := make([]byte, len(old)/2)
	if _, err := io.ReadFull(f, head); err != nil {
		t.Fatal(err)
	}
	put(t, s, "k", next)
	tail, err := io.ReadAll(f)
	if err != nil {
		t.Fatalf("reading on after the key was replaced: %v", err)
	}
	if got := append(head, tail...); !bytes.Equal(got, old) || info.Size != int64(len(old)) {
		t.Fatalf("read %d bytes of the old content's %d (Info.Size %d)%s", len(got), len(old), info.Size, firstDifference(got, old))
	}
	wantContent(t, s, "k", next)
}

// testReadersSeeWholeContent has readers open and read a key while it is
// replaced again and again; each read must be one whole content.
func testReadersSeeWholeContent(t *testing.T, s blob.Store) {
	a, b := content(40, 64<<10), content(41, 80<<10)
	put(t, s, "k", a)
	writing := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(writing)
		for i := range 30 {
			data := a
			if i%2 == 0 {
				data = b
			}
			if _, err := s.Put(t.Context(), "k", bytes.NewReader(data)); err != nil {
				t.Errorf("Put: %v", err)
				return
			}
		}
	})
	for range 4 {
		wg.Go(func() {
			for done := false; !done; {
				select {
				case <-writing:
					done = true // one last read after the writer stopped
				default:
				}
				f, _, err := s.Open(t.Context(), "k")
				if err != nil {
					t.Errorf("Open while replaced: %v", err)
					return
				}
				got, err := io.ReadAll(f)
				f.Close()
				if err != nil {
					t.Errorf("reading while replaced: %v", err)
					return
				}
				if !bytes.Equal(got, a) && !bytes.Equal(got, b) {
					t.Errorf("a reader saw %d bytes that are neither content", len(got))
					return
				}
			}
		})
	}
	wg.Wait()
	wantNoLeftovers(t, s)
}
