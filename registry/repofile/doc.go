// Package repofile writes and reads the signed repository files that mix and
// rebar3 fetch from a Hex registry: /names, /versions and /packages/NAME.
//
// Each file is gzip(Signed{payload, signature}) where the payload is a
// protobuf (proto2) Names, Versions or Package message and the signature is
// RSASSA-PKCS1-v1_5 with SHA-512 over the payload bytes. Clients check the
// signature with the repository's public key, then check that the payload
// names the repository (and package) they asked for.
//
// /names and /versions hold every package of a repository. So that a publish
// does not re-encode all of them, a server keeps one pre-encoded entry per
// package (EncodeNamesEntry, EncodeVersionsEntry) and concatenates them
// (AssembleNames, AssembleVersions): a repeated message field on the wire is
// nothing but a sequence of tag+length+message records.
package repofile

// The generated code under internal/pb is committed; CI does not regenerate
// it. Paths are given from the module root so that the registered .proto file
// names are unique in a binary's protobuf registry.
//go:generate protoc --proto_path=../.. --go_out=../.. --go_opt=module=github.com/hexship/ship ../../registry/repofile/proto/signed.proto ../../registry/repofile/proto/names.proto ../../registry/repofile/proto/versions.proto ../../registry/repofile/proto/package.proto
