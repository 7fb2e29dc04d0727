package oauth

import (
	"slices"
	"strings"

	"github.com/hexship/ship/registry/store"
)

// Scopes as hex.pm names them.
const (
	ScopeAPI          = "api" // expanded to api:read and api:write when asked for
	ScopeRead         = "api:read"
	ScopeWrite        = "api:write"
	ScopeRepositories = "repositories"
)

// RequiredScope is granted with every approval that asked for it: a login
// that cannot even read is of no use.
const RequiredScope = ScopeRead

// parseScopes splits a space-separated scope parameter, expands `api` into
// its read and write halves as hex.pm does, and drops repeats. It reports
// false when a scope is unknown or the client may not ask for it.
func parseScopes(c *Client, param string) ([]string, bool) {
	var out []string
	add := func(s string) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, s := range strings.Fields(param) {
		if !c.allows(s) {
			return nil, false
		}
		if s == ScopeAPI {
			add(ScopeRead)
			add(ScopeWrite)
			continue
		}
		add(s)
	}
	return out, len(out) > 0
}

// IsWriteScope reports whether scope lets a token change the registry:
// such scopes are granted only to accounts with two-factor authentication.
func IsWriteScope(scope string) bool {
	return scope == ScopeAPI || scope == ScopeWrite || strings.HasPrefix(scope, "package:")
}

// DescribeScope says in words what a scope lets a device do, for the
// approval page.
func DescribeScope(scope string) string {
	switch scope {
	case ScopeRead:
		return "Read the API as you: your account, your keys' names, packages and owners."
	case ScopeWrite:
		return "Publish, retire and revert packages you own, manage their owners and your API keys. Each write also asks for a two-factor code."
	case ScopeAPI:
		return "Read and write the API as you."
	case ScopeRepositories:
		return "Download from the repositories you have access to."
	}
	if name, ok := strings.CutPrefix(scope, "package:"); ok {
		return "Publish and manage the package " + name + "."
	}
	return scope
}

// permissions turns granted scopes into the permissions API checks use.
func permissions(scopes []string) []store.Permission {
	var perms []store.Permission
	for _, s := range scopes {
		switch {
		case s == ScopeAPI:
			perms = append(perms, store.Permission{Domain: "api"})
		case s == ScopeRead:
			perms = append(perms, store.Permission{Domain: "api", Resource: "read"})
		case s == ScopeWrite:
			perms = append(perms, store.Permission{Domain: "api", Resource: "write"})
		case s == ScopeRepositories:
			perms = append(perms, store.Permission{Domain: "repositories"})
		case strings.HasPrefix(s, "package:"):
			perms = append(perms, store.Permission{Domain: "package", Resource: strings.TrimPrefix(s, "package:")})
		}
	}
	return perms
}

// keyScopes are the scopes an API key's permissions amount to, for the
// client-credentials exchange: a token never gets more than its key.
func keyScopes(perms []store.Permission) []string {
	var out []string
	for _, p := range perms {
		switch {
		case p.Domain == "api" && p.Resource == "":
			out = append(out, ScopeAPI, ScopeRead, ScopeWrite)
		case p.Domain == "api" && p.Resource == "write":
			out = append(out, ScopeRead, ScopeWrite)
		case p.Domain == "api" && p.Resource == "read":
			out = append(out, ScopeRead)
		case p.Domain == "repositories" || p.Domain == "repository":
			out = append(out, ScopeRepositories)
		case p.Domain == "package":
			out = append(out, "package:"+p.Resource)
		}
	}
	return out
}
