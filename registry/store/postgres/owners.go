package postgres

import (
	"context"
	"fmt"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// Owners lists a package's owners with their accounts, by username.
func (r reads) Owners(ctx context.Context, packageID int64) ([]store.Owner, error) {
	rows, err := r.q.Query(ctx, `
		SELECT `+sqlstore.OwnerColumns+`
		FROM owners JOIN users ON users.id = owners.user_id
		WHERE owners.package_id = $1
		ORDER BY users.username`, packageID)
	owners, err := collect(rows, err, scan.Owner)
	if err != nil {
		return nil, fmt.Errorf("owners of package %d: %w", packageID, err)
	}
	return owners, nil
}

// SetOwner adds an owner or changes its level.
func (t *tx) SetOwner(ctx context.Context, packageID, userID int64, level store.OwnerLevel) error {
	what := fmt.Sprintf("set owner %d of package %d", userID, packageID)
	if err := sqlstore.CheckLevel(level); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	err := t.guarded(ctx, nil, `
		INSERT INTO owners (package_id, user_id, level) VALUES ($1, $2, $3)
		ON CONFLICT (package_id, user_id) DO UPDATE SET level = excluded.level`,
		packageID, userID, string(level))
	if err != nil {
		return writeError(what, err)
	}
	return nil
}

// RemoveOwner removes an owner.
func (t *tx) RemoveOwner(ctx context.Context, packageID, userID int64) error {
	tag, err := t.q.Exec(ctx, `DELETE FROM owners WHERE package_id = $1 AND user_id = $2`, packageID, userID)
	return needRow(fmt.Sprintf("remove owner %d of package %d", userID, packageID), tag, err)
}
