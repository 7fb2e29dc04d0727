package tokenstore

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// service is the keyring service every ship entry is filed under; the
// account (user) is the registry's API URL.
const service = "ship"

// DefaultTimeout bounds each keyring call when NewKeyring is given zero: long
// enough for a healthy keyring, short enough that a hung one (locked, with a
// prompt nobody sees) fails before the user gives up. gh uses the same.
const DefaultTimeout = 3 * time.Second

// getAttempts is how often Get reads a chunked secret whose pieces do not
// match its header before giving up: a mismatch means a writer was midway.
const getAttempts = 3

// keyringStore is the Store in the platform's keyring.
type keyringStore struct {
	timeout time.Duration
	backend backend
	after   func(time.Duration) <-chan time.Time
}

// NewKeyring returns the Store in the operating system's keyring, under
// service "ship" with the registry as the account. Each keyring call is
// bounded by timeout (DefaultTimeout when zero); secrets over 2000 bytes
// are split over several entries.
func NewKeyring(timeout time.Duration) Store {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &keyringStore{timeout: timeout, backend: systemKeyring{}, after: time.After}
}

func (s *keyringStore) Kind() Kind    { return KindKeyring }
func (s *keyringStore) Where() string { return keyringWhere }

// Get reassembles the registry's secret from its main entry and chunks.
func (s *keyringStore) Get(registry string) ([]byte, error) {
	if err := checkRegistry(registry); err != nil {
		return nil, err
	}
	var last error
	for range getAttempts {
		secret, err := s.getOnce(registry)
		if !errors.Is(err, errTorn) {
			return secret, err
		}
		last = err
	}
	return nil, fmt.Errorf("%w: the keyring entry for %s is incomplete or damaged (%v); log in again to replace it",
		ErrNotFound, registry, last)
}

// errTorn marks a chunked secret read with a missing or mismatched piece.
var errTorn = errors.New("torn read")

func (s *keyringStore) getOnce(registry string) ([]byte, error) {
	main, err := s.get(registry)
	if err != nil {
		return nil, err
	}
	n, digest, chunked, err := parseHeader(main)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errTorn, err)
	}
	if !chunked {
		return []byte(main), nil
	}
	secret := make([]byte, 0, n*chunkSize)
	for i := 1; i <= n; i++ {
		chunk, err := s.get(chunkUser(registry, i))
		if errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("%w: part %d of %d is missing", errTorn, i, n)
		}
		if err != nil {
			return nil, err
		}
		secret = append(secret, chunk...)
	}
	if !matches(secret, digest) {
		return nil, fmt.Errorf("%w: the parts do not match their header", errTorn)
	}
	return secret, nil
}

// Set writes the chunks first and the main entry last, so that a reader
// sees either the old header (and fails its digest check if chunks changed
// under it, then reads again) or the new one; then it removes chunks a
// longer previous secret left behind.
func (s *keyringStore) Set(registry string, secret []byte) error {
	if err := checkRegistry(registry); err != nil {
		return err
	}
	main, chunks := split(secret)
	if len(chunks) > maxChunks {
		return fmt.Errorf("tokenstore: a %d-byte secret is too large for the keyring (at most %d bytes)",
			len(secret), maxChunks*chunkSize)
	}
	old, err := s.storedChunks(registry)
	if err != nil {
		return err
	}
	for i, chunk := range chunks {
		if err := s.set(chunkUser(registry, i+1), chunk); err != nil {
			return err
		}
	}
	if err := s.set(registry, main); err != nil {
		return err
	}
	return s.deleteChunks(registry, len(chunks)+1, old)
}

// Delete removes the main entry first, so that nothing readable is left
// even if removing a chunk then fails.
func (s *keyringStore) Delete(registry string) error {
	if err := checkRegistry(registry); err != nil {
		return err
	}
	old, err := s.storedChunks(registry)
	if err != nil {
		return err
	}
	if err := s.delete(registry); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return s.deleteChunks(registry, 1, old)
}

// storedChunks returns how many chunks the registry's current main entry
// says it has (0 when none or when its header is damaged).
func (s *keyringStore) storedChunks(registry string) (int, error) {
	main, err := s.get(registry)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, _, _, _ := parseHeader(main)
	return n, nil
}

// deleteChunks removes chunks from..known and then any further ones up to
// the first that is absent: those would be left by a Set interrupted after
// writing chunks but before its header.
func (s *keyringStore) deleteChunks(registry string, from, known int) error {
	for i := from; i <= maxChunks; i++ {
		err := s.delete(chunkUser(registry, i))
		if errors.Is(err, ErrNotFound) {
			if i > known {
				return nil
			}
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// get reads one entry, bounded by the timeout.
func (s *keyringStore) get(user string) (string, error) {
	if err := s.backend.available(); err != nil {
		return "", err
	}
	v, err := bounded(s.timeout, s.after, func() (string, error) { return s.backend.Get(service, user) })
	return v, s.explain("reading", err)
}

// set writes one entry, bounded by the timeout. A call that timed out may
// still complete later (go-keyring cannot cancel it), so the entry is read
// back before the write is reported as failed.
func (s *keyringStore) set(user, value string) error {
	if err := s.backend.available(); err != nil {
		return err
	}
	_, err := bounded(s.timeout, s.after, func() (struct{}, error) {
		return struct{}{}, s.backend.Set(service, user, value)
	})
	if errors.Is(err, errTimeout) {
		if got, getErr := s.get(user); getErr == nil && got == value {
			return nil
		}
	}
	return s.explain("writing", err)
}

// delete removes one entry, bounded by the timeout.
func (s *keyringStore) delete(user string) error {
	if err := s.backend.available(); err != nil {
		return err
	}
	_, err := bounded(s.timeout, s.after, func() (struct{}, error) {
		return struct{}{}, s.backend.Delete(service, user)
	})
	return s.explain("deleting", err)
}

// explain turns go-keyring's not-found into ErrNotFound and every other
// failure into ErrUnavailable.
func (s *keyringStore) explain(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	}
	return unavailable(op+" an entry", s.timeout, err)
}

// checkRegistry refuses names the keyring layout cannot hold: empty ones,
// and ones with '#', which chunk names use (registry API URLs have none).
func checkRegistry(registry string) error {
	if registry == "" {
		return errNoRegistry
	}
	if strings.Contains(registry, "#") {
		return fmt.Errorf("tokenstore: registry %q contains '#', which the keyring store reserves", registry)
	}
	return nil
}
