package etf

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/big"
	"slices"
	"strconv"
	"unicode/utf8"
)

// DefaultMaxDepth is the nesting depth Decode allows. Hex API bodies nest a
// few levels (a release inside a package's list of releases inside a map);
// the bound keeps hostile input from driving recursion deep.
const DefaultMaxDepth = 64

// maxPrealloc caps the room reserved up front for one list, tuple or map;
// bigger ones grow as their elements actually arrive.
const maxPrealloc = 4096

// maxAtomChars is Erlang's limit on the length of an atom.
const maxAtomChars = 255

// DecodeLimits bounds what a decode accepts. The zero value means the
// defaults Decode uses.
type DecodeLimits struct {
	// MaxDepth is how many lists, tuples and maps may nest; 0 means
	// DefaultMaxDepth. A list's tail does not count as nesting.
	MaxDepth int
}

// Decode parses data, which must be exactly one term: the version byte 131,
// the term, and nothing after it. Terms become Go values as follows:
//
//	binary                          string (bytes as they are)
//	atom true, false / nil          bool / nil
//	any other atom                  Atom
//	integer                         int64, or *big.Int when it does not fit
//	float                           float64
//	list, string (STRING_EXT)       []any; a string is a list of int64
//	tuple                           Tuple
//	map                             map[string]any
//
// Map keys must be binaries or atoms; an atom key becomes its name, and two
// keys with the same name (<<"a">> and a) are an error, as duplicate keys
// are to Erlang. Improper lists, compressed terms (ErrCompressed) and
// every other kind of term are refused; other errors are *SyntaxError.
// An empty body is an error here; hex.pm treats one as nil, which is for
// the HTTP layer to decide.
func Decode(data []byte) (any, error) {
	return DecodeLimits{}.Decode(data)
}

// Decode is the package-level Decode with the limits in l.
func (l DecodeLimits) Decode(data []byte) (any, error) {
	if len(data) == 0 {
		return nil, syntaxErrorf(0, "empty input")
	}
	if data[0] != versionMagic {
		return nil, syntaxErrorf(0, "version byte is %d, want %d", data[0], versionMagic)
	}
	if len(data) > 1 && data[1] == compressedTag {
		return nil, ErrCompressed
	}
	d := decoder{data: data, off: 1, maxDepth: l.MaxDepth, reserve: len(data)}
	if d.maxDepth <= 0 {
		d.maxDepth = DefaultMaxDepth
	}
	v, err := d.term()
	if err != nil {
		return nil, err
	}
	if d.off != len(data) {
		return nil, syntaxErrorf(d.off, "%d bytes after the term", len(data)-d.off)
	}
	return v, nil
}

type decoder struct {
	data     []byte
	off      int
	depth    int
	maxDepth int
	reserve  int // elements that may still be reserved ahead of decoding them
}

// take consumes the next n bytes. n is unsigned and compared before any
// conversion, so a claimed length of 2^32-1 is an error, not an overflow.
func (d *decoder) take(n uint64) ([]byte, error) {
	if n > uint64(len(d.data)-d.off) {
		return nil, syntaxErrorf(d.off, "unexpected end of input (need %d bytes, have %d)", n, len(d.data)-d.off)
	}
	b := d.data[d.off : d.off+int(n)]
	d.off += int(n)
	return b, nil
}

func (d *decoder) u8() (uint64, error) {
	b, err := d.take(1)
	if err != nil {
		return 0, err
	}
	return uint64(b[0]), nil
}

func (d *decoder) u16() (uint64, error) {
	b, err := d.take(2)
	if err != nil {
		return 0, err
	}
	return uint64(binary.BigEndian.Uint16(b)), nil
}

func (d *decoder) u32() (uint64, error) {
	b, err := d.take(4)
	if err != nil {
		return 0, err
	}
	return uint64(binary.BigEndian.Uint32(b)), nil
}

// capHint is how many of n claimed elements, each at least minSize bytes,
// to make room for now. No more is reserved than the rest of the input
// could hold, and over the whole decode no more elements than the input
// has bytes: nested headers each claiming billions of elements would
// otherwise each reserve room for the same remaining bytes.
func (d *decoder) capHint(n uint64, minSize int) int {
	c := min((len(d.data)-d.off)/minSize, d.reserve, maxPrealloc)
	if n < uint64(c) {
		c = int(n)
	}
	d.reserve -= c
	return c
}

// enter is called on entering a container; the caller decrements depth
// when it is done.
func (d *decoder) enter(start int) error {
	if d.depth >= d.maxDepth {
		return syntaxErrorf(start, "terms nested deeper than %d", d.maxDepth)
	}
	d.depth++
	return nil
}

func (d *decoder) term() (any, error) {
	start := d.off
	tag, err := d.u8()
	if err != nil {
		return nil, err
	}
	switch tag {
	case smallIntegerExt:
		n, err := d.u8()
		return int64(n), err
	case integerExt:
		n, err := d.u32()
		return int64(int32(uint32(n))), err
	case smallBigExt:
		n, err := d.u8()
		if err != nil {
			return nil, err
		}
		return d.bigInt(n)
	case largeBigExt:
		n, err := d.u32()
		if err != nil {
			return nil, err
		}
		return d.bigInt(n)
	case newFloatExt:
		b, err := d.take(8)
		if err != nil {
			return nil, err
		}
		return finite(start, math.Float64frombits(binary.BigEndian.Uint64(b)))
	case floatExt:
		return d.oldFloat(start)
	case atomExt, smallAtomExt, atomUTF8Ext, smallAtomUTF8Ext:
		return d.atom(start, byte(tag))
	case binaryExt:
		n, err := d.u32()
		if err != nil {
			return nil, err
		}
		b, err := d.take(n)
		return string(b), err
	case nilExt, stringExt, listExt:
		d.off = start
		return d.list()
	case smallTupleExt:
		n, err := d.u8()
		if err != nil {
			return nil, err
		}
		return d.tuple(start, n)
	case largeTupleExt:
		n, err := d.u32()
		if err != nil {
			return nil, err
		}
		return d.tuple(start, n)
	case mapExt:
		n, err := d.u32()
		if err != nil {
			return nil, err
		}
		return d.mapTerm(start, n)
	}
	return nil, syntaxErrorf(start, "unsupported term %s", tagName(byte(tag)))
}

// bigInt reads a sign byte and n little-endian digit bytes. Erlang accepts
// any nonzero sign as negative and unnormalized digits, and so does this;
// values that fit come back as int64 so each number has one Go form.
func (d *decoder) bigInt(n uint64) (any, error) {
	sign, err := d.u8()
	if err != nil {
		return nil, err
	}
	digits, err := d.take(n)
	if err != nil {
		return nil, err
	}
	neg := sign != 0
	if len(digits) <= 8 {
		var mag uint64
		for i := len(digits) - 1; i >= 0; i-- {
			mag = mag<<8 | uint64(digits[i])
		}
		switch {
		case !neg && mag <= math.MaxInt64:
			return int64(mag), nil
		case neg && mag <= 1<<63:
			return int64(-mag), nil
		}
	}
	be := make([]byte, len(digits))
	for i, b := range digits {
		be[len(be)-1-i] = b
	}
	x := new(big.Int).SetBytes(be)
	if neg {
		x.Neg(x)
	}
	if x.IsInt64() {
		return x.Int64(), nil
	}
	return x, nil
}

// finite refuses NaN and infinities, which Erlang floats cannot hold.
func finite(start int, f float64) (any, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, syntaxErrorf(start, "float %v is not finite", f)
	}
	return f, nil
}

// oldFloat reads FLOAT_EXT: a float printed with "%.20e" in 31 bytes,
// padded with NULs. Erlang reads up to the first NUL and allows trailing
// spaces; the characters are restricted so that Go-only syntax (hex
// floats, "inf") is not accepted.
func (d *decoder) oldFloat(start int) (any, error) {
	b, err := d.take(31)
	if err != nil {
		return nil, err
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	b = bytes.TrimRight(b, " ")
	ok := len(b) > 0
	for _, c := range b {
		ok = ok && (c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if !ok || err != nil {
		return nil, syntaxErrorf(start, "FLOAT_EXT holds %q, not a float", b)
	}
	return finite(start, f)
}

func (d *decoder) atom(start int, tag byte) (any, error) {
	var n uint64
	var err error
	if tag == smallAtomExt || tag == smallAtomUTF8Ext {
		n, err = d.u8()
	} else {
		n, err = d.u16()
	}
	if err != nil {
		return nil, err
	}
	b, err := d.take(n)
	if err != nil {
		return nil, err
	}
	var name string
	if tag == atomExt || tag == smallAtomExt {
		// Latin-1: every byte is the code point of one character.
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		name = string(r)
	} else {
		if !utf8.Valid(b) {
			return nil, syntaxErrorf(start, "atom is not valid UTF-8")
		}
		name = string(b)
	}
	if c := utf8.RuneCountInString(name); c > maxAtomChars {
		return nil, syntaxErrorf(start, "atom of %d characters, Erlang allows %d", c, maxAtomChars)
	}
	switch name {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "nil":
		return nil, nil
	}
	return Atom(name), nil
}

// list reads NIL_EXT, STRING_EXT or LIST_EXT. A LIST_EXT's tail may itself
// be a list, which Erlang joins into one proper list; the tails are followed
// in a loop so they cost no depth.
func (d *decoder) list() (any, error) {
	if err := d.enter(d.off); err != nil {
		return nil, err
	}
	out := []any{}
	for {
		start := d.off
		tag, err := d.u8()
		if err != nil {
			return nil, err
		}
		switch tag {
		case nilExt:
			d.depth--
			return out, nil
		case stringExt:
			n, err := d.u16()
			if err != nil {
				return nil, err
			}
			b, err := d.take(n)
			if err != nil {
				return nil, err
			}
			out = slices.Grow(out, len(b))
			for _, c := range b {
				out = append(out, int64(c))
			}
			d.depth--
			return out, nil
		case listExt:
			n, err := d.u32()
			if err != nil {
				return nil, err
			}
			out = slices.Grow(out, d.capHint(n, 1))
			for i := uint64(0); i < n; i++ {
				v, err := d.term()
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			}
		default:
			return nil, syntaxErrorf(start, "improper list: its tail is %s", tagName(byte(tag)))
		}
	}
}

func (d *decoder) tuple(start int, n uint64) (any, error) {
	if err := d.enter(start); err != nil {
		return nil, err
	}
	out := make(Tuple, 0, d.capHint(n, 1))
	for i := uint64(0); i < n; i++ {
		v, err := d.term()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	d.depth--
	return out, nil
}

func (d *decoder) mapTerm(start int, n uint64) (any, error) {
	if err := d.enter(start); err != nil {
		return nil, err
	}
	out := make(map[string]any, d.capHint(n, 3))
	for i := uint64(0); i < n; i++ {
		keyStart := d.off
		key, err := d.mapKey()
		if err != nil {
			return nil, err
		}
		if _, dup := out[key]; dup {
			return nil, syntaxErrorf(keyStart, "duplicate map key %q", key)
		}
		v, err := d.term()
		if err != nil {
			return nil, err
		}
		out[key] = v
	}
	d.depth--
	return out, nil
}

// mapKey reads a binary or atom key as its text. Other keys are refused
// before they are read, so a key cannot be used to nest deeply.
func (d *decoder) mapKey() (string, error) {
	start := d.off
	if start < len(d.data) {
		switch tag := d.data[start]; tag {
		case binaryExt, atomExt, smallAtomExt, atomUTF8Ext, smallAtomUTF8Ext:
		default:
			return "", syntaxErrorf(start, "map key is %s, not a binary or atom", tagName(tag))
		}
	}
	k, err := d.term()
	if err != nil {
		return "", err
	}
	switch k := k.(type) {
	case string:
		return k, nil
	case Atom:
		return string(k), nil
	case bool:
		return strconv.FormatBool(k), nil
	}
	return "nil", nil // the only other thing an atom decodes to

}
