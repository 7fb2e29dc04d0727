package httpapi

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hexship/ship/registry/api"
	"github.com/hexship/ship/registry/apikey"
	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/twofactor"
)

// principal is who a request acts for and what its credential may do.
type principal struct {
	user    *store.User
	key     *store.Key          // the API key used; nil for other credentials
	session *store.OAuthSession // the OAuth session of a bearer token; nil for other credentials
	perms   []store.Permission
}

// access is what an endpoint needs, in hex.pm's terms: reads need
// {api, read}; writes need {api, write} or a package permission matching
// the package written to.
type access struct {
	write      bool
	pkgName    string // for writes to one package: a matching package permission also grants them
	anyPackage bool   // a write to a package not known yet: any package permission may grant it
}

// allows reports whether p's permissions grant acc, following hex.pm's
// rules for API key permissions: {api} grants everything, {api, write}
// also reads, a package permission grants reads and writes to that package.
func (p *principal) allows(acc access, repoName string) bool {
	for _, perm := range p.perms {
		switch perm.Domain {
		case "api":
			if perm.Resource == "" || perm.Resource == "write" || (perm.Resource == "read" && !acc.write) {
				return true
			}
		case "package":
			if !acc.write {
				return true
			}
			if perm.Resource == "" || acc.anyPackage || (acc.pkgName != "" && perm.Resource == repoName+"/"+acc.pkgName) {
				return true
			}
		}
	}
	return false
}

// basicAuthGone is hex.pm's answer to password authentication, which it
// switched off for good in November 2026 and shipyard never offered.
var basicAuthGone = &apiError{
	env:          api.Error{Status: http.StatusUnauthorized, Message: "Basic authentication is disabled. Update your client to use OAuth or an API key."},
	authenticate: `Bearer realm="hex"`,
}

// authenticate resolves the Authorization header. It returns (nil, nil)
// when there is none, so public reads can go on anonymously.
func (a *API) authenticate(r *http.Request) (*principal, error) {
	header := r.Header.Get("Authorization")
	switch {
	case header == "":
		return nil, nil
	case strings.HasPrefix(header, "Basic "):
		return nil, basicAuthGone
	case strings.HasPrefix(header, "Bearer "):
		return a.bearerAuth(r, strings.TrimPrefix(header, "Bearer "))
	default:
		return a.keyAuth(r, header)
	}
}

func (a *API) keyAuth(r *http.Request, secret string) (*principal, error) {
	if !apikey.LooksLikeSecret(secret) {
		return nil, errInvalidKey
	}
	lookup, _ := a.Keys.Hash(secret)
	key, err := a.Store.KeyByLookup(ctx(r), lookup)
	if err != nil {
		if isNotFound(err) {
			return nil, errInvalidKey
		}
		return nil, err
	}
	if !a.Keys.Matches(secret, key.Verify) {
		return nil, errInvalidKey
	}
	if key.RevokedAt != nil && !key.RevokedAt.After(a.now()) {
		return nil, errRevokedKey
	}
	user, err := a.Store.UserByID(ctx(r), key.UserID)
	if err != nil {
		return nil, err
	}
	if err := a.recordKeyUse(r, key); err != nil {
		return nil, err
	}
	return &principal{user: user, key: key, perms: key.Permissions}, nil
}

// bearerAuth resolves an OAuth access token. An expired one gets a
// challenge that tells the client to refresh; any other bad token gets
// hex.pm's answer for a bad key.
func (a *API) bearerAuth(r *http.Request, token string) (*principal, error) {
	g, err := a.OAuth.Authenticate(ctx(r), token, store.KeyUse{IP: clientIP(r), UserAgent: r.UserAgent()})
	switch {
	case errors.Is(err, oauth.ErrTokenExpired):
		return nil, errTokenExpired
	case errors.Is(err, oauth.ErrTokenInvalid):
		return nil, errInvalidKey
	case err != nil:
		return nil, err
	}
	return &principal{user: g.User, session: g.Session, perms: g.Permissions}, nil
}

// keyUseInterval bounds how often a key's last use is written: a burst of
// requests with one key costs one write, not one per request.
const keyUseInterval = time.Minute

func (a *API) recordKeyUse(r *http.Request, key *store.Key) error {
	use := store.KeyUse{At: a.now(), IP: clientIP(r), UserAgent: r.UserAgent()}
	if last := key.LastUse; last != nil && last.IP == use.IP && last.UserAgent == use.UserAgent && use.At.Sub(last.At) < keyUseInterval {
		return nil
	}
	key.LastUse = &use
	return a.Store.Update(ctx(r), func(tx store.Tx) error { return tx.TouchKey(ctx(r), key.ID, use) })
}

// clientIP is the peer address. Forwarded headers are not trusted: a
// deployment behind a proxy should terminate there and set RemoteAddr.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// require authenticates r and checks acc, answering as hex.pm does: 401
// without credentials or when the key lacks the permission.
func (a *API) require(r *http.Request, acc access) (*principal, error) {
	p, err := a.authenticate(r)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, errMissingAuth
	}
	if !p.allows(acc, a.Repo.Name()) {
		return nil, errKeyNotAllowed
	}
	if acc.write && p.session != nil {
		if err := a.checkOTP(r, p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// checkOTP is hex.pm's second factor on writes: a write with an OAuth
// token of a user needs a current TOTP code in x-hex-otp. API keys are
// not asked for one, as on hex.pm. A code may serve several requests of
// the same session within its time step (the Hex client sends one code
// for a release and its docs), never another session's.
func (a *API) checkOTP(r *http.Request, p *principal) error {
	code := r.Header.Get(api.HeaderOTP)
	if code == "" {
		// Without 2FA no code could help: say that rather than ask.
		enabled, err := a.TwoFactor.Enabled(ctx(r), p.user.ID)
		if err != nil {
			return err
		}
		if !enabled {
			return errTOTPNotEnabled
		}
		return errTOTPRequired
	}
	// Verify reads the enrolment itself (ErrNotEnrolled without one).
	err := a.TwoFactor.Verify(ctx(r), p.user.ID, code, "oauth:"+strconv.FormatInt(p.session.ID, 10), clientIP(r))
	switch {
	case errors.Is(err, twofactor.ErrThrottled):
		return errTOTPThrottled
	case errors.Is(err, twofactor.ErrInvalid):
		return errTOTPInvalid
	case errors.Is(err, twofactor.ErrNotEnrolled):
		return errTOTPNotEnabled
	}
	return err
}

// optional authenticates r when it carries credentials; bad credentials
// are still refused rather than silently ignored.
func (a *API) optional(r *http.Request) (*principal, error) {
	p, err := a.authenticate(r)
	if err != nil || p == nil {
		return nil, err
	}
	if !p.allows(access{}, a.Repo.Name()) {
		return nil, errKeyNotAllowed
	}
	return p, nil
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// grants answers /api/auth's question for an arbitrary domain and
// resource. Domains shipyard has no notion of (organizations'
// repositories, docs) are granted only by a full {api} permission.
func (p *principal) grants(domain, resource, repoName string) bool {
	switch domain {
	case "api":
		if resource == "" || resource == "read" {
			return p.allows(access{}, repoName)
		}
		return resource == "write" && p.allows(access{write: true}, repoName)
	case "package":
		name, ok := strings.CutPrefix(resource, repoName+"/")
		if !ok {
			name = resource
		}
		return p.allows(access{write: true, pkgName: name}, repoName)
	case "repositories", "repository":
		return p.allows(access{}, repoName)
	}
	for _, perm := range p.perms {
		if perm.Domain == domain && (perm.Resource == "" || perm.Resource == resource) {
			return true
		}
	}
	return false
}
