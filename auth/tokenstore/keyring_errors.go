package tokenstore

import (
	"errors"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"
)

// unavailableError is an ErrUnavailable with its reason and the error that
// revealed it (nil when there was none, as for a missing session bus found
// before calling the keyring).
type unavailableError struct {
	reason string
	cause  error
}

func (e *unavailableError) Error() string {
	return ErrUnavailable.Error() + ": " + e.reason
}

func (e *unavailableError) Unwrap() []error {
	if e.cause == nil {
		return []error{ErrUnavailable}
	}
	return []error{ErrUnavailable, e.cause}
}

// unavailable explains err, a failure of the keyring call op, as an
// ErrUnavailable. Errors that are not about the keyring's availability
// (not found) never reach here.
func unavailable(op string, timeout time.Duration, err error) error {
	var u *unavailableError
	if errors.As(err, &u) {
		return err
	}
	var reason string
	switch {
	case errors.Is(err, errTimeout):
		reason = fmt.Sprintf("it did not answer within %s (%s); it may be locked and waiting for a password prompt nobody can see", timeout, op)
	case errors.Is(err, keyring.ErrSetDataTooBig):
		reason = fmt.Sprintf("it refused an entry as too big (%s)", op)
	case errors.Is(err, keyring.ErrUnsupportedPlatform):
		reason = "ship has no keyring support on this operating system"
	default:
		reason = platformReason(op, err)
	}
	return &unavailableError{reason: reason, cause: err}
}
