package web

import (
	"strings"
	"time"

	"github.com/hexship/ship/registry/throttle"
)

// Failure limits over a sliding window, counted in the store so that every
// server process sees the same counts.
var (
	// LoginAccountLimit bounds wrong passwords for one account (or one
	// name that is no account, so that both answer alike), at sign-in and
	// in sudo mode.
	LoginAccountLimit = throttle.Limit{Max: 10, Window: 15 * time.Minute}
	// LoginIPLimit bounds wrong passwords from one address, whatever the
	// account: more than one account's worth, since people behind one NAT
	// share it.
	LoginIPLimit = throttle.Limit{Max: 50, Window: 15 * time.Minute}
	// DeviceUserLimit bounds wrong device codes a signed-in person types.
	// A code has 39 bits, so this is about stopping a script, not luck.
	DeviceUserLimit = throttle.Limit{Max: 10, Window: 15 * time.Minute}
	// DeviceIPLimit bounds wrong device codes from one address, over every
	// account signed in from it.
	DeviceIPLimit = throttle.Limit{Max: 30, Window: 15 * time.Minute}
	// SignupIPLimit bounds the accounts created from one address.
	SignupIPLimit = throttle.Limit{Max: 10, Window: time.Hour}
)

// The words the pages use for a throttled client.
const (
	msgTooManyLogins  = "Too many failed attempts. Please wait 15 minutes and try again."
	msgTooManyDevices = "Too many verification attempts. Please wait 15 minutes and try again."
	msgTooManySignups = "Too many accounts were created from your address. Please try again in an hour."
)

// loginAccountKey counts wrong passwords for an account by its ID, so that
// signing in by name or by email counts alike; a name or address that is
// no account is counted by what was typed, case-folded.
func loginAccountKey(userID int64, typed string) string {
	if userID != 0 {
		return throttle.Key("login-user", userID)
	}
	return throttle.Key("login-name", strings.ToLower(typed))
}

func loginIPKey(ip string) string { return throttle.IPKey("login-ip", ip) }

func deviceUserKey(userID int64) string { return throttle.Key("device-user", userID) }

func deviceIPKey(ip string) string { return throttle.IPKey("device-ip", ip) }

func signupIPKey(ip string) string { return throttle.IPKey("signup-ip", ip) }
