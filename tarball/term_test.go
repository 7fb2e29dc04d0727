package tarball

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The printer is held to Erlang's io_lib_pretty in two ways. The goldens
// under testdata/metadata were written by Erlang: for each case, NAME.input
// holds the metadata's forms as io_lib:format("~tw") writes them (flat, with
// binaries as bytes and strings as integer lists) and NAME.golden the same
// forms as hex_core writes them, io_lib_pretty:print(Form, [{encoding,
// utf8}]) followed by ".\n". go test -run TestTermGoldens -update-erlang
// rewrites them with the erl on PATH (hexcore_long_names.golden, which has
// no .input, is the metadata.config hex_core's hex_tarball:create wrote for
// the long_names fixture). And when erl is on PATH,
// TestPrettyMatchesErlang compares freshly generated random metadata.
//
// Terms reach Erlang in the external term format rather than as text, so
// that a bug in the printer cannot hide itself by also changing the input.

var updateErlang = flag.Bool("update-erlang", false, "rewrite testdata/metadata goldens using erl")

const goldenDir = "testdata/metadata"

// erlangScript reads [{Name, Forms}] in the external term format from the
// file named by %q and writes Name.input and Name.golden into the directory
// named by the second %q.
const erlangScript = `
try
    {ok, Bin} = file:read_file(%q),
    Dir = %q,
    Write = fun(Name, Ext, Chars) ->
        File = filename:join(Dir, <<Name/binary, Ext/binary>>),
        ok = file:write_file(File, unicode:characters_to_binary(Chars))
    end,
    lists:foreach(fun({Name, Forms}) ->
        Write(Name, <<".input">>, [io_lib:format("~tw.~n", [F]) || F <- Forms]),
        Write(Name, <<".golden">>,
              [[io_lib_pretty:print(F, [{encoding, utf8}]), ".\n"] || F <- Forms])
    end, binary_to_term(Bin)),
    halt(0)
catch Class:Reason:Stack ->
    io:format(standard_error, "~tp~n", [{Class, Reason, Stack}]),
    halt(1)
end.
`

type erlangCase struct {
	name string
	meta Metadata
}

func (c erlangCase) forms() List {
	var forms List
	for _, kv := range c.meta.terms() {
		forms = append(forms, Tuple{Binary(kv.Key), kv.Value})
	}
	return forms
}

// runErlang has erl write NAME.input and NAME.golden for each case into dir.
func runErlang(t *testing.T, dir string, cases []erlangCase) {
	t.Helper()
	var all List
	for _, c := range cases {
		all = append(all, Tuple{Binary(c.name), c.forms()})
	}
	in := filepath.Join(t.TempDir(), "cases.etf")
	if err := os.WriteFile(in, appendETF([]byte{131}, all), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("erl", "-noshell", "-noinput", "-eval", fmt.Sprintf(erlangScript, in, dir)).CombinedOutput()
	if err != nil {
		t.Fatalf("erl: %v\n%s", err, out)
	}
}

// appendETF appends t in Erlang's external term format.
func appendETF(b []byte, t Term) []byte {
	switch t := t.(type) {
	case Binary:
		b = binary.BigEndian.AppendUint32(append(b, 109), uint32(len(t)))
		return append(b, t...)
	case Atom:
		b = binary.BigEndian.AppendUint16(append(b, 118), uint16(len(t)))
		return append(b, t...)
	case Charlist:
		var l List
		for _, c := range string(t) {
			l = append(l, Int(c))
		}
		return appendETF(b, l)
	case Int:
		return appendETFInt(b, big.NewInt(int64(t)))
	case BigInt:
		return appendETFInt(b, t.Big())
	case List:
		if len(t) > 0 {
			b = binary.BigEndian.AppendUint32(append(b, 108), uint32(len(t)))
			for _, e := range t {
				b = appendETF(b, e)
			}
		}
		return append(b, 106)
	case Tuple:
		b = binary.BigEndian.AppendUint32(append(b, 105), uint32(len(t)))
		for _, e := range t {
			b = appendETF(b, e)
		}
		return b
	}
	panic(fmt.Sprintf("appendETF: %T", t))
}

func appendETFInt(b []byte, x *big.Int) []byte {
	if x.IsInt64() && x.Int64() >= math.MinInt32 && x.Int64() <= math.MaxInt32 {
		return binary.BigEndian.AppendUint32(append(b, 98), uint32(int32(x.Int64())))
	}
	mag := x.Bytes()
	slices.Reverse(mag)
	b = binary.BigEndian.AppendUint32(append(b, 111), uint32(len(mag)))
	sign := byte(0)
	if x.Sign() < 0 {
		sign = 1
	}
	return append(append(b, sign), mag...)
}

// termGen makes random metadata with the shapes hex_core writes and the corner
// cases of the printer: long and unicode strings, bytes that are not
// UTF-8, long lists, requirements, nested extra terms with tagged tuples.
type termGen struct {
	r *rand.Rand
}

func newTermGen(seed uint64) termGen {
	return termGen{rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15))}
}

func (g termGen) chance(p float64) bool { return g.r.Float64() < p }
func (g termGen) n(n int) int           { return g.r.IntN(n) }

func (g termGen) pick(s []string) string { return s[g.n(len(s))] }

var (
	genWords    = []string{"foo", "bar", "ex", "lib", "cowboy", "decimal", "json", "x", "plug", "a", "long_name", "http2", "web-socket"}
	genLatin1   = []string{"é", "ü", "ß", "ÿ", "ñ", "ç", "Å", "\u00a0", "«", "»"}
	genUnicode  = []string{"ё", "Привет", "日本語", "😀", "ẞ", "\u2028", "Ω"}
	genControls = []string{"\n", "\t", "\r", "\x1b", "\x7f", "\x01", "\x00", "\"", "\\", "'", "\v", "\b", "\f"}
	genRawBytes = []string{"\xe9", "\xff", "\xc3", "\x80", "\xa0"}
	genAtoms    = []string{"true", "false", "ok", "error", "nil", "undefined", "a_long_atom_name_for_tags", "ünï", "ß", "x@y",
		"Upper", "with space", "", "ё", "end", "receive", "a'b", "tab\there", "_under", "9lives", "semi;colon"}
)

// text returns a random string of about n fragments in a random flavour.
func (g termGen) text(n int) string {
	pools := [][]string{genWords}
	switch g.n(6) {
	case 1:
		pools = append(pools, genLatin1)
	case 2:
		pools = append(pools, genUnicode)
	case 3:
		pools = append(pools, genControls)
	case 4:
		pools = append(pools, genRawBytes, genLatin1)
	}
	var b strings.Builder
	for range n {
		pool := pools[g.n(len(pools))]
		b.WriteString(g.pick(pool))
		if g.chance(0.3) {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func (g termGen) ident() string {
	s := g.pick(genWords)
	for g.chance(0.4) {
		s += "_" + g.pick(genWords)
	}
	return s
}

func (g termGen) texts(max, frags int) []string {
	if g.chance(0.2) {
		return nil
	}
	ss := make([]string, g.n(max+1))
	for i := range ss {
		ss[i] = g.text(1 + g.n(frags))
	}
	return ss
}

func (g termGen) files() []string {
	if g.chance(0.1) {
		return nil
	}
	files := make([]string, g.n(70))
	for i := range files {
		path := g.pick([]string{"lib", "src", "priv", "c_src", "test"})
		for range g.n(4) {
			path += "/" + g.ident()
		}
		if g.chance(0.1) {
			path += g.pick(genLatin1) + g.pick(genUnicode)
		}
		files[i] = path + g.pick([]string{".ex", ".erl", ".hrl", "", ".md"})
	}
	return files
}

func (g termGen) requirements() []Requirement {
	if g.chance(0.1) {
		return nil
	}
	reqs := make([]Requirement, g.n(8))
	for i := range reqs {
		r := Requirement{Name: fmt.Sprintf("%s%d", g.ident(), i), Optional: g.chance(0.3)}
		if g.chance(0.2) {
			r.App = g.ident()
		}
		if g.chance(0.3) {
			r.Repository = g.pick([]string{"hexpm", "hexpm:acme", "private_repo"})
		}
		r.Requirement = g.pick([]string{"~> 1.0", ">= 0.0.0", "~> 2.12.1 or ~> 3.0", "1.0.0", ">= 1.0.0-rc.1 and < 2.0.0"})
		reqs[i] = r
	}
	return reqs
}

func (g termGen) links() []Link {
	if g.chance(0.2) {
		return nil
	}
	links := make([]Link, g.n(5))
	for i := range links {
		links[i] = Link{Name: g.text(1 + g.n(2)), URL: "https://example.com/" + strings.Repeat(g.ident()+"/", 1+g.n(6))}
	}
	return links
}

// term returns a random term nested at most depth deep.
func (g termGen) term(depth int) Term {
	kinds := 6
	if depth > 0 {
		kinds = 11
	}
	switch g.n(kinds) {
	case 0, 1:
		return Binary(g.text(g.n(12)))
	case 2:
		return Atom(g.pick(genAtoms))
	case 3:
		return Int(g.pick64())
	case 4:
		x, _ := new(big.Int).SetString(strings.Repeat("9", 19+g.n(40)), 10)
		if g.chance(0.5) {
			x.Neg(x)
		}
		return NewBigInt(x)
	case 5:
		return Charlist(g.text(g.n(6)))
	case 6, 7:
		l := make(List, g.n(10))
		for i := range l {
			l[i] = g.term(depth - 1)
		}
		return l
	case 8:
		t := make(Tuple, g.n(5))
		for i := range t {
			t[i] = g.term(depth - 1)
		}
		if len(t) > 1 && g.chance(0.5) {
			t[0] = Atom(g.pick(genAtoms))
		}
		return t
	case 9:
		l := make(List, g.n(6))
		for i := range l {
			l[i] = Tuple{Binary(g.ident()), g.term(depth - 1)}
		}
		return l
	}
	l := make(List, g.n(8))
	for i := range l {
		l[i] = Int(g.n(300))
	}
	return l
}

func (g termGen) pick64() int64 {
	switch g.n(4) {
	case 0:
		return int64(g.n(256))
	case 1:
		return -int64(g.n(1 << 20))
	case 2:
		return g.r.Int64()
	}
	return math.MinInt64
}

func (g termGen) extra() []KeyValue {
	var kvs []KeyValue
	for i := range g.n(4) {
		kvs = append(kvs, KeyValue{fmt.Sprintf("%s_%d", g.pick([]string{"build_tool", "extra", "x", "zzz"}), i), g.term(4)})
	}
	if g.chance(0.2) {
		kvs = append(kvs, KeyValue{"tags", g.tagChain()})
	}
	return kvs
}

// tagChain returns tuples tagged with atoms nested up to 15 deep, which
// push io_lib_pretty into its narrower tagged-tuple indentations.
func (g termGen) tagChain() Term {
	chain := g.term(2)
	for range 2 + g.n(14) {
		t := Tuple{Atom(strings.Repeat("t", 1+g.n(12))), chain}
		for range g.n(3) {
			t = append(t, g.term(1))
		}
		chain = t
		if g.chance(0.3) {
			chain = Tuple{Binary(g.ident()), chain}
		}
		if g.chance(0.2) {
			chain = List{chain, g.term(1)}
		}
	}
	return chain
}

func (g termGen) metadata() Metadata {
	m := Metadata{
		Name:         g.ident(),
		Version:      fmt.Sprintf("%d.%d.%d", g.n(3), g.n(20), g.n(100)),
		Licenses:     g.texts(3, 2),
		Links:        g.links(),
		Files:        g.files(),
		BuildTools:   g.texts(2, 1),
		Requirements: g.requirements(),
		Extra:        g.extra(),
	}
	if g.chance(0.7) {
		m.App = g.ident()
	}
	if g.chance(0.8) {
		m.Description = g.text(g.n(60))
	}
	if g.chance(0.5) {
		m.Elixir = "~> 1." + fmt.Sprint(g.n(18))
	}
	if g.chance(0.2) {
		m.Maintainers = g.texts(3, 3)
	}
	return m
}

// decimalFiles is the files list of decimal 2.x as mix writes it.
var decimalFiles = []string{
	"lib", "lib/decimal", "lib/decimal/context.ex", "lib/decimal/error.ex", "lib/decimal/macros.ex",
	"lib/decimal.ex", "mix.exs", "README.md", "LICENSE.txt", "CHANGELOG.md",
}

// goldenCases are the metadata behind testdata/metadata: hand-picked shapes
// followed by seeded random ones.
func goldenCases() []erlangCase {
	many := make([]string, 150)
	for i := range many {
		many[i] = fmt.Sprintf("lib/pkg/module_%03d.ex", i)
	}
	// Tagged tuples nested this deep make io_lib_pretty give up aligning
	// elements after their tags: it indents them by 4 after 3 levels and by
	// 1 after 9.
	tags := func(levels int) Term {
		t := Term(List{Atom("leaf"), Binary("end")})
		for i := range levels {
			t = Tuple{Atom(fmt.Sprintf("tag_number_%d", i)), t, Int(i)}
		}
		return t
	}
	cases := []erlangCase{
		{"minimal", Metadata{Name: "foo", Version: "1.0.0", Extra: []KeyValue{{"build_tool", Binary("rebar3")}}}},
		{"mix_decimal", Metadata{
			Name: "decimal", Version: "2.1.1", App: "decimal", Elixir: "~> 1.8",
			Description: "Arbitrary precision decimal arithmetic.",
			Licenses:    []string{"Apache-2.0"}, Files: decimalFiles, BuildTools: []string{"mix"},
			Links:        []Link{{"GitHub", "https://github.com/ericmj/decimal"}},
			Requirements: []Requirement{},
		}},
		{"rebar3_requirements", Metadata{
			Name: "cowboy", Version: "2.12.0", App: "cowboy", Description: "Small, fast, modern HTTP server.",
			Licenses: []string{"ISC"}, BuildTools: []string{"rebar3", "make"}, Files: many[:20],
			Requirements: []Requirement{
				{Name: "cowlib", Requirement: "2.13.0"},
				{Name: "ranch", Requirement: "1.8.0", Optional: true, Repository: "hexpm"},
				{Name: "private_dep", App: "private_app", Requirement: "~> 0.1", Repository: "acme"},
			},
		}},
		{"long_files", Metadata{Name: "many_files", Version: "0.1.0", Files: many}},
		{"long_description", Metadata{Name: "x", Version: "1.0.0", Description: strings.Repeat("A long description that keeps going. ", 9)}},
		{"latin1_utf8", Metadata{Name: "ünï", Version: "1.0.0", Description: "Ünïcödé façade, naïve café — ß and ÿ", Files: []string{"lib/ünïcödé.ex", "lib/ascii.ex"}}},
		{"non_latin1", Metadata{Name: "privet", Version: "1.0.0", Description: "Привет, мир! Пакет для работы с 日本語 и эмодзи 😀, достаточно длинный.", Licenses: []string{"MIT"}}},
		{"escapes", Metadata{Name: "esc", Version: "1.0.0", Description: "quote \" backslash \\ newline \n tab \t cr \r esc \x1b vt \v bs \b ff \f", Licenses: []string{"it's"}}},
		{"controls_as_bytes", Metadata{Name: "ctl", Version: "1.0.0", Description: "nul \x00 del \x7f soh \x01"}},
		{"latin1_bytes", Metadata{Name: "caf\xe9", Version: "1.0.0", Description: "not UTF-8: caf\xe9 na\xefve \xff", Files: []string{"lib/\xe9t\xe9.ex", "lib/\xc3(.ex"}}},
		{"empty_lists", Metadata{Name: "empty", Version: "0.0.1", Licenses: []string{}, Links: []Link{}, Files: []string{}, BuildTools: []string{}, Maintainers: []string{}, Requirements: []Requirement{}}},
		{"links", Metadata{Name: "links", Version: "1.0.0", Links: []Link{
			{"GitHub", "https://github.com/example/a-package-with-a-rather-long-repository-name"},
			{"Docs", "https://hexdocs.pm/links"},
			{"Changelog", "https://github.com/example/a-package-with-a-rather-long-repository-name/blob/main/CHANGELOG.md"},
		}}},
		{"extra_terms", Metadata{Name: "extra", Version: "1.0.0", Extra: []KeyValue{
			{"extra", List{
				Tuple{Binary("numbers"), List{Int(0), Int(-1), Int(255), Int(256), Int(math.MaxInt64), Int(math.MinInt64), NewBigInt(new(big.Int).Lsh(big.NewInt(1), 100))}},
				Tuple{Binary("charlists"), List{Charlist("printable"), Charlist("ё not latin-1"), Charlist("tab\there"), List{Int(104), Int(105)}}},
				Tuple{Binary("atoms"), List{Atom("true"), Atom("ok"), Atom("Upper"), Atom("with space"), Atom(""), Atom("end"), Atom("ünï"), Atom("ё"), Atom("a'b"), Atom("x@y_Z9"), Atom("nl\nhere"), Atom("\x01")}},
				Tuple{Binary("nested"), List{Tuple{Binary("a"), List{Tuple{Binary("b"), List{Tuple{Binary("c"), Binary(strings.Repeat("deep ", 20))}}}}}}},
				Tuple{Binary("empty"), List{List{}, Tuple{}, Binary("")}},
			}},
			{"tagged", Tuple{Atom("ok"), List{Int(1), Int(2), Int(3)}, Binary("a long enough binary to force this tuple to break over lines")}},
			{"tags_indented_by_4", tags(6)},
			{"tags_indented_by_1", tags(12)},
			{"bytes_deep", List{List{List{Tuple{Atom("bin"), Binary(strings.Repeat("\x00\x01\xfe\xff", 40))}}}}},
		}}},
	}
	for i := range 40 {
		cases = append(cases, erlangCase{fmt.Sprintf("random_%02d", i), newTermGen(uint64(i)).metadata()})
	}
	return cases
}

// TestTermGoldens checks the printer and the decoder against Erlang's
// output: NAME.input decodes to terms that print as NAME.golden, and
// NAME.golden decodes to metadata that encodes to itself.
func TestTermGoldens(t *testing.T) {
	if *updateErlang {
		if _, err := exec.LookPath("erl"); err != nil {
			t.Fatal("-update-erlang needs erl on PATH")
		}
		runErlang(t, goldenDir, goldenCases())
	}
	goldens, err := filepath.Glob(filepath.Join(goldenDir, "*.golden"))
	if err != nil || len(goldens) == 0 {
		t.Fatalf("no goldens in %s: %v", goldenDir, err)
	}
	for _, golden := range goldens {
		name := strings.TrimSuffix(filepath.Base(golden), ".golden")
		t.Run(name, func(t *testing.T) {
			want := readGolden(t, golden)
			if input, err := os.ReadFile(strings.TrimSuffix(golden, ".golden") + ".input"); err == nil {
				forms, err := DecodeTerms(input)
				if err != nil {
					t.Fatalf("decoding Erlang's ~w text: %v", err)
				}
				if got := appendForms(nil, forms); !bytes.Equal(got, want) {
					t.Errorf("printed:\n%s\nErlang:\n%s", got, want)
				}
			}
			m, err := DecodeMetadata(want)
			if err != nil {
				t.Fatalf("DecodeMetadata: %v", err)
			}
			if got := m.Encode(); !bytes.Equal(got, want) {
				t.Errorf("decoded and encoded again:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestGoldenCasesEncode checks that Encode gives Erlang's output for the
// metadata the goldens were made from.
func TestGoldenCasesEncode(t *testing.T) {
	for _, c := range goldenCases() {
		want, err := os.ReadFile(filepath.Join(goldenDir, c.name+".golden"))
		if err != nil {
			t.Fatalf("%v (run with -update-erlang to create it)", err)
		}
		if got := c.meta.Encode(); !bytes.Equal(got, want) {
			t.Errorf("%s: Encode:\n%s\nErlang:\n%s", c.name, got, want)
		}
	}
}

// TestPrettyMatchesErlang is a differential test against the erl on PATH
// with fresh random metadata; TERM_SEED=n repeats a run.
func TestPrettyMatchesErlang(t *testing.T) {
	if _, err := exec.LookPath("erl"); err != nil {
		t.Skip("erl not on PATH: skipping the differential check against io_lib_pretty (the goldens still run)")
	}
	if testing.Short() {
		t.Skip("starts an Erlang VM")
	}
	seed := rand.Uint64()
	if s := os.Getenv("TERM_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	t.Logf("TERM_SEED=%d", seed)
	g := newTermGen(seed)
	cases := make([]erlangCase, 300)
	for i := range cases {
		cases[i] = erlangCase{fmt.Sprintf("case_%03d", i), g.metadata()}
	}
	dir := t.TempDir()
	runErlang(t, dir, cases)
	for _, c := range cases {
		want := readGolden(t, filepath.Join(dir, c.name+".golden"))
		if got := c.meta.Encode(); !bytes.Equal(got, want) {
			t.Errorf("%s: Encode:\n%s\nErlang:\n%s", c.name, got, want)
			continue
		}
		forms, err := DecodeTerms(readGolden(t, filepath.Join(dir, c.name+".input")))
		if err != nil {
			t.Errorf("%s: decoding Erlang's ~w text: %v", c.name, err)
		} else if got := appendForms(nil, forms); !bytes.Equal(got, want) {
			t.Errorf("%s: ~w text printed:\n%s\nErlang:\n%s", c.name, got, want)
		}
	}
}

func appendForms(b []byte, forms []Tuple) []byte {
	for _, f := range forms {
		b = append(AppendTerm(b, f), ".\n"...)
	}
	return b
}

func readGolden(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestEncodeTerm(t *testing.T) {
	tests := []struct {
		term Term
		want string
	}{
		{Binary(""), `<<>>`},
		{Binary("abc"), `<<"abc">>`},
		{Binary("tëxt"), `<<"tëxt"/utf8>>`},
		{Binary("caf\xe9"), `<<"café">>`},
		{Binary("ё"), `<<209,145>>`},
		{Binary("a\x00"), `<<97,0>>`},
		{Binary("q\"b\\n\nt\te\x1b"), `<<"q\"b\\n\nt\te\e">>`},
		{Atom("true"), `true`},
		{Atom("Upper"), `'Upper'`},
		{Atom("a'b\x01\x7f"), `'a\'b\001\d'`},
		{Atom("ünï"), `ünï`},
		{Atom("maybe"), `'maybe'`},
		{Atom(""), `''`},
		{Charlist("hi"), `"hi"`},
		{Charlist(""), `[]`},
		{Charlist("ё"), `[1105]`},
		{List{Int(104), Int(105)}, `"hi"`},
		{List{Int(104), Int(1)}, `[104,1]`},
		{Int(-42), `-42`},
		{NewBigInt(new(big.Int).Lsh(big.NewInt(1), 64)), `18446744073709551616`},
		{Tuple{}, `{}`},
		{List{}, `[]`},
		{Tuple{Binary("name"), Binary("foo")}, `{<<"name">>,<<"foo">>}`},
		{
			Tuple{Binary("files"), binaries(decimalFiles)},
			`{<<"files">>,
 [<<"lib">>,<<"lib/decimal">>,<<"lib/decimal/context.ex">>,
  <<"lib/decimal/error.ex">>,<<"lib/decimal/macros.ex">>,<<"lib/decimal.ex">>,
  <<"mix.exs">>,<<"README.md">>,<<"LICENSE.txt">>,<<"CHANGELOG.md">>]}`,
		},
		{
			Tuple{Binary("x"), Tuple{Atom("ok"), List{Int(1), Int(2), Int(3)}, Binary("a long enough binary to force this tuple to break over lines")}},
			`{<<"x">>,
 {ok,[1,2,3],
     <<"a long enough binary to force this tuple to break over lines">>}}`,
		},
	}
	for _, tt := range tests {
		if got := string(EncodeTerm(tt.term)); got != tt.want {
			t.Errorf("EncodeTerm(%#v):\n got %s\nwant %s", tt.term, got, tt.want)
		}
	}
}

func TestAppendTermAppends(t *testing.T) {
	if got := string(AppendTerm([]byte("x = "), Atom("ok"))); got != "x = ok" {
		t.Errorf("got %q", got)
	}
}

// value decodes the single form {<<"k">>, Value}. and returns Value.
func decodeValue(t *testing.T, text string) Term {
	t.Helper()
	forms, err := DecodeTerms([]byte(`{<<"k">>,` + text + "}.\n"))
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return forms[0][1]
}

func TestDecodeTerms(t *testing.T) {
	tests := []struct {
		text string
		want Term
	}{
		{`<<"abc">>`, Binary("abc")},
		{`<<"tëxt"/utf8>>`, Binary("tëxt")},
		{`<<"tëxt">>`, Binary("t\xebxt")},
		{`<<"ё">>`, Binary("Q")}, // U+0451 truncated to 8 bits, as Erlang does
		{`<<209,145>>`, Binary("ё")},
		{`<<"a", 98, "c"/utf8, 1105/utf8, -1, 256>>`, Binary("abcё\xff\x00")},
		{`<< >>`, Binary("")},
		{`<<"">>`, Binary("")},
		{`"hi"`, Charlist("hi")},
		{`[104, 105]`, Charlist("hi")},
		{`""`, List{}},
		{`[]`, List{}},
		{`"ё"`, List{Int(1105)}},
		{`"a\x{1}"`, List{Int(97), Int(1)}},
		{`{}`, Tuple{}},
		{`true`, Atom("true")},
		{`'hello world'`, Atom("hello world")},
		{`ünï`, Atom("ünï")},
		{`x@y_Z9`, Atom("x@y_Z9")},
		{`'end'`, Atom("end")},
		{`-12`, Int(-12)},
		{`+ 12`, Int(12)},
		{`9223372036854775807`, Int(math.MaxInt64)},
		{`-9223372036854775808`, Int(math.MinInt64)},
		{`-9223372036854775809`, NewBigInt(new(big.Int).Sub(big.NewInt(math.MinInt64), big.NewInt(1)))},
		{`[a, {b, [c]}, <<"d">>]`, List{Atom("a"), Tuple{Atom("b"), List{Atom("c")}}, Binary("d")}},
		{"% comment\n [1 % another\n , 2]", List{Int(1), Int(2)}},
		{"\"multi\nline\"", Charlist("multi\nline")},
	}
	for _, tt := range tests {
		if got := decodeValue(t, tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %#v, want %#v", tt.text, got, tt.want)
		}
	}
}

func TestDecodeEscapes(t *testing.T) {
	tests := []struct {
		escape string
		want   rune
	}{
		{`\b`, '\b'}, {`\d`, 0x7F}, {`\e`, 0x1B}, {`\f`, '\f'}, {`\n`, '\n'}, {`\r`, '\r'},
		{`\s`, ' '}, {`\t`, '\t'}, {`\v`, '\v'}, {`\"`, '"'}, {`\'`, '\''}, {`\\`, '\\'},
		{`\z`, 'z'}, {`\0`, 0}, {`\7`, 7}, {`\12`, 10}, {`\101`, 'A'}, {`\377`, 0xFF},
		{`\x41`, 'A'}, {`\xfF`, 0xFF}, {`\x{41}`, 'A'}, {`\x{1F600}`, 0x1F600}, {`\x{000000451}`, 0x451},
		{`\^A`, 1}, {`\^a`, 1}, {`\^@`, 0}, {`\^[`, 0x1B}, {"\\\n", '\n'},
	}
	for _, tt := range tests {
		got := decodeValue(t, `<<"`+tt.escape+`"/utf8>>`)
		if want := Binary(string(tt.want)); got != want {
			t.Errorf("%s: got %q, want %q", tt.escape, got, want)
		}
		if got := decodeValue(t, `'`+tt.escape+`'`); got != Atom(string(tt.want)) {
			t.Errorf("atom %s: got %q, want %q", tt.escape, got, string(tt.want))
		}
	}
	// \1234 is \123 followed by 4: octal escapes take at most three digits.
	if got := decodeValue(t, `<<"\1234">>`); got != Binary("S4") {
		t.Errorf(`\1234: got %q`, got)
	}
}

func TestDecodeLatin1Fallback(t *testing.T) {
	// Not valid UTF-8, so every byte is one Latin-1 character: é (0xE9) in
	// a plain binary is the byte 0xE9, and in a /utf8 one it is encoded.
	data := []byte("{<<\"a\">>,<<\"caf\xe9\">>}.\n{<<\"b\">>,<<\"caf\xe9\"/utf8>>}.\n{<<\"c\">>,\"\xe9\"}.\n")
	forms, err := DecodeTerms(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []Tuple{{Binary("a"), Binary("caf\xe9")}, {Binary("b"), Binary("café")}, {Binary("c"), Charlist("é")}}
	if !reflect.DeepEqual(forms, want) {
		t.Errorf("got %q, want %q", forms, want)
	}
	// The same text in UTF-8 means the same terms.
	utf8Data := bytes.ReplaceAll(data, []byte{0xE9}, []byte("é"))
	if forms, err := DecodeTerms(utf8Data); err != nil || !reflect.DeepEqual(forms, want) {
		t.Errorf("UTF-8: got %q, %v", forms, err)
	}
}

func TestDecodeTermsErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"unterminated string", "{<<\"name\">>,\n<<\"foo>>}.\n", `line 2: unterminated string`},
		{"unterminated binary", `{<<"name">>,<<"foo"}.`, `line 1: expected "," or ">>" but found "}"`},
		{"unterminated atom", `{<<"name">>,'foo}.`, `line 1: unterminated atom`},
		{"bare atom key", `{name,<<"foo">>}.`, `line 1: key must be a binary such as <<"name">>, not atom name`},
		{"non-binary key", "\n{a,b}.", `line 2: key must be a binary such as <<"name">>, not atom a`},
		{"string key", `{"name",<<"foo">>}.`, `line 1: key must be a binary such as <<"name">>, not a string`},
		{"not a tuple", `<<"name">>.`, `line 1: expected "{" but found "<<"`},
		{"three elements", "{<<\"a\">>,1}.\n\n{<<\"b\">>,1,2}.", `line 3: expected "}" but found ","`},
		{"trailing garbage", "{<<\"a\">>,1}.\nfoo", `line 2: expected "{" but found atom foo`},
		{"missing dot", "{<<\"a\">>,1}\n{<<\"b\">>,2}.", `line 2: expected "." but found "{"`},
		{"missing final dot", "{<<\"a\">>,1}\n", `line 2: expected "." but found end of input`},
		{"duplicate key", "{<<\"a\">>,1}.\n{<<\"b\">>,1}.\n{<<\"a\">>,2}.", `line 3: duplicate key "a" (first at line 1)`},
		{"deep nesting", `{<<"a">>,` + strings.Repeat("[", 101) + strings.Repeat("]", 101) + `}.`, `line 1: terms nested more than 100 deep`},
		{"map", `{<<"a">>,#{}}.`, `line 1: maps (#{...}) are not supported; write a list of {Key, Value} pairs`},
		{"map arrow", `{<<"a">>,[a => b]}.`, `line 1: expected "," or "]" but found "=>"`},
		{"improper list", `{<<"a">>,[1|2]}.`, `line 1: unexpected character '|'`},
		{"float", `{<<"a">>,1.5}.`, `line 1: expected "}" but found "."`},
		{"radix", `{<<"a">>,16#ff}.`, `line 1: expected "}" but found "#"`},
		{"char literal", `{<<"a">>,$a}.`, `line 1: unexpected character '$'`},
		{"sign alone", `{<<"a">>,- a}.`, `line 1: expected an integer after "-" but found atom a`},
		{"variable", `{<<"a">>,X}.`, `line 1: unexpected character 'X'`},
		{"reserved word", `{<<"a">>,[end]}.`, `line 1: unexpected reserved word end`},
		{"bad hex escape", `{<<"a">>,"\x4"}.`, `line 1: invalid \x escape: want two hex digits or \x{...}`},
		{"hex escape too big", `{<<"a">>,"\x{110000}"}.`, `line 1: invalid \x{...} escape`},
		{"surrogate escape", `{<<"a">>,"\x{D800}"}.`, `line 1: invalid \x{...} escape`},
		{"empty hex escape", `{<<"a">>,"\x{}"}.`, `line 1: invalid \x{...} escape`},
		{"segment type", `{<<"a">>,<<"x"/binary>>}.`, `line 1: unsupported binary segment type atom binary, only utf8`},
		{"segment size", `{<<"a">>,<<1:8>>}.`, `line 1: unexpected character ':'`},
		{"negative utf8", `{<<"a">>,<<-1/utf8>>}.`, `line 1: integer -1 is not a Unicode code point`},
		{"surrogate utf8", `{<<"a">>,<<55296/utf8>>}.`, `line 1: integer 55296 is not a Unicode code point`},
		{"tuple in binary", `{<<"a">>,<<{}>>}.`, `line 1: expected a string or an integer in a binary but found "{"`},
		{"long integer", `{<<"a">>,` + strings.Repeat("1", 1025) + `}.`, `line 1: integer longer than 1024 digits`},
		{"long atom", `{<<"a">>,` + strings.Repeat("a", 256) + `}.`, `line 1: atom longer than 255 characters`},
		{"long quoted atom", `{<<"a">>,'` + strings.Repeat("a", 256) + `'}.`, `line 1: atom longer than 255 characters`},
		{"adjacent strings", `{<<"a">>,"a" "b"}.`, `line 1: expected "}" but found string`},
		{"stray close", `{<<"a">>,]}.`, `line 1: unexpected "]"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeTerms([]byte(tt.text))
			var me *MetadataError
			if !errors.As(err, &me) {
				t.Fatalf("got %v, want a *MetadataError", err)
			}
			if want := "metadata.config " + tt.want; err.Error() != want {
				t.Errorf("got  %s\nwant %s", err, want)
			}
		})
	}
}

func TestDecodeTermsEmpty(t *testing.T) {
	forms, err := DecodeTerms([]byte("% nothing here\n\n"))
	if err != nil || len(forms) != 0 {
		t.Errorf("got %v, %v", forms, err)
	}
}

// TestDecodeTermsLinear guards against quadratic behaviour on large input.
func TestDecodeTermsLinear(t *testing.T) {
	big := []byte(`{<<"files">>,[` + strings.Repeat(`<<"lib/some/file.ex">>,`, 40000) + `<<"x">>]}.`)
	forms, err := DecodeTerms(big)
	if err != nil || len(forms[0][1].(List)) != 40001 {
		t.Fatalf("got %d forms, %v", len(forms), err)
	}
}
