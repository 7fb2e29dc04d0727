package oauth

import (
	"context"
	"errors"

	"github.com/hexship/ship/registry/store"
)

// Revoke is RFC 7009 revocation. Revoking an access token ends that token;
// revoking a refresh token ends its whole session, access tokens included
// (RFC 7009 §2.1). Unknown tokens and tokens of another client are
// ignored: the endpoint answers the same either way.
func (s *Service) Revoke(ctx context.Context, clientID, token string) error {
	if _, ok := s.clients[clientID]; !ok || token == "" {
		return nil
	}
	return s.cfg.Store.Update(ctx, func(tx store.Tx) error {
		t, session, err := s.tokenSession(ctx, tx, HashToken(token))
		if err != nil || t == nil || session.ClientID != clientID {
			return err
		}
		if t.Kind == store.RefreshToken {
			return tx.RevokeOAuthSession(ctx, session.ID, s.now())
		}
		return tx.RevokeOAuthToken(ctx, t.ID, s.now())
	})
}

// RevokeByHash ends the session of the refresh token whose hex SHA-256 is
// hash (hex.pm's revoke_by_hash, for a client that kept only the hash).
func (s *Service) RevokeByHash(ctx context.Context, hash string) error {
	if hash == "" {
		return nil
	}
	return s.cfg.Store.Update(ctx, func(tx store.Tx) error {
		t, session, err := s.tokenSession(ctx, tx, hash)
		if err != nil || t == nil || t.Kind != store.RefreshToken {
			return err
		}
		return tx.RevokeOAuthSession(ctx, session.ID, s.now())
	})
}

// tokenSession finds a token and its session; nil, nil when unknown.
func (s *Service) tokenSession(ctx context.Context, tx store.Tx, hash string) (*store.OAuthToken, *store.OAuthSession, error) {
	t, err := tx.OAuthTokenByHash(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	session, err := tx.OAuthSession(ctx, t.SessionID)
	if err != nil {
		return nil, nil, err
	}
	return t, session, nil
}

// Sessions lists the user's live sessions, newest first: the devices
// logged in as them.
func (s *Service) Sessions(ctx context.Context, userID int64) ([]store.OAuthSession, error) {
	return s.cfg.Store.OAuthSessions(ctx, userID, s.now())
}

// RevokeSession logs one of the user's devices out.
func (s *Service) RevokeSession(ctx context.Context, userID, sessionID int64) error {
	return s.cfg.Store.Update(ctx, func(tx store.Tx) error {
		session, err := tx.OAuthSession(ctx, sessionID)
		if err != nil {
			return err
		}
		if session.UserID != userID {
			return store.ErrNotFound
		}
		return tx.RevokeOAuthSession(ctx, sessionID, s.now())
	})
}

// Prune deletes device codes, sessions and tokens that can no longer
// matter (see store.AuthWriter.PruneAuth).
func (s *Service) Prune(ctx context.Context) (int64, error) {
	var n int64
	err := s.cfg.Store.Update(ctx, func(tx store.Tx) (err error) {
		n, err = tx.PruneAuth(ctx, s.now())
		return err
	})
	return n, err
}
