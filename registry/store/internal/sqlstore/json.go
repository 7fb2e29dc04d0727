package sqlstore

import (
	"encoding/json"
	"fmt"

	"github.com/hexship/ship/registry/store"
)

// List columns hold JSON arrays (TEXT in SQLite, jsonb in PostgreSQL).
// Their element types below name the JSON fields themselves, so renaming a
// Go field in package store cannot change what is stored. (jsonb keeps the
// order of an array, not of an object's keys.) The encoders return the
// JSON text as a string: SQLite stores it as is, and pgx sends a string to
// a jsonb parameter as the JSON text it is.

// linkJSON is one element of packages.links.
type linkJSON struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// permissionJSON is one element of keys.permissions.
type permissionJSON struct {
	Domain   string `json:"domain"`
	Resource string `json:"resource"`
}

// requirementJSON is one element of releases.requirements.
type requirementJSON struct {
	Name        string `json:"name"`
	App         string `json:"app"`
	Requirement string `json:"requirement"`
	Optional    bool   `json:"optional"`
	Repository  string `json:"repository"`
}

// EncodeStrings encodes a list of strings (licenses, maintainers, build
// tools).
func EncodeStrings(list []string) string { return toJSON(list) }

// EncodeLinks encodes packages.links, in the order given.
func EncodeLinks(links []store.Link) string {
	return toJSON(mapList(links, func(l store.Link) linkJSON { return linkJSON(l) }))
}

// EncodePermissions encodes keys.permissions.
func EncodePermissions(perms []store.Permission) string {
	return toJSON(mapList(perms, func(p store.Permission) permissionJSON { return permissionJSON(p) }))
}

// EncodeRequirements encodes releases.requirements, in the order given.
func EncodeRequirements(reqs []store.Requirement) string {
	return toJSON(mapList(reqs, func(r store.Requirement) requirementJSON { return requirementJSON(r) }))
}

func decodeLinks(column string, text []byte) ([]store.Link, error) {
	list, err := fromJSON[linkJSON](column, text)
	return mapList(list, func(l linkJSON) store.Link { return store.Link(l) }), err
}

func decodePermissions(column string, text []byte) ([]store.Permission, error) {
	list, err := fromJSON[permissionJSON](column, text)
	return mapList(list, func(p permissionJSON) store.Permission { return store.Permission(p) }), err
}

func decodeRequirements(column string, text []byte) ([]store.Requirement, error) {
	list, err := fromJSON[requirementJSON](column, text)
	return mapList(list, func(r requirementJSON) store.Requirement { return store.Requirement(r) }), err
}

// toJSON encodes a list; nil and empty both become "[]".
func toJSON[T any](list []T) string {
	if len(list) == 0 {
		return "[]"
	}
	b, err := json.Marshal(list)
	if err != nil { // only plain strings, bools and structs of them
		panic(fmt.Sprintf("store: encoding %T: %v", list, err))
	}
	return string(b)
}

// fromJSON decodes a list; an empty one is nil. column names the column in
// the error, for an operator looking at a damaged row.
func fromJSON[T any](column string, text []byte) ([]T, error) {
	var list []T
	if err := json.Unmarshal(text, &list); err != nil {
		return nil, fmt.Errorf("column %s holds invalid JSON: %w", column, err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	return list, nil
}

// mapList converts every element of a list; an empty one is nil.
func mapList[T, U any](list []T, f func(T) U) []U {
	if len(list) == 0 {
		return nil
	}
	out := make([]U, len(list))
	for i, v := range list {
		out[i] = f(v)
	}
	return out
}
