package postgres

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// describeTarget names the server(s) and database of a configuration, for
// messages: "host:port/database", fallback hosts separated by commas.
func describeTarget(cfg *pgx.ConnConfig) string {
	hosts := []string{hostPort(cfg.Host, cfg.Port)}
	for _, f := range cfg.Fallbacks {
		if hp := hostPort(f.Host, f.Port); hp != hosts[len(hosts)-1] {
			hosts = append(hosts, hp)
		}
	}
	return strings.Join(hosts, ",") + "/" + cfg.Database
}

func hostPort(host string, port uint16) string {
	if strings.HasPrefix(host, "/") { // a Unix socket directory
		return fmt.Sprintf("%s/.s.PGSQL.%d", strings.TrimSuffix(host, "/"), port)
	}
	if strings.Contains(host, ":") { // IPv6
		host = "[" + host + "]"
	}
	return host + ":" + strconv.Itoa(int(port))
}

// parseError describes a DSN that pgx could not parse: where it points as
// far as that can be told, and pgx's reason, without any password the DSN
// may hold. pgx repeats the DSN with the password masked, but a DSN that
// does not parse can be too ambiguous to find the password in (one
// written unescaped in a URL, say), and the parsers' own errors quote
// pieces of it: so the DSN is not repeated, and the underlying error is
// kept only when it shows nothing of the DSN.
func parseError(dsn string, err error) error {
	where := "(invalid DSN)"
	if t := roughTarget(dsn); t != "" && !holdsSecret(t, secrets(dsn)) {
		where = t
	}
	return fmt.Errorf("postgres store %s: invalid DSN: %w", where, redact(parseReason(dsn, err), nil, dsn))
}

// parseReason is pgx's reason for refusing a DSN, without the DSN.
func parseReason(dsn string, err error) error {
	var pe *pgconn.ParseConfigError
	if !errors.As(err, &pe) {
		return err
	}
	msg := strings.TrimPrefix(pe.Error(), "cannot parse `")
	inner := pe.Unwrap()
	if inner != nil {
		msg = strings.TrimSuffix(msg, " ("+inner.Error()+")")
	}
	if i := strings.LastIndex(msg, "`: "); i >= 0 {
		msg = msg[i+len("`: "):]
	}
	if inner == nil || !safeDetail(inner.Error(), secrets(dsn)) {
		return &redactedError{msg: msg, err: err}
	}
	return &redactedError{msg: msg + ": " + inner.Error(), err: err}
}

// roughTarget finds host and database in a DSN that may not parse: what an
// operator needs to know which DSN is wrong. It returns "" when it cannot
// tell.
func roughTarget(dsn string) string {
	var host, port, db string
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		host, db = u.Host, strings.TrimPrefix(u.Path, "/")
	} else if i := strings.Index(dsn, "://"); i >= 0 {
		rest := dsn[i+3:]
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			rest = rest[at+1:]
		}
		host, db, _ = strings.Cut(rest, "/")
		db, _, _ = strings.Cut(db, "?")
	} else {
		for _, m := range kvSetting.FindAllStringSubmatch(dsn, -1) {
			switch m[1] {
			case "host":
				host = unquoteKV(m[2])
			case "port":
				port = unquoteKV(m[2])
			case "dbname":
				db = unquoteKV(m[2])
			}
		}
		if port != "" {
			host += ":" + port
		}
	}
	if host == "" && db == "" {
		return ""
	}
	return host + "/" + db
}

// kvSetting is one keyword=value setting of a libpq keyword/value string.
var kvSetting = regexp.MustCompile(`(?:^|\s)(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S*)`)

func unquoteKV(v string) string {
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		v = v[1 : len(v)-1]
		v = strings.NewReplacer(`\'`, `'`, `\\`, `\`).Replace(v)
	}
	return v
}

// urlPasswordParam is a password in a URL's query string.
var urlPasswordParam = regexp.MustCompile(`[?&](?:ssl)?password=([^&#]*)`)

// secrets lists every string of a DSN that may be a password, as written
// and decoded, whether or not the DSN parses.
func secrets(dsn string) []string {
	var raw []string
	if i := strings.Index(dsn, "://"); i >= 0 {
		rest := dsn[i+3:]
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if _, pw, ok := strings.Cut(rest[:at], ":"); ok {
				raw = append(raw, pw)
			}
		}
		for _, m := range urlPasswordParam.FindAllStringSubmatch(dsn, -1) {
			raw = append(raw, m[1])
		}
	} else {
		for _, m := range kvSetting.FindAllStringSubmatch(dsn, -1) {
			if m[1] == "password" || m[1] == "sslpassword" {
				raw = append(raw, m[2], unquoteKV(m[2]))
			}
		}
	}
	var all []string
	for _, s := range raw {
		all = append(all, s)
		if d, err := url.PathUnescape(s); err == nil {
			all = append(all, d)
		}
		if d, err := url.QueryUnescape(s); err == nil {
			all = append(all, d)
		}
	}
	return all
}

// redactedError is an error whose message had passwords masked; it still
// unwraps to the original, for errors.Is.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redact masks in err's message the password of cfg (when not nil) and
// every possible password of the DSNs.
func redact(err error, cfg *pgx.ConnConfig, dsns ...string) error {
	if err == nil {
		return nil
	}
	var secret []string
	if cfg != nil {
		secret = append(secret, cfg.Password)
		if cfg.ConnString() != "" {
			secret = append(secret, secrets(cfg.ConnString())...)
		}
	}
	for _, d := range dsns {
		secret = append(secret, secrets(d)...)
	}
	msg := err.Error()
	masked := msg
	for _, s := range secret {
		if s != "" {
			masked = strings.ReplaceAll(masked, s, "xxxxx")
		}
	}
	if masked == msg {
		return err
	}
	return &redactedError{msg: masked, err: err}
}

// describeConnectError words a failure to connect: the user, and the
// reason without pgx's prefix, which repeats the database the caller's
// prefix names.
func describeConnectError(err error) error {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return fmt.Errorf("cannot connect as user %q: %w", ce.Config.User, ce.Unwrap())
	}
	return fmt.Errorf("cannot connect: %w", err)
}

// dsnDelimiters are the characters that end a piece of a DSN.
const dsnDelimiters = "@/:?&=#% '\""

// safeDetail reports whether an error from parsing a DSN can be shown: it
// quotes nothing (the parsers quote the pieces of the DSN they choke on)
// and holds no piece of a possible password.
func safeDetail(detail string, secrets []string) bool {
	return !strings.ContainsAny(detail, "\"'`") && !holdsSecret(detail, secrets)
}

// holdsSecret reports whether text holds a piece of three characters or
// more of one of the secrets, cut where a DSN's syntax could cut it.
func holdsSecret(text string, secrets []string) bool {
	for _, s := range secrets {
		for _, piece := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(dsnDelimiters, r) }) {
			if len(piece) >= 3 && strings.Contains(text, piece) {
				return true
			}
		}
	}
	return false
}
