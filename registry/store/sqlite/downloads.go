package sqlite

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// AddDownloads adds each release's count to the release and to its
// package, in release ID order. A release that is gone is skipped.
func (t *tx) AddDownloads(ctx context.Context, counts map[int64]int64) error {
	perPackage := map[int64]int64{}
	for _, id := range slices.Sorted(maps.Keys(counts)) {
		n := counts[id]
		if n == 0 {
			continue
		}
		rows, err := t.tx.QueryContext(ctx, `UPDATE releases SET downloads = downloads + ? WHERE id = ? RETURNING package_id`, n, id)
		if err != nil {
			return fmt.Errorf("add downloads to release %d: %w", id, err)
		}
		for rows.Next() {
			var pkg int64
			if err := rows.Scan(&pkg); err != nil {
				rows.Close()
				return fmt.Errorf("add downloads to release %d: %w", id, err)
			}
			perPackage[pkg] += n
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("add downloads to release %d: %w", id, err)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("add downloads to release %d: %w", id, err)
		}
	}
	for _, pkg := range slices.Sorted(maps.Keys(perPackage)) {
		if _, err := t.tx.ExecContext(ctx, `UPDATE packages SET downloads = downloads + ? WHERE id = ?`, perPackage[pkg], pkg); err != nil {
			return fmt.Errorf("add downloads to package %d: %w", pkg, err)
		}
	}
	return nil
}
