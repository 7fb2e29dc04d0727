package oauth

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/hexship/ship/registry/apikey"
	"github.com/hexship/ship/registry/store"
)

// Grant types of the token endpoint.
const (
	GrantDeviceCode        = "urn:ietf:params:oauth:grant-type:device_code"
	GrantRefreshToken      = "refresh_token"
	GrantClientCredentials = "client_credentials"
)

// TokenRequest is a request to the token endpoint, whatever its grant.
type TokenRequest struct {
	GrantType    string
	ClientID     string
	DeviceCode   string // device_code grant
	RefreshToken string // refresh_token grant
	ClientSecret string // client_credentials: the API key
	Scope        string // client_credentials
	Name         string // client_credentials: a label for the session
}

// Token answers the token endpoint. Errors are *Error unless the store
// failed.
func (s *Service) Token(ctx context.Context, req TokenRequest) (*TokenResponse, error) {
	switch req.GrantType {
	case GrantDeviceCode, GrantRefreshToken, GrantClientCredentials:
	case "":
		return nil, oauthError("invalid_request", "Missing grant_type")
	default:
		return nil, oauthError("unsupported_grant_type", "Unsupported grant type: "+req.GrantType)
	}
	c, err := s.client(req.ClientID)
	if err != nil {
		return nil, err
	}
	switch req.GrantType {
	case GrantDeviceCode:
		return s.pollDevice(ctx, c, req.DeviceCode)
	case GrantRefreshToken:
		return s.refresh(ctx, c, req.RefreshToken)
	default:
		return s.exchangeKey(ctx, c, req)
	}
}

// refresh exchanges a refresh token for a new pair, rotating it. Within
// RefreshGrace of a rotation the old token gets the same new pair again;
// after it, the old token's reappearance means it was copied, and the
// whole session is revoked.
func (s *Service) refresh(ctx context.Context, c *Client, refresh string) (*TokenResponse, error) {
	invalid := oauthError("invalid_grant", "Invalid refresh token")
	if !strings.HasPrefix(refresh, refreshPrefix) {
		return nil, invalid
	}
	var resp *TokenResponse
	var refusal error
	err := s.cfg.Store.Update(ctx, func(tx store.Tx) error {
		resp, refusal = nil, nil
		old, err := tx.OAuthTokenByHash(ctx, HashToken(refresh))
		if errors.Is(err, store.ErrNotFound) {
			refusal = invalid
			return nil
		}
		if err != nil {
			return err
		}
		session, err := tx.OAuthSession(ctx, old.SessionID)
		if err != nil {
			return err
		}
		now := s.now()
		switch {
		case old.Kind != store.RefreshToken || session.ClientID != c.ID:
			refusal = invalid
			return nil
		case old.RevokedAt != nil || session.RevokedAt != nil:
			refusal = oauthError("invalid_grant", "Refresh token has been revoked")
			return nil
		case !now.Before(session.ExpiresAt) || !now.Before(old.ExpiresAt):
			refusal = oauthError("invalid_grant", "Refresh token has expired")
			return nil
		}
		access, next := s.rotation.next(refresh)
		if old.RotatedAt != nil {
			if now.Sub(*old.RotatedAt) <= RefreshGrace {
				resp, err = s.again(ctx, tx, session, access, next)
				return err
			}
			// Reuse after the grace window: someone holds a copy.
			refusal = oauthError("invalid_grant", "Refresh token has been revoked")
			return tx.RevokeOAuthSession(ctx, session.ID, now)
		}
		rotated, err := tx.RotateOAuthToken(ctx, old.ID, now)
		if err != nil {
			return err
		}
		if !rotated { // a concurrent refresh got there first: same pair
			resp, err = s.again(ctx, tx, session, access, next)
			return err
		}
		resp, err = s.issue(ctx, tx, session, access, next, old.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if refusal != nil {
		return nil, refusal
	}
	return resp, nil
}

// again answers a refresh inside the grace window with the pair the first
// one issued, as long as that pair is still alive.
func (s *Service) again(ctx context.Context, tx store.Tx, session *store.OAuthSession, access, refresh string) (*TokenResponse, error) {
	at, err := tx.OAuthTokenByHash(ctx, HashToken(access))
	if err != nil {
		return nil, err
	}
	rt, err := tx.OAuthTokenByHash(ctx, HashToken(refresh))
	if err != nil {
		return nil, err
	}
	now := s.now()
	if at.RevokedAt != nil || rt.RevokedAt != nil || !now.Before(at.ExpiresAt) {
		return nil, oauthError("invalid_grant", "Refresh token has been revoked")
	}
	return &TokenResponse{
		AccessToken:  access,
		TokenType:    "bearer",
		ExpiresIn:    int64(at.ExpiresAt.Sub(now).Seconds()),
		Scope:        strings.Join(session.Scopes, " "),
		RefreshToken: refresh,
	}, nil
}

// exchangeKey is the client-credentials grant: an API key is exchanged
// for a short-lived access token with at most the key's permissions and
// no refresh token.
func (s *Service) exchangeKey(ctx context.Context, c *Client, req TokenRequest) (*TokenResponse, error) {
	if req.ClientSecret == "" {
		return nil, oauthError("invalid_request", "Missing or invalid client_secret")
	}
	badKey := oauthError("invalid_client", "Invalid API key")
	if !apikey.LooksLikeSecret(req.ClientSecret) {
		return nil, badKey
	}
	lookup, _ := s.cfg.Keys.Hash(req.ClientSecret)
	key, err := s.cfg.Store.KeyByLookup(ctx, lookup)
	if errors.Is(err, store.ErrNotFound) {
		return nil, badKey
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !s.cfg.Keys.Matches(req.ClientSecret, key.Verify) || (key.RevokedAt != nil && !key.RevokedAt.After(now)) {
		return nil, badKey
	}
	allowed := keyScopes(key.Permissions)
	scopes := allowed
	if strings.TrimSpace(req.Scope) != "" {
		var ok bool
		if scopes, ok = parseScopes(c, req.Scope); !ok {
			return nil, oauthError("invalid_scope", "Invalid scope")
		}
		for _, sc := range scopes {
			if !slices.Contains(allowed, sc) {
				return nil, oauthError("invalid_scope", "Requested scopes exceed API key permissions")
			}
		}
	}
	if len(scopes) == 0 {
		return nil, oauthError("invalid_scope", "Requested scopes exceed API key permissions")
	}
	var resp *TokenResponse
	err = s.cfg.Store.Update(ctx, func(tx store.Tx) error {
		session := &store.OAuthSession{
			UserID: key.UserID, ClientID: c.ID, Name: req.Name, Scopes: scopes, KeyID: key.ID,
			CreatedAt: now, ExpiresAt: now.Add(s.cfg.AccessTTL),
		}
		if err := tx.CreateOAuthSession(ctx, session); err != nil {
			return err
		}
		resp, err = s.issue(ctx, tx, session, newToken(accessPrefix), "", 0)
		return err
	})
	return resp, err
}
