package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// ReleasesOf reads the releases of several packages in one statement,
// through the (package_id, version) index.
func (r reads) ReleasesOf(ctx context.Context, packageIDs []int64) (map[int64][]store.Release, error) {
	out := map[int64][]store.Release{}
	if len(packageIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(packageIDs))
	for i, id := range packageIDs {
		args[i] = id
	}
	marks := strings.Repeat("?, ", len(packageIDs)-1) + "?"
	rows, err := r.q.QueryContext(ctx, `SELECT `+sqlstore.ReleaseColumns+` FROM releases WHERE package_id IN (`+marks+`) ORDER BY id`, args...)
	rs, err := collect(rows, err, scan.Release)
	if err != nil {
		return nil, fmt.Errorf("releases of %d packages: %w", len(packageIDs), err)
	}
	for _, rel := range rs {
		out[rel.PackageID] = append(out[rel.PackageID], rel)
	}
	return out, nil
}
