package storetest

import (
	"errors"
	"testing"

	"github.com/hexship/ship/registry/store"
)

var indexCases = []testCase{
	{"IndexEntriesByteOrder", testIndexEntries},
	{"IndexGenerationChangesOnEntryWrites", testIndexGenerationChanges},
	{"IndexGenerationOtherwiseStill", testIndexGenerationStill},
}

func entry(name, names, versions string) *store.IndexEntry {
	return &store.IndexEntry{Name: name, Names: []byte(names), Versions: []byte(versions)}
}

// Entries come back in byte order of their names, whatever the order they
// were set in, and with the generation they belong to.
func testIndexEntries(t *testing.T, s store.Store) {
	entries, gen, err := s.IndexEntries(ctx)
	must(t, err)
	if len(entries) != 0 {
		t.Errorf("IndexEntries of an empty store = %s", show(entries))
	}
	g, err := s.IndexGeneration(ctx)
	must(t, err)
	if g != gen {
		t.Errorf("IndexEntries said generation %d, IndexGeneration %d", gen, g)
	}

	set := []string{"ab", "é", "Z", "a_b", "aB", "a", "a0"}
	update(t, s, func(tx store.Tx) error {
		for _, n := range set {
			if err := tx.SetIndexEntry(ctx, entry(n, "names:"+n, "versions:"+n)); err != nil {
				return err
			}
		}
		return nil
	})
	entries, gen, err = s.IndexEntries(ctx)
	must(t, err)
	byteOrder := []string{"Z", "a", "a0", "aB", "a_b", "ab", "é"}
	equal(t, "IndexEntries names", entryNames(entries), byteOrder)
	for _, e := range entries {
		equal(t, "entry "+e.Name, e, *entry(e.Name, "names:"+e.Name, "versions:"+e.Name))
	}
	g, err = s.IndexGeneration(ctx)
	must(t, err)
	if g != gen {
		t.Errorf("IndexEntries said generation %d, IndexGeneration %d", gen, g)
	}

	update(t, s, func(tx store.Tx) error { return tx.SetIndexEntry(ctx, entry("ab", "N2", "V2")) })
	entries, _, err = s.IndexEntries(ctx)
	must(t, err)
	equal(t, "IndexEntries names after a replace", entryNames(entries), byteOrder)
	equal(t, "replaced entry", entries[5], *entry("ab", "N2", "V2"))
}

// Every set or delete gives a generation never seen before, also when
// several happen in one transaction and when the deleted entry is absent.
func testIndexGenerationChanges(t *testing.T, s store.Store) {
	seen := map[int64]string{}
	check := func(after string) {
		t.Helper()
		g, err := s.IndexGeneration(ctx)
		must(t, err)
		if prev, ok := seen[g]; ok {
			t.Errorf("generation %d after %s was already the generation after %s", g, after, prev)
		}
		seen[g] = after
	}
	check("nothing")
	steps := []struct {
		what string
		fn   func(tx store.Tx) error
	}{
		{"set a", func(tx store.Tx) error { return tx.SetIndexEntry(ctx, entry("a", "1", "1")) }},
		{"set a again, same bytes", func(tx store.Tx) error { return tx.SetIndexEntry(ctx, entry("a", "1", "1")) }},
		{"set b", func(tx store.Tx) error { return tx.SetIndexEntry(ctx, entry("b", "1", "1")) }},
		{"delete a", func(tx store.Tx) error { return tx.DeleteIndexEntry(ctx, "a") }},
		{"delete absent", func(tx store.Tx) error { return tx.DeleteIndexEntry(ctx, "nope") }},
		{"set then delete c", func(tx store.Tx) error {
			if err := tx.SetIndexEntry(ctx, entry("c", "1", "1")); err != nil {
				return err
			}
			return tx.DeleteIndexEntry(ctx, "c")
		}},
	}
	for _, step := range steps {
		update(t, s, step.fn)
		check(step.what)
	}

	// Inside the transaction the generation has moved already; outside, not
	// until it commits.
	before, err := s.IndexGeneration(ctx)
	must(t, err)
	update(t, s, func(tx store.Tx) error {
		if err := tx.SetIndexEntry(ctx, entry("d", "1", "1")); err != nil {
			return err
		}
		inside, err := tx.IndexGeneration(ctx)
		if err != nil {
			return err
		}
		if inside == before {
			t.Errorf("inside the transaction the generation is still %d after SetIndexEntry", before)
		}
		entries, gen, err := tx.IndexEntries(ctx)
		if err != nil {
			return err
		}
		if gen != inside || len(entries) != 2 {
			t.Errorf("tx.IndexEntries = %s at %d, want b and d at %d", show(entryNames(entries)), gen, inside)
		}
		outside, err := s.IndexGeneration(ctx)
		if err != nil {
			return err
		}
		if outside != before {
			t.Errorf("an uncommitted SetIndexEntry changed the store's generation from %d to %d", before, outside)
		}
		return nil
	})
	check("set d")
}

// Nothing but an index entry write changes the generation: not other
// writes, not reads, not a rolled-back SetIndexEntry.
func testIndexGenerationStill(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error { return tx.SetIndexEntry(ctx, entry("plug", "1", "1")) })
	before, err := s.IndexGeneration(ctx)
	must(t, err)

	u := newUser(t, s, "alice")
	p := newPackage(t, s, "plug", t0)
	update(t, s, func(tx store.Tx) error {
		if err := tx.SetOwner(ctx, p.ID, u.ID, store.LevelFull); err != nil {
			return err
		}
		if err := tx.PutRelease(ctx, newRelease(p, "1.0.0", t0)); err != nil {
			return err
		}
		if err := tx.UpdatePackage(ctx, p); err != nil {
			return err
		}
		if err := tx.PutRepoFile(ctx, &store.RepoFile{Path: "packages/plug", Body: []byte("b"), ETag: "e", UpdatedAt: t0}); err != nil {
			return err
		}
		return tx.CreateKey(ctx, &store.Key{UserID: u.ID, Name: "k", Lookup: "l", Verify: "v"})
	})
	boom := errors.New("boom")
	err = s.Update(ctx, func(tx store.Tx) error {
		if err := tx.SetIndexEntry(ctx, entry("other", "1", "1")); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatalf("Update returned %v, want fn's error", err)
	}
	for range 3 {
		if _, _, err := s.IndexEntries(ctx); err != nil {
			t.Fatal(err)
		}
	}
	after, err := s.IndexGeneration(ctx)
	must(t, err)
	if after != before {
		t.Errorf("generation moved from %d to %d without an index entry write", before, after)
	}
	entries, _, err := s.IndexEntries(ctx)
	must(t, err)
	equal(t, "entries", entryNames(entries), []string{"plug"})
}
