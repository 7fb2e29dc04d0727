package tarball

// Metadata is the content of metadata.config, typed. Fields map to the keys
// hex_core and mix write; anything else found when decoding is kept in Extra
// so that a decode/encode round trip loses nothing.
type Metadata struct {
	Name         string        // <<"name">>
	Version      string        // <<"version">>
	App          string        // <<"app">>; empty means omitted
	Description  string        // <<"description">>; empty means omitted
	Licenses     []string      // <<"licenses">>
	Links        []Link        // <<"links">>, a kvlist, in the order given
	Files        []string      // <<"files">>
	BuildTools   []string      // <<"build_tools">>
	Elixir       string        // <<"elixir">>; empty means omitted
	Maintainers  []string      // <<"maintainers">> (deprecated; read, written only when set)
	Requirements []Requirement // <<"requirements">>, written in the spec (rebar3) shape
	Extra        []KeyValue    // every other top-level key, as decoded
}

// Link is one entry of the links kvlist, e.g. {"GitHub", "https://..."}.
type Link struct {
	Name string
	URL  string
}

// Requirement is one dependency. Both on-disk shapes (the spec/rebar3 shape
// keyed by name and mix's legacy list of kvlists with a "name" key) decode
// into it.
type Requirement struct {
	Name        string
	App         string // empty means the same as Name
	Requirement string // Elixir version requirement, e.g. "~> 1.0"
	Optional    bool
	Repository  string // empty means the package's own repository
}

// KeyValue is one top-level {Key, Value} term of metadata.config that
// Metadata has no field for.
type KeyValue struct {
	Key   string
	Value Term
}
