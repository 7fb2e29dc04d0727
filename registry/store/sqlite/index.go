package sqlite

import (
	"context"
	"fmt"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// IndexGeneration returns the index entries' generation counter.
func (r reads) IndexGeneration(ctx context.Context) (int64, error) {
	return generation(ctx, r.q)
}

func generation(ctx context.Context, q querier) (int64, error) {
	var g int64
	if err := q.QueryRowContext(ctx, `SELECT generation FROM index_generation WHERE id = 1`).Scan(&g); err != nil {
		return 0, fmt.Errorf("index generation: %w", err)
	}
	return g, nil
}

// IndexEntries returns every index entry by name (byte order) and their
// generation, read in one snapshot.
func (r reads) IndexEntries(ctx context.Context) ([]store.IndexEntry, int64, error) {
	var entries []store.IndexEntry
	var gen int64
	err := r.snapshot(ctx, func(q querier) error {
		var err error
		if gen, err = generation(ctx, q); err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx, `SELECT name, names, versions FROM index_entries ORDER BY name`)
		if err != nil {
			return fmt.Errorf("index entries: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e store.IndexEntry
			if err := rows.Scan(&e.Name, &e.Names, &e.Versions); err != nil {
				return fmt.Errorf("index entries: %w", err)
			}
			e.Names, e.Versions = sqlstore.Blob(e.Names), sqlstore.Blob(e.Versions)
			entries = append(entries, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, err
	}
	return entries, gen, nil
}

// SetIndexEntry creates or replaces a package's index entry.
func (t *tx) SetIndexEntry(ctx context.Context, e *store.IndexEntry) error {
	_, err := t.tx.ExecContext(ctx, `
		INSERT INTO index_entries (name, names, versions) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET names = excluded.names, versions = excluded.versions`,
		e.Name, sqlstore.NonNilBlob(e.Names), sqlstore.NonNilBlob(e.Versions))
	if err != nil {
		return fmt.Errorf("set index entry %q: %w", e.Name, err)
	}
	return t.bumpGeneration(ctx)
}

// DeleteIndexEntry removes a package's index entry, if any.
func (t *tx) DeleteIndexEntry(ctx context.Context, name string) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM index_entries WHERE name = ?`, name); err != nil {
		return fmt.Errorf("delete index entry %q: %w", name, err)
	}
	return t.bumpGeneration(ctx)
}

// bumpGeneration advances the generation, in the same transaction as the
// change to the entries, so a reader sees both or neither.
func (t *tx) bumpGeneration(ctx context.Context) error {
	if _, err := t.tx.ExecContext(ctx, `UPDATE index_generation SET generation = generation + 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("advance index generation: %w", err)
	}
	return nil
}
