package sqlstore

import (
	"slices"
	"time"

	"github.com/hexship/ship/hexmeta"
	"github.com/hexship/ship/registry/store"
)

// SummaryColumns are what Scanner.PackageSummary reads after
// PackageColumns: a JSON array of the package's versions, the time of its
// newest release (NULL with none) and a JSON array of its owners'
// usernames. Each dialect writes them as correlated subqueries over the
// row of packages, so a page of summaries is one statement (one
// snapshot) walking the releases' and owners' primary keys.
type SummaryColumns struct {
	Versions      string
	LastPublished string
	Owners        string
}

// List is the select list of a summary query over the packages table.
func (c SummaryColumns) List() string {
	return PackageColumns + `, ` + c.Versions + `, ` + c.LastPublished + `, ` + c.Owners
}

// PackageSummary reads a row of SummaryColumns.List().
func (s Scanner) PackageSummary(row Row) (*store.PackageSummary, error) {
	var p store.Package
	var licenses, links, maintainers, versions, owners []byte
	var last *time.Time
	if err := row.Scan(&p.ID, &p.Name, &p.Meta.Description, &licenses, &links, &maintainers,
		&p.Downloads, s.Times.Time(&p.CreatedAt), s.Times.Time(&p.UpdatedAt),
		&versions, s.Times.NullTime(&last), &owners); err != nil {
		return nil, err
	}
	var err error
	if p.Meta.Licenses, err = fromJSON[string]("packages.licenses", licenses); err != nil {
		return nil, err
	}
	if p.Meta.Maintainers, err = fromJSON[string]("packages.maintainers", maintainers); err != nil {
		return nil, err
	}
	if p.Meta.Links, err = decodeLinks("packages.links", links); err != nil {
		return nil, err
	}
	utc(&p.CreatedAt, &p.UpdatedAt)
	sum := store.PackageSummary{Package: p}
	vs, err := fromJSON[string]("releases.version", versions)
	if err != nil {
		return nil, err
	}
	sum.LatestVersion = LatestVersion(vs)
	if last != nil {
		sum.LastPublished = last.UTC()
	}
	if sum.Owners, err = fromJSON[string]("users.username", owners); err != nil {
		return nil, err
	}
	slices.Sort(sum.Owners)
	return &sum, nil
}

// LatestVersion is the highest stable version of versions, else the
// highest pre-release, in SemVer order; strings that are not versions
// count only when nothing else is there. "" for none.
func LatestVersion(versions []string) string {
	var best, bestPre, other string
	var bv, bp hexmeta.Version
	for _, s := range versions {
		v, err := hexmeta.ParseVersion(s)
		switch {
		case err != nil:
			if s > other {
				other = s
			}
		case v.IsPre():
			if bestPre == "" || v.Compare(bp) > 0 {
				bestPre, bp = s, v
			}
		default:
			if best == "" || v.Compare(bv) > 0 {
				best, bv = s, v
			}
		}
	}
	switch {
	case best != "":
		return best
	case bestPre != "":
		return bestPre
	}
	return other
}
