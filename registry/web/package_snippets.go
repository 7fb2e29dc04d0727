package web

import (
	"fmt"
	"strings"

	"github.com/hexship/ship/hexmeta"
)

// snippets are the lines a user pastes to depend on a release, as hex.pm
// shows them: mix.exs, rebar.config and ship.toml.
type snippets struct {
	Mix, Rebar, Ship string
}

// mixRequirement is the requirement hex.pm suggests for version: "~> M.m"
// from 1.0 on, "~> 0.m.p" before 1.0 (where a minor release may break),
// and the exact version with "~>" for a pre-release.
func mixRequirement(version string) string {
	v, err := hexmeta.ParseVersion(version)
	switch {
	case err != nil || v.IsPre():
		return "~> " + version
	case v.Major == 0:
		return fmt.Sprintf("~> 0.%d.%d", v.Minor, v.Patch)
	default:
		return fmt.Sprintf("~> %d.%d", v.Major, v.Minor)
	}
}

// makeSnippets builds the snippets for a release of name whose OTP
// application is app ("" or name when the same). repo is the repository
// name clients configure; dependencies outside hexpm name it.
func makeSnippets(name, app, version, repo string) snippets {
	if app == "" {
		app = name
	}
	req := mixRequirement(version)
	mix := fmt.Sprintf("{:%s, %q", app, req)
	if app != name {
		mix += ", hex: :" + name
	}
	if repo != "" && repo != "hexpm" {
		mix += fmt.Sprintf(", repo: %q", repo)
	}
	mix += "}"
	rebar := fmt.Sprintf("{%s, %q}", app, version)
	if app != name {
		rebar = fmt.Sprintf("{%s, %q, {pkg, %s}}", app, version, name)
	}
	var ship strings.Builder
	fmt.Fprintf(&ship, "[requirements.%s]\nrequirement = %q", name, req)
	if app != name {
		fmt.Fprintf(&ship, "\napp = %q", app)
	}
	return snippets{Mix: mix, Rebar: rebar, Ship: ship.String()}
}
