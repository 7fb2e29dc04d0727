package sqlstore

import "github.com/hexship/ship/registry/store"

// ReleaseColumns are the releases columns Scanner.Release reads, in its
// order.
const ReleaseColumns = `id, package_id, version, inner_checksum, outer_checksum, size, blob_key, app,
	build_tools, elixir, requirements, metadata, publisher_id, docs_key,
	retirement_reason, retirement_message, downloads, created_at, updated_at`

// ReleaseBlobsQuery selects, for store.Reader.ReleaseBlobs, the columns of
// a store.ReleaseBlob of every release, in its field order. It has no
// parameters, so both dialects run it as it is.
const ReleaseBlobsQuery = `SELECT p.name, r.version, r.blob_key, r.docs_key
	FROM releases r JOIN packages p ON p.id = r.package_id`

// Release reads a row of ReleaseColumns. A NULL publisher_id (none was
// given, or the account was deleted) is PublisherID 0; a NULL
// retirement_reason is a release not retired (see RetirementColumns).
func (s Scanner) Release(row Row) (*store.Release, error) {
	var r store.Release
	var buildTools, reqs []byte
	var publisher *int64
	var reason, message *string
	if err := row.Scan(&r.ID, &r.PackageID, &r.Version, &r.InnerChecksum, &r.OuterChecksum, &r.Size, &r.BlobKey, &r.App,
		&buildTools, &r.Elixir, &reqs, &r.Metadata, &publisher, &r.DocsKey,
		&reason, &message, &r.Downloads, s.Times.Time(&r.CreatedAt), s.Times.Time(&r.UpdatedAt)); err != nil {
		return nil, err
	}
	r.InnerChecksum, r.OuterChecksum, r.Metadata = Blob(r.InnerChecksum), Blob(r.OuterChecksum), Blob(r.Metadata)
	var err error
	if r.BuildTools, err = fromJSON[string]("releases.build_tools", buildTools); err != nil {
		return nil, err
	}
	if r.Requirements, err = decodeRequirements("releases.requirements", reqs); err != nil {
		return nil, err
	}
	if publisher != nil {
		r.PublisherID = *publisher
	}
	if reason != nil {
		r.Retirement = &store.Retirement{Reason: *reason, Message: deref(message)}
	}
	utc(&r.CreatedAt, &r.UpdatedAt)
	return &r, nil
}
