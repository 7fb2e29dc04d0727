package etf

import (
	"encoding/binary"
	"math"
	"math/big"
	"math/bits"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// maxEncodeDepth bounds how deeply Encode follows containers and pointers.
// Real responses nest a few levels; past this the value is almost surely
// cyclic, and an error beats a fatal stack overflow.
const maxEncodeDepth = 1000

// Encode returns term_to_binary of v: version 131, uncompressed. Go values
// map to terms as follows:
//
//	nil, nil pointer                  atom nil
//	bool                              atom true / false
//	Atom                              atom (SMALL_ATOM_UTF8_EXT / ATOM_UTF8_EXT)
//	string, []byte                    binary
//	int and uint kinds, *big.Int      integer, encoded as Erlang chooses
//	float32, float64                  float (NEW_FLOAT_EXT); NaN and ±Inf are errors
//	time.Time                         binary in TimeLayout, as hex.pm sends datetimes
//	Tuple                             tuple
//	other slices and arrays           list; an empty or nil slice is []
//	map with string keys              map with binary keys, in sorted key order
//	pointer                           what it points to
//
// Named types count as their underlying kind (a type Version string is a
// binary). A nil map is the empty map. Structs, channels, functions,
// complex numbers and maps with other key kinds are refused with an
// *EncodeError naming the type: callers build map[string]any, so that the
// wire names of fields are spelled out where the response is made.
func Encode(v any) ([]byte, error) {
	e := encoder{buf: make([]byte, 1, 512)}
	e.buf[0] = versionMagic
	if err := e.encode(v); err != nil {
		return nil, err
	}
	return e.buf, nil
}

type encoder struct {
	buf   []byte
	depth int
}

func (e *encoder) encode(v any) error {
	switch x := v.(type) {
	case nil:
		e.atom("nil")
	case bool:
		e.bool(x)
	case Atom:
		return e.checkedAtom(x)
	case string:
		return e.binary(x)
	case []byte:
		return e.binary(string(x))
	case int:
		e.int64(int64(x))
	case int8:
		e.int64(int64(x))
	case int16:
		e.int64(int64(x))
	case int32:
		e.int64(int64(x))
	case int64:
		e.int64(x)
	case uint:
		e.uint64(uint64(x))
	case uint8:
		e.uint64(uint64(x))
	case uint16:
		e.uint64(uint64(x))
	case uint32:
		e.uint64(uint64(x))
	case uint64:
		e.uint64(x)
	case uintptr:
		e.uint64(uint64(x))
	case float64:
		return e.float(x, reflect.TypeOf(v))
	case float32:
		return e.float(float64(x), reflect.TypeOf(v))
	case *big.Int:
		if x == nil {
			e.atom("nil")
		} else {
			e.bigInt(x)
		}
	case time.Time:
		return e.binary(x.UTC().Format(TimeLayout))
	case Tuple:
		return e.tuple(x)
	case []any:
		return e.list(reflect.TypeOf(x), len(x), func(i int) any { return x[i] })
	case map[string]any:
		return e.stringMap(x)
	default:
		return e.reflectValue(reflect.ValueOf(v))
	}
	return nil
}

// reflectValue handles what the fast paths in encode do not: named types,
// pointers, and slices and maps of other element types.
func (e *encoder) reflectValue(rv reflect.Value) error {
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			e.atom("nil")
			return nil
		}
		if err := e.enter(rv.Type()); err != nil {
			return err
		}
		err := e.encode(rv.Elem().Interface())
		e.depth--
		return err
	case reflect.Bool:
		e.bool(rv.Bool())
	case reflect.String:
		return e.binary(rv.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.int64(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		e.uint64(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return e.float(rv.Float(), rv.Type())
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return e.binary(string(rv.Bytes()))
		}
		return e.list(rv.Type(), rv.Len(), func(i int) any { return rv.Index(i).Interface() })
	case reflect.Array:
		return e.list(rv.Type(), rv.Len(), func(i int) any { return rv.Index(i).Interface() })
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return &EncodeError{Type: rv.Type(), Msg: "map keys must be strings"}
		}
		return e.reflectMap(rv)
	default:
		msg := "unsupported kind " + rv.Kind().String()
		if rv.Kind() == reflect.Struct {
			msg = "structs are not supported; build a map[string]any"
		}
		return &EncodeError{Type: rv.Type(), Msg: msg}
	}
	return nil
}

func (e *encoder) enter(t reflect.Type) error {
	if e.depth >= maxEncodeDepth {
		return &EncodeError{Type: t, Msg: "nested too deeply (is it cyclic?)"}
	}
	e.depth++
	return nil
}

func (e *encoder) u16(n int) { e.buf = binary.BigEndian.AppendUint16(e.buf, uint16(n)) }
func (e *encoder) u32(n int) { e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(n)) }

// length32 checks that a count fits the 4-byte field it is written in.
func length32(n int, t reflect.Type) error {
	if uint64(n) > math.MaxUint32 {
		return &EncodeError{Type: t, Msg: "longer than 2^32-1"}
	}
	return nil
}

var stringType = reflect.TypeFor[string]()

// atom writes a UTF-8 atom the way term_to_binary does since OTP 26.
func (e *encoder) atom(name string) {
	if len(name) <= math.MaxUint8 {
		e.buf = append(e.buf, smallAtomUTF8Ext, byte(len(name)))
	} else {
		e.buf = append(e.buf, atomUTF8Ext)
		e.u16(len(name))
	}
	e.buf = append(e.buf, name...)
}

func (e *encoder) checkedAtom(a Atom) error {
	if !utf8.ValidString(string(a)) {
		return &EncodeError{Type: reflect.TypeOf(a), Msg: "atom is not valid UTF-8"}
	}
	if utf8.RuneCountInString(string(a)) > maxAtomChars {
		return &EncodeError{Type: reflect.TypeOf(a), Msg: "atom longer than 255 characters"}
	}
	e.atom(string(a))
	return nil
}

func (e *encoder) bool(b bool) {
	if b {
		e.atom("true")
	} else {
		e.atom("false")
	}
}

func (e *encoder) binary(s string) error {
	if err := length32(len(s), stringType); err != nil {
		return err
	}
	e.buf = append(e.buf, binaryExt)
	e.u32(len(s))
	e.buf = append(e.buf, s...)
	return nil
}

// int64 picks the encoding Erlang picks: SMALL_INTEGER_EXT for 0..255,
// INTEGER_EXT for the rest of the 32-bit range, SMALL_BIG_EXT beyond it.
func (e *encoder) int64(v int64) {
	switch {
	case v >= 0 && v <= math.MaxUint8:
		e.buf = append(e.buf, smallIntegerExt, byte(v))
	case v >= math.MinInt32 && v <= math.MaxInt32:
		e.buf = append(e.buf, integerExt)
		e.u32(int(v))
	default:
		mag := uint64(v)
		if v < 0 {
			mag = -mag // two's complement: right for MinInt64 too
		}
		e.smallBig(v < 0, mag)
	}
}

func (e *encoder) uint64(v uint64) {
	if v <= math.MaxInt64 {
		e.int64(int64(v))
		return
	}
	e.smallBig(false, v)
}

// smallBig writes a magnitude of up to 8 bytes as SMALL_BIG_EXT with as few
// digit bytes as it needs, as Erlang does.
func (e *encoder) smallBig(neg bool, mag uint64) {
	n := (bits.Len64(mag) + 7) / 8
	e.buf = append(e.buf, smallBigExt, byte(n), sign(neg))
	for range n {
		e.buf = append(e.buf, byte(mag))
		mag >>= 8
	}
}

func (e *encoder) bigInt(x *big.Int) {
	if x.IsInt64() {
		e.int64(x.Int64())
		return
	}
	digits := x.Bytes() // big-endian magnitude; ETF wants little-endian
	slices.Reverse(digits)
	if len(digits) <= math.MaxUint8 {
		e.buf = append(e.buf, smallBigExt, byte(len(digits)))
	} else {
		e.buf = append(e.buf, largeBigExt)
		e.u32(len(digits))
	}
	e.buf = append(e.buf, sign(x.Sign() < 0))
	e.buf = append(e.buf, digits...)
}

func sign(neg bool) byte {
	if neg {
		return 1
	}
	return 0
}

func (e *encoder) float(f float64, t reflect.Type) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return &EncodeError{Type: t, Msg: "Erlang floats cannot be NaN or infinite"}
	}
	e.buf = append(e.buf, newFloatExt)
	e.buf = binary.BigEndian.AppendUint64(e.buf, math.Float64bits(f))
	return nil
}

func (e *encoder) tuple(t Tuple) error {
	if err := e.enter(reflect.TypeOf(t)); err != nil {
		return err
	}
	if len(t) <= math.MaxUint8 {
		e.buf = append(e.buf, smallTupleExt, byte(len(t)))
	} else {
		if err := length32(len(t), reflect.TypeOf(t)); err != nil {
			return err
		}
		e.buf = append(e.buf, largeTupleExt)
		e.u32(len(t))
	}
	for _, v := range t {
		if err := e.encode(v); err != nil {
			return err
		}
	}
	e.depth--
	return nil
}

// list writes n elements of a slice or array of type t, got by index, as a
// proper list.
func (e *encoder) list(t reflect.Type, n int, elem func(int) any) error {
	if n == 0 {
		e.buf = append(e.buf, nilExt)
		return nil
	}
	if err := e.enter(t); err != nil {
		return err
	}
	if err := length32(n, t); err != nil {
		return err
	}
	e.buf = append(e.buf, listExt)
	e.u32(n)
	for i := range n {
		if err := e.encode(elem(i)); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, nilExt)
	e.depth--
	return nil
}

func (e *encoder) stringMap(m map[string]any) error {
	if err := e.enter(reflect.TypeOf(m)); err != nil {
		return err
	}
	if err := length32(len(m), reflect.TypeOf(m)); err != nil {
		return err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.buf = append(e.buf, mapExt)
	e.u32(len(keys))
	for _, k := range keys {
		if err := e.binary(k); err != nil {
			return err
		}
		if err := e.encode(m[k]); err != nil {
			return err
		}
	}
	e.depth--
	return nil
}

func (e *encoder) reflectMap(rv reflect.Value) error {
	if err := e.enter(rv.Type()); err != nil {
		return err
	}
	if err := length32(rv.Len(), rv.Type()); err != nil {
		return err
	}
	keys := rv.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	e.buf = append(e.buf, mapExt)
	e.u32(len(keys))
	for _, k := range keys {
		if err := e.binary(k.String()); err != nil {
			return err
		}
		if err := e.encode(rv.MapIndex(k).Interface()); err != nil {
			return err
		}
	}
	e.depth--
	return nil
}
