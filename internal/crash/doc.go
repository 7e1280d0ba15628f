// Package crash holds the crash-durability test (TESTING.md row 6): postings through the
// JSON API from retrying clients while the server is killed with SIGKILL and PostgreSQL
// is stopped immediately, then every acknowledged posting must be there exactly once,
// whole, with the invariants and the audit chains intact. It has no code of its own.
package crash
