package blobtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hexship/ship/registry/blob"
)

// listCases check List: what a garbage collector relies on to find every
// blob, and only blobs.
var listCases = []struct {
	name string
	test func(t *testing.T, s blob.Store)
}{
	{"ListPrefixes", testListPrefixes},
	{"ListEmptyStore", testListEmptyStore},
	{"ListMany", testListMany},
	{"ListWhileChanging", testListWhileChanging},
	{"ListDeleteEach", testListDeleteEach},
	{"ListSkipsPutInProgress", testListSkipsPutInProgress},
	{"ListStops", testListStops},
}

// list returns what List(prefix) visits, failing the test when it visits
// a key twice or fails.
func list(t *testing.T, s blob.Store, prefix string) map[string]blob.Info {
	t.Helper()
	got := map[string]blob.Info{}
	err := s.List(t.Context(), prefix, func(key string, info blob.Info) error {
		if _, dup := got[key]; dup {
			return fmt.Errorf("visited %q twice", key)
		}
		got[key] = info
		return nil
	})
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	return got
}

func wantKeys(t *testing.T, what string, got map[string]blob.Info, want ...string) {
	t.Helper()
	var missing, extra []string
	for _, k := range want {
		if _, ok := got[k]; !ok {
			missing = append(missing, k)
		}
	}
	for k := range got {
		if !slices.Contains(want, k) {
			extra = append(extra, k)
		}
	}
	if len(missing) > 0 || len(extra) > 0 {
		slices.Sort(missing)
		slices.Sort(extra)
		t.Errorf("%s: %d keys missing %s, %d not wanted %s", what, len(missing), firstFew(missing), len(extra), firstFew(extra))
	}
}

// firstFew quotes the first keys of a list that may be long.
func firstFew(keys []string) string {
	if len(keys) > 5 {
		return fmt.Sprintf("%q...", keys[:5])
	}
	return fmt.Sprintf("%q", keys)
}

// putAll puts each key with content of a length that depends on i, from a
// few goroutines (an object store takes a round trip for each).
func putAll(t *testing.T, s blob.Store, keys []string) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, len(keys))
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < len(keys); i += 8 {
				_, errs[i] = s.Put(t.Context(), keys[i], bytes.NewReader(content(byte(i), i%7)))
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

func testListPrefixes(t *testing.T, s blob.Store) {
	files := map[string][]byte{
		"tarballs/plug/plug-1.0.0-0a1b.tar":   content(1, 300),
		"tarballs/plug/plug-1.1.0-2c3d.tar":   content(2, 400),
		"tarballs/plugin/plugin-0.1.0-4e.tar": content(3, 10),
		"tarballs/cowboy/cowboy-2.0.0-5f.tar": content(4, 1),
		"docs/plug-1.0.0.tar.gz":              content(5, 50),
		"docs/plug-1.0.0.tar.gz.old":          {},
		"tarballsx":                           content(6, 2),
		"tarballs-other/x":                    content(7, 3),
		"top":                                 content(8, 4),
	}
	for key, data := range files {
		put(t, s, key, data)
	}
	all := list(t, s, "")
	wantKeys(t, `List("")`, all, slices.Collect(maps.Keys(files))...)
	for key, info := range all {
		if info.Size != int64(len(files[key])) {
			t.Errorf("List: %q has Size %d, want %d", key, info.Size, len(files[key]))
		}
		stat, err := s.Stat(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		// Object stores give listings and HEAD the time at different
		// precisions; the second is common to both.
		if info.ModTime.IsZero() || !info.ModTime.Truncate(time.Second).Equal(stat.ModTime.Truncate(time.Second)) {
			t.Errorf("List: %q has ModTime %v, Stat says %v", key, info.ModTime, stat.ModTime)
		}
	}

	for _, tt := range []struct {
		prefix string
		want   []string
	}{
		{"tarballs/", []string{"tarballs/plug/plug-1.0.0-0a1b.tar", "tarballs/plug/plug-1.1.0-2c3d.tar",
			"tarballs/plugin/plugin-0.1.0-4e.tar", "tarballs/cowboy/cowboy-2.0.0-5f.tar"}},
		{"tarballs/plug/", []string{"tarballs/plug/plug-1.0.0-0a1b.tar", "tarballs/plug/plug-1.1.0-2c3d.tar"}},
		// A prefix is a string prefix, not a directory.
		{"tarballs/plug", []string{"tarballs/plug/plug-1.0.0-0a1b.tar", "tarballs/plug/plug-1.1.0-2c3d.tar",
			"tarballs/plugin/plugin-0.1.0-4e.tar"}},
		{"tarballs/plug/plug-1.1", []string{"tarballs/plug/plug-1.1.0-2c3d.tar"}},
		{"tarballs", []string{"tarballs/plug/plug-1.0.0-0a1b.tar", "tarballs/plug/plug-1.1.0-2c3d.tar",
			"tarballs/plugin/plugin-0.1.0-4e.tar", "tarballs/cowboy/cowboy-2.0.0-5f.tar", "tarballsx", "tarballs-other/x"}},
		{"docs/plug-1.0.0.tar.gz", []string{"docs/plug-1.0.0.tar.gz", "docs/plug-1.0.0.tar.gz.old"}},
		{"t", []string{"tarballs/plug/plug-1.0.0-0a1b.tar", "tarballs/plug/plug-1.1.0-2c3d.tar",
			"tarballs/plugin/plugin-0.1.0-4e.tar", "tarballs/cowboy/cowboy-2.0.0-5f.tar", "tarballsx", "tarballs-other/x", "top"}},
		{"absent/", nil},
		{"top/", nil},
		{"docs/plug-1.0.0.tar.gz/", nil},
		// Prefixes no valid key starts with.
		{"/", nil},
		{"../", nil},
		{"tarballs//", nil},
		{"./tarballs/", nil},
		{"tarballs/../docs/", nil},
		{"a\x00/", nil},
	} {
		wantKeys(t, fmt.Sprintf("List(%q)", tt.prefix), list(t, s, tt.prefix), tt.want...)
	}
}

func testListEmptyStore(t *testing.T, s blob.Store) {
	for _, prefix := range []string{"", "tarballs/", "docs/"} {
		wantKeys(t, fmt.Sprintf("List(%q) of an empty store", prefix), list(t, s, prefix))
	}
	// Emptied again: nothing of what was there shows.
	put(t, s, "tarballs/a/a-1.0.0.tar", []byte("a"))
	if err := s.Delete(t.Context(), "tarballs/a/a-1.0.0.tar"); err != nil {
		t.Fatal(err)
	}
	wantKeys(t, "List after the only key was deleted", list(t, s, ""))
	wantKeys(t, "List after the only key was deleted", list(t, s, "tarballs/"))
}

// manyKeys returns n keys in a few directories, more than an object
// store's page of 1,000.
func manyKeys(prefix string, n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("%s/p%d/k-%05d", prefix, i%3, i)
	}
	return keys
}

func testListMany(t *testing.T, s blob.Store) {
	keys := manyKeys("tarballs", 1100)
	putAll(t, s, keys)
	put(t, s, "docs/other", []byte("other"))
	got := list(t, s, "tarballs/")
	wantKeys(t, "List(tarballs/)", got, keys...)
	for i, key := range keys {
		if got[key].Size != int64(i%7) {
			t.Fatalf("List: %q has Size %d, want %d", key, got[key].Size, i%7)
		}
	}
	if n := len(list(t, s, "")); n != len(keys)+1 {
		t.Fatalf(`List("") visits %d keys, want %d`, n, len(keys)+1)
	}
}

// testListWhileChanging puts and deletes other keys while a listing runs:
// every key present throughout is visited once, and nothing is visited
// that was never there.
func testListWhileChanging(t *testing.T, s blob.Store) {
	stable := manyKeys("k", 1100)
	doomed := []string{"a/doomed-1", "k/p1/k-00500x", "k/p2/zz-doomed", "z/doomed"}
	born := []string{"a/born-1", "k/p0/k-00000x", "k/p1/k-01099x", "z/born"}
	putAll(t, s, append(slices.Clone(stable), doomed...))
	ever := map[string]bool{}
	for _, k := range slices.Concat(stable, doomed, born) {
		ever[k] = true
	}
	seen := map[string]int{}
	first := true
	err := s.List(t.Context(), "", func(key string, _ blob.Info) error {
		seen[key]++
		if first {
			first = false
			for _, k := range doomed {
				if err := s.Delete(t.Context(), k); err != nil {
					return err
				}
			}
			for _, k := range born {
				if _, err := s.Put(t.Context(), k, bytes.NewReader([]byte("new"))); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	for _, k := range stable {
		if seen[k] != 1 {
			t.Errorf("%q, present throughout, was visited %d times", k, seen[k])
		}
	}
	for k, n := range seen {
		if !ever[k] || n != 1 {
			t.Errorf("%q was visited %d times (ever stored: %v)", k, n, ever[k])
		}
	}
}

func testListDeleteEach(t *testing.T, s blob.Store) {
	keys := manyKeys("tarballs", 40)
	putAll(t, s, keys)
	visited := 0
	err := s.List(t.Context(), "tarballs/", func(key string, _ blob.Info) error {
		visited++
		return s.Delete(t.Context(), key)
	})
	if err != nil {
		t.Fatalf("List deleting each key: %v", err)
	}
	if visited != len(keys) {
		t.Fatalf("List deleting each key visited %d, want %d", visited, len(keys))
	}
	wantKeys(t, "List after deleting each key", list(t, s, ""))
	for _, key := range keys {
		wantNotFound(t, s, key)
	}
}

// testListSkipsPutInProgress checks that the partial data of a Put under
// way (a temporary file next to its target) is not listed.
func testListSkipsPutInProgress(t *testing.T, s blob.Store) {
	put(t, s, "tarballs/p/old", []byte("old"))
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := s.Put(t.Context(), "tarballs/p/fresh", pr)
		done <- err
	}()
	if _, err := pw.Write(content(50, 100_000)); err != nil {
		t.Fatal(err)
	}
	wantKeys(t, "List during a Put", list(t, s, ""), "tarballs/p/old")
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	wantKeys(t, "List after the Put", list(t, s, ""), "tarballs/p/old", "tarballs/p/fresh")
}

var errStop = errors.New("the caller had seen enough")

func testListStops(t *testing.T, s blob.Store) {
	putAll(t, s, manyKeys("k", 20))
	// fn's error comes back as is, even one a directory walk treats
	// specially.
	for _, stop := range []error{errStop, iofs.SkipAll, iofs.SkipDir} {
		calls := 0
		err := s.List(t.Context(), "", func(string, blob.Info) error {
			calls++
			return stop
		})
		if err != stop || calls != 1 {
			t.Errorf("fn returned %v on its first call: List called it %d times and returned %v", stop, calls, err)
		}
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := 0
	err := s.List(ctx, "", func(string, blob.Info) error { calls++; return nil })
	if !errors.Is(err, context.Canceled) || calls != 0 {
		t.Errorf("List with a cancelled context called fn %d times and returned %v", calls, err)
	}

	ctx, cancel = context.WithCancel(t.Context())
	defer cancel()
	calls = 0
	err = s.List(ctx, "", func(string, blob.Info) error { calls++; cancel(); return nil })
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("List cancelled by fn called it %d times and returned %v", calls, err)
	}
}
