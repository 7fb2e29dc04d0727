//go:build !((dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd)

package tokenstore

import (
	"fmt"
	"runtime"
)

// keyringWhere is what `ship auth status` shows for the keyring store here.
var keyringWhere = func() string {
	switch runtime.GOOS {
	case "darwin":
		return "the macOS keychain"
	case "windows":
		return "the Windows Credential Manager"
	}
	return "the system keyring"
}()

// precheck has nothing to look at before calling the keyring on these
// platforms: the keychain and Credential Manager are always there.
func precheck() error { return nil }

// platformReason explains a keyring failure in words.
func platformReason(op string, err error) string {
	return fmt.Sprintf("%s failed (%s: %v)", keyringWhere, op, err)
}
