package s3

import (
	"strings"
	"testing"

	"github.com/hexship/ship/registry/blob"
)

func TestParseURL(t *testing.T) {
	for _, tt := range []struct {
		url  string
		want location
	}{
		{"s3://bucket", location{bucket: "bucket"}},
		{"s3://bucket/", location{bucket: "bucket"}},
		{"s3://bucket/registry", location{bucket: "bucket", prefix: "registry/"}},
		{"s3://bucket/a/b.c/", location{bucket: "bucket", prefix: "a/b.c/"}},
		{"s3://bucket?region=eu-west-3", location{bucket: "bucket", region: "eu-west-3"}},
		{
			"s3://b.k-t/p?endpoint=http://127.0.0.1:9000&region=us-east-1",
			location{bucket: "b.k-t", prefix: "p/", endpoint: "http://127.0.0.1:9000", region: "us-east-1", pathStyle: true},
		},
		{
			"s3://bucket?endpoint=https://s3.example.test/&path_style=false",
			location{bucket: "bucket", endpoint: "https://s3.example.test"},
		},
		{"s3://bucket?path_style=true", location{bucket: "bucket", pathStyle: true}},
	} {
		got, err := parseURL(tt.url)
		if err != nil || got != tt.want {
			t.Errorf("parseURL(%q) = %+v, %v; want %+v", tt.url, got, err, tt.want)
		}
	}
}

func TestParseURLRefuses(t *testing.T) {
	for _, tt := range []struct{ url, says string }{
		{"", "scheme"},
		{"bucket", "scheme"},
		{"http://bucket", `scheme is "http"`},
		{"s3:bucket", "no //"},
		{"s3://", "no bucket"},
		{"s3:///prefix", "no bucket"},
		{"s3://key:hunter2pw@bucket", "user information"},
		{"s3://bucket:9000", "port"},
		{"s3://bucket#x", "fragment"},
		{"s3://bu!cket", "bucket name has"},
		{"s3://bucket/a//b", "prefix"},
		{"s3://bucket/../b", "prefix"},
		{"s3://bucket/a b", "prefix"},
		{"s3://bucket/" + strings.Repeat("p", blob.MaxKeyLength+1), "prefix"},
		{"s3://bucket?endpoint=127.0.0.1:9000", "endpoint"},
		{"s3://bucket?endpoint=ftp://host", `endpoint scheme is "ftp"`},
		{"s3://bucket?endpoint=http://", "endpoint has no host"},
		{"s3://bucket?endpoint=http://key:hunter2pw@host", "user information"},
		{"s3://bucket?endpoint=http://host/path", "endpoint has more"},
		{"s3://bucket?endpoint=http://host?x=hunter2pw", "endpoint has more"},
		{"s3://bucket?region=", "region"},
		{"s3://bucket?region=us%0Aeast", "region"},
		{"s3://bucket?path_style=yes", "path_style"},
		{"s3://bucket?region=a&region=b", "2 times"},
		{"s3://bucket?secret_key=hunter2pw", `unknown parameter "secret_key"`},
		{"s3://bucket?%zz", "query"},
	} {
		loc, err := parseURL(tt.url)
		if err == nil {
			t.Errorf("parseURL(%q) = %+v, want an error", tt.url, loc)
			continue
		}
		if !strings.Contains(err.Error(), tt.says) {
			t.Errorf("parseURL(%q) error %q does not say %q", tt.url, err, tt.says)
		}
		if strings.Contains(err.Error(), "hunter2pw") {
			t.Errorf("parseURL(%q) error %q repeats a secret", tt.url, err)
		}
	}
}

// FuzzParseURL checks that whatever parseURL accepts is a location the
// store can use safely: a bucket, a prefix that keeps keys valid, and an
// endpoint that is only a scheme and a host.
func FuzzParseURL(f *testing.F) {
	for _, seed := range []string{
		"s3://bucket",
		"s3://bucket/registry/blobs?endpoint=http://127.0.0.1:9000&region=us-east-1&path_style=true",
		"s3://b/p?endpoint=https://[::1]:9000/",
		"s3://key:secret@bucket/p",
		"s3://bucket/a/../b?region=x&region=y",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		loc, err := parseURL(raw)
		if err != nil {
			return
		}
		if loc.bucket == "" {
			t.Fatalf("parseURL(%q) accepted no bucket", raw)
		}
		if loc.prefix != "" {
			if !strings.HasSuffix(loc.prefix, "/") {
				t.Fatalf("parseURL(%q) prefix %q does not end in /", raw, loc.prefix)
			}
			if err := blob.ValidKey(loc.prefix + "k"); err != nil {
				t.Fatalf("parseURL(%q) prefix %q makes keys invalid: %v", raw, loc.prefix, err)
			}
		}
		if loc.endpoint != "" {
			rest, ok := strings.CutPrefix(loc.endpoint, "http://")
			if !ok {
				rest, ok = strings.CutPrefix(loc.endpoint, "https://")
			}
			if !ok || rest == "" || strings.ContainsAny(rest, "/?#@") {
				t.Fatalf("parseURL(%q) endpoint %q is not scheme://host", raw, loc.endpoint)
			}
		}
		if loc.endpoint != "" && !strings.Contains(raw, "path_style") && !loc.pathStyle {
			t.Fatalf("parseURL(%q) with an endpoint chose virtual-host style", raw)
		}
	})
}
