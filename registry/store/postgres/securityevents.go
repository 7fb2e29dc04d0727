package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// SecurityEvents lists the user's newest events first, at most limit (none
// when limit < 1).
func (r reads) SecurityEvents(ctx context.Context, userID int64, limit int) ([]store.SecurityEvent, error) {
	if limit < 1 {
		return nil, nil
	}
	rows, err := r.q.Query(ctx, `
		SELECT `+sqlstore.SecurityEventColumns+` FROM security_events
		WHERE user_id = $1
		ORDER BY at DESC, id DESC
		LIMIT $2`, userID, limit)
	events, err := collect(rows, err, scan.SecurityEvent)
	if err != nil {
		return nil, fmt.Errorf("security events of user %d: %w", userID, err)
	}
	return events, nil
}

// AddSecurityEvent inserts e and sets e.ID; a zero At is the current time
// (set in e).
func (t *tx) AddSecurityEvent(ctx context.Context, e *store.SecurityEvent) error {
	at := sqlstore.OrNow(e.At)
	var id int64
	err := t.guarded(ctx, func(row pgx.Row) error { return row.Scan(&id) }, `
		INSERT INTO security_events (user_id, kind, detail, ip, user_agent, at)
		VALUES ($1, $2, $3, $4, $5, $6)
		RETURNING id`, e.UserID, e.Kind, e.Detail, e.IP, e.UserAgent, at)
	if err != nil {
		return writeError(fmt.Sprintf("add a %q event for user %d", e.Kind, e.UserID), err)
	}
	e.ID, e.At = id, at
	return nil
}
