package store

import (
	"context"
	"time"
)

// AuthReader holds the reads behind sign-in, two-factor authentication and
// OAuth. Every secret is looked up by a hash the caller computed: the store
// never sees a token, code or TOTP secret in clear.
type AuthReader interface {
	// TOTP returns the user's 2FA enrolment. ErrNotFound when 2FA is off.
	TOTP(ctx context.Context, userID int64) (*TOTP, error)
	// RecoveryCodesLeft counts the user's unused recovery codes.
	RecoveryCodesLeft(ctx context.Context, userID int64) (int, error)

	// DeviceCodeByLookup finds a device authorization by the hash of its
	// device_code, whatever its status.
	DeviceCodeByLookup(ctx context.Context, lookup string) (*DeviceCode, error)
	// DeviceCodeByUserCode finds the newest device authorization with that
	// user code (as stored: upper case, no hyphen), whatever its status.
	DeviceCodeByUserCode(ctx context.Context, userCode string) (*DeviceCode, error)

	// OAuthSession finds a session, revoked or not.
	OAuthSession(ctx context.Context, id int64) (*OAuthSession, error)
	// OAuthSessions lists a user's sessions that are neither revoked nor
	// expired at `at`, newest first.
	OAuthSessions(ctx context.Context, userID int64, at time.Time) ([]OAuthSession, error)
	// OAuthTokenByHash finds a token, of either kind and in any state, by
	// its hash.
	OAuthTokenByHash(ctx context.Context, hash string) (*OAuthToken, error)

	// WebSessionByLookup finds a website session by the hash of its cookie.
	WebSessionByLookup(ctx context.Context, lookup string) (*WebSession, error)

	// Failures counts the failures recorded under key at or after since.
	Failures(ctx context.Context, key string, since time.Time) (int, error)

	// SecurityEvents lists a user's newest events first, at most limit.
	SecurityEvents(ctx context.Context, userID int64, limit int) ([]SecurityEvent, error)
}

// AuthWriter holds the writes behind sign-in, 2FA and OAuth.
type AuthWriter interface {
	// SetPassword stores a new password hash for the user.
	SetPassword(ctx context.Context, userID int64, hash string, at time.Time) error

	// EnableTOTP stores the user's enrolment (replacing any) and replaces
	// all recovery codes with the given hashes.
	EnableTOTP(ctx context.Context, t *TOTP, recoveryHashes []string) error
	// DisableTOTP removes the enrolment and every recovery code. No error
	// when 2FA was off.
	DisableTOTP(ctx context.Context, userID int64) error
	// UseTOTPStep records that a code of time step `step` was accepted for
	// `by` (who presented it, e.g. "oauth:12" or "web:7"). It reports false,
	// changing nothing, when that would replay a code: when step is before
	// the last accepted step, or equal to it but for someone else.
	// ErrNotFound when 2FA is off.
	UseTOTPStep(ctx context.Context, userID int64, step int64, by string) (bool, error)
	// ReplaceRecoveryCodes replaces every recovery code of the user.
	ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string) error
	// UseRecoveryCode marks one unused recovery code used. ErrNotFound when
	// the user has no unused code with that hash.
	UseRecoveryCode(ctx context.Context, userID int64, hash string, at time.Time) error

	// CreateDeviceCode inserts d and sets d.ID and d.CreatedAt. ErrConflict
	// when the lookup is taken, or the user code belongs to another device
	// authorization that has not expired at d.CreatedAt (or now).
	CreateDeviceCode(ctx context.Context, d *DeviceCode) error
	// UpdateDeviceCode stores d's Status, UserID and SessionID.
	UpdateDeviceCode(ctx context.Context, d *DeviceCode) error

	// CreateOAuthSession inserts s and sets s.ID.
	CreateOAuthSession(ctx context.Context, s *OAuthSession) error
	// TouchOAuthSession records a use of the session.
	TouchOAuthSession(ctx context.Context, id int64, use KeyUse) error
	// RevokeOAuthSession marks a session revoked; a session already revoked
	// keeps its first revocation time. Its tokens are dead with it.
	RevokeOAuthSession(ctx context.Context, id int64, at time.Time) error
	// RevokeOAuthSessions revokes every unrevoked session of the user and
	// returns how many.
	RevokeOAuthSessions(ctx context.Context, userID int64, at time.Time) (int, error)

	// CreateOAuthToken inserts t and sets t.ID.
	CreateOAuthToken(ctx context.Context, t *OAuthToken) error
	// RotateOAuthToken marks a refresh token exchanged at `at`. It reports
	// false, changing nothing, when it was already rotated: exactly one
	// caller consumes a refresh token.
	RotateOAuthToken(ctx context.Context, id int64, at time.Time) (bool, error)
	// RevokeOAuthToken marks one token revoked (keeping an earlier time).
	RevokeOAuthToken(ctx context.Context, id int64, at time.Time) error

	// CreateWebSession inserts s and sets s.ID.
	CreateWebSession(ctx context.Context, s *WebSession) error
	// UpdateWebSession stores s's Pending2FA, SudoAt, ExpiresAt and LastUse.
	UpdateWebSession(ctx context.Context, s *WebSession) error
	// DeleteWebSession removes one session (log out). No error when absent.
	DeleteWebSession(ctx context.Context, id int64) error
	// DeleteWebSessions removes every session of the user but keep (0 keeps
	// none): after a password or 2FA change, other browsers are logged out.
	DeleteWebSessions(ctx context.Context, userID int64, keep int64) error

	// RecordFailure records one failure under key (e.g. "otp-user:12",
	// "login-ip:192.0.2.1") at `at`.
	RecordFailure(ctx context.Context, key string, at time.Time) error
	// ClearFailures forgets the failures under key.
	ClearFailures(ctx context.Context, key string) error

	// AddSecurityEvent inserts e and sets e.ID.
	AddSecurityEvent(ctx context.Context, e *SecurityEvent) error

	// PruneAuth deletes what can no longer matter at `at`: device codes
	// expired over a day ago, failures over a day old, expired web
	// sessions, and sessions (with their tokens) expired or revoked over a
	// day ago. It returns how many rows went.
	PruneAuth(ctx context.Context, at time.Time) (int64, error)
}

// TOTP is a user's time-based one-time password enrolment.
type TOTP struct {
	UserID    int64
	Secret    []byte // sealed (encrypted) by the caller
	EnabledAt time.Time
	LastStep  int64  // time step of the last accepted code; 0 before any
	LastBy    string // who presented it (see UseTOTPStep)
}

// DeviceStatus is where a device authorization stands.
type DeviceStatus string

// Statuses of a device authorization. Expiry is not a status: it is read
// from ExpiresAt.
const (
	DevicePending    DeviceStatus = "pending"    // waiting for the person
	DeviceAuthorized DeviceStatus = "authorized" // approved; tokens not yet collected
	DeviceDenied     DeviceStatus = "denied"
	DeviceUsed       DeviceStatus = "used" // tokens collected: the code is spent
)

// DeviceCode is one OAuth device authorization (RFC 8628).
type DeviceCode struct {
	ID        int64
	Lookup    string // SHA-256 hex of the device_code; unique
	UserCode  string // 8 characters, upper case, no hyphen
	ClientID  string
	Scopes    []string // requested, with `api` expanded
	Name      string   // the device's name as it sent it
	IP        string   // of the device that asked
	UserAgent string
	Status    DeviceStatus
	UserID    int64 // who approved or denied it; 0 while pending
	SessionID int64 // the session approval created; 0 otherwise
	ExpiresAt time.Time
	CreatedAt time.Time
}

// OAuthSession is one login of one device (or one API-key exchange): the
// grant that its tokens belong to and die with.
type OAuthSession struct {
	ID        int64
	UserID    int64
	ClientID  string
	Name      string   // the device's name
	Scopes    []string // granted
	KeyID     int64    // the API key exchanged (client_credentials); 0 otherwise
	CreatedAt time.Time
	ExpiresAt time.Time // absolute: refreshing does not extend it
	RevokedAt *time.Time
	LastUse   *KeyUse
}

// TokenKind tells access tokens from refresh tokens.
type TokenKind string

// Token kinds.
const (
	AccessToken  TokenKind = "access"
	RefreshToken TokenKind = "refresh"
)

// OAuthToken is one issued token, kept as a hash only.
type OAuthToken struct {
	ID        int64
	SessionID int64
	Kind      TokenKind
	Hash      string // SHA-256 hex of the token; unique
	ParentID  int64  // the refresh token whose rotation issued this one; 0 for the first
	CreatedAt time.Time
	ExpiresAt time.Time
	RotatedAt *time.Time // refresh tokens: when exchanged for a new pair
	RevokedAt *time.Time
}

// WebSession is one browser signed in to the website.
type WebSession struct {
	ID         int64
	Lookup     string // SHA-256 hex of the cookie value; unique
	UserID     int64
	Pending2FA bool       // the password was right; the second factor is still due
	SudoAt     *time.Time // last re-verification (sudo mode)
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUse    *KeyUse
}

// SecurityEvent is one line of a user's security log.
type SecurityEvent struct {
	ID        int64
	UserID    int64
	Kind      string // e.g. "login", "device_approved", "totp_enabled"
	Detail    string
	IP        string
	UserAgent string
	At        time.Time
}
