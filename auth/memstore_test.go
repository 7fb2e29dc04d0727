package auth_test

import (
	"fmt"
	"sync"

	"github.com/hexship/ship/auth/tokenstore"
)

// memStore is a tokenstore.Store in memory, safe for concurrent use: the
// store of the unit tests that do not need the file store's persistence
// across processes.
type memStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

func newMemStore() *memStore { return &memStore{m: map[string][]byte{}} }

func (s *memStore) Kind() tokenstore.Kind { return tokenstore.KindFile }
func (s *memStore) Where() string         { return "memory" }

func (s *memStore) Get(registry string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[registry]
	if !ok {
		return nil, fmt.Errorf("%s: %w", registry, tokenstore.ErrNotFound)
	}
	return append([]byte(nil), v...), nil
}

func (s *memStore) Set(registry string, secret []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[registry] = append([]byte(nil), secret...)
	return nil
}

func (s *memStore) Delete(registry string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, registry)
	return nil
}
