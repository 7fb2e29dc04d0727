package registrytest

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/hexship/ship/registry/etf"
	"github.com/rogpeppe/go-internal/testscript"
)

// client is the HTTP client of the commands. ExpectContinueTimeout makes
// uploads wait for the server's "100 Continue" as hex_core does.
var client = &http.Client{
	Timeout:   2 * time.Minute,
	Transport: &http.Transport{ExpectContinueTimeout: 5 * time.Second},
}

// hexapi [-key KEY] [-erlang] [-seconds] [-status N] [-H NAME:VALUE]... [-F NAME=VALUE]... METHOD PATH [FILE]
//
// calls the API of the running shipyard. FILE ending in .tar or .tar.gz is
// uploaded as is (with Expect: 100-continue, as the Hex client does); any
// other FILE holds a JSON body, sent as JSON or, with -erlang, converted to
// Erlang terms. With -erlang the answer is asked for in Erlang terms too.
// -F fields are sent instead of a FILE as a form
// (application/x-www-form-urlencoded), as OAuth clients send theirs.
// The answer body is printed to stdout as indented JSON with sorted keys,
// whatever its format; the status and chosen headers go to stderr. Without
// -status, any 2xx passes.
func cmdHexAPI(ts *testscript.TestScript, neg bool, args []string) {
	fs := flag.NewFlagSet("hexapi", flag.ContinueOnError)
	key := fs.String("key", "", "Authorization header value")
	erlang := fs.Bool("erlang", false, "speak Erlang terms")
	status := fs.Int("status", 0, "expected status")
	seconds := fs.Bool("seconds", false, "print times in whole seconds, as Erlang term bodies have them")
	var headers, fields headerList
	fs.Var(&headers, "H", "extra header NAME:VALUE")
	fs.Var(&fields, "F", "form field NAME=VALUE")
	if neg || fs.Parse(args) != nil || fs.NArg() < 2 || fs.NArg() > 3 || len(fields) > 0 && fs.NArg() == 3 {
		ts.Fatalf("usage: hexapi [-key KEY] [-erlang] [-status N] [-H NAME:VALUE]... [-F NAME=VALUE]... METHOD PATH [FILE]")
	}
	method, path := fs.Arg(0), fs.Arg(1)
	var body io.Reader
	contentType := ""
	if len(fields) > 0 {
		form := url.Values{}
		for _, f := range fields {
			name, value, _ := strings.Cut(f, "=")
			form.Add(name, value)
		}
		body = strings.NewReader(form.Encode())
		contentType = "application/x-www-form-urlencoded"
	}
	if fs.NArg() == 3 {
		file := fs.Arg(2)
		data, err := os.ReadFile(ts.MkAbs(file))
		ts.Check(err)
		switch {
		case strings.HasSuffix(file, ".tar"), strings.HasSuffix(file, ".tar.gz"):
			contentType = "application/octet-stream"
		case *erlang:
			var v any
			ts.Check(json.Unmarshal(data, &v))
			data, err = etf.Encode(v)
			ts.Check(err)
			contentType = "application/vnd.hex+erlang"
		default:
			contentType = "application/json"
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, registry(ts)+path, body)
	ts.Check(err)
	req.Header.Set("User-Agent", "registrytest")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
		if contentType == "application/octet-stream" {
			req.Header.Set("Expect", "100-continue")
		}
	}
	if *erlang {
		req.Header.Set("Accept", "application/vnd.hex+erlang")
	} else {
		req.Header.Set("Accept", "application/json")
	}
	if *key != "" {
		req.Header.Set("Authorization", *key)
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(name, strings.TrimSpace(value))
	}
	resp, err := client.Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	ts.Check(err)

	fmt.Fprintf(ts.Stderr(), "status: %d\n", resp.StatusCode)
	for _, h := range []string{"Location", "Www-Authenticate", "Cache-Control", "Content-Type"} {
		if v := resp.Header.Get(h); v != "" {
			fmt.Fprintf(ts.Stderr(), "%s: %s\n", strings.ToLower(h), v)
		}
	}
	if len(data) > 0 {
		out := normalise(ts, resp.Header.Get("Content-Type"), data)
		if *seconds {
			out = fraction.ReplaceAllString(out, "Z\"")
		}
		fmt.Fprintln(ts.Stdout(), out)
	}
	switch {
	case *status != 0 && resp.StatusCode != *status:
		ts.Fatalf("%s %s: status %d, want %d; body: %s", method, path, resp.StatusCode, *status, data)
	case *status == 0 && resp.StatusCode/100 != 2:
		ts.Fatalf("%s %s: status %d; body: %s", method, path, resp.StatusCode, data)
	}
	if *erlang && len(data) > 0 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/vnd.hex+erlang") {
		ts.Fatalf("asked for Erlang terms, got %s", resp.Header.Get("Content-Type"))
	}
}

// fraction matches the microseconds of a JSON datetime.
var fraction = regexp.MustCompile(`\.\d{6}Z"`)

// normalise renders a JSON or Erlang term body as indented JSON.
func normalise(ts *testscript.TestScript, contentType string, data []byte) string {
	var v any
	if strings.HasPrefix(contentType, "application/vnd.hex+erlang") {
		t, err := etf.Decode(data)
		ts.Check(err)
		v = jsonable(t)
	} else if err := json.Unmarshal(data, &v); err != nil {
		return string(data)
	}
	return indentJSON(ts, v)
}

// indentJSON renders v as indented JSON with sorted keys, leaving <, >
// and & as they are so scripts can match requirements like "~> 1.0".
func indentJSON(ts *testscript.TestScript, v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	ts.Check(enc.Encode(v))
	return strings.TrimSuffix(b.String(), "\n")
}

// jsonable turns decoded Erlang terms into values encoding/json accepts.
func jsonable(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = jsonable(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = jsonable(x)
		}
		return out
	case etf.Tuple:
		return jsonable([]any(v))
	case etf.Atom:
		return ":" + string(v)
	}
	return v
}

type headerList []string

func (h *headerList) String() string     { return strings.Join(*h, ", ") }
func (h *headerList) Set(v string) error { *h = append(*h, v); return nil }

// stdout-env [-json KEY] VAR sets VAR to the previous command's standard
// output, trimmed, e.g. the secret `shipyard key add` prints. With -json
// it is the value at KEY of the JSON object printed (a string, or a
// number as written), e.g. the access token hexapi printed.
func cmdStdoutEnv(ts *testscript.TestScript, neg bool, args []string) {
	key := ""
	if len(args) == 3 && args[0] == "-json" {
		key, args = args[1], args[2:]
	}
	if neg || len(args) != 1 {
		ts.Fatalf("usage: stdout-env [-json KEY] VAR")
	}
	out := strings.TrimSpace(ts.ReadFile("stdout"))
	if key != "" {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(out), &obj); err != nil {
			ts.Fatalf("stdout is not a JSON object: %v", err)
		}
		raw, ok := obj[key]
		if !ok {
			ts.Fatalf("stdout has no %q", key)
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			s = string(raw)
		}
		out = s
	}
	ts.Setenv(args[0], out)
}
