package postgres_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/hexship/ship/registry/store/postgres"
)

// password is in every DSN below; no error may show it, as written or
// encoded, nor any piece of it: every piece between two characters that
// mean something in a DSN has the marker PW.
const password = "PWa-s3cr3t/PWb@PWc:PWd?PWe&PWf=PWg#PWh%41PWi 'PWj' PWk"

// leaks lists the forms in which password could show in a message.
func leaks(password string) []string {
	return []string{password, url.PathEscape(password), url.QueryEscape(password), url.UserPassword("u", password).String()}
}

func checkHidden(t *testing.T, what, msg, password string) {
	t.Helper()
	if strings.Contains(msg, "PW") {
		t.Errorf("%s: error %q shows (a piece of) the password", what, msg)
		return
	}
	for _, form := range leaks(password) {
		if form != "" && strings.Contains(msg, form) {
			t.Errorf("%s: error %q shows the password as %q", what, msg, form)
		}
	}
}

// kvQuote quotes a keyword/value setting.
func kvQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// Open's errors for a server that does not answer and for DSNs that do not
// parse say where the DSN points, and never the password. None of these
// needs a server.
func TestOpenErrorsHidePassword(t *testing.T) {
	userinfo := url.UserPassword("alice", password).String()
	for _, c := range []struct {
		what, dsn string
		want      []string
	}{
		{"unreachable URL", "postgres://" + userinfo + "@127.0.0.1:1/regdb?sslmode=disable&connect_timeout=5",
			[]string{"127.0.0.1:1", "regdb", "alice"}},
		{"unreachable keyword/value", "host=127.0.0.1 port=1 dbname=regdb user=alice sslmode=disable connect_timeout=5 password=" + kvQuote(password),
			[]string{"127.0.0.1:1", "regdb", "alice"}},
		{"bad port", "postgres://" + userinfo + "@db.example:notaport/regdb", []string{"invalid DSN", "regdb"}},
		{"bad sslmode", "postgres://" + userinfo + "@db.example/regdb?sslmode=bogus", []string{"invalid DSN", "db.example/regdb", "sslmode"}},
		{"password in the query", "postgres://db.example/regdb?sslmode=bogus&password=" + url.QueryEscape(password), []string{"db.example/regdb"}},
		{"raw password in the query", "postgres://db.example/regdb?sslmode=bogus&password=" + password, []string{"invalid DSN"}},
		{"raw password in a URL", "postgres://alice:" + password + "@db.example/regdb?sslmode=bogus", []string{"invalid DSN"}},
		{"bad keyword/value", "host=db.example dbname=regdb sslmode=bogus password=" + kvQuote(password), []string{"db.example/regdb", "sslmode"}},
		{"unterminated quote", "host=db.example dbname=regdb password='" + password, []string{"invalid DSN"}},
		{"broken URL", "postgres://alice:" + url.PathEscape(password) + "@[::1/regdb", []string{"invalid DSN"}},
	} {
		s, err := postgres.Open(ctx, c.dsn)
		if err == nil {
			s.Close()
			t.Errorf("%s: Open succeeded", c.what)
			continue
		}
		checkHidden(t, c.what, err.Error(), password)
		for _, want := range c.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not say %q", c.what, err, want)
			}
		}
	}
}

// Whatever the password, a DSN that does not parse is refused without
// showing it.
func FuzzOpenHidesPassword(f *testing.F) {
	f.Add("secret", false)
	f.Add(password, true)
	f.Add("p@ss:word/x?y#z", false)
	f.Add(`it's \ quoted`, true)
	f.Add("%zz", false)
	f.Fuzz(func(t *testing.T, pw string, keywordValue bool) {
		// A recognisable password: a leak of it is no coincidence.
		pw = "PW<" + pw + ">PW"
		var dsn string
		if keywordValue {
			dsn = "host=127.0.0.1 port=1 dbname=regdb sslmode=bogus password=" + kvQuote(pw)
		} else {
			dsn = "postgres://" + url.UserPassword("alice", pw).String() + "@127.0.0.1:1/regdb?sslmode=bogus"
		}
		s, err := postgres.Open(ctx, dsn)
		if err == nil {
			s.Close()
			t.Fatalf("Open(%q) succeeded", dsn)
		}
		checkHidden(t, "Open", err.Error(), pw)
	})
}
