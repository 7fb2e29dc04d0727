package registrytest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/rogpeppe/go-internal/testscript"
)

// Environment variables naming the servers for shared-storage stories;
// .ci/run starts both and sets them.
const (
	envPostgres = "SHIPYARD_TEST_POSTGRES" // a DSN allowed to create databases
	envS3       = "SHIPYARD_TEST_S3"       // s3://BUCKET?endpoint=... with AWS_* credentials set
)

// Condition answers the script conditions [postgres] and [s3]: whether
// those servers are configured. ok is false for other conditions.
func Condition(cond string) (value, ok bool) {
	switch cond {
	case "postgres":
		return os.Getenv(envPostgres) != "", true
	case "s3":
		return os.Getenv(envS3) != "", true
	}
	return false, false
}

func randomName(prefix string) string {
	var b [6]byte
	rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// pg-fresh-db VAR creates an empty database on $SHIPYARD_TEST_POSTGRES's
// server, sets VAR to its DSN, and drops it when the script ends.
func cmdPgFreshDB(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: pg-fresh-db VAR")
	}
	admin := os.Getenv(envPostgres)
	if admin == "" {
		ts.Fatalf("%s is not set", envPostgres)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	ts.Check(err)
	defer conn.Close(ctx)
	name := randomName("script_")
	_, err = conn.Exec(ctx, "CREATE DATABASE "+name)
	ts.Check(err)
	ts.Defer(func() {
		if c, err := pgx.Connect(ctx, admin); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	u, err := url.Parse(admin)
	ts.Check(err)
	u.Path = "/" + name
	ts.Setenv(args[0], u.String())
}

// s3-fresh-prefix VAR sets VAR to $SHIPYARD_TEST_S3 with a new random
// prefix, an empty place for one script's blobs.
func cmdS3FreshPrefix(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: s3-fresh-prefix VAR")
	}
	u, err := url.Parse(os.Getenv(envS3))
	if err != nil || u.Scheme != "s3" {
		ts.Fatalf("%s is not an s3:// URL", envS3)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/" + randomName("script-")
	ts.Setenv(args[0], u.String())
}

// PassStorageEnv copies the S3 credentials and test-server variables into
// a script's environment, which testscript otherwise starts empty, so that
// shipyard processes the script starts can reach those servers.
func PassStorageEnv(env *testscript.Env) {
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "AWS_") || strings.HasPrefix(name, "SHIPYARD_TEST_") {
			env.Setenv(name, value)
		}
	}
}
