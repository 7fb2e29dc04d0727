package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hexship/ship/auth"
	"github.com/hexship/ship/auth/tokenstore"
	"github.com/rogpeppe/go-internal/testscript"
)

// ship-token [-expires-in DURATION] [-print FIELD]
//
// reads the login that ship keeps in its token file ($SHIP_CONFIG_DIR,
// for the registry $REGISTRY) as a person with a text editor could: it
// prints one field of it (access_token, refresh_token, expires_at) or
// moves the access token's expiry to DURATION from now, so stories can
// see ship refresh a token about to expire without waiting half an hour.
func cmdShipToken(ts *testscript.TestScript, neg bool, args []string) {
	fs := flag.NewFlagSet("ship-token", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	expiresIn := fs.Duration("expires-in", -1, "")
	field := fs.String("print", "", "")
	if neg || fs.Parse(args) != nil || fs.NArg() != 0 || (*expiresIn < 0) == (*field == "") {
		ts.Fatalf("usage: ship-token -expires-in DURATION | -print FIELD")
	}
	api := strings.TrimSuffix(ts.Getenv("REGISTRY"), "/") + "/api"
	store := tokenstore.NewFile(ts.Getenv("SHIP_CONFIG_DIR"))
	data, err := store.Get(api)
	ts.Check(err)
	var c auth.Credentials
	ts.Check(json.Unmarshal(data, &c))
	if *field != "" {
		var m map[string]any
		ts.Check(json.Unmarshal(data, &m))
		v, ok := m[*field]
		if !ok {
			ts.Fatalf("no %s in the stored login", *field)
		}
		fmt.Fprintln(ts.Stdout(), v)
		return
	}
	// Keep the token's lifetime: ship refreshes early by a share of it.
	lifetime := c.ExpiresAt.Sub(c.IssuedAt)
	c.ExpiresAt = time.Now().Add(*expiresIn)
	c.IssuedAt = c.ExpiresAt.Add(-lifetime)
	data, err = json.Marshal(&c)
	ts.Check(err)
	ts.Check(store.Set(api, data))
}
