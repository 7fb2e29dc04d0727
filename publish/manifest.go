package publish

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/hexship/ship/tarball"
)

// ManifestName is the file in a package directory that describes the
// package to ship.
const ManifestName = "ship.toml"

// manifest is ship.toml as written. Pointers tell an absent key (ship
// chooses) from an empty list (the author's mistake).
type manifest struct {
	Name         string                      `toml:"name"`
	Version      string                      `toml:"version"`
	App          string                      `toml:"app"`
	Description  string                      `toml:"description"`
	Licenses     []string                    `toml:"licenses"`
	Links        map[string]string           `toml:"links"`
	Files        *[]string                   `toml:"files"`
	BuildTools   *[]string                   `toml:"build_tools"`
	Elixir       string                      `toml:"elixir"`
	Requirements map[string]requirementTable `toml:"requirements"`
}

// requirementTable is one [requirements.NAME] table.
type requirementTable struct {
	Requirement string `toml:"requirement"`
	Optional    bool   `toml:"optional"`
	App         string `toml:"app"`
	Repository  string `toml:"repository"`
}

var (
	manifestKeys    = tomlKeys(reflect.TypeFor[manifest]())
	requirementKeys = tomlKeys(reflect.TypeFor[requirementTable]())
)

// keyAliases are keys authors bring from other tools, with the ship.toml key
// that means the same; edit distance would not find these.
var keyAliases = map[string]string{"deps": "requirements", "dependencies": "requirements"}

// tomlKeys lists the toml tags of a struct, in field order.
func tomlKeys(t reflect.Type) []string {
	var keys []string
	for f := range t.Fields() {
		keys = append(keys, f.Tag.Get("toml"))
	}
	return keys
}

// parseManifest decodes ship.toml. Unknown keys are recorded in r and
// decoding goes on, so they are reported with every other problem; a TOML
// syntax or type error stops it and is returned as a *ManifestError.
func parseManifest(r *report, data []byte) (*manifest, error) {
	var m manifest
	err := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields().Decode(&m)
	var missing *toml.StrictMissingError
	var decode *toml.DecodeError
	switch {
	case err == nil:
	case errors.As(err, &missing):
		for _, e := range missing.Errors {
			r.unknownKey(&e)
		}
	case errors.As(err, &decode):
		r.decodeError(decode)
		return nil, r.err()
	default:
		return nil, fmt.Errorf("%s: %w", r.file, err)
	}
	return &m, nil
}

// unknownKey reports a key ship.toml does not have, suggesting the key the
// author most likely meant.
func (r *report) unknownKey(e *toml.DecodeError) {
	line, column := e.Position()
	path, known := unknownPart(e.Key())
	fix := "remove it; the keys here are " + strings.Join(known, ", ")
	if s := suggestKey(path[len(path)-1], known); s != "" {
		fix = fmt.Sprintf("did you mean %q?", s)
	}
	r.addAt(line, column, tomlKey(path...), "unknown key", fix)
}

// unknownPart shortens the path of an unknown key to its first unknown
// part (go-toml reports [deps.plug] whole) and returns the keys known at
// that level.
func unknownPart(path toml.Key) (toml.Key, []string) {
	if len(path) >= 3 && path[0] == "requirements" {
		return path[:3], requirementKeys
	}
	return path[:1], manifestKeys
}

func suggestKey(name string, known []string) string {
	if alias, ok := keyAliases[name]; ok && slices.Contains(known, alias) {
		return alias
	}
	return closest(name, known, max(1, len(name)/3))
}

// decodeError reports a TOML syntax error, a duplicate key or a value of the
// wrong type, at its line and column.
func (r *report) decodeError(e *toml.DecodeError) {
	line, column := e.Position()
	key := tomlKey(e.Key()...)
	msg := strings.TrimPrefix(e.Error(), "toml: ")
	switch want, example := expectedType(e.Key()); {
	case isTypeMismatch(msg) && want != "":
		r.addAt(line, column, key, "must be "+want, "write it like "+example)
	case strings.Contains(msg, "already defined"):
		r.addAt(line, column, key, "is set twice", "keep one of the two")
	default:
		r.addAt(line, column, key, msg, "correct the TOML syntax (https://toml.io)")
	}
}

// isTypeMismatch recognises go-toml's messages for a value of the wrong type,
// which name Go types that mean nothing to the author.
func isTypeMismatch(msg string) bool {
	return strings.HasPrefix(msg, "cannot decode TOML ") || strings.HasPrefix(msg, "cannot store ")
}

// expectedType describes the value ship.toml expects at key, with an
// example, or returns "" for keys it does not know.
func expectedType(key toml.Key) (want, example string) {
	switch {
	case len(key) == 1:
		switch key[0] {
		case "licenses", "files", "build_tools":
			return "a list of strings", key[0] + ` = ["..."]`
		case "links":
			return "a table of names and URLs", `[links] then GitHub = "https://github.com/me/my_package"`
		case "requirements":
			return "a table of dependency tables", `[requirements.plug] then requirement = "~> 1.0"`
		case "name", "version", "app", "description", "elixir":
			return "a string", key[0] + ` = "..."`
		}
	case len(key) == 2 && key[0] == "links":
		return "a URL string", tomlKey(key[1]) + ` = "https://..."`
	case len(key) == 2 && key[0] == "requirements":
		return "a table", fmt.Sprintf(`[requirements.%s] then requirement = "~> 1.0"`, tomlKey(key[1]))
	case len(key) == 3 && key[0] == "requirements":
		if key[2] == "optional" {
			return "true or false", "optional = true"
		}
		return "a string", key[2] + ` = "..."`
	}
	return "", ""
}

// metadata is the tarball metadata for m and the selected files.
func (m *manifest) metadata(sel *selection) tarball.Metadata {
	return tarball.Metadata{
		Name:         m.Name,
		Version:      m.Version,
		App:          cmp.Or(m.App, m.Name),
		Description:  strings.TrimSpace(m.Description),
		Licenses:     m.Licenses,
		Links:        m.links(),
		Files:        sel.names,
		BuildTools:   m.buildTools(sel),
		Elixir:       m.Elixir,
		Requirements: m.requirements(),
	}
}

// buildTools returns build_tools as written, or guessed from the files.
func (m *manifest) buildTools(sel *selection) []string {
	if m.BuildTools != nil {
		return *m.BuildTools
	}
	return sel.guessBuildTools()
}

// links returns the links sorted by name. TOML tables decode without their
// order, and mix writes links from an Elixir map, which lists them sorted,
// so this is also what mix would put in the tarball.
func (m *manifest) links() []tarball.Link {
	var links []tarball.Link
	for _, name := range slices.Sorted(maps.Keys(m.Links)) {
		links = append(links, tarball.Link{Name: name, URL: m.Links[name]})
	}
	return links
}

// requirements returns the dependencies sorted by name, with app defaulting
// to the name as mix writes it.
func (m *manifest) requirements() []tarball.Requirement {
	var reqs []tarball.Requirement
	for _, name := range slices.Sorted(maps.Keys(m.Requirements)) {
		dep := m.Requirements[name]
		reqs = append(reqs, tarball.Requirement{
			Name:        name,
			App:         cmp.Or(dep.App, name),
			Requirement: dep.Requirement,
			Optional:    dep.Optional,
			Repository:  dep.Repository,
		})
	}
	return reqs
}
