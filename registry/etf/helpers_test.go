package etf

import (
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strings"
	"testing"
)

// equal compares decoded values exactly: floats by their bits (so -0.0 is
// not 0.0), big integers by value, and containers element by element.
func equal(a, b any) bool {
	if reflect.TypeOf(a) != reflect.TypeOf(b) {
		return false
	}
	switch x := a.(type) {
	case float64:
		return math.Float64bits(x) == math.Float64bits(b.(float64))
	case *big.Int:
		return x.Cmp(b.(*big.Int)) == 0
	case []any:
		return equalSlices(x, b.([]any))
	case Tuple:
		return equalSlices(x, b.(Tuple))
	case map[string]any:
		y := b.(map[string]any)
		if len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	}
	return a == b
}

func equalSlices(x, y []any) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if !equal(x[i], y[i]) {
			return false
		}
	}
	return true
}

// unhex reads bytes written as hex with optional spaces, so tables can
// group a term's bytes by field.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex in test table %q: %v", s, err)
	}
	return b
}

func bigInt(s string) *big.Int {
	x, ok := new(big.Int).SetString(s, 0)
	if !ok {
		panic("bad big int literal " + s)
	}
	return x
}

// samplePackage is shaped like hex.pm's GET /api/packages/:name response,
// in the Go types Decode returns, so it serves both directions.
func samplePackage(releases int) map[string]any {
	rels := make([]any, releases)
	for i := range rels {
		version := fmt.Sprintf("1.%d.0", releases-1-i)
		rels[i] = map[string]any{
			"version":     version,
			"url":         "https://registry.example/api/packages/decimal/releases/" + version,
			"has_docs":    i%3 != 0,
			"inserted_at": fmt.Sprintf("2025-%02d-%02dT10:%02d:00Z", 1+i%12, 1+i%28, i%60),
		}
	}
	return map[string]any{
		"name":                  "decimal",
		"repository":            "hexpm",
		"url":                   "https://registry.example/api/packages/decimal",
		"html_url":              "https://registry.example/packages/decimal",
		"docs_html_url":         "https://docs.registry.example/decimal/",
		"inserted_at":           "2014-04-01T20:12:53Z",
		"updated_at":            "2026-08-21T09:30:00Z",
		"latest_version":        "1.19.0",
		"latest_stable_version": "1.19.0",
		"configs": map[string]any{
			"mix.exs":      `{:decimal, "~> 1.19"}`,
			"rebar.config": `{decimal, "1.19.0"}`,
			"erlang.mk":    "dep_decimal = hex 1.19.0",
		},
		"meta": map[string]any{
			"description": "Arbitrary precision decimal arithmetic. Ünïcödé ✓",
			"licenses":    []any{"Apache-2.0"},
			"links":       map[string]any{"GitHub": "https://example.com/decimal"},
			"maintainers": []any{},
		},
		"releases":            rels,
		"retirements":         map[string]any{"1.0.0": map[string]any{"reason": "security", "message": nil}},
		"security_advisories": []any{},
		"downloads":           map[string]any{"all": int64(312345678901), "week": int64(123456), "day": int64(255)},
		"owners": []any{map[string]any{
			"username": "someone", "email": nil, "url": "https://registry.example/api/users/someone",
		}},
	}
}
