package oauth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/hexship/ship/registry/apikey"
	"github.com/hexship/ship/registry/store"
)

// Lifetimes and limits. The access-token lifetime is configurable; the
// rest are hex.pm's, except the refresh grace window, which hex.pm lacks.
const (
	DefaultAccessTTL = 30 * time.Minute
	SessionTTL       = 30 * 24 * time.Hour // from approval; refreshing does not extend it
	DeviceCodeTTL    = 10 * time.Minute
	PollInterval     = 5 * time.Second
	// RefreshGrace is how long a refresh token, once exchanged, still
	// returns the same new pair: two processes that refresh at once both
	// succeed. Later, presenting it again revokes the session, since only
	// a copy could still hold it (RFC 9700 §4.14.2).
	RefreshGrace = 30 * time.Second
)

// Config is what a Service needs.
type Config struct {
	Store     store.Store
	Keys      *apikey.Hasher // checks the API keys of client-credentials exchanges
	Secret    []byte         // the server secret (derives rotated token pairs)
	PublicURL string         // the website's base URL, for verification_uri
	Clients   []Client       // nil means DefaultClients
	AccessTTL time.Duration  // 0 means DefaultAccessTTL
	// DeviceLimit bounds device authorizations per address (a public
	// endpoint that writes a row each time); zero Max means unlimited.
	DeviceLimit Limit
	Now         func() time.Time // nil means time.Now
}

// Limit is at most Max events per Window.
type Limit struct {
	Max    int
	Window time.Duration
}

// DefaultDeviceLimit allows a person plenty of retries and keeps a script
// from filling the database with device codes.
var DefaultDeviceLimit = Limit{Max: 30, Window: 10 * time.Minute}

// Service is the authorization server.
type Service struct {
	cfg      Config
	clients  map[string]*Client
	rotation rotation
	polls    *pollTracker
}

// New checks cfg and returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Keys == nil {
		return nil, errors.New("oauth: Store and Keys are required")
	}
	if len(cfg.Secret) < 32 {
		return nil, errors.New("oauth: the server secret must be at least 32 bytes")
	}
	if cfg.Clients == nil {
		cfg.Clients = DefaultClients()
	}
	if cfg.AccessTTL <= 0 {
		cfg.AccessTTL = DefaultAccessTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.PublicURL = strings.TrimSuffix(cfg.PublicURL, "/")
	s := &Service{cfg: cfg, clients: map[string]*Client{}, rotation: newRotation(cfg.Secret), polls: newPollTracker()}
	for i := range cfg.Clients {
		s.clients[cfg.Clients[i].ID] = &cfg.Clients[i]
	}
	return s, nil
}

func (s *Service) now() time.Time { return s.cfg.Now().UTC() }

// client finds a known client, answering as hex.pm does when it is not.
func (s *Service) client(id string) (*Client, error) {
	if id == "" {
		return nil, oauthError("invalid_client", "Missing client_id")
	}
	c, ok := s.clients[id]
	if !ok {
		return nil, oauthError("invalid_client", "Invalid client")
	}
	return c, nil
}

// clientName is how the approval page names a client.
func (s *Service) clientName(id string) string {
	if c, ok := s.clients[id]; ok {
		return c.Name
	}
	return id
}

// TokenResponse is a successful token response (RFC 6749 §5.1).
type TokenResponse struct {
	AccessToken  string
	TokenType    string // always "bearer"
	ExpiresIn    int64  // seconds
	Scope        string // space-separated
	RefreshToken string // "" when none is issued
}

// issue stores a new access token, and a refresh token when refresh is
// not "", for session and returns the response naming them.
func (s *Service) issue(ctx context.Context, tx store.Tx, session *store.OAuthSession, access, refresh string, parent int64) (*TokenResponse, error) {
	now := s.now()
	expires := now.Add(s.cfg.AccessTTL)
	if expires.After(session.ExpiresAt) {
		expires = session.ExpiresAt
	}
	at := &store.OAuthToken{SessionID: session.ID, Kind: store.AccessToken, Hash: HashToken(access), ParentID: parent, CreatedAt: now, ExpiresAt: expires}
	if err := tx.CreateOAuthToken(ctx, at); err != nil {
		return nil, err
	}
	resp := &TokenResponse{
		AccessToken: access,
		TokenType:   "bearer",
		ExpiresIn:   int64(expires.Sub(now) / time.Second),
		Scope:       strings.Join(session.Scopes, " "),
	}
	if refresh != "" {
		rt := &store.OAuthToken{SessionID: session.ID, Kind: store.RefreshToken, Hash: HashToken(refresh), ParentID: parent, CreatedAt: now, ExpiresAt: session.ExpiresAt}
		if err := tx.CreateOAuthToken(ctx, rt); err != nil {
			return nil, err
		}
		resp.RefreshToken = refresh
	}
	return resp, nil
}
