package sqlstore

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

// fakeRow hands its values to Scan as a driver would, nil for NULL.
type fakeRow []any

func (r fakeRow) Scan(dest ...any) error {
	if len(dest) != len(r) {
		return fmt.Errorf("%d destinations for %d columns", len(dest), len(r))
	}
	for i, d := range dest {
		dv := reflect.ValueOf(d).Elem()
		if r[i] == nil {
			dv.SetZero()
			continue
		}
		v := reflect.ValueOf(r[i])
		if dv.Kind() == reflect.Pointer && v.Type() == dv.Type().Elem() {
			p := reflect.New(v.Type())
			p.Elem().Set(v)
			v = p
		}
		dv.Set(v.Convert(dv.Type()))
	}
	return nil
}

// zoneTimes reads times as pgx does: into the destination itself, in the
// local zone (here a fixed one, so that the UTC conversion shows).
type zoneTimes struct{}

func (zoneTimes) Time(t *time.Time) any      { return t }
func (zoneTimes) NullTime(t **time.Time) any { return t }

var (
	scan   = Scanner{Times: zoneTimes{}}
	zone   = time.FixedZone("X", 5*3600)
	tLocal = time.Date(2024, 5, 6, 12, 0, 0, 1000, zone)
)

func wantUTC(t *testing.T, what string, got time.Time) {
	t.Helper()
	if got.Location() != time.UTC || !got.Equal(tLocal) {
		t.Errorf("%s = %v, want %v in UTC", what, got, tLocal)
	}
}

func TestScanKeyNullsAndZones(t *testing.T) {
	row := fakeRow{int64(7), int64(2), "ci", "look", "verify", []byte(`[{"domain":"api","resource":"read"}]`),
		tLocal, tLocal, tLocal, tLocal, nil, "agent/1"}
	k, err := scan.Key(row)
	if err != nil {
		t.Fatal(err)
	}
	if k.ID != 7 || k.UserID != 2 || k.Name != "ci" || len(k.Permissions) != 1 || k.Permissions[0].Resource != "read" {
		t.Errorf("key %+v", k)
	}
	wantUTC(t, "CreatedAt", k.CreatedAt)
	wantUTC(t, "RevokedAt", *k.RevokedAt)
	if k.LastUse == nil || k.LastUse.IP != "" || k.LastUse.UserAgent != "agent/1" {
		t.Fatalf("LastUse %+v", k.LastUse)
	}
	wantUTC(t, "LastUse.At", k.LastUse.At)

	row[8], row[9], row[11] = nil, nil, nil // never revoked, never used
	if k, err = scan.Key(row); err != nil || k.RevokedAt != nil || k.LastUse != nil {
		t.Errorf("unused key: %+v, %v", k, err)
	}
	row[5] = []byte(`{`)
	if _, err := scan.Key(row); err == nil || !strings.Contains(err.Error(), "keys.permissions") {
		t.Errorf("damaged permissions: %v", err)
	}
}

func TestScanReleaseNullsAndBlobs(t *testing.T) {
	row := fakeRow{int64(1), int64(2), "1.0.0", []byte{}, []byte{1}, int64(10), "k", "app",
		[]byte(`["mix"]`), "~> 1.0", []byte(`[]`), []byte{}, nil, "docs/plug/plug-1.0.0-ab.tar.gz",
		"security", nil, int64(5), tLocal, tLocal}
	r, err := scan.Release(row)
	if err != nil {
		t.Fatal(err)
	}
	if r.InnerChecksum != nil || r.Metadata != nil || !reflect.DeepEqual(r.OuterChecksum, []byte{1}) {
		t.Errorf("blobs: %+v", r)
	}
	if r.PublisherID != 0 || r.Requirements != nil || !reflect.DeepEqual(r.BuildTools, []string{"mix"}) {
		t.Errorf("columns: %+v", r)
	}
	if r.DocsKey != "docs/plug/plug-1.0.0-ab.tar.gz" || !r.HasDocs() {
		t.Errorf("docs: %q", r.DocsKey)
	}
	if r.Retirement == nil || *r.Retirement != (store.Retirement{Reason: "security"}) {
		t.Errorf("retirement %+v", r.Retirement)
	}
	wantUTC(t, "UpdatedAt", r.UpdatedAt)

	row[12], row[14] = int64(9), nil
	if r, err = scan.Release(row); err != nil || r.PublisherID != 9 || r.Retirement != nil {
		t.Errorf("published, not retired: %+v, %v", r, err)
	}
}

func TestScanPackageAndOwner(t *testing.T) {
	p, err := scan.Package(fakeRow{int64(3), "plug", "d", []byte(`["MIT"]`), []byte(`[{"name":"b","url":"u"}]`), []byte(`[]`),
		int64(4), tLocal, tLocal})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "plug" || p.Meta.Licenses[0] != "MIT" || p.Meta.Links[0] != (store.Link{Name: "b", URL: "u"}) || p.Meta.Maintainers != nil {
		t.Errorf("package %+v", p)
	}
	wantUTC(t, "package CreatedAt", p.CreatedAt)

	o, err := scan.Owner(fakeRow{int64(1), "alice", "a@x", "Alice", "hash", tLocal, tLocal, "maintainer"})
	if err != nil {
		t.Fatal(err)
	}
	if o.User.Username != "alice" || o.Level != store.LevelMaintainer {
		t.Errorf("owner %+v", o)
	}
	wantUTC(t, "owner UpdatedAt", o.User.UpdatedAt)
}

func TestScanPassesTheDriversError(t *testing.T) {
	errNoRows := errors.New("no rows")
	if _, err := scan.User(errRow{errNoRows}); !errors.Is(err, errNoRows) {
		t.Errorf("User: %v", err)
	}
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
