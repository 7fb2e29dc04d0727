// Package sqlstoretest holds what the SQLite and PostgreSQL stores' own
// tests and benchmarks share: a publish as the server makes it, the
// benchmarks of a publish transaction and of search over a seeded
// registry, and the check that two stores on one database behave as two
// processes would. (The conformance suite every store passes is
// storetest; what is here needs a database that two stores can share, or
// a registry of 100,000 packages, which each store seeds its own way.)
//
// A seeded registry of n packages, as the benchmarks expect it, has an
// account "seeder" owning packages pkg000000, pkg000001, ... each with
// one release; their descriptions are six of Words, plus RareWord for
// every package whose number is a multiple of 10,000 (Description).
package sqlstoretest
