package sqlstore

import "github.com/hexship/ship/registry/store"

// Blob is b with an empty slice read back as nil: a NOT NULL binary column
// holds nil as empty (see NonNilBlob), and the store gives back what it
// was given.
func Blob(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// NonNilBlob stores nil as an empty value for NOT NULL binary columns.
func NonNilBlob(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// NullID stores the zero ID (no row) as NULL.
func NullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// RetirementColumns splits r into the nullable retirement_reason and
// retirement_message columns: both NULL when the release is not retired.
func RetirementColumns(r *store.Retirement) (reason, message *string) {
	if r == nil {
		return nil, nil
	}
	return &r.Reason, &r.Message
}
