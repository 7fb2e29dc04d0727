// Package tokenstore keeps ship's credentials, one secret per registry,
// either in the operating system's keyring (Secret Service on Linux, the
// macOS keychain, Windows Credential Manager) or in a file only the user can
// read.
//
// The keyring is reached through go-keyring, which has no timeouts and no
// fallback of its own: every call here is bounded by a deadline, secrets too
// large for some platform's keyring are split into numbered entries, and any
// failure that means "the keyring cannot be used here" is reported as
// ErrUnavailable with a reason a person can act on. Choosing between the
// keyring and the file is the caller's decision, never a silent fallback.
package tokenstore
