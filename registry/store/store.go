// Package store defines the registry's metadata storage: accounts, API keys,
// packages, releases, owners and the signed repository files. It holds only
// interfaces, domain types and sentinel errors; implementations live in
// subpackages (sqlite now, postgres later) and all of them pass the
// conformance suite in storetest.
package store

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors. Implementations wrap them (errors.Is works) and add
// detail; callers translate them into HTTP statuses in one place.
var (
	// ErrNotFound: no row matches.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a unique constraint would be violated (a username or
	// email taken, a key name reused, a release that already exists when
	// the caller asked to create it, a package created concurrently).
	ErrConflict = errors.New("conflict")
)

// Store is a registry's metadata store. Every method is safe for concurrent
// use by several goroutines and, for the server-backed implementations, by
// several processes sharing one database. Times are kept to the
// microsecond at least and read back in UTC.
type Store interface {
	Reader
	// Update runs fn in one serialisable read-write transaction: either all
	// of fn's writes become visible at once or none do (fn returned an
	// error, the context ended, or the process died). Update may run fn
	// more than once when the database reports a serialisation conflict, so
	// fn must have no side effects outside tx. fn's error is returned as is.
	// A panic in fn rolls the transaction back and carries on unchanged.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// Close releases the database.
	Close() error
}

// Tx is a read-write transaction handed to Store.Update. Reads through it
// see its own writes.
type Tx interface {
	Reader
	Writer
}

// Reader holds every read. On a Store each call is its own consistent
// snapshot; on a Tx it reads inside the transaction.
type Reader interface {
	// UserByID, UserByName and UserByEmail find an account. Names and
	// emails match case-insensitively.
	UserByID(ctx context.Context, id int64) (*User, error)
	UserByName(ctx context.Context, name string) (*User, error)
	UserByEmail(ctx context.Context, email string) (*User, error)

	// KeyByLookup finds a key, revoked or not, by the lookup half of its
	// keyed hash (Key.Lookup).
	KeyByLookup(ctx context.Context, lookup string) (*Key, error)
	// KeyByName finds one of a user's keys, revoked or not; when the name
	// was reused after a revocation, the unrevoked key, else the newest.
	KeyByName(ctx context.Context, userID int64, name string) (*Key, error)
	// Keys lists a user's keys that are not revoked, oldest first.
	Keys(ctx context.Context, userID int64) ([]Key, error)

	// Package finds a package by exact name.
	Package(ctx context.Context, name string) (*Package, error)
	// SearchPackages lists packages whose name or description contains
	// q (case-insensitively; all packages when q is empty), ordered by
	// sort, one page at a time (page 1 first).
	SearchPackages(ctx context.Context, q PackageQuery) ([]Package, error)
	// PackageSummaries is SearchPackages with what a list of results shows
	// at a glance (latest version, last publication, owners), read for the
	// whole page in a fixed number of queries rather than two per package.
	PackageSummaries(ctx context.Context, q PackageQuery) ([]PackageSummary, error)
	// CountPackages counts the packages SearchPackages finds for search
	// (all packages when it is empty), so a list can say "page N of M".
	CountPackages(ctx context.Context, search string) (int64, error)
	// PackagesOwnedBy lists the packages a user owns at any level, by name.
	PackagesOwnedBy(ctx context.Context, userID int64) ([]Package, error)

	// Releases lists a package's releases in no particular order; callers
	// sort by SemVer.
	Releases(ctx context.Context, packageID int64) ([]Release, error)
	// ReleasesOf lists the releases of several packages at once (a page
	// of search results), by package ID, each list in no particular
	// order; packages without releases are absent.
	ReleasesOf(ctx context.Context, packageIDs []int64) (map[int64][]Release, error)
	// Release finds one release of a package by exact version string.
	Release(ctx context.Context, packageID int64, version string) (*Release, error)
	// ReleaseBlobs calls fn with what every release keeps in the blob
	// store, in no particular order, all read from one snapshot: the blob
	// garbage collector's list of what it must keep, without loading whole
	// releases. The rows are read while fn runs, so fn must not use the
	// store or the Tx. ReleaseBlobs stops at fn's first error and returns
	// it as is.
	ReleaseBlobs(ctx context.Context, fn func(ReleaseBlob) error) error

	// Owners lists a package's owners with their accounts, by username.
	Owners(ctx context.Context, packageID int64) ([]Owner, error)

	// RepoFile returns a stored repository file (e.g. "packages/NAME").
	RepoFile(ctx context.Context, path string) (*RepoFile, error)
	// IndexGeneration is a counter that changes whenever an index entry is
	// set or deleted; a cache of names/versions built from IndexEntries is
	// current while it is unchanged.
	IndexGeneration(ctx context.Context) (int64, error)
	// IndexEntries returns every package's index entry, by name (byte
	// order), together with the generation they belong to.
	IndexEntries(ctx context.Context) (entries []IndexEntry, generation int64, err error)

	AuthReader
}

// Writer holds the writes; only a Tx has them. A write that names a row by
// ID (a user, key, package or release) that does not exist returns
// ErrNotFound. A write that fails with ErrConflict or ErrNotFound changes
// nothing and leaves the Tx usable (fn may go on, e.g. to report which
// value was taken).
type Writer interface {
	// CreateUser inserts u and sets u.ID, u.CreatedAt, u.UpdatedAt.
	// ErrConflict when the name or email is taken (case-insensitively).
	CreateUser(ctx context.Context, u *User) error

	// CreateKey inserts k and sets k.ID and k.CreatedAt. ErrConflict when
	// the user already has a key of that name that is not revoked.
	CreateKey(ctx context.Context, k *Key) error
	// RevokeKey marks a user's key revoked at `at`. ErrNotFound when the
	// user has no unrevoked key of that name.
	RevokeKey(ctx context.Context, userID int64, name string, at time.Time) (*Key, error)
	// RevokeAllKeys revokes every unrevoked key of the user and returns them.
	RevokeAllKeys(ctx context.Context, userID int64, at time.Time) ([]Key, error)
	// TouchKey records a use of the key.
	TouchKey(ctx context.Context, keyID int64, use KeyUse) error

	// CreatePackage inserts p and sets p.ID, p.CreatedAt and p.UpdatedAt
	// (both from p.UpdatedAt when already set, else the current time).
	// ErrConflict when the name exists.
	CreatePackage(ctx context.Context, p *Package) error
	// UpdatePackage stores p.Meta and p.UpdatedAt of an existing package.
	UpdatePackage(ctx context.Context, p *Package) error
	// DeletePackage removes a package that has no releases left, with its
	// owners, repository file and index entry. ErrConflict while it still
	// has releases.
	DeletePackage(ctx context.Context, packageID int64) error

	// PutRelease inserts r, or replaces the release of the same package
	// and version (keeping its ID and CreatedAt), and sets r.ID and
	// r.CreatedAt.
	PutRelease(ctx context.Context, r *Release) error
	// DeleteRelease removes one release.
	DeleteRelease(ctx context.Context, releaseID int64) error
	// SetRetirement retires (non-nil) or unretires (nil) a release.
	SetRetirement(ctx context.Context, releaseID int64, r *Retirement, at time.Time) error

	// AddDownloads adds counts[releaseID] to each release's downloads and
	// to its package's, all at once. Releases deleted since they were
	// counted are skipped: their counts have nowhere to go.
	AddDownloads(ctx context.Context, counts map[int64]int64) error

	// SetOwner adds an owner or changes the level of an existing one.
	SetOwner(ctx context.Context, packageID, userID int64, level OwnerLevel) error
	// RemoveOwner removes an owner. ErrNotFound when not an owner.
	RemoveOwner(ctx context.Context, packageID, userID int64) error

	// PutRepoFile creates or replaces a stored repository file.
	PutRepoFile(ctx context.Context, f *RepoFile) error
	// DeleteRepoFile removes one; no error when absent.
	DeleteRepoFile(ctx context.Context, path string) error
	// SetIndexEntry creates or replaces a package's index entry and
	// advances the generation.
	SetIndexEntry(ctx context.Context, e *IndexEntry) error
	// DeleteIndexEntry removes a package's index entry, if any, and
	// advances the generation.
	DeleteIndexEntry(ctx context.Context, name string) error

	AuthWriter
}

// User is an account.
type User struct {
	ID           int64
	Username     string
	Email        string
	FullName     string
	PasswordHash string // encoded by the caller (e.g. bcrypt); never the password
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Permission is one grant of an API key: {domain, resource} as hex.pm has
// them, e.g. {"api", "write"}, {"package", "hexpm/NAME"}.
type Permission struct {
	Domain   string
	Resource string
}

// Key is an API key. Only a keyed hash of its secret is stored, split in two
// halves as hex.pm does: Lookup finds the row, Verify is compared in
// constant time by the caller.
type Key struct {
	ID          int64
	UserID      int64
	Name        string
	Lookup      string // first half of the hex HMAC of the secret; unique
	Verify      string // second half
	Permissions []Permission
	CreatedAt   time.Time
	UpdatedAt   time.Time
	RevokedAt   *time.Time
	LastUse     *KeyUse
}

// KeyUse is the last use of a key.
type KeyUse struct {
	At        time.Time
	IP        string
	UserAgent string
}

// PackageMeta is the package-level metadata of the latest publish.
type PackageMeta struct {
	Description string
	Licenses    []string
	Links       []Link // in the order published
	Maintainers []string
}

// Link is one named link of a package.
type Link struct {
	Name string
	URL  string
}

// Package is one package of the registry.
type Package struct {
	ID        int64
	Name      string
	Meta      PackageMeta
	Downloads int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// PackageSort orders SearchPackages.
type PackageSort string

// Sorts offered by the API (hex.pm's names).
const (
	SortName       PackageSort = "name"
	SortInsertedAt PackageSort = "inserted_at" // newest first
	SortUpdatedAt  PackageSort = "updated_at"  // most recently published first
	SortDownloads  PackageSort = "downloads"   // most downloaded first
	// SortRelevance ranks by how the name matches the search (the exact
	// name, then names starting with it, then names containing it, then
	// descriptions only), then by downloads, then by name. Without a
	// search it is SortDownloads.
	SortRelevance PackageSort = "relevance"
)

// PackageSummary is one package of a result list with what the list
// shows of it besides the package itself.
type PackageSummary struct {
	Package
	// LatestVersion is the highest stable version, else the highest
	// pre-release (SemVer order); "" when the package has no release.
	LatestVersion string
	// LastPublished is when a release was last published or replaced;
	// zero when the package has no release.
	LastPublished time.Time
	// Owners are the owners' usernames, sorted.
	Owners []string
}

// PackageQuery is a SearchPackages request.
type PackageQuery struct {
	Search  string
	Sort    PackageSort // SortName when empty
	Page    int         // 1-based; 1 when < 1
	PerPage int         // 100 when < 1
}

// Requirement is one dependency of a release.
type Requirement struct {
	Name        string
	App         string
	Requirement string
	Optional    bool
	Repository  string
}

// Retirement marks a release retired.
type Retirement struct {
	Reason  string // other, invalid, security, deprecated, renamed
	Message string
}

// Release is one published version of a package.
type Release struct {
	ID            int64
	PackageID     int64
	Version       string
	InnerChecksum []byte // 32 bytes
	OuterChecksum []byte // 32 bytes
	Size          int64  // bytes of the outer tarball
	BlobKey       string // where the outer tarball is in the blob store
	App           string
	BuildTools    []string
	Elixir        string
	Requirements  []Requirement // in the order published
	Metadata      []byte        // metadata.config as uploaded
	PublisherID   int64
	DocsKey       string // where the docs tarball is in the blob store; "" when there are none
	Retirement    *Retirement
	Downloads     int64
	CreatedAt     time.Time // first publication; kept by a replace
	UpdatedAt     time.Time
}

// HasDocs reports whether a docs tarball is stored for the release. It is
// derived from DocsKey rather than stored beside it, so the two can never
// disagree.
func (r *Release) HasDocs() bool { return r.DocsKey != "" }

// ReleaseBlob is what one release refers to in the blob store.
type ReleaseBlob struct {
	Package string // the package's name
	Version string
	BlobKey string // Release.BlobKey: the outer tarball
	DocsKey string // Release.DocsKey: the docs tarball, "" when none
}

// OwnerLevel is an ownership level.
type OwnerLevel string

// Levels as hex.pm has them: maintainers may publish and retire; full
// owners may also manage owners.
const (
	LevelFull       OwnerLevel = "full"
	LevelMaintainer OwnerLevel = "maintainer"
)

// Owner is one owner of a package.
type Owner struct {
	User  User
	Level OwnerLevel
}

// RepoFile is a signed, gzipped repository file served as is.
type RepoFile struct {
	Path      string // e.g. "packages/NAME"
	Body      []byte
	ETag      string
	UpdatedAt time.Time
}

// IndexEntry is one package's part of /names and /versions, kept
// pre-encoded so those files can be assembled without touching releases.
type IndexEntry struct {
	Name     string
	Names    []byte // encoded field bytes of the package's Names entry
	Versions []byte // encoded field bytes of the package's Versions entry
}
