package tarball

import (
	"errors"
	"math/big"
	"reflect"
	"strings"
	"testing"
)

func TestEncodeMinimal(t *testing.T) {
	// hex_core's own test metadata, as hex_tarball:create writes it.
	m := Metadata{Name: "foo", Version: "1.0.0", Extra: []KeyValue{{"build_tool", Binary("rebar3")}}}
	const want = `{<<"build_tool">>,<<"rebar3">>}.
{<<"name">>,<<"foo">>}.
{<<"version">>,<<"1.0.0">>}.
`
	if got := string(m.Encode()); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestEncodeFillsFiles(t *testing.T) {
	m := Metadata{Name: "decimal", Version: "2.1.1", Files: decimalFiles}
	const want = `{<<"files">>,
 [<<"lib">>,<<"lib/decimal">>,<<"lib/decimal/context.ex">>,
  <<"lib/decimal/error.ex">>,<<"lib/decimal/macros.ex">>,<<"lib/decimal.ex">>,
  <<"mix.exs">>,<<"README.md">>,<<"LICENSE.txt">>,<<"CHANGELOG.md">>]}.
{<<"name">>,<<"decimal">>}.
`
	if got := string(m.Encode()); !strings.HasPrefix(got, want) {
		t.Errorf("got:\n%s\nwant it to start with:\n%s", got, want)
	}
}

func TestEncodeRequirements(t *testing.T) {
	m := Metadata{Name: "a", Version: "1.0.0", Requirements: []Requirement{
		{Name: "cowlib", Requirement: "2.12.1"},
		{Name: "jason", App: "jason_app", Requirement: "~> 1.0", Optional: true, Repository: "hexpm"},
	}}
	const want = `{<<"name">>,<<"a">>}.
{<<"requirements">>,
 [{<<"cowlib">>,
   [{<<"app">>,<<"cowlib">>},
    {<<"optional">>,false},
    {<<"requirement">>,<<"2.12.1">>}]},
  {<<"jason">>,
   [{<<"app">>,<<"jason_app">>},
    {<<"optional">>,true},
    {<<"repository">>,<<"hexpm">>},
    {<<"requirement">>,<<"~> 1.0">>}]}]}.
{<<"version">>,<<"1.0.0">>}.
`
	if got := string(m.Encode()); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestEncodePresence(t *testing.T) {
	// Empty strings and nil lists are left out; empty non-nil lists are
	// written. name and version are always written.
	m := Metadata{Requirements: []Requirement{}, Files: []string{}}
	const want = `{<<"files">>,[]}.
{<<"name">>,<<>>}.
{<<"requirements">>,[]}.
{<<"version">>,<<>>}.
`
	if got := string(m.Encode()); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestEncodeSkipsExtraCollisions(t *testing.T) {
	m := Metadata{Name: "a", Version: "1", Extra: []KeyValue{
		{"name", Binary("shadow")}, {"links", List{}}, {"x", Int(1)}, {"x", Int(2)},
	}}
	const want = `{<<"name">>,<<"a">>}.
{<<"version">>,<<"1">>}.
{<<"x">>,1}.
`
	if got := string(m.Encode()); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestMetadataRoundTrip(t *testing.T) {
	tests := []Metadata{
		{Name: "foo", Version: "1.0.0"},
		{
			Name: "full", Version: "2.0.0-rc.1", App: "full_app", Description: "Ünïcödé, 日本語 and \"quotes\"\n",
			Licenses: []string{"MIT", "Apache-2.0"}, Links: []Link{{"GitHub", "https://github.com/x/full"}, {"Docs", "https://x"}},
			Files: decimalFiles, BuildTools: []string{"mix", "rebar3"}, Elixir: "~> 1.15", Maintainers: []string{"Ann", "Bob"},
			Requirements: []Requirement{
				{Name: "b", Requirement: "~> 1.0"},
				{Name: "a", App: "a_app", Requirement: ">= 0.0.0", Optional: true, Repository: "acme"},
			},
			Extra: []KeyValue{
				{"build_tool", Binary("mix")},
				{"extra", List{Tuple{Binary("k"), List{Atom("true"), Int(-3), NewBigInt(new(big.Int).Lsh(big.NewInt(1), 80)), Charlist("abc"), List{Int(1105)}, Tuple{}}}}},
				{"z", Atom("with space")},
			},
		},
		{Name: "empty_lists", Version: "0", Licenses: []string{}, Links: []Link{}, Files: []string{}, BuildTools: []string{}, Maintainers: []string{}, Requirements: []Requirement{}},
		{Name: "caf\xe9", Version: "1", Description: "\x00\xff bytes"},
	}
	for _, m := range tests {
		got, err := DecodeMetadata(m.Encode())
		if err != nil {
			t.Errorf("%s: %v", m.Name, err)
		} else if !reflect.DeepEqual(got, m) {
			t.Errorf("%s: round trip:\n got %#v\nwant %#v", m.Name, got, m)
		}
	}
}

// TestMetadataRoundTripRandom checks that decoding is stable on random
// metadata, which is not necessarily in canonical form: after one round
// trip, Encode and DecodeMetadata are inverses.
func TestMetadataRoundTripRandom(t *testing.T) {
	g := newTermGen(1)
	for i := range 500 {
		m := g.metadata()
		first := m.Encode()
		m1, err := DecodeMetadata(first)
		if err != nil {
			t.Fatalf("case %d: %v\n%s", i, err, first)
		}
		second := m1.Encode()
		if string(second) != string(first) {
			t.Fatalf("case %d: encoding changed:\n%s\nthen\n%s", i, first, second)
		}
		if m2, err := DecodeMetadata(second); err != nil || !reflect.DeepEqual(m2, m1) {
			t.Fatalf("case %d: decoding changed: %v\n%#v\nthen\n%#v", i, err, m1, m2)
		}
	}
}

func TestDecodeRequirementShapes(t *testing.T) {
	tests := []struct {
		name, text string
		want       []Requirement
	}{
		{
			"spec",
			`[{<<"cowlib">>,[{<<"app">>,<<"cowlib">>},{<<"optional">>,false},{<<"requirement">>,<<"2.12.1">>}]}]`,
			[]Requirement{{Name: "cowlib", Requirement: "2.12.1"}},
		},
		{
			"spec with repository and other app",
			`[{<<"jason">>,[{<<"app">>,<<"json">>},{<<"optional">>,true},{<<"repository">>,<<"acme">>},{<<"requirement">>,<<"~> 1.0">>}]}]`,
			[]Requirement{{Name: "jason", App: "json", Requirement: "~> 1.0", Optional: true, Repository: "acme"}},
		},
		{
			"spec without app or optional",
			`[{<<"x">>,[{<<"requirement">>,<<"~> 1.0">>}]}]`,
			[]Requirement{{Name: "x", Requirement: "~> 1.0"}},
		},
		{
			"mix legacy",
			`[[{<<"app">>,<<"x">>},{<<"name">>,<<"x">>},{<<"optional">>,false},{<<"repository">>,<<"hexpm">>},{<<"requirement">>,<<"~> 1.0">>}]]`,
			[]Requirement{{Name: "x", Requirement: "~> 1.0", Repository: "hexpm"}},
		},
		{
			"mix legacy, name last, unknown key",
			`[[{<<"requirement">>,<<"1.0.0">>},{<<"future">>,[]},{<<"app">>,<<"y_app">>},{<<"name">>,<<"y">>}]]`,
			[]Requirement{{Name: "y", App: "y_app", Requirement: "1.0.0"}},
		},
		{
			"strings as charlists",
			`[{"z",[{"requirement","~> 2.0"},{"optional",true}]}]`,
			[]Requirement{{Name: "z", Requirement: "~> 2.0", Optional: true}},
		},
		{"empty", `[]`, []Requirement{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := DecodeMetadata([]byte(`{<<"requirements">>,` + tt.text + "}.\n"))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m.Requirements, tt.want) {
				t.Errorf("got %#v\nwant %#v", m.Requirements, tt.want)
			}
		})
	}
}

func TestDecodeMetadataFields(t *testing.T) {
	data := `% written by hand
{<<"name">>, "foo"}.
{<<"version">>, <<"1.0.0">>}.
{<<"description">>, []}.
{<<"app">>, [102, 111, 111]}.
{<<"licenses">>, [<<"MIT">>, "Apache-2.0"]}.
{<<"files">>, []}.
{<<"links">>, [{<<"GitHub">>, "https://github.com/x/foo"}]}.
{<<"zzz">>, true}.
{<<"build_tool">>, <<"rebar3">>}.
`
	want := Metadata{
		Name: "foo", Version: "1.0.0", App: "foo",
		Licenses: []string{"MIT", "Apache-2.0"}, Files: []string{},
		Links: []Link{{"GitHub", "https://github.com/x/foo"}},
		Extra: []KeyValue{{"build_tool", Binary("rebar3")}, {"zzz", Atom("true")}},
	}
	got, err := DecodeMetadata([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
}

func TestDecodeMetadataErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"empty", "", `metadata.config: no terms`},
		{"comments only", "% nothing\n", `metadata.config: no terms`},
		{"syntax", "{<<\"name\">>,<<\"foo\">>}.\n{<<\"version\">>,<<\"1\">>,x}.\n", `metadata.config line 2: expected "}" but found ","`},
		{"name", `{<<"name">>,foo}.`, `metadata.config: "name" must be a string`},
		{"version", `{<<"version">>,1}.`, `metadata.config: "version" must be a string`},
		{"string from non-characters", `{<<"description">>,[-1]}.`, `metadata.config: "description" must be a string`},
		{"licenses", `{<<"licenses">>,<<"MIT">>}.`, `metadata.config: "licenses" must be a list of strings`},
		{"licenses element", `{<<"licenses">>,[<<"MIT">>,mit]}.`, `metadata.config: "licenses" must be a list of strings`},
		{"files as charlist", `{<<"files">>,"lib"}.`, `metadata.config: "files" must be a list of strings`},
		{"links", `{<<"links">>,[<<"GitHub">>]}.`, `metadata.config: "links" must be a list of {Name, URL} pairs of strings`},
		{"link url", `{<<"links">>,[{<<"GitHub">>,1}]}.`, `metadata.config: "links" must be a list of {Name, URL} pairs of strings`},
		{"requirements", `{<<"requirements">>,{}}.`, `metadata.config: "requirements" must be a list`},
		{"requirement shape", `{<<"requirements">>,[<<"x">>]}.`, `metadata.config: "requirements" must be a list of {Name, [{Key, Value}]} tuples or [{Key, Value}] lists`},
		{"legacy without name", `{<<"requirements">>,[[{<<"requirement">>,<<"1">>}]]}.`, `metadata.config: "requirements" must be a list of {Name, [{Key, Value}]} tuples or [{Key, Value}] lists with a "name"`},
		{"optional", `{<<"requirements">>,[{<<"x">>,[{<<"optional">>,<<"false">>}]}]}.`, `metadata.config: requirement "x": "optional" must be true or false`},
		{"requirement string", `{<<"requirements">>,[{<<"x">>,[{<<"requirement">>,1}]}]}.`, `metadata.config: requirement "x": "requirement" must be a string`},
		{"legacy optional", `{<<"requirements">>,[[{<<"optional">>,1},{<<"name">>,<<"x">>}]]}.`, `metadata.config: requirements: "optional" must be true or false`},
		{"duplicate inner key", `{<<"requirements">>,[{<<"x">>,[{<<"app">>,<<"a">>},{<<"app">>,<<"b">>}]}]}.`, `metadata.config: requirement "x": has "app" twice`},
		{"duplicate requirement", `{<<"requirements">>,[{<<"x">>,[]},[{<<"name">>,<<"x">>}]]}.`, `metadata.config: requirement "x" is listed twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeMetadata([]byte(tt.text))
			var me *MetadataError
			if !errors.As(err, &me) {
				t.Fatalf("got %v, want a *MetadataError", err)
			}
			if err.Error() != tt.want {
				t.Errorf("got  %s\nwant %s", err, tt.want)
			}
		})
	}
}
