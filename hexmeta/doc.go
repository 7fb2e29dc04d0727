// Package hexmeta holds Hex's rules for package metadata: versions,
// version requirements, package and application names, licenses and
// links, and Validate, which applies them to a tarball's metadata the way
// hex.pm does when a release is published.
//
// The client (package publish) and the registry server both use it, so
// that what ship refuses before uploading and what the server refuses
// after are the same rules. Messages returned by Validate are hex.pm's own
// wording, because hex clients show them to the user as they are.
//
// Versions and requirements follow Elixir's Version module, which is what
// hex.pm parses them with; a version Elixir refuses is a release hex.pm
// refuses.
package hexmeta
