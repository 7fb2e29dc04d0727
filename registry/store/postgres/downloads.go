package postgres

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// AddDownloads adds each release's count to the release and to its
// package in one statement, rows taken in ID order so two flushes never
// deadlock. A release that is gone is skipped.
func (t *tx) AddDownloads(ctx context.Context, counts map[int64]int64) error {
	ids := slices.Sorted(maps.Keys(counts))
	ns := make([]int64, len(ids))
	for i, id := range ids {
		ns[i] = counts[id]
	}
	if len(ids) == 0 {
		return nil
	}
	_, err := t.q.Exec(ctx, `
		WITH c AS (
			SELECT id, n FROM unnest($1::bigint[], $2::bigint[]) AS c (id, n) WHERE n <> 0 ORDER BY id
		), r AS (
			UPDATE releases SET downloads = releases.downloads + c.n FROM c
			WHERE releases.id = c.id
			RETURNING releases.package_id, c.n
		), s AS (
			SELECT package_id, sum(n)::bigint AS n FROM r GROUP BY package_id
		)
		UPDATE packages SET downloads = packages.downloads + s.n FROM s
		WHERE packages.id = s.package_id`, ids, ns)
	if err != nil {
		return fmt.Errorf("add downloads: %w", err)
	}
	return nil
}
