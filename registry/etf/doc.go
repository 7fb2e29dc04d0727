// Package etf encodes and decodes Erlang's External Term Format, the bytes
// of term_to_binary, for the Hex HTTP API. hex_core sends request bodies as
// application/vnd.hex+erlang (term_to_binary of a map with binary keys) and
// reads responses the same way, so the registry server needs both sides.
//
// Only the term kinds an API body can hold are supported: binaries, atoms,
// integers (small and big), floats, lists, tuples and maps. Decode refuses
// everything else (pids, references, funs, ports, bit strings) and refuses
// compressed terms with ErrCompressed, as hex.pm does. Decode is meant for
// untrusted input: it bounds nesting depth and never allocates more than
// the remaining input can back.
//
// Encode writes what Erlang/OTP 26 and later write with term_to_binary
// (OTP 25 with {minor_version, 2}): the same integer and float encodings
// and UTF-8 atoms, and maps with binary keys in sorted order, which is
// Erlang's own order for maps of up to 32 keys.
package etf
