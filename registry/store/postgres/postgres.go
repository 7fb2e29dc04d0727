// Package postgres is the registry's metadata store on a PostgreSQL server,
// for a registry served by several shipyard processes at once. It
// implements store.Store with pgx and passes the same conformance suite as
// the SQLite store.
//
// Every Update is one SERIALIZABLE transaction. PostgreSQL then guarantees
// that the committed transactions have the effect of running one after the
// other, which is what the store's contract promises and what the SQLite
// store gets from its single writer. Where two transactions could not be
// put in any order (two read-modify-writes of one package, two writes of
// one index generation counter) PostgreSQL aborts one with a
// serialisation failure, and Update runs its fn again from the start on a
// new transaction, where it sees the other's commit. Lower isolation with
// explicit row locks would have to foresee every read-then-write of every
// caller (and a lock on a row that does not exist yet is no lock at all);
// SERIALIZABLE covers the ones nobody thought of. The price is the
// transactions run again, which the schema keeps rare for publishes of
// different packages: the index generation is a sum of 64 counters, so
// concurrent publishes seldom write the same row.
//
// Writes that may break a unique or foreign key constraint run inside a
// savepoint, sent in the same round trip as the statement, so that a write
// failing with ErrConflict or ErrNotFound leaves the transaction usable.
//
// Reads through the Store are single statements on the pool, each seeing
// the last commit (READ COMMITTED): they never wait for a writer.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hexship/ship/registry/store"
)

// Update runs fn at most this many times in all when the server reports a
// serialisation failure or a deadlock, backing off (with jitter, so that
// the transactions that collided do not collide again) between attempts,
// while its context lasts.
const (
	updateAttempts = 12
	firstBackoff   = 2 * time.Millisecond
	maxBackoff     = 250 * time.Millisecond
)

// retryLock is the first statement of a transaction run again after a
// serialisation failure. When many transactions read and write the same
// rows at once, the ones run again would otherwise keep colliding with
// each other, and some would lose every time until their attempts ran
// out. The lock (on a table nothing else uses) makes them take turns:
// one at a time, each with a snapshot taken after the one before it
// committed (LOCK takes no snapshot; fn's first statement does), so it
// meets only first attempts. First attempts never wait for it, so it can
// take part in no deadlock, and transactions that do not collide (nearly
// all of them) never touch it.
const retryLock = `LOCK TABLE update_retry_turn IN EXCLUSIVE MODE`

// rollbackTimeout bounds the ROLLBACK of a transaction whose context has
// ended: the rollback itself must still reach the server.
const rollbackTimeout = 10 * time.Second

// Store is the PostgreSQL metadata store. Its methods are safe for
// concurrent use, and several Stores (in one process or many) may share a
// database. An Update's fn holds one pooled connection; reads through the
// Store inside fn take another, so a pool of one connection
// (pool_max_conns=1) would make them wait for the end of the context.
type Store struct {
	reads
	pool   *pgxpool.Pool
	target string // where the store is, for messages: host:port/database
}

var _ store.Store = (*Store)(nil)

// Open connects to the database named by dsn (a postgres:// URL or
// keyword=value string, as libpq and pgx take them; pool_max_conns and
// the other pgxpool settings are accepted), applies the pending schema
// migrations under an advisory lock, and refuses a database that a newer
// version of the store has migrated. The tables live in the connection's
// current schema: the first existing one of its search_path, which the
// DSN may set (search_path=...). Errors name the server and the database
// and never contain the password.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, parseError(dsn, err)
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "shipyard"
	}
	target := describeTarget(cfg.ConnConfig)
	fail := func(err error) error {
		return fmt.Errorf("postgres store %s: %w", target, redact(err, cfg.ConnConfig))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fail(err)
	}
	s := &Store{reads: reads{q: pool}, pool: pool, target: target}
	if err := s.open(ctx); err != nil {
		pool.Close()
		return nil, fail(err)
	}
	return s, nil
}

func (s *Store) open(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return describeConnectError(err)
	}
	defer conn.Release()
	if err := checkServer(ctx, conn.Conn()); err != nil {
		return err
	}
	return migrate(ctx, conn.Conn())
}

// Target says where the store is: host:port/database (never the password).
func (s *Store) Target() string { return s.target }

// Close closes every connection of the pool, waiting for those in use.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Update runs fn in one SERIALIZABLE transaction and commits it. When the
// server reports a serialisation failure or a deadlock, anywhere in fn or
// at the commit, Update rolls back and runs fn again (after the other
// transactions run again before it: see retryLock), up to updateAttempts
// times in all while ctx lasts. fn's own error is returned as is (after
// the last attempt when it came with a serialisation failure). A panic in
// fn rolls the transaction back and carries on up the stack unchanged.
func (s *Store) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	backoff := firstBackoff
	for attempt := 1; ; attempt++ {
		again, err := s.update(ctx, fn, attempt > 1)
		if !again || attempt == updateAttempts {
			return err
		}
		// Full jitter: a random wait up to the backoff.
		wait := time.Duration(rand.Int64N(int64(backoff))) + time.Millisecond
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// update makes one attempt, and reports whether it may be made again.
// A retry (after a serialisation failure) takes the retry lock first.
func (s *Store) update(ctx context.Context, fn func(tx store.Tx) error, retry bool) (again bool, err error) {
	pgTx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.Serializable})
	if err != nil {
		// A connection found broken before anything was sent (the server
		// restarted) is safe to try again on another.
		return pgconn.SafeToRetry(err) && ctx.Err() == nil, fmt.Errorf("postgres store %s: begin: %w", s.target, err)
	}
	committed := false
	defer func() {
		if !committed { // fn failed or panicked, or the commit did not happen
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
			defer cancel()
			pgTx.Rollback(rctx) // on failure pgx closes the connection, which ends the transaction
		}
	}()
	if retry {
		// LOCK takes no snapshot: the transaction's snapshot is taken
		// after the lock is granted, by fn's first statement.
		if _, err := pgTx.Exec(ctx, retryLock); err != nil {
			return isSerialization(err) && ctx.Err() == nil, fmt.Errorf("postgres store %s: waiting for the retry lock: %w", s.target, err)
		}
	}
	t := &tx{tx: pgTx}
	t.reads = reads{q: watched{q: pgTx, t: t}}

	fnErr := fn(t)
	if t.conflict != nil {
		// The transaction saw a serialisation failure, which fn may have
		// returned, wrapped, or swallowed: what it read cannot be trusted,
		// so it must run again.
		if fnErr == nil {
			fnErr = fmt.Errorf("postgres store %s: not committed: %w", s.target, t.conflict)
		}
		return ctx.Err() == nil, fnErr
	}
	if fnErr != nil {
		return false, fnErr
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("postgres store %s: not committed: %w", s.target, err)
	}
	if err := pgTx.Commit(ctx); err != nil {
		if errors.Is(err, pgx.ErrTxCommitRollback) {
			return false, fmt.Errorf("postgres store %s: commit: a statement of the transaction failed, so the server rolled it back", s.target)
		}
		return isSerialization(err) && ctx.Err() == nil, fmt.Errorf("postgres store %s: commit: %w", s.target, err)
	}
	committed = true
	return false, nil
}
