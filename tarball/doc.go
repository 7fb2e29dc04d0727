// Package tarball builds and reads Hex package tarballs, version 3.
//
// A package tarball is an uncompressed tar holding exactly four members, in
// this order: VERSION ("3"), CHECKSUM (the inner checksum, uppercase hex),
// metadata.config (Erlang term text) and contents.tar.gz (the package files).
// Build writes them the way hex_core writes them, so the same input always
// gives the same bytes; Read verifies an untrusted tarball and refuses, with
// a typed *Error, anything hex_core would refuse or that could escape the
// package when unpacked.
//
// The package uses only the standard library plus a parallel gzip writer.
package tarball
