package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hexship/ship/registry/store"
)

// querier is what a pool and a transaction have in common: reads run on
// the pool or inside the transaction through it.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// reads implements store.Reader over q.
type reads struct {
	q querier
}

// tx is the store.Tx handed to Update's fn.
type tx struct {
	reads
	tx pgx.Tx
	// conflict is the first serialisation failure or deadlock any statement
	// of the transaction met: Update then runs fn again, whatever fn made
	// of the error.
	conflict error
}

var _ store.Tx = (*tx)(nil)

// note records err when it is a serialisation failure.
func (t *tx) note(err error) {
	if t.conflict == nil && isSerialization(err) {
		t.conflict = err
	}
}

// watched runs the transaction's statements and notes their serialisation
// failures, including those that surface only when a row is scanned.
type watched struct {
	q pgx.Tx
	t *tx
}

func (w watched) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	tag, err := w.q.Exec(ctx, sql, args...)
	w.t.note(err)
	return tag, err
}

func (w watched) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	rows, err := w.q.Query(ctx, sql, args...)
	if err != nil {
		w.t.note(err)
		return nil, err
	}
	return watchedRows{Rows: rows, t: w.t}, nil
}

func (w watched) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return watchedRow{row: w.q.QueryRow(ctx, sql, args...), t: w.t}
}

type watchedRows struct {
	pgx.Rows
	t *tx
}

func (r watchedRows) Err() error {
	err := r.Rows.Err()
	r.t.note(err)
	return err
}

type watchedRow struct {
	row pgx.Row
	t   *tx
}

func (r watchedRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	r.t.note(err)
	return err
}

// guarded runs one write that may break a unique or foreign key constraint
// inside a savepoint, so that when it does (or the server refuses it for
// another reason) the transaction goes on as if it had not been tried.
// The savepoint, the statement and the savepoint's release travel in one
// round trip; a failure costs a second one, to roll back to the savepoint.
// scan, when not nil, reads the statement's one row (RETURNING). The error
// is the statement's, for writeError.
func (t *tx) guarded(ctx context.Context, scan func(pgx.Row) error, sql string, args ...any) error {
	return t.guardedBatch(ctx, func(q *pgx.QueuedQuery) {
		if scan != nil {
			q.QueryRow(scan)
		}
	}, sql, args...)
}

// guardedExec is guarded for a statement without RETURNING whose count of
// rows the caller needs (an UPDATE naming its row).
func (t *tx) guardedExec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	var tag pgconn.CommandTag
	err := t.guardedBatch(ctx, func(q *pgx.QueuedQuery) {
		q.Exec(func(ct pgconn.CommandTag) error {
			tag = ct
			return nil
		})
	}, sql, args...)
	return tag, err
}

// guardedBatch runs the statement between SAVEPOINT and RELEASE in one
// batch; read says how its result is read.
func (t *tx) guardedBatch(ctx context.Context, read func(*pgx.QueuedQuery), sql string, args ...any) error {
	b := &pgx.Batch{}
	b.Queue(`SAVEPOINT guarded`)
	read(b.Queue(sql, args...))
	b.Queue(`RELEASE SAVEPOINT guarded`)
	err := t.tx.SendBatch(ctx, b).Close()
	if err == nil {
		return nil
	}
	t.note(err)
	if c := pgCode(err); c != "" && c != codeInFailedTransaction && !isSerialization(err) {
		// The server refused the statement (a constraint, text it cannot
		// store): the release did not run, the savepoint is there to go
		// back to, and the transaction goes on without the write.
		if _, rbErr := t.tx.Exec(ctx, `ROLLBACK TO SAVEPOINT guarded; RELEASE SAVEPOINT guarded`); rbErr != nil {
			t.note(rbErr)
			return fmt.Errorf("%w (and rolling back to the savepoint failed: %v)", err, rbErr)
		}
	}
	return err
}

// savepoint runs fn, a write of several statements made through t.q,
// inside a savepoint: when fn fails (a later statement breaks a
// constraint after an earlier one changed rows) everything it did is
// undone and the transaction goes on, as the store promises of a write
// that fails with ErrConflict or ErrNotFound. It costs a round trip more
// than the statements; a write of one statement uses guarded.
func (t *tx) savepoint(ctx context.Context, fn func() error) error {
	if _, err := t.q.Exec(ctx, `SAVEPOINT multi`); err != nil {
		return err
	}
	err := fn()
	if err == nil {
		_, err = t.q.Exec(ctx, `RELEASE SAVEPOINT multi`)
		return err
	}
	if t.conflict != nil {
		return err // the transaction runs again anyway
	}
	if _, rbErr := t.q.Exec(ctx, `ROLLBACK TO SAVEPOINT multi; RELEASE SAVEPOINT multi`); rbErr != nil {
		return fmt.Errorf("%w (and rolling back to the savepoint failed: %v)", err, rbErr)
	}
	return err
}

// needRow checks the result of a write that names its row: no row touched
// is ErrNotFound.
func needRow(what string, tag pgconn.CommandTag, err error) error {
	if err != nil {
		return writeError(what, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}

// notFound turns pgx.ErrNoRows into store.ErrNotFound, naming what was
// looked for.
func notFound(what string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}
