package tarball

import "math/big"

// Term is an Erlang term of the kinds metadata.config can hold: binaries,
// atoms, integers, proper lists and tuples. The set of implementations is
// closed; they are Binary, Atom, Charlist, Int, BigInt, List and Tuple.
//
// Erlang cannot tell a string from a list of integers, so one value has two
// spellings. DecodeTerms always returns the spelling Erlang prints: a
// non-empty list of integers that are all printable Latin-1 characters is a
// Charlist, any other list is a List, and "" is the empty List; an integer
// is an Int when it fits in an int64. Terms in that form are equal under
// reflect.DeepEqual exactly when Erlang considers them equal.
type Term interface {
	isTerm()
}

// Binary is an Erlang binary, <<"...">>, holding arbitrary bytes. Metadata
// strings are binaries, UTF-8 encoded.
type Binary string

// Atom is an Erlang atom, its name in UTF-8. Metadata uses the atoms true
// and false.
type Atom string

// Charlist is an Erlang string, "...", that is a list of character codes,
// given here as UTF-8 text. It is written as a string only when every
// character is printable Latin-1, as Erlang does with its default printable
// range; otherwise it is written as a list of integers.
type Charlist string

// Int is an integer in the int64 range.
type Int int64

// BigInt is an integer outside the int64 range. Make one with NewBigInt,
// which returns an Int for smaller values so that each number has exactly
// one representation.
type BigInt struct {
	v *big.Int
}

// List is a proper Erlang list, [A,B].
type List []Term

// Tuple is an Erlang tuple, {A,B}.
type Tuple []Term

func (Binary) isTerm()   {}
func (Atom) isTerm()     {}
func (Charlist) isTerm() {}
func (Int) isTerm()      {}
func (BigInt) isTerm()   {}
func (List) isTerm()     {}
func (Tuple) isTerm()    {}

// NewBigInt returns x as a Term: an Int when it fits in an int64, a BigInt
// holding a copy of x otherwise.
func NewBigInt(x *big.Int) Term {
	if x.IsInt64() {
		return Int(x.Int64())
	}
	return BigInt{new(big.Int).Set(x)}
}

// Big returns a copy of the integer's value.
func (b BigInt) Big() *big.Int {
	if b.v == nil {
		return new(big.Int)
	}
	return new(big.Int).Set(b.v)
}

// String returns the integer in decimal.
func (b BigInt) String() string {
	return b.Big().String()
}

// atomTrue and atomFalse are the booleans as metadata writes them.
const (
	atomTrue  Atom = "true"
	atomFalse Atom = "false"
)

// boolAtom returns the atom Erlang uses for b.
func boolAtom(b bool) Atom {
	if b {
		return atomTrue
	}
	return atomFalse
}
