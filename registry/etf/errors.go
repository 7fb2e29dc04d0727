package etf

import (
	"errors"
	"fmt"
	"reflect"
)

// ErrCompressed is returned by Decode for a compressed term (bytes 131, 80),
// which hex.pm refuses with 400 "bad binary_to_term": inflating it would let
// a small body expand without bound.
var ErrCompressed = errors.New("etf: compressed terms are not accepted")

// SyntaxError reports input that is not one well-formed, supported term.
// Offset is where in the input the problem was found, so a client's bug
// can be located in its request body.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("etf: %s at offset %d", e.Msg, e.Offset)
}

func syntaxErrorf(offset int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Offset: offset, Msg: fmt.Sprintf(format, args...)}
}

// EncodeError reports a Go value that has no term to stand for it, such as
// a struct, a channel, a NaN or an atom Erlang could not hold. Type is the
// Go type of the offending value.
type EncodeError struct {
	Type reflect.Type
	Msg  string
}

func (e *EncodeError) Error() string {
	return fmt.Sprintf("etf: cannot encode %v: %s", e.Type, e.Msg)
}
