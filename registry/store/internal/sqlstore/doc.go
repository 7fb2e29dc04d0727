// Package sqlstore holds what the SQL implementations of store.Store
// (registry/store/sqlite and registry/store/postgres) share because it is
// one piece of logic in both, not two that happen to look alike: how the
// schema's migration files are named, ordered and checked against what a
// database has applied; how list columns are encoded as JSON; how a
// SearchPackages request becomes an ORDER BY, a page and a LIKE pattern;
// how a row of the user, key, package, release and owner queries, and of
// the sign-in, 2FA and OAuth tables, becomes a store value; and how long
// PruneAuth keeps what has ended.
//
// Each dialect keeps its SQL text, its transactions, its error mapping and
// the way its driver reads a time column, which it hands to the row
// scanners as a Times. The JSON formats and column lists here are what
// both databases hold: changing one is a schema change in both.
package sqlstore
