package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hexship/ship/registry/api"
	"github.com/hexship/ship/registry/etf"
)

// maxBodyBytes caps non-tarball request bodies (keys, owners, retirement):
// they are a few hundred bytes, and the cap keeps a hostile client from
// making the server buffer more.
const maxBodyBytes = 64 << 10

// decodeBody reads a small request body in any format hex.pm accepts:
// Erlang terms, JSON, or a urlencoded form. An empty body is an empty map.
func decodeBody(r *http.Request) (map[string]any, error) {
	data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, newError(http.StatusRequestEntityTooLarge, api.MsgTooLarge)
		}
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return map[string]any{}, nil
	}
	media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch media {
	case api.MediaErlang:
		v, err := etf.Decode(data)
		if err != nil {
			return nil, newError(http.StatusBadRequest, "bad binary_to_term")
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, newError(http.StatusBadRequest, "body must be a map")
		}
		return m, nil
	case api.MediaJSON, api.MediaHexJSON, "":
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			return nil, newError(http.StatusBadRequest, "malformed JSON body: "+err.Error())
		}
		return m, nil
	case api.MediaForm:
		values, err := url.ParseQuery(string(data))
		if err != nil {
			return nil, newError(http.StatusBadRequest, "malformed form body")
		}
		m := make(map[string]any, len(values))
		for k, v := range values {
			m[k] = v[len(v)-1]
		}
		return m, nil
	default:
		return nil, newError(http.StatusUnsupportedMediaType, api.MsgUnsupportedMedia)
	}
}

// marshalJSON encodes v without escaping <, > and &, as hex.pm's JSON
// encoder does: requirements like "~> 1.0" stay readable.
func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// wantsErlang reports whether the client asked for Erlang term bodies, as
// the Hex client always does; everyone else gets JSON.
func wantsErlang(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), api.MediaErlang)
}

// writeBody sends v in the negotiated format.
func writeBody(w http.ResponseWriter, r *http.Request, status int, v any) {
	var (
		body  []byte
		err   error
		media string
	)
	if wantsErlang(r) {
		body, err = etf.Encode(v)
		media = api.MediaErlang
	} else {
		body, err = marshalJSON(jsonTimes(v))
		media = api.MediaJSON + "; charset=utf-8"
	}
	if err != nil {
		// A handler built a value the encoders cannot represent: a bug.
		slog.Error("encode response", "path", r.URL.Path, "err", err)
		http.Error(w, api.MsgInternal, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", media)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Add("Vary", "accept, accept-encoding")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// cache sets hex.pm's API cache header: public answers may be cached by
// anyone for a minute, private ones (anything about the caller) only by the
// caller.
func cache(w http.ResponseWriter, public bool) {
	if public {
		w.Header().Set("Cache-Control", "public, max-age=60")
	} else {
		w.Header().Set("Cache-Control", "private, max-age=60")
	}
}

// timestamp is a datetime of a response body, or nil for none. The
// encoders render it as hex.pm does: the Erlang term encoder as ISO 8601
// in whole seconds, JSON (jsonTimes) with microseconds.
func timestamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// jsonTimes replaces the times in a response value by hex.pm's JSON
// rendering of them.
func jsonTimes(v any) any {
	switch v := v.(type) {
	case time.Time:
		return v.Format("2006-01-02T15:04:05.000000Z")
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = jsonTimes(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = jsonTimes(x)
		}
		return out
	}
	return v
}

// str reads a string parameter from a decoded body; numbers and booleans
// are not strings.
func str(m map[string]any, key string) (string, bool) {
	s, ok := m[key].(string)
	return s, ok
}

// boolParam reads a boolean parameter the way hex.pm's params do: a real
// boolean or the strings "true"/"false".
func boolParam(v any) (value, ok bool) {
	switch v := v.(type) {
	case bool:
		return v, true
	case string:
		switch v {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}
