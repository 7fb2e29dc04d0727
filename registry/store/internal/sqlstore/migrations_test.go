package sqlstore

import (
	"strings"
	"testing"
	"testing/fstest"
)

func migrationFS(names ...string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, n := range names {
		fsys[MigrationDir+"/"+n] = &fstest.MapFile{Data: []byte("-- " + n)}
	}
	return fsys
}

func TestReadMigrationsInVersionOrder(t *testing.T) {
	// fs.ReadDir sorts by name; versions must still decide the order.
	ms, err := ReadMigrations(migrationFS("0002_search.sql", "0001_init.sql", "0003_more_things.sql"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, m := range ms {
		if m.Version != i+1 || m.SQL != "-- "+m.Name+".sql" {
			t.Errorf("migration %d: %+v", i, m)
		}
		got = append(got, m.Name)
	}
	if strings.Join(got, " ") != "0001_init 0002_search 0003_more_things" {
		t.Errorf("order %v", got)
	}
}

func TestReadMigrationsRefusesBadSets(t *testing.T) {
	for _, c := range []struct {
		files []string
		want  string
	}{
		{[]string{"0001_init.sql", "0003_later.sql"}, "0003_later: expected version 0002"},
		{[]string{"0001_init.sql", "0001_again.sql"}, "expected version 0002"},
		{[]string{"0002_first.sql"}, "0002_first: expected version 0001"},
		{[]string{"0001_init.sql", "2_short.sql"}, `"2_short.sql" is not named NNNN_name.sql`},
		{[]string{"0001_Init.sql"}, "not named"},
		{[]string{"0001_init.SQL"}, "not named"},
	} {
		_, err := ReadMigrations(migrationFS(c.files...))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error saying %q", c.files, err, c.want)
		}
	}
	if _, err := ReadMigrations(fstest.MapFS{}); err == nil {
		t.Error("no migrations directory: no error")
	}
}

var known = []Migration{{1, "0001_init", ""}, {2, "0002_search", ""}, {3, "0003_more", ""}}

func TestPendingIsWhatIsNotApplied(t *testing.T) {
	for _, c := range []struct {
		applied []Applied
		want    string
	}{
		{nil, "0001_init 0002_search 0003_more"},
		{[]Applied{{1, "0001_init"}}, "0002_search 0003_more"},
		{[]Applied{{1, "0001_init"}, {2, "0002_search"}, {3, "0003_more"}}, ""},
		{[]Applied{{2, "0002_search"}}, "0001_init 0003_more"},
	} {
		pending, err := Pending(known, c.applied, "the database")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, m := range pending {
			names = append(names, m.Name)
		}
		if got := strings.Join(names, " "); got != c.want {
			t.Errorf("applied %v: pending %q, want %q", c.applied, got, c.want)
		}
	}
}

func TestPendingRefusesOtherBuilds(t *testing.T) {
	for _, c := range []struct {
		applied []Applied
		want    []string
	}{
		{[]Applied{{1, "0001_init"}, {4, "0004_future"}}, []string{"schema x", "0004_future", "newer", "up to 0003_more"}},
		{[]Applied{{0, "0000_zero"}}, []string{"0000_zero", "does not know"}},
		{[]Applied{{2, "0002_other"}}, []string{"schema x", "migration 2 as 0002_other", "this build has it as 0002_search"}},
	} {
		_, err := Pending(known, c.applied, "schema x")
		if err == nil {
			t.Errorf("applied %v: no error", c.applied)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("applied %v: error %q does not say %q", c.applied, err, w)
			}
		}
	}
}
