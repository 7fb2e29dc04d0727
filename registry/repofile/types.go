package repofile

import "time"

// NamesEntry is one package in /names.
type NamesEntry struct {
	Name string
	// UpdatedAt is when the package last changed; the zero time leaves the
	// field out of the file.
	UpdatedAt time.Time
}

// Names is the content of /names: every package name in a repository.
type Names struct {
	Repository string
	Packages   []NamesEntry
}

// VersionsEntry is one package in /versions.
type VersionsEntry struct {
	Name string
	// Versions are ascending by SemVer; the caller sorts them.
	Versions []string
	// Retired holds 0-based indexes into Versions of the retired releases.
	Retired []int32
}

// Versions is the content of /versions: every version of every package in a
// repository.
type Versions struct {
	Repository string
	Packages   []VersionsEntry
}

// Dependency is one requirement of a release.
type Dependency struct {
	Package string
	// Requirement is a version requirement such as "~> 1.0"; empty is
	// written as ">= 0.0.0", as hexpm does.
	Requirement string
	Optional    bool
	// App is the OTP application name; empty means the package name.
	App string
	// Repository is where the dependency lives; empty means the repository
	// of the package that depends on it.
	Repository string
}

// Retirement says why a release should no longer be chosen.
type Retirement struct {
	// Reason is one of "other", "invalid", "security", "deprecated" or
	// "renamed".
	Reason  string
	Message string
}

// Release is one version of a package in /packages/NAME.
type Release struct {
	Version string
	// InnerChecksum is the SHA-256 of the tarball's inner contents.
	InnerChecksum []byte
	// OuterChecksum is the SHA-256 of the whole tarball file; old releases
	// on other registries may lack it.
	OuterChecksum []byte
	Dependencies  []Dependency
	// Retired is nil for a release in good standing.
	Retired *Retirement
	// PublishedAt is when the release was published; the zero time leaves
	// the field out of the file.
	PublishedAt time.Time
}

// Package is the content of /packages/NAME.
type Package struct {
	Name       string
	Repository string
	Releases   []Release
}
