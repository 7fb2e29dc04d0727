//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package tokenstore

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"strings"

	dbus "github.com/godbus/dbus/v5"
)

// keyringWhere is what `ship auth status` shows for the keyring store here.
const keyringWhere = "the system keyring (Secret Service)"

// precheck finds out, without calling the keyring, that there is no D-Bus
// session bus to reach a Secret Service on. Left alone, godbus would then
// run dbus-launch, which needs X11 and leaves a stray bus daemon behind
// when it works.
func precheck() error {
	if addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); addr != "" && addr != "autolaunch:" {
		return nil
	}
	// The places godbus looks when the variable is not set.
	if u, err := user.Current(); err == nil {
		for _, name := range []string{"bus", "dbus-session"} {
			if _, err := os.Stat("/run/user/" + u.Uid + "/" + name); err == nil {
				return nil
			}
		}
	}
	return &unavailableError{reason: "there is no D-Bus session bus to reach a Secret Service on " +
		"(DBUS_SESSION_BUS_ADDRESS is not set, as is usual over SSH, in containers and in CI)"}
}

// platformReason explains a Secret Service failure in words.
func platformReason(op string, err error) string {
	var opErr *net.OpError
	var dbusErr dbus.Error
	var dbusErrPtr *dbus.Error
	switch {
	case errors.As(err, &opErr):
		return fmt.Sprintf("cannot connect to the D-Bus session bus at %s (%v)",
			os.Getenv("DBUS_SESSION_BUS_ADDRESS"), err)
	case errors.As(err, &dbusErr) && isNoService(dbusErr.Name),
		errors.As(err, &dbusErrPtr) && isNoService(dbusErrPtr.Name):
		return "no Secret Service (org.freedesktop.secrets) is running on the D-Bus session bus; " +
			"start gnome-keyring-daemon or another Secret Service provider such as KeePassXC"
	case strings.Contains(err.Error(), "failed to unlock correct collection"):
		return "the keyring is locked and could not be unlocked from here " +
			"(no password prompt could be shown); unlock it, for example with Seahorse " +
			"or by signing in to the desktop, then try again"
	case strings.HasPrefix(err.Error(), "dbus: "):
		return fmt.Sprintf("cannot use the D-Bus session bus (%v)", err)
	}
	return fmt.Sprintf("the Secret Service failed (%s: %v)", op, err)
}

// isNoService reports whether a D-Bus error name means nobody provides the
// Secret Service on the bus.
func isNoService(name string) bool {
	return name == "org.freedesktop.DBus.Error.ServiceUnknown" ||
		name == "org.freedesktop.DBus.Error.NameHasNoOwner"
}
