package web

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/hexship/ship/registry/apikey"
	"github.com/hexship/ship/registry/blob"
	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/throttle"
	"github.com/hexship/ship/registry/twofactor"
)

// Site is the website. Every field but Log and Now is required.
type Site struct {
	Store     store.Store
	TwoFactor *twofactor.Checker
	Sealer    *twofactor.Sealer // seals a TOTP secret between the enrolment page and its confirmation
	Throttle  *throttle.Throttle
	Devices   *oauth.Service
	// Blobs holds the package tarballs, from which package pages read
	// their README.
	Blobs blob.Store
	// Keys hashes the API keys created on the dashboard.
	Keys *apikey.Hasher
	// RepoName is the repository name clients configure (install
	// snippets, package-scoped key permissions).
	RepoName string
	// Secret is the server secret (at least 32 bytes): it keys the CSRF
	// tokens.
	Secret []byte
	// PublicURL is the site's external base URL; cookies are marked
	// Secure when it is https.
	PublicURL  string
	SignupOpen bool
	Now        func() time.Time // nil means time.Now
	Log        *slog.Logger     // nil discards

	cop *http.CrossOriginProtection
}

// Register adds the website's routes to mux: the home page, the static
// files, sign-up and sign-in, sudo mode, the dashboard and the device
// approval pages. The API and the repository keep their own prefixes.
func (s *Site) Register(mux *http.ServeMux) {
	s.cop = http.NewCrossOriginProtection()
	s.cop.SetDenyHandler(http.HandlerFunc(s.crossOrigin))

	get := func(pattern string, h http.HandlerFunc) {
		mux.Handle("GET "+pattern, s.cop.Handler(s.wrap(h)))
	}
	post := func(pattern string, h http.HandlerFunc) {
		mux.Handle("POST "+pattern, s.cop.Handler(s.wrap(s.form(h))))
	}
	mux.Handle("GET /static/", staticHandler())

	get("/{$}", s.searchOrHome)

	get("/signup", s.signupPage)
	post("/signup", s.signup)
	get("/login", s.loginPage)
	post("/login", s.login)
	get("/login/2fa", s.pending(s.loginTOTPPage))
	post("/login/2fa", s.pending(s.loginTOTP))
	get("/login/recovery", s.pending(s.loginRecoveryPage))
	post("/login/recovery", s.pending(s.loginRecovery))
	post("/logout", s.logout)

	get("/sudo", s.auth(s.sudoPage(false)))
	post("/sudo", s.auth(s.sudoVerify(false)))
	get("/sudo/recovery", s.auth(s.sudoPage(true)))
	post("/sudo/recovery", s.auth(s.sudoVerify(true)))

	get("/dashboard", s.auth(s.dashboard))
	get("/dashboard/security", s.auth(s.sudo(s.security, false)))
	get("/dashboard/security/totp", s.auth(s.sudo(s.totpPage, false)))
	post("/dashboard/security/totp", s.auth(s.sudo(s.totpEnable, false)))
	post("/dashboard/security/recovery-codes", s.auth(s.sudo(s.recoveryRegenerate, false)))
	post("/dashboard/security/totp/disable", s.auth(s.sudo(s.totpDisable, true)))
	post("/dashboard/security/password", s.auth(s.sudo(s.passwordChange, false)))

	get("/oauth/device", s.auth(s.devicePage))
	post("/oauth/device", s.auth(s.deviceCode))
	get("/oauth/device/authorize", s.auth(s.sudo(s.authorizePage, false)))
	post("/oauth/device/authorize", s.auth(s.sudo(s.authorize, false)))
	s.registerDashboard(mux)
	s.registerPackages(mux)
	s.registerSearch(mux)
}

func (s *Site) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Site) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// secure reports whether cookies may travel over https only.
func (s *Site) secure() bool {
	return strings.HasPrefix(strings.ToLower(s.PublicURL), "https://")
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

// use is this request's address and browser, for session and device
// records.
func (s *Site) use(r *http.Request) store.KeyUse {
	return store.KeyUse{At: s.now(), IP: clientIP(r), UserAgent: r.UserAgent()}
}

// event writes one line of the user's security log within tx.
func (s *Site) event(ctx context.Context, tx store.Tx, r *http.Request, userID int64, kind, detail string) error {
	return tx.AddSecurityEvent(ctx, &store.SecurityEvent{
		UserID:    userID,
		Kind:      kind,
		Detail:    detail,
		IP:        clientIP(r),
		UserAgent: r.UserAgent(),
		At:        s.now(),
	})
}

// addEvent writes one line of the user's security log in a transaction of
// its own.
func (s *Site) addEvent(r *http.Request, userID int64, kind, detail string) error {
	ctx := r.Context()
	return s.Store.Update(ctx, func(tx store.Tx) error { return s.event(ctx, tx, r, userID, kind, detail) })
}

// redirect sends the browser to a local path with 303 See Other, so that
// the page after a form is fetched with GET.
func redirect(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, path, http.StatusSeeOther)
}
