package etf

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fromErlang: what Decode must make of term_to_binary(erl) as Erlang writes
// it, whichever minor version (0: FLOAT_EXT; 1: OTP 25's default, Latin-1
// atoms; 2: UTF-8 atoms).
var fromErlang = []struct {
	name, erl string
	want      any
}{
	{"binary", `<<"decimal">>`, "decimal"},
	{"empty_binary", `<<>>`, ""},
	{"unicode_binary", `unicode:characters_to_binary([104, 233, 16#1F600, 16#65E5])`, "hé😀日"},
	{"raw_binary", `<<0, 255, 128>>`, "\x00\xff\x80"},
	{"true", `true`, true},
	{"false", `false`, false},
	{"nil", `nil`, nil},
	{"atom", `ok`, Atom("ok")},
	{"latin1_atom", `list_to_atom([104, 233])`, Atom("hé")},
	{"unicode_atom", `list_to_atom([16#1F600])`, Atom("😀")},
	{"long_atom", `list_to_atom(lists:duplicate(255, 233))`, Atom(strings.Repeat("é", 255))},
	{"int_0", `0`, int64(0)},
	{"int_255", `255`, int64(255)},
	{"int_256", `256`, int64(256)},
	{"int_m1", `-1`, int64(-1)},
	{"int32_max", `2147483647`, int64(math.MaxInt32)},
	{"int32_min", `-2147483648`, int64(math.MinInt32)},
	{"int_2p31", `2147483648`, int64(1 << 31)},
	{"int_m2p31m1", `-2147483649`, int64(-1<<31 - 1)},
	{"int_2p62", `1 bsl 62`, int64(1 << 62)},
	{"int64_max", `(1 bsl 63) - 1`, int64(math.MaxInt64)},
	{"int64_min", `-(1 bsl 63)`, int64(math.MinInt64)},
	{"int_2p63", `1 bsl 63`, bigInt("0x8000000000000000")},
	{"int_m2p63m1", `-(1 bsl 63) - 1`, bigInt("-0x8000000000000001")},
	{"int_2p64", `1 bsl 64`, bigInt("0x10000000000000000")},
	{"int_2p2039", `1 bsl 2039`, new(big.Int).Lsh(big.NewInt(1), 2039)},
	{"int_2p2040", `1 bsl 2040`, new(big.Int).Lsh(big.NewInt(1), 2040)},
	{"int_m3p3000", `-(3 bsl 3000)`, new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(3), 3000))},
	{"float_1_5", `1.5`, 1.5},
	{"float_0_1", `0.1`, 0.1},
	{"float_neg_zero", `-0.0`, math.Copysign(0, -1)},
	{"float_big", `1.0e300`, 1e300},
	{"float_denormal", `5.0e-324`, 5e-324},
	{"float_neg", `-123.456`, -123.456},
	{"nil_list", `[]`, []any{}},
	{"string", `"abc"`, []any{int64(97), int64(98), int64(99)}},
	{"nested_lists", `[1, [2, [3, []]], 1000]`, []any{int64(1), []any{int64(2), []any{int64(3), []any{}}}, int64(1000)}},
	{"mixed_list", `[<<"x">>, a, true, 2.5]`, []any{"x", Atom("a"), true, 2.5}},
	{"empty_tuple", `{}`, Tuple{}},
	{"tuple", `{ok, <<"x">>}`, Tuple{Atom("ok"), "x"}},
	{"large_tuple", `list_to_tuple(lists:duplicate(300, a))`, tupleOf(300, Atom("a"))},
	{"empty_map", `#{}`, map[string]any{}},
	{"map", `#{<<"a">> => 1, b => [true]}`, map[string]any{"a": int64(1), "b": []any{true}}},
	{"map_40_keys", `maps:from_list([{integer_to_binary(I), I} || I <- lists:seq(1, 40)])`, numberedMap(40)},
	{"package", erlSource(samplePackage(20)), samplePackage(20)},
}

// toErlang: the term binary_to_term(Encode(in), [safe]) must give, as
// hex.pm decodes bodies, and whether Encode's bytes must equal Erlang's own
// term_to_binary(erl, [{minor_version, 2}]). They differ only where Erlang
// has two encodings: it writes lists of bytes as STRING_EXT, and maps of
// more than 32 keys in hash order.
var toErlang = []struct {
	name      string
	in        any
	erl       string
	sameBytes bool
}{
	{"nil", nil, `nil`, true},
	{"true", true, `true`, true},
	{"false", false, `false`, true},
	{"atom", Atom("ok"), `ok`, true},
	{"latin1_atom", Atom("hé"), `list_to_atom([104, 233])`, true},
	{"unicode_atom", Atom("😀"), `list_to_atom([16#1F600])`, true},
	{"long_atom", Atom(strings.Repeat("é", 255)), `list_to_atom(lists:duplicate(255, 233))`, true},
	{"string", "decimal", `<<"decimal">>`, true},
	{"empty_string", "", `<<>>`, true},
	{"unicode_string", "hé😀日", `unicode:characters_to_binary([104, 233, 16#1F600, 16#65E5])`, true},
	{"bytes", []byte{0, 1, 255}, `<<0, 1, 255>>`, true},
	{"int8", int8(-128), `-128`, true},
	{"uint8", uint8(255), `255`, true},
	{"int16", int16(-300), `-300`, true},
	{"uint16", uint16(65535), `65535`, true},
	{"int32_min", int32(math.MinInt32), `-2147483648`, true},
	{"uint32_max", uint32(math.MaxUint32), `4294967295`, true},
	{"int_2p40", 1 << 40, `1 bsl 40`, true},
	{"int64_min", int64(math.MinInt64), `-(1 bsl 63)`, true},
	{"int64_max", int64(math.MaxInt64), `(1 bsl 63) - 1`, true},
	{"uint64_max", uint64(math.MaxUint64), `(1 bsl 64) - 1`, true},
	{"uint_2p63", uint(1 << 63), `1 bsl 63`, true},
	{"big_small", big.NewInt(7), `7`, true},
	{"big_2p64", bigInt("0x10000000000000000"), `1 bsl 64`, true},
	{"big_m2p64", bigInt("-0x10000000000000000"), `-(1 bsl 64)`, true},
	{"big_2p2039", new(big.Int).Lsh(big.NewInt(1), 2039), `1 bsl 2039`, true},
	{"big_2p2040", new(big.Int).Lsh(big.NewInt(1), 2040), `1 bsl 2040`, true},
	{"big_m5000", new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(5), 5000)), `-(5 bsl 5000)`, true},
	{"float", 1.5, `1.5`, true},
	{"float_0_1", 0.1, `0.1`, true},
	{"float32", float32(0.1), `0.10000000149011612`, true},
	{"float_neg_zero", math.Copysign(0, -1), `-0.0`, true},
	{"float_big", 1e300, `1.0e300`, true},
	{"float_denormal", 5e-324, `5.0e-324`, true},
	{"time", time.Date(2026, 12, 3, 15, 5, 6, 123456789, time.FixedZone("CET", 3600)), `<<"2026-12-03T14:05:06Z">>`, true},
	{"empty_tuple", Tuple{}, `{}`, true},
	{"tuple", Tuple{Atom("ok"), "x"}, `{ok, <<"x">>}`, true},
	{"large_tuple", tupleOf(300, int64(1)), `list_to_tuple(lists:duplicate(300, 1))`, true},
	{"empty_list", []any{}, `[]`, true},
	{"nil_slice", []string(nil), `[]`, true},
	{"byte_list", []any{1, 2, 3}, `[1, 2, 3]`, false},
	{"int_list", []int{1, 1000}, `[1, 1000]`, true},
	{"string_list", []string{"a", "b"}, `[<<"a">>, <<"b">>]`, true},
	{"mixed_list", []any{1000, "x", Atom("a"), nil}, `[1000, <<"x">>, a, nil]`, true},
	{"nested_list", [][]int{{1}, {}}, `[[1], []]`, false},
	{"map", map[string]any{"b": 1, "a": true}, `#{<<"a">> => true, <<"b">> => 1}`, true},
	{"map_of_strings", map[string]string{"GitHub": "https://example.com", "Docs": "d"}, `#{<<"GitHub">> => <<"https://example.com">>, <<"Docs">> => <<"d">>}`, true},
	{"map_of_lists", map[string][]string{"licenses": {"MIT"}}, `#{<<"licenses">> => [<<"MIT">>]}`, true},
	{"map_32_keys", numberedMap(32), `maps:from_list([{integer_to_binary(I), I} || I <- lists:seq(1, 32)])`, true},
	{"map_40_keys", numberedMap(40), `maps:from_list([{integer_to_binary(I), I} || I <- lists:seq(1, 40)])`, false},
	{"nil_map", map[string]int(nil), `#{}`, true},
	{"pointer", new(int), `0`, true},
	{"nil_pointer", (*string)(nil), `nil`, true},
	{"package", samplePackage(20), erlSource(samplePackage(20)), true},
}

func tupleOf(n int, v any) Tuple {
	t := make(Tuple, n)
	for i := range t {
		t[i] = v
	}
	return t
}

func numberedMap(n int) map[string]any {
	m := map[string]any{}
	for i := 1; i <= n; i++ {
		m[strconv.Itoa(i)] = int64(i)
	}
	return m
}

// erlSource writes a decoded value as Erlang source, so that large cases
// such as samplePackage need not be written twice. Binaries are written as
// byte lists to stay independent of the source file's encoding.
func erlSource(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		parts := make([]string, len(x))
		for i := range len(x) {
			parts[i] = strconv.Itoa(int(x[i]))
		}
		return "<<" + strings.Join(parts, ",") + ">>"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = erlSource(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = erlSource(k) + " => " + erlSource(x[k])
		}
		return "#{" + strings.Join(parts, ", ") + "}"
	}
	panic(fmt.Sprintf("erlSource: %T", v))
}

func erlBinary(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = strconv.Itoa(int(c))
	}
	return "<<" + strings.Join(parts, ",") + ">>"
}

// runErlang evaluates script, a sequence of Erlang expressions separated by
// commas, in one erl start, and returns what it printed.
func runErlang(t *testing.T, script string) string {
	t.Helper()
	if _, err := exec.LookPath("erl"); err != nil {
		t.Skip("erl not found; install erlang-nox to compare with Erlang's own term_to_binary")
	}
	path := filepath.Join(t.TempDir(), "script.erl")
	if err := os.WriteFile(path, []byte(script+"\n."), 0o644); err != nil {
		t.Fatal(err)
	}
	eval := fmt.Sprintf(`{ok, B} = file:read_file(%q),
{ok, Ts, _} = erl_scan:string(unicode:characters_to_list(B)),
{ok, Es} = erl_parse:parse_exprs(Ts),
erl_eval:exprs(Es, []),
halt().`, path)
	out, err := exec.Command("erl", "-noshell", "-eval", eval).CombinedOutput()
	if err != nil {
		t.Fatalf("erl: %v\n%s", err, out)
	}
	return string(out)
}

// TestErlang checks both directions against Erlang in one erl start: terms
// Erlang writes decode to the expected Go values, and what Encode writes
// binary_to_term(.., [safe]) reads back as the expected term, byte for byte
// equal to Erlang's own encoding where Erlang has only one.
func TestErlang(t *testing.T) {
	var s strings.Builder
	s.WriteString("Hex = fun(B) -> binary:encode_hex(B) end,\n")
	for _, c := range fromErlang {
		fmt.Fprintf(&s, "begin T_%[1]s = %[2]s, io:format(\"D %[1]s ~s ~s ~s~n\", [Hex(term_to_binary(T_%[1]s, [{minor_version, 0}])), Hex(term_to_binary(T_%[1]s)), Hex(term_to_binary(T_%[1]s, [{minor_version, 2}]))]) end,\n", c.name, c.erl)
	}
	s.WriteString(`io:format("C ~s~n", [Hex(term_to_binary(binary:copy(<<"hex">>, 1000), [compressed]))]),` + "\n")
	s.WriteString(`Check = fun(N, Ours, Want) ->
  Got = try binary_to_term(Ours, [safe]) catch _:_ -> '$refused' end,
  io:format("E ~s ~s ~s~n", [N, Got =:= Want, Hex(term_to_binary(Want, [{minor_version, 2}]))])
end,
`)
	ours := map[string][]byte{}
	for _, c := range toErlang {
		b, err := Encode(c.in)
		if err != nil {
			t.Fatalf("%s: Encode: %v", c.name, err)
		}
		ours[c.name] = b
		fmt.Fprintf(&s, "Check(%q, %s, %s),\n", c.name, erlBinary(b), c.erl)
	}
	s.WriteString("ok")
	out := runErlang(t, s.String())

	decoded, encoded, compressed := map[string][]string{}, map[string][]string{}, ""
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 5 && f[0] == "D":
			decoded[f[1]] = f[2:]
		case len(f) == 4 && f[0] == "E":
			encoded[f[1]] = f[2:]
		case len(f) == 2 && f[0] == "C":
			compressed = f[1]
		default:
			t.Fatalf("unexpected output from erl: %q\n%s", sc.Text(), out)
		}
	}

	for _, c := range fromErlang {
		encodings, ok := decoded[c.name]
		if !ok {
			t.Errorf("%s: erl printed nothing", c.name)
			continue
		}
		for i, h := range encodings {
			b, _ := hex.DecodeString(h)
			got, err := Decode(b)
			if err != nil || !equal(got, c.want) {
				t.Errorf("%s (minor_version %d, %s): Decode = %.200#v, %v; want %.200#v", c.name, i, short(b), got, err, c.want)
			}
		}
	}
	for _, c := range toErlang {
		res, ok := encoded[c.name]
		if !ok {
			t.Errorf("%s: erl printed nothing", c.name)
			continue
		}
		if res[0] != "true" {
			t.Errorf("%s: binary_to_term(Encode(%.200#v), [safe]) is not %.200s", c.name, c.in, c.erl)
		}
		theirs, _ := hex.DecodeString(res[1])
		if c.sameBytes && !bytes.Equal(ours[c.name], theirs) {
			t.Errorf("%s: Encode wrote\n%s\nErlang writes\n%s", c.name, short(ours[c.name]), short(theirs))
		}
		if !c.sameBytes && bytes.Equal(ours[c.name], theirs) {
			t.Errorf("%s: bytes equal Erlang's; mark the case sameBytes", c.name)
		}
	}
	b, _ := hex.DecodeString(compressed)
	if _, err := Decode(b); !errors.Is(err, ErrCompressed) {
		t.Errorf("Decode of Erlang's compressed term %s: %v, want ErrCompressed", short(b), err)
	}
	if os.Getenv("ETF_WRITE_SEEDS") != "" {
		writeSeeds(t, decoded)
	}
}

// short prints at most 64 bytes of b, enough to see where encodings part.
func short(b []byte) string {
	if len(b) > 64 {
		return fmt.Sprintf("% x ... (%d bytes)", b[:64], len(b))
	}
	return fmt.Sprintf("% x", b)
}

// writeSeeds refreshes the erl_* files of FuzzDecode's seed corpus from
// Erlang's encodings: ETF_WRITE_SEEDS=1 go test -run TestErlang.
func writeSeeds(t *testing.T, decoded map[string][]string) {
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, encodings := range decoded {
		for i, h := range encodings {
			b, _ := hex.DecodeString(h)
			if i > 0 && h == encodings[i-1] {
				continue
			}
			file := filepath.Join(dir, fmt.Sprintf("erl_%s_v%d", name, i))
			if err := os.WriteFile(file, []byte(fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
