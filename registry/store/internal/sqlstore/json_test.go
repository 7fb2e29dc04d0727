package sqlstore

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hexship/ship/registry/store"
)

// The JSON both databases hold: these texts are in existing databases, so
// a change here is a schema change.
func TestEncodedListsAreTheStoredFormat(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{EncodeStrings(nil), `[]`},
		{EncodeStrings([]string{}), `[]`},
		{EncodeStrings([]string{"MIT", "Apache-2.0"}), `["MIT","Apache-2.0"]`},
		{EncodeLinks([]store.Link{{Name: "GitHub", URL: "https://x"}, {Name: "Docs", URL: "u"}}),
			`[{"name":"GitHub","url":"https://x"},{"name":"Docs","url":"u"}]`},
		{EncodePermissions([]store.Permission{{Domain: "api", Resource: "write"}}), `[{"domain":"api","resource":"write"}]`},
		{EncodeRequirements([]store.Requirement{{Name: "jason", App: "jason", Requirement: "~> 1.4", Optional: true, Repository: "hexpm"}}),
			// encoding/json escapes <, > and & (SQLite keeps the text as is).
			`[{"name":"jason","app":"jason","requirement":"~\u003e 1.4","optional":true,"repository":"hexpm"}]`},
	} {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
}

func TestDecodedListsRoundTrip(t *testing.T) {
	links := []store.Link{{Name: "b", URL: "u"}, {Name: "a", URL: "v"}}
	if got, err := decodeLinks("c", []byte(EncodeLinks(links))); err != nil || !reflect.DeepEqual(got, links) {
		t.Errorf("links: %+v, %v", got, err)
	}
	perms := []store.Permission{{Domain: "package", Resource: "hexpm/plug"}}
	if got, err := decodePermissions("c", []byte(EncodePermissions(perms))); err != nil || !reflect.DeepEqual(got, perms) {
		t.Errorf("permissions: %+v, %v", got, err)
	}
	reqs := []store.Requirement{{Name: "a", Requirement: ">= 0.0.0"}, {Name: "b", Optional: true}}
	if got, err := decodeRequirements("c", []byte(EncodeRequirements(reqs))); err != nil || !reflect.DeepEqual(got, reqs) {
		t.Errorf("requirements: %+v, %v", got, err)
	}
	// An empty list reads back as nil, whichever way it was written.
	for _, text := range []string{`[]`, `null`} {
		if got, err := decodeLinks("c", []byte(text)); err != nil || got != nil {
			t.Errorf("%s: %#v, %v; want nil", text, got, err)
		}
	}
}

func TestDecodeNamesTheDamagedColumn(t *testing.T) {
	_, err := decodeRequirements("releases.requirements", []byte(`[{"name":`))
	if err == nil || !strings.Contains(err.Error(), "column releases.requirements holds invalid JSON") {
		t.Errorf("invalid JSON: %v", err)
	}
}
