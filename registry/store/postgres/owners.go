package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/store"
)

// Owners lists a package's owners with their accounts, by username.
func (r reads) Owners(ctx context.Context, packageID int64) ([]store.Owner, error) {
	rows, err := r.q.Query(ctx, `
		SELECT users.id, users.username, users.email, users.full_name, users.password_hash,
			users.created_at, users.updated_at, owners.level
		FROM owners JOIN users ON users.id = owners.user_id
		WHERE owners.package_id = $1
		ORDER BY users.username`, packageID)
	if err != nil {
		return nil, fmt.Errorf("owners of package %d: %w", packageID, err)
	}
	owners, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Owner, error) {
		var o store.Owner
		u := &o.User
		err := row.Scan(&u.ID, &u.Username, &u.Email, &u.FullName, &u.PasswordHash, &u.CreatedAt, &u.UpdatedAt, &o.Level)
		u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("owners of package %d: %w", packageID, err)
	}
	return owners, nil
}

// SetOwner adds an owner or changes its level.
func (t *tx) SetOwner(ctx context.Context, packageID, userID int64, level store.OwnerLevel) error {
	what := fmt.Sprintf("set owner %d of package %d", userID, packageID)
	if level != store.LevelFull && level != store.LevelMaintainer {
		return fmt.Errorf("%s: unknown owner level %q", what, level)
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
