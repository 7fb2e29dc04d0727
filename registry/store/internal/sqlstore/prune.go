package sqlstore

import "time"

// AuthGrace is how long PruneAuth keeps what has ended (an expired device
// code, a failure, an expired or revoked OAuth session): a day, so that a
// client polling a code or presenting a token just after its end is told
// why it was refused ("expired", "revoked") rather than "unknown", and an
// operator can still see what happened yesterday.
const AuthGrace = 24 * time.Hour

// PruneCutoff is the instant before which an ended row goes when PruneAuth
// runs at `at`: AuthGrace earlier.
func PruneCutoff(at time.Time) time.Time { return Norm(at).Add(-AuthGrace) }
