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

	"github.com/hexship/ship/registry/apikey"
	"github.com/hexship/ship/registry/blob"
	blobfs "github.com/hexship/ship/registry/blob/fs"
	"github.com/hexship/ship/registry/repofile"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/sqlite"
)

// Storage says where a registry keeps its state.
type Storage struct {
	DataDir  string // holds the signing key and server secret, and by default everything else
	Database string // "" (DataDir/shipyard.db), a file path, or sqlite:PATH
	Blobs    string // "" (DataDir/blobs), a directory, or file://DIR
}

// Backends are a registry's opened storage.
type Backends struct {
	Store  store.Store
	Blobs  blob.Store
	Keys   *apikey.Hasher
	Signer *repofile.Signer
}

// Close releases the store.
func (b *Backends) Close() error { return b.Store.Close() }

// Open opens (creating on first use) the storage described by s.
func Open(ctx context.Context, s Storage) (*Backends, error) {
	if s.DataDir == "" {
		s.DataDir = "shipyard-data"
	}
	if err := prepareDataDir(s.DataDir); err != nil {
		return nil, err
	}
	dbPath, err := sqlitePath(s.Database, s.DataDir)
	if err != nil {
		return nil, err
	}
	blobDir, err := blobPath(s.Blobs, s.DataDir)
	if err != nil {
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
	blobs, err := blobfs.Open(blobDir)
	if err != nil {
		return nil, err
	}
	st, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return nil, err
	}
	return &Backends{Store: st, Blobs: blobs, Keys: hasher, Signer: repofile.NewSigner(key)}, nil
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

func sqlitePath(database, dataDir string) (string, error) {
	switch {
	case database == "":
		return filepath.Join(dataDir, "shipyard.db"), nil
	case strings.HasPrefix(database, "postgres://"), strings.HasPrefix(database, "postgresql://"):
		return "", errors.New("--database: PostgreSQL is not supported by this shipyard yet; leave --database out to use the SQLite file in --data")
	case strings.HasPrefix(database, "sqlite:"):
		return strings.TrimPrefix(strings.TrimPrefix(database, "sqlite:"), "//"), nil
	case strings.Contains(database, "://"):
		return "", fmt.Errorf("--database %q: expected a SQLite file path or sqlite:PATH", database)
	}
	return database, nil
}

func blobPath(blobs, dataDir string) (string, error) {
	switch {
	case blobs == "":
		return filepath.Join(dataDir, "blobs"), nil
	case strings.HasPrefix(blobs, "s3://"):
		return "", errors.New("--blobs: S3 storage is not supported by this shipyard yet; leave --blobs out to keep files in --data")
	case strings.HasPrefix(blobs, "file://"):
		return strings.TrimPrefix(blobs, "file://"), nil
	case strings.Contains(blobs, "://"):
		return "", fmt.Errorf("--blobs %q: expected a directory or file://DIR", blobs)
	}
	return blobs, nil
}
