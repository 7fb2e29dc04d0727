package sqlite

import (
	"context"
	"fmt"
)

// savepoint runs fn, a write of several statements, inside a savepoint:
// when fn fails (a later statement breaks a constraint after an earlier
// one changed rows) everything it did is undone and the transaction goes
// on, as the store promises of a write that fails with ErrConflict or
// ErrNotFound. A single statement needs none: SQLite undoes a failed
// statement by itself.
func (t *tx) savepoint(ctx context.Context, fn func() error) error {
	if _, err := t.tx.ExecContext(ctx, `SAVEPOINT write`); err != nil {
		return err
	}
	if err := fn(); err != nil {
		if _, rbErr := t.tx.ExecContext(ctx, `ROLLBACK TO write`); rbErr != nil {
			return fmt.Errorf("%w (and rolling back to the savepoint failed: %v)", err, rbErr)
		}
		if _, rbErr := t.tx.ExecContext(ctx, `RELEASE write`); rbErr != nil {
			return fmt.Errorf("%w (and releasing the savepoint failed: %v)", err, rbErr)
		}
		return err
	}
	_, err := t.tx.ExecContext(ctx, `RELEASE write`)
	return err
}
