package httpapi

import (
	"errors"
	"net/http"

	"github.com/hexship/ship/registry/api"
	"github.com/hexship/ship/registry/store"
)

// apiError is an error with the status and envelope to send.
type apiError struct {
	env          api.Error
	authenticate string // www-authenticate header, when set
}

func (e *apiError) Error() string { return e.env.Error() }

func newError(status int, msg string) *apiError {
	return &apiError{env: api.Error{Status: status, Message: msg}}
}

// validation is hex.pm's 422 with field errors.
func validation(errs map[string]any) *apiError {
	return &apiError{env: api.Error{Status: http.StatusUnprocessableEntity, Message: api.MsgValidation, Errors: errs}}
}

// field is a 422 with one field error.
func field(name, msg string) *apiError {
	return validation(map[string]any{name: msg})
}

// unauthorized is hex.pm's 401 for credential problems; the Basic challenge
// is what hex.pm sends (clients do not act on it).
func unauthorized(msg string) *apiError {
	return &apiError{env: api.Error{Status: http.StatusUnauthorized, Message: msg}, authenticate: "Basic realm=hex"}
}

var (
	errNotFound      = newError(http.StatusNotFound, api.MsgNotFound)
	errForbidden     = newError(http.StatusForbidden, api.MsgNotAuthorized)
	errMissingAuth   = unauthorized(api.MsgMissingAuth)
	errInvalidKey    = unauthorized(api.MsgInvalidKey)
	errRevokedKey    = unauthorized(api.MsgKeyRevoked)
	errKeyNotAllowed = unauthorized(api.MsgKeyNotAuthorized)

	errTokenExpired   = &apiError{env: api.Error{Status: http.StatusUnauthorized, Message: api.MsgTokenExpired}, authenticate: api.ChallengeTokenExpired}
	errTOTPNotEnabled = newError(http.StatusForbidden, api.MsgTOTPNotEnabled)
	errTOTPRequired   = &apiError{env: api.Error{Status: http.StatusUnauthorized, Message: api.MsgTOTPRequired}, authenticate: api.ChallengeTOTPRequired}
	errTOTPInvalid    = &apiError{env: api.Error{Status: http.StatusUnauthorized, Message: api.MsgTOTPInvalid}, authenticate: api.ChallengeTOTPInvalid}
	errTOTPThrottled  = newError(http.StatusTooManyRequests, api.MsgTOTPThrottled)
)

// writeError renders err as hex.pm's envelope. Errors that are not
// *apiError are internal: logged with the request, shown as a bare 500 so
// no detail leaks.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
	case errors.Is(err, store.ErrNotFound):
		ae = errNotFound
	case errors.Is(err, store.ErrConflict):
		// Left over after retries: a concurrent change won every time.
		ae = newError(http.StatusConflict, "conflict with a concurrent change; try again")
	case errors.Is(err, r.Context().Err()) && r.Context().Err() != nil:
		return // the client went away; nobody to answer
	default:
		a.log().Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		ae = newError(http.StatusInternalServerError, api.MsgInternal)
	}
	if ae.authenticate != "" {
		w.Header().Set("www-authenticate", ae.authenticate)
	}
	writeBody(w, r, ae.env.Status, ae.env.AsMap())
}
