package storetest

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

var repoFileCases = []testCase{
	{"RepoFilePutReplaceDelete", testRepoFiles},
}

func testRepoFiles(t *testing.T, s store.Store) {
	_, err := s.RepoFile(ctx, "names")
	wantErr(t, "RepoFile(names) in an empty store", err, store.ErrNotFound)

	big := bytes.Repeat([]byte{0x1f, 0x8b, 0, 0xff}, 1<<18) // 1 MiB, with NULs
	f := &store.RepoFile{Path: "packages/plug", Body: big, ETag: `"abc"`, UpdatedAt: t0}
	other := &store.RepoFile{Path: "packages/plug_cowboy", Body: []byte("x"), ETag: `"x"`, UpdatedAt: t0}
	update(t, s, func(tx store.Tx) error {
		if err := tx.PutRepoFile(ctx, f); err != nil {
			return err
		}
		return tx.PutRepoFile(ctx, other)
	})
	got, err := s.RepoFile(ctx, "packages/plug")
	must(t, err)
	equal(t, "RepoFile after put", got, f)

	replaced := &store.RepoFile{Path: "packages/plug", Body: []byte("new body"), ETag: `"def"`, UpdatedAt: at(time.Hour)}
	update(t, s, func(tx store.Tx) error { return tx.PutRepoFile(ctx, replaced) })
	got, err = s.RepoFile(ctx, "packages/plug")
	must(t, err)
	equal(t, "RepoFile after replace", got, replaced)

	update(t, s, func(tx store.Tx) error { return tx.DeleteRepoFile(ctx, "packages/plug") })
	_, err = s.RepoFile(ctx, "packages/plug")
	wantErr(t, "RepoFile after delete", err, store.ErrNotFound)
	update(t, s, func(tx store.Tx) error { return tx.DeleteRepoFile(ctx, "packages/plug") }) // absent: no error
	got, err = s.RepoFile(ctx, "packages/plug_cowboy")
	must(t, err)
	equal(t, "other RepoFile", got, other)
	if _, err := s.RepoFile(ctx, "packages/PLUG_COWBOY"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RepoFile paths match exactly; PLUG_COWBOY gave %v", err)
	}
}
