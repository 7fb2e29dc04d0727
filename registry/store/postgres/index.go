package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// IndexGeneration returns the index entries' generation: the sum of the
// counters that index writes advance (see the schema).
func (r reads) IndexGeneration(ctx context.Context) (int64, error) {
	var g int64
	if err := r.q.QueryRow(ctx, `SELECT sum(generation)::bigint FROM index_generation`).Scan(&g); err != nil {
		return 0, fmt.Errorf("index generation: %w", err)
	}
	return g, nil
}

// IndexEntries returns every index entry by name (byte order: the column
// is COLLATE "C") and their generation. One statement reads both, so they
// come from one snapshot without a transaction round trip; with no entry
// it returns the generation alone, on a row of NULLs.
func (r reads) IndexEntries(ctx context.Context) ([]store.IndexEntry, int64, error) {
	rows, err := r.q.Query(ctx, `
		SELECT g.generation, e.name, e.names, e.versions
		FROM (SELECT sum(generation)::bigint AS generation FROM index_generation) g
			LEFT JOIN index_entries e ON true
		ORDER BY e.name`)
	if err != nil {
		return nil, 0, fmt.Errorf("index entries: %w", err)
	}
	var gen int64
	var name *string
	var e store.IndexEntry
	var entries []store.IndexEntry
	_, err = pgx.ForEachRow(rows, []any{&gen, &name, &e.Names, &e.Versions}, func() error {
		if name != nil {
			entries = append(entries, store.IndexEntry{Name: *name, Names: sqlstore.Blob(e.Names), Versions: sqlstore.Blob(e.Versions)})
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("index entries: %w", err)
	}
	return entries, gen, nil
}

// SetIndexEntry creates or replaces a package's index entry.
func (t *tx) SetIndexEntry(ctx context.Context, e *store.IndexEntry) error {
	_, err := t.q.Exec(ctx, `
		INSERT INTO index_entries (name, names, versions) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET names = excluded.names, versions = excluded.versions`,
		e.Name, sqlstore.NonNilBlob(e.Names), sqlstore.NonNilBlob(e.Versions))
	if err != nil {
		return writeError(fmt.Sprintf("set index entry %q", e.Name), err)
	}
	return t.bumpGeneration(ctx)
}

// DeleteIndexEntry removes a package's index entry, if any.
func (t *tx) DeleteIndexEntry(ctx context.Context, name string) error {
	if storable(name) {
		if _, err := t.q.Exec(ctx, `DELETE FROM index_entries WHERE name = $1`, name); err != nil {
			return fmt.Errorf("delete index entry %q: %w", name, err)
		}
	}
	return t.bumpGeneration(ctx)
}

// generationShards is the number of counters whose sum is the generation
// (see the schema).
const generationShards = 64

// bumpGeneration advances the generation, in the same transaction as the
// change to the entries, so a reader sees both or neither. It adds one to
// a counter picked at random: the row stays locked until the commit, and
// concurrent index writes rarely pick the same.
func (t *tx) bumpGeneration(ctx context.Context) error {
	shard := rand.IntN(generationShards)
	if _, err := t.q.Exec(ctx, `
		INSERT INTO index_generation AS g (shard, generation) VALUES ($1, 1)
		ON CONFLICT (shard) DO UPDATE SET generation = g.generation + 1`, shard); err != nil {
		return fmt.Errorf("advance index generation: %w", err)
	}
	return nil
}
