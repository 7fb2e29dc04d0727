package publish

import (
	"errors"
	"strings"

	"github.com/hexship/ship/hexmeta"
)

// Versions and version requirements are parsed by hexmeta, with the rules
// hex.pm runs on every release it accepts; what is here is the shape the
// manifest checks need.

// semver is what validation needs to know about a parsed version.
type semver struct {
	pre      string // pre-release, without the "-"
	build    string // build metadata, without the "+"
	hasBuild bool
}

// parseVersion parses MAJOR.MINOR.PATCH[-PRE][+BUILD]. With approximate set
// it also accepts MAJOR.MINOR[-PRE][+BUILD], which Elixir allows after "~>".
// The error is hexmeta's reason alone ("has no PATCH number"), for messages
// that name the version themselves.
func parseVersion(s string, approximate bool) (semver, error) {
	var v hexmeta.Version
	var err error
	if approximate {
		v, _, err = hexmeta.ParseApproximate(s)
	} else {
		v, err = hexmeta.ParseVersion(s)
	}
	if ve, ok := errors.AsType[*hexmeta.VersionError](err); ok {
		return semver{}, errors.New(ve.Reason)
	}
	if err != nil {
		return semver{}, err
	}
	return semver{pre: strings.Join(v.Pre, "."), build: v.Build, hasBuild: v.Build != ""}, nil
}
