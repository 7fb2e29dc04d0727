// Package sqlite is the registry's metadata store on one SQLite file, for a
// single-server registry. It implements store.Store with the pure-Go driver
// modernc.org/sqlite, so the server stays one static binary.
//
// Several processes may share the file (the running server and an
// operator's `shipyard user add`): the database is in WAL mode, every
// connection waits up to 10 s for a lock, and Update retries a transaction
// that still could not get one.
//
// Inside one process, writes go through a single connection, each Update
// opening with BEGIN IMMEDIATE (it takes the write lock before reading, so
// two writers never deadlock upgrading a read lock), while reads use a
// separate pool of read-only connections: in WAL mode a reader sees the last
// committed state and never waits for the writer.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/hexship/ship/registry/store"
)

// busyTimeout is how long a statement waits for another connection's lock
// (in this process or another) before SQLite reports SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// Update retries a transaction that failed with SQLITE_BUSY this many times
// in all, backing off between attempts, while its context lasts; Open
// retries connecting as often.
const (
	updateAttempts = 6
	firstBackoff   = 10 * time.Millisecond
	maxBackoff     = 500 * time.Millisecond
)

// writeParams configure the one write connection.
//
// synchronous=FULL: in WAL mode SQLite then fsyncs the WAL at every commit,
// so a commit that returned (a publish the client was told succeeded, a key
// it was given) survives a power loss or a kernel crash, not only a kill -9
// of the process (which NORMAL already survives, since the WAL is in the OS
// page cache). The price is one fsync per commit, a few milliseconds, paid
// by rare operations: publishes, accounts, keys. The one frequent write,
// TouchKey on authenticated requests, is the caller's to throttle.
//
// cache_size: 64 MiB of pages (the default is 2 MiB), so that the B-tree
// pages a publish touches stay in memory in a large registry instead of
// being read again from disk (measured: 0.5 ms of reads per publish at
// 100,000 packages with the default).
var writeParams = url.Values{
	"_pragma":       {"cache_size(-65536)"},
	"_busy_timeout": {fmt.Sprint(busyTimeout.Milliseconds())},
	"_foreign_keys": {"1"},
	"_journal_mode": {"WAL"},
	"_synchronous":  {"FULL"},
	"_txlock":       {"immediate"},
}

// readParams configure the read pool. query_only turns an accidental write
// through a reader into an error rather than a second writer.
var readParams = url.Values{
	"_busy_timeout": {fmt.Sprint(busyTimeout.Milliseconds())},
	"_foreign_keys": {"1"},
	"_query_only":   {"1"},
}

// Store is the SQLite metadata store. Its methods are safe for concurrent
// use. An Update's fn must not call Update itself: it would wait for the
// write connection that it holds.
type Store struct {
	reads
	path   string
	writer *sql.DB // one connection: writes are serialised in-process
	reader *sql.DB // a pool of query_only connections
}

var _ store.Store = (*Store)(nil)

// Open opens (creating it when absent) the database file at path, applies
// pending migrations, and refuses a database written by a newer binary.
// Errors name the path and say plainly what is wrong with it.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite store: no database path given")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite store %s: %w", path, err)
	}
	if err := checkPath(abs); err != nil {
		return nil, fmt.Errorf("sqlite store %s: %w", abs, err)
	}
	s := &Store{path: abs}
	if err := s.open(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite store %s: %w", abs, err)
	}
	return s, nil
}

func (s *Store) open(ctx context.Context) error {
	var err error
	if s.writer, err = sql.Open("sqlite", dsn(s.path, writeParams)); err != nil {
		return err
	}
	s.writer.SetMaxOpenConns(1)
	s.writer.SetMaxIdleConns(1)
	s.writer.SetConnMaxIdleTime(0)
	s.writer.SetConnMaxLifetime(0)
	// Connecting applies the pragmas: this is where a file that is not a
	// database, or cannot be written, is found out. Two processes opening
	// a new file at once may find it busy without waiting busyTimeout:
	// switching it to WAL takes an exclusive lock, and SQLite gives up at
	// once rather than wait for a lock the other may be waiting on too.
	// The one that gave up connects again after the other's switch.
	if err := whileBusy(ctx, func() error { return s.writer.PingContext(ctx) }); err != nil {
		return describeOpenError(err)
	}
	var mode string
	if err := s.writer.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return describeOpenError(err)
	}
	if mode != "wal" {
		return fmt.Errorf("cannot switch the database to WAL mode (journal_mode is %q); is it on a network file system?", mode)
	}
	if err := migrate(ctx, s.writer); err != nil {
		return err
	}

	if s.reader, err = sql.Open("sqlite", dsn(s.path, readParams)); err != nil {
		return err
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	s.reader.SetMaxOpenConns(n)
	s.reader.SetMaxIdleConns(n)
	if err := s.reader.PingContext(ctx); err != nil {
		return describeOpenError(err)
	}
	s.reads = reads{q: s.reader, snapshot: s.readSnapshot}
	return nil
}

// dsn builds a file: URI, escaping the path so that '?', '#' or '%' in a
// file name are not taken for URI syntax.
func dsn(path string, params url.Values) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: params.Encode()}
	if u.Path != "" && u.Path[0] != '/' { // a Windows drive letter
		u.Path = "/" + u.Path
	}
	return u.String()
}

// Path is the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Close closes both connection pools; the last one to close checkpoints the
// WAL into the database file.
func (s *Store) Close() error {
	var errs []error
	if s.reader != nil {
		errs = append(errs, s.reader.Close())
	}
	if s.writer != nil {
		errs = append(errs, s.writer.Close())
	}
	return errors.Join(errs...)
}

// readSnapshot runs fn inside a read transaction of the read pool, so that
// its several queries see one committed state.
func (s *Store) readSnapshot(ctx context.Context, fn func(q querier) error) error {
	tx, err := s.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// Update runs fn in one BEGIN IMMEDIATE transaction on the write
// connection. When SQLite still reports the database busy after
// busyTimeout (another process held the write lock that long) Update
// rolls back and runs fn again, a few times, while ctx lasts. A panic in fn
// rolls the transaction back and carries on up the stack unchanged.
func (s *Store) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	return whileBusy(ctx, func() error { return s.update(ctx, fn) })
}

// whileBusy runs f again while it fails with SQLITE_BUSY, up to
// updateAttempts times in all, backing off between attempts, while ctx
// lasts. It returns f's last error.
func whileBusy(ctx context.Context, f func() error) error {
	backoff := firstBackoff
	for attempt := 1; ; attempt++ {
		err := f()
		if err == nil || !isBusy(err) || attempt == updateAttempts {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

func (s *Store) update(ctx context.Context, fn func(tx store.Tx) error) error {
	sqlTx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite store: begin: %w", err)
	}
	done := false
	defer func() {
		if !done { // fn failed or panicked, or Commit failed
			sqlTx.Rollback()
		}
	}()
	if err := fn(&tx{reads: reads{q: sqlTx, snapshot: inTx(sqlTx)}, tx: sqlTx}); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sqlite store: commit: %w", err)
	}
	done = true
	return nil
}

// tx is the store.Tx handed to Update's fn.
type tx struct {
	reads
	tx *sql.Tx
}

var _ store.Tx = (*tx)(nil)

// inTx makes a snapshot function that runs in an open transaction, which is
// already one consistent state.
func inTx(t *sql.Tx) func(context.Context, func(querier) error) error {
	return func(_ context.Context, fn func(querier) error) error { return fn(t) }
}
