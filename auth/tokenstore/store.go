package tokenstore

import "errors"

// ErrNotFound is returned by Get when nothing is stored for the registry
// (also when a keyring entry was found incomplete: logging in again fixes
// both).
var ErrNotFound = errors.New("no credentials stored for this registry")

// ErrUnavailable is wrapped by every keyring error that means the keyring
// cannot be used on this machine right now (no D-Bus session bus, no Secret
// Service, a locked collection, a call that timed out, an entry the platform
// refuses). The wrapping error says which, in words; callers test for it
// with errors.Is to offer the file store instead.
var ErrUnavailable = errors.New("the system keyring cannot be used")

// Kind names where a Store keeps its secrets, for configuration and for
// `ship auth status`.
type Kind string

// The kinds of Store.
const (
	KindKeyring Kind = "keyring"
	KindFile    Kind = "file"
)

// Store keeps one secret per registry. The registry is the registry's API
// URL; the secret is opaque bytes.
type Store interface {
	// Kind says which kind of store this is.
	Kind() Kind
	// Where describes where secrets live, for people: "the system keyring
	// (Secret Service)" or the file's path.
	Where() string
	// Get returns the registry's secret, or an error wrapping ErrNotFound.
	Get(registry string) ([]byte, error)
	// Set stores the registry's secret, replacing any previous one.
	Set(registry string, secret []byte) error
	// Delete removes the registry's secret; nil when there was none.
	Delete(registry string) error
}

// errNoRegistry guards against storing under an empty name, which would be
// a bug in the caller, not something to write down.
var errNoRegistry = errors.New("tokenstore: empty registry name")
