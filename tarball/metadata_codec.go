package tarball

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// MetadataError reports metadata.config that cannot be decoded.
type MetadataError struct {
	Line int    // 1-based line of the offending text, 0 when no single line is to blame
	Msg  string // what is wrong, e.g. `expected "}" but found ","`
}

func (e *MetadataError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("metadata.config line %d: %s", e.Line, e.Msg)
	}
	return "metadata.config: " + e.Msg
}

// Encode returns m as metadata.config, byte for byte as hex_core writes the
// same metadata: one {<<"key">>, Value}. form per key, keys in byte order,
// each form laid out by io_lib_pretty (see AppendTerm) and followed by "\n".
//
// name and version are always written. app, description and elixir are
// written when not empty. The list fields (licenses, links, files,
// build_tools, maintainers, requirements) are written when not nil, so an
// empty but non-nil slice gives [] (mix, for one, always writes files,
// build_tools and requirements, but licenses, links and maintainers only
// when the project sets them). Requirements are written in the spec (rebar3)
// shape, {<<"name">>, [{<<"app">>, ...}, {<<"optional">>, ...},
// {<<"repository">>, ...}, {<<"requirement">>, ...}]}, repository only when
// set; requirements and links keep their order (hex_core's is sorted by
// name, as it writes them from a map). Extra entries are written as they
// are, except those whose key is one of the typed keys above or repeats an
// earlier entry's, which are skipped. Encode panics if an Extra value is or
// holds a nil Term.
func (m Metadata) Encode() []byte {
	var b []byte
	for _, kv := range m.terms() {
		b = AppendTerm(b, Tuple{Binary(kv.Key), kv.Value})
		b = append(b, ".\n"...)
	}
	return b
}

// DecodeMetadata parses metadata.config as DecodeTerms does and maps the
// keys Metadata has fields for; every other key goes to Extra, sorted by
// key. It accepts requirements in both the spec shape and mix's legacy
// shape (a list of key-value lists, each with a "name"), and strings
// written as binaries or as Erlang strings. A list key that is present
// decodes to a non-nil slice, even when empty, so that Encode writes it
// back; an absent one stays nil (BuildTools included: guessing the build
// tools is up to the caller). A requirement's App is left empty when it is
// the requirement's name.
//
// Errors are *MetadataError values.
func DecodeMetadata(data []byte) (Metadata, error) {
	forms, err := DecodeTerms(data)
	if err != nil {
		return Metadata{}, err
	}
	if len(forms) == 0 {
		return Metadata{}, &MetadataError{Msg: "no terms"}
	}
	var m Metadata
	for _, f := range forms {
		if err := m.set(string(f[0].(Binary)), f[1]); err != nil {
			return Metadata{}, err
		}
	}
	slices.SortFunc(m.Extra, func(a, b KeyValue) int { return strings.Compare(a.Key, b.Key) })
	return m, nil
}

// stringField returns the field for a string key, or nil.
func (m *Metadata) stringField(key string) *string {
	switch key {
	case "name":
		return &m.Name
	case "version":
		return &m.Version
	case "app":
		return &m.App
	case "description":
		return &m.Description
	case "elixir":
		return &m.Elixir
	}
	return nil
}

// listField returns the field for a list-of-strings key, or nil.
func (m *Metadata) listField(key string) *[]string {
	switch key {
	case "licenses":
		return &m.Licenses
	case "files":
		return &m.Files
	case "build_tools":
		return &m.BuildTools
	case "maintainers":
		return &m.Maintainers
	}
	return nil
}

var (
	stringKeys = []string{"name", "version", "app", "description", "elixir"}
	listKeys   = []string{"licenses", "files", "build_tools", "maintainers"}
)

func (m *Metadata) isTypedKey(key string) bool {
	return m.stringField(key) != nil || m.listField(key) != nil || key == "links" || key == "requirements"
}

// terms returns m's top-level terms in the order Encode writes them.
func (m Metadata) terms() []KeyValue {
	var kvs []KeyValue
	for _, key := range stringKeys {
		if v := *m.stringField(key); v != "" || key == "name" || key == "version" {
			kvs = append(kvs, KeyValue{key, Binary(v)})
		}
	}
	for _, key := range listKeys {
		if v := *m.listField(key); v != nil {
			kvs = append(kvs, KeyValue{key, binaries(v)})
		}
	}
	if m.Links != nil {
		kvs = append(kvs, KeyValue{"links", linksTerm(m.Links)})
	}
	if m.Requirements != nil {
		kvs = append(kvs, KeyValue{"requirements", requirementsTerm(m.Requirements)})
	}
	seen := make(map[string]bool)
	for _, kv := range m.Extra {
		if !m.isTypedKey(kv.Key) && !seen[kv.Key] {
			seen[kv.Key] = true
			kvs = append(kvs, kv)
		}
	}
	slices.SortFunc(kvs, func(a, b KeyValue) int { return strings.Compare(a.Key, b.Key) })
	return kvs
}

func binaries(ss []string) List {
	l := make(List, len(ss))
	for i, s := range ss {
		l[i] = Binary(s)
	}
	return l
}

func pair(key string, value Term) Tuple {
	return Tuple{Binary(key), value}
}

func linksTerm(links []Link) List {
	l := make(List, len(links))
	for i, link := range links {
		l[i] = pair(link.Name, Binary(link.URL))
	}
	return l
}

func requirementsTerm(reqs []Requirement) List {
	l := make(List, len(reqs))
	for i, r := range reqs {
		app := r.App
		if app == "" {
			app = r.Name
		}
		props := List{pair("app", Binary(app)), pair("optional", boolAtom(r.Optional))}
		if r.Repository != "" {
			props = append(props, pair("repository", Binary(r.Repository)))
		}
		props = append(props, pair("requirement", Binary(r.Requirement)))
		l[i] = pair(r.Name, props)
	}
	return l
}

// typeError reports a value of the wrong type for key.
func typeError(key, want string) *MetadataError {
	return &MetadataError{Msg: fmt.Sprintf("%q must be %s", key, want)}
}

func (m *Metadata) set(key string, value Term) error {
	if f := m.stringField(key); f != nil {
		s, ok := termString(value)
		if !ok {
			return typeError(key, "a string")
		}
		*f = s
		return nil
	}
	if f := m.listField(key); f != nil {
		ss, ok := termStrings(value)
		if !ok {
			return typeError(key, "a list of strings")
		}
		*f = ss
		return nil
	}
	var err error
	switch key {
	case "links":
		m.Links, err = decodeLinks(value)
	case "requirements":
		m.Requirements, err = decodeRequirements(value)
	default:
		m.Extra = append(m.Extra, KeyValue{key, value})
	}
	return err
}

// termString returns the text of a string term: a binary's bytes, or the
// UTF-8 encoding of an Erlang string's characters.
func termString(t Term) (string, bool) {
	switch t := t.(type) {
	case Binary:
		return string(t), true
	case Charlist:
		return string(t), true
	case List:
		chars, ok := listChars(t)
		for _, c := range chars {
			ok = ok && utf8.ValidRune(c)
		}
		return string(chars), ok
	}
	return "", false
}

// termStrings returns the texts of a list of strings, non-nil even when
// the list is empty.
func termStrings(t Term) ([]string, bool) {
	l, ok := t.(List)
	if !ok {
		return nil, false
	}
	ss := make([]string, len(l))
	for i, e := range l {
		if ss[i], ok = termString(e); !ok {
			return nil, false
		}
	}
	return ss, true
}

// stringPairs returns the pairs of a list of {String, Value} tuples.
func stringPairs(t Term) ([]KeyValue, bool) {
	l, ok := t.(List)
	if !ok {
		return nil, false
	}
	kvs := make([]KeyValue, len(l))
	for i, e := range l {
		p, ok := e.(Tuple)
		if !ok || len(p) != 2 {
			return nil, false
		}
		if kvs[i].Key, ok = termString(p[0]); !ok {
			return nil, false
		}
		kvs[i].Value = p[1]
	}
	return kvs, true
}

func decodeLinks(t Term) ([]Link, error) {
	kvs, ok := stringPairs(t)
	if !ok {
		return nil, typeError("links", "a list of {Name, URL} pairs of strings")
	}
	links := make([]Link, len(kvs))
	for i, kv := range kvs {
		links[i].Name = kv.Key
		if links[i].URL, ok = termString(kv.Value); !ok {
			return nil, typeError("links", "a list of {Name, URL} pairs of strings")
		}
	}
	return links, nil
}

func decodeRequirements(t Term) ([]Requirement, error) {
	l, ok := t.(List)
	if !ok {
		return nil, typeError("requirements", "a list")
	}
	reqs := make([]Requirement, len(l))
	seen := make(map[string]bool)
	for i, e := range l {
		r, err := decodeRequirement(e)
		if err != nil {
			return nil, err
		}
		if seen[r.Name] {
			return nil, &MetadataError{Msg: fmt.Sprintf("requirement %q is listed twice", r.Name)}
		}
		seen[r.Name] = true
		reqs[i] = r
	}
	return reqs, nil
}

// decodeRequirement decodes either shape of a requirement: the spec shape
// {Name, [{Key, Value}]} or mix's legacy [{Key, Value}] with a "name" key.
// Keys other than app, name, optional, repository and requirement are
// ignored, as hex_core ignores them.
func decodeRequirement(t Term) (Requirement, error) {
	var r Requirement
	props, legacy := t, true
	if tuple, ok := t.(Tuple); ok && len(tuple) == 2 {
		if r.Name, ok = termString(tuple[0]); ok {
			props, legacy = tuple[1], false
		}
	}
	kvs, ok := stringPairs(props)
	if !ok {
		return r, typeError("requirements", `a list of {Name, [{Key, Value}]} tuples or [{Key, Value}] lists`)
	}
	named := !legacy
	seen := make(map[string]bool)
	for _, kv := range kvs {
		if seen[kv.Key] {
			return r, requirementError(r, legacy, "has %q twice", kv.Key)
		}
		seen[kv.Key] = true
		var field *string
		switch kv.Key {
		case "name":
			if !legacy {
				continue
			}
			field, named = &r.Name, true
		case "app":
			field = &r.App
		case "repository":
			field = &r.Repository
		case "requirement":
			field = &r.Requirement
		case "optional":
			a, ok := kv.Value.(Atom)
			if !ok || a != atomTrue && a != atomFalse {
				return r, requirementError(r, legacy, `"optional" must be true or false`)
			}
			r.Optional = a == atomTrue
			continue
		default:
			continue
		}
		if *field, ok = termString(kv.Value); !ok {
			return r, requirementError(r, legacy, "%q must be a string", kv.Key)
		}
	}
	if !named {
		return r, typeError("requirements", `a list of {Name, [{Key, Value}]} tuples or [{Key, Value}] lists with a "name"`)
	}
	if r.App == r.Name {
		r.App = ""
	}
	return r, nil
}

// requirementError reports a bad requirement, named if its name is known
// yet (a legacy requirement's name may come after the bad key).
func requirementError(r Requirement, legacy bool, format string, args ...any) *MetadataError {
	msg := fmt.Sprintf(format, args...)
	if !legacy || r.Name != "" {
		return &MetadataError{Msg: fmt.Sprintf("requirement %q: %s", r.Name, msg)}
	}
	return &MetadataError{Msg: "requirements: " + msg}
}
