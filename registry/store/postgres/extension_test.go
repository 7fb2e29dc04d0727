package postgres_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/hexship/ship/registry/store/postgres"
)

// On a database without pg_trgm whose owner opens the store, the
// migration creates the extension and the trigram indexes.
func TestOpenCreatesTrigramExtension(t *testing.T) {
	admin := superuser(t)
	dsn, _ := newDatabase(t, admin)
	openDSN(t, dsn)
	db := connect(t, dsn)
	var indexes int
	err := db.QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE indexname IN ('packages_name_trgm', 'packages_description_trgm')`).Scan(&indexes)
	if err != nil {
		t.Fatal(err)
	}
	if indexes != 2 {
		t.Errorf("%d trigram indexes, want 2", indexes)
	}
}

// A user who may not create the extension is told what to do, without its
// password; once a superuser has created the extension, the store opens.
func TestOpenWithoutExtensionPrivilege(t *testing.T) {
	admin := superuser(t)
	role := randomName("shipyard_r_")
	const rolePassword = "PW-role-password-PW"
	if _, err := admin.Exec(ctx, `CREATE ROLE `+role+` LOGIN PASSWORD '`+rolePassword+`'`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Registered before the database's: runs after the database (and
		// the role's schema in it) is dropped.
		if _, err := admin.Exec(ctx, `DROP ROLE IF EXISTS `+role); err != nil {
			t.Errorf("dropping role %s: %v", role, err)
		}
	})
	dsn, dbName := newDatabase(t, admin)
	// The role owns a schema of the database (it may create tables there)
	// but has no CREATE on the database (it may not create extensions).
	db := connect(t, dsn)
	if _, err := db.Exec(ctx, `CREATE SCHEMA registry AUTHORIZATION `+role); err != nil {
		t.Fatal(err)
	}
	roleDSN := asRole(t, dsn, role, rolePassword)
	roleDSN = withParam(roleDSN, "search_path", "registry")

	_, err := postgres.Open(ctx, roleDSN)
	if err == nil {
		t.Fatal("Open without the privilege to create pg_trgm succeeded")
	}
	for _, want := range []string{dbName, "CREATE EXTENSION pg_trgm", "registry"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), rolePassword) {
		t.Errorf("error %q shows the password", err)
	}

	if _, err := db.Exec(ctx, `CREATE EXTENSION pg_trgm`); err != nil {
		t.Fatal(err)
	}
	s, err := postgres.Open(ctx, roleDSN)
	if err != nil {
		t.Fatalf("Open after the extension was created: %v", err)
	}
	s.Close()
}

// asRole points a DSN of the test server at another user.
func asRole(t *testing.T, dsn, role, password string) string {
	t.Helper()
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword(role, password)
		return u.String()
	}
	return dsn + " user=" + role + " password=" + password
}
