package etf

// Atom is an Erlang atom other than true, false and nil, which map to Go's
// true, false and nil. The string is the atom's name in UTF-8.
type Atom string

// Tuple is an Erlang tuple, {A, B, ...}. It is a distinct type so that a
// tuple and a list of the same elements stay distinct, as they are in
// Erlang.
type Tuple []any

// TimeLayout is how Encode writes a time.Time: UTC, whole seconds, "Z".
// hex.pm renders datetimes in Erlang-format responses this way
// (Hexpm.Utils.binarify truncates to the second before DateTime.to_iso8601),
// even though its JSON responses keep microseconds; `mix hex.organization`
// prints the string as received, so the exact form is visible to users.
const TimeLayout = "2006-01-02T15:04:05Z"
