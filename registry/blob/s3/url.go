package s3

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/hexship/ship/registry/blob"
)

// location is what a store URL names.
type location struct {
	bucket    string
	prefix    string // "" or a valid key followed by "/"
	endpoint  string // "" for AWS's own endpoints
	region    string // "" to take it from the environment
	pathStyle bool
}

// where says which server a location is on, for error messages.
func (l location) where() string {
	if l.endpoint != "" {
		return l.endpoint
	}
	if l.region != "" {
		return "AWS S3 (" + l.region + ")"
	}
	return "AWS S3"
}

// urlError is returned for a URL that cannot be used. It never quotes the
// whole URL: an operator may have put a secret in it by mistake, and
// errors end up in logs.
func urlError(format string, args ...any) error {
	return fmt.Errorf("s3 blob store URL: "+format+
		" (want s3://BUCKET[/PREFIX][?endpoint=URL&region=REGION&path_style=true|false])", args...)
}

// parseURL reads s3://BUCKET[/PREFIX]?endpoint=...&region=...&path_style=...
// Unknown parameters are refused so that a misspelt one does not silently
// send the registry's files to another server.
func parseURL(raw string) (location, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // url.Error quotes the whole URL
		}
		return location{}, urlError("%v", err)
	}
	switch {
	case u.Scheme != "s3":
		return location{}, urlError("scheme is %q", u.Scheme)
	case u.Opaque != "":
		return location{}, urlError("no // after s3:")
	case u.User != nil:
		return location{}, urlError("has user information; give credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	case u.Fragment != "" || strings.HasSuffix(raw, "#"):
		return location{}, urlError("has a fragment")
	case u.Port() != "" || strings.HasSuffix(u.Host, ":"):
		return location{}, urlError("has a port after the bucket; give the server as endpoint=")
	}
	var loc location
	if loc.bucket, err = bucketName(u.Host); err != nil {
		return location{}, err
	}
	if loc.prefix, err = keyPrefix(u.Path); err != nil {
		return location{}, err
	}
	query, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return location{}, urlError("query: %v", err)
	}
	pathStyle := ""
	for name, values := range query {
		if len(values) != 1 {
			return location{}, urlError("parameter %q is given %d times", name, len(values))
		}
		value := values[0]
		switch name {
		case "endpoint":
			loc.endpoint, err = endpointURL(value)
		case "region":
			loc.region, err = regionName(value)
		case "path_style":
			pathStyle = value
		default:
			err = urlError("unknown parameter %q", name)
		}
		if err != nil {
			return location{}, err
		}
	}
	// S3-compatible servers (versitygw, MinIO, Ceph) are usually reached by
	// address, where the bucket cannot be a host name: path style is the
	// default with an endpoint, and AWS's virtual hosts without one.
	loc.pathStyle = loc.endpoint != ""
	if pathStyle != "" {
		if loc.pathStyle, err = strconv.ParseBool(pathStyle); err != nil {
			return location{}, urlError("path_style is %q, want true or false", pathStyle)
		}
	}
	return loc, nil
}

// bucketName checks a bucket name against the characters S3 has ever
// allowed in one (today's rules are stricter, but old buckets remain).
func bucketName(name string) (string, error) {
	if name == "" {
		return "", urlError("no bucket")
	}
	if len(name) > 255 {
		return "", urlError("bucket name is longer than 255 bytes")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return "", urlError("bucket name has %q", r)
		}
	}
	return name, nil
}

// keyPrefix turns the URL's path into the prefix put before every key:
// it follows the rules of keys, so that prefix and key together are a
// key any S3 server takes.
func keyPrefix(path string) (string, error) {
	p := strings.TrimSuffix(strings.TrimPrefix(path, "/"), "/")
	if p == "" {
		return "", nil
	}
	if err := blob.ValidKey(p); err != nil {
		return "", urlError("prefix: %v", err)
	}
	return p + "/", nil
}

// endpointURL checks the endpoint parameter: an http or https URL of a
// server, with nothing that the SDK would not send where it is expected.
func endpointURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", urlError("endpoint is not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return "", urlError("endpoint scheme is %q, want http or https", u.Scheme)
	case u.Host == "":
		return "", urlError("endpoint has no host")
	case u.User != nil:
		return "", urlError("endpoint has user information; give credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "":
		return "", urlError("endpoint has more than scheme://host[:port]")
	}
	return u.Scheme + "://" + u.Host, nil
}

// regionName checks the region parameter, which is signed into every
// request.
func regionName(name string) (string, error) {
	if name == "" || len(name) > 64 {
		return "", urlError("region is empty or too long")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return "", urlError("region has %q", r)
		}
	}
	return name, nil
}
