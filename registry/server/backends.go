// Package server assembles shipyard: it opens the storage a registry keeps
// (metadata store, blob store, repository signing key, server secret),
// builds the HTTP handler from the API and repository packages, and runs it
// with graceful shutdown. Operator commands open the same backends.
package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hexship/ship/registry/apikey"
	"github.com/hexship/ship/registry/blob"
	blobfs "github.com/hexship/ship/registry/blob/fs"
	blobs3 "github.com/hexship/ship/registry/blob/s3"
	"github.com/hexship/ship/registry/repofile"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/postgres"
	"github.com/hexship/ship/registry/store/sqlite"
)

// Storage says where a registry keeps its state.
type Storage struct {
	DataDir  string // holds the signing key and server secret, and by default everything else
	Database string // "" (DataDir/shipyard.db), a file path, sqlite:PATH, or a postgres:// DSN
	Blobs    string // "" (DataDir/blobs), a directory, file://DIR, or s3://BUCKET[/PREFIX]?endpoint=URL
}

// Backends are a registry's opened storage.
type Backends struct {
	Store  store.Store
	Blobs  blob.Store
	Keys   *apikey.Hasher
	Signer *repofile.Signer
	// Secret is the server secret: it keys API-key hashes, CSRF tokens,
	// sealed TOTP secrets and rotated OAuth tokens. Processes serving one
	// registry share it.
	Secret []byte

	mu       sync.Mutex
	flushers []func(context.Context) error // run by Close before the store closes
}

// Close writes what the handlers built on b hold in memory (download
// counts) and releases the store.
func (b *Backends) Close() error {
	b.mu.Lock()
	flushers := b.flushers
	b.flushers = nil
	b.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var errs []error
	for _, f := range flushers {
		errs = append(errs, f(ctx))
	}
	return errors.Join(append(errs, b.Store.Close())...)
}

// onClose adds f to what Close runs before it closes the store.
func (b *Backends) onClose(f func(context.Context) error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushers = append(b.flushers, f)
}

// Open opens (creating on first use) the storage described by s.
func Open(ctx context.Context, s Storage) (*Backends, error) {
	if s.DataDir == "" {
		s.DataDir = "shipyard-data"
	}
	if err := prepareDataDir(s.DataDir); err != nil {
		return nil, err
	}

	secret, err := apikey.LoadOrCreateSecret(filepath.Join(s.DataDir, "server-secret"))
	if err != nil {
		return nil, err
	}
	hasher, err := apikey.NewHasher(secret)
	if err != nil {
		return nil, err
	}
	key, _, err := repofile.LoadOrCreateKey(filepath.Join(s.DataDir, "repo-key.pem"))
	if err != nil {
		return nil, err
	}
	blobs, err := openBlobs(ctx, s.Blobs, s.DataDir)
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, s.Database, s.DataDir)
	if err != nil {
		return nil, err
	}
	return &Backends{Store: st, Blobs: blobs, Keys: hasher, Signer: repofile.NewSigner(key), Secret: secret}, nil
}

// prepareDataDir creates the data directory (private to its owner: it
// holds the signing key) and checks that it is a writable directory.
func prepareDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data directory %s cannot be created: %w", dir, unwrapPath(err))
	}
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("data directory %s: %w", dir, unwrapPath(err))
	}
	if !info.IsDir() {
		return fmt.Errorf("data directory %s is not a directory", dir)
	}
	probe, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return fmt.Errorf("data directory %s is not writable: %w", dir, unwrapPath(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// unwrapPath drops the *PathError wrapper, whose path the caller already names.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// openStore opens the metadata store --database names: a SQLite file (by
// default DATA/shipyard.db), sqlite:PATH, or a postgres:// DSN.
func openStore(ctx context.Context, database, dataDir string) (store.Store, error) {
	switch {
	case database == "":
		return sqlite.Open(ctx, filepath.Join(dataDir, "shipyard.db"))
	case strings.HasPrefix(database, "postgres://"), strings.HasPrefix(database, "postgresql://"):
		st, err := postgres.Open(ctx, database)
		if err != nil {
			return nil, fmt.Errorf("--database: %w", err)
		}
		return st, nil
	case strings.HasPrefix(database, "sqlite:"):
		return sqlite.Open(ctx, strings.TrimPrefix(strings.TrimPrefix(database, "sqlite:"), "//"))
	case strings.Contains(database, "://"):
		// Not echoed: a DSN may hold a password.
		return nil, errors.New("--database: expected a SQLite file path, sqlite:PATH or postgres://...")
	}
	return sqlite.Open(ctx, database)
}

// openBlobs opens the blob store --blobs names: a directory (by default
// DATA/blobs), file://DIR, or s3://BUCKET[/PREFIX]?endpoint=...
func openBlobs(ctx context.Context, blobs, dataDir string) (blob.Store, error) {
	switch {
	case blobs == "":
		return blobfs.Open(filepath.Join(dataDir, "blobs"))
	case strings.HasPrefix(blobs, "s3://"):
		st, err := blobs3.Open(ctx, blobs)
		if err != nil {
			return nil, fmt.Errorf("--blobs: %w", err)
		}
		return st, nil
	case strings.HasPrefix(blobs, "file://"):
		return blobfs.Open(strings.TrimPrefix(blobs, "file://"))
	case strings.Contains(blobs, "://"):
		return nil, errors.New("--blobs: expected a directory, file://DIR or s3://BUCKET?endpoint=URL")
	}
	return blobfs.Open(blobs)
}
