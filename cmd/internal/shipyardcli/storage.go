package shipyardcli

import (
	"github.com/hexship/ship/registry/server"
	"github.com/spf13/pflag"
)

// storageFlags are the flags that say where a registry keeps its state;
// serve and the operator commands share them so that an operator command
// works on the registry a running server uses. Several servers can serve
// one registry from PostgreSQL and S3 when each has the same repo-key.pem
// and server-secret in its --data directory.
type storageFlags struct {
	server.Storage
}

func (s *storageFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&s.DataDir, "data", "shipyard-data", "directory for the database, package files, signing key and server secret")
	fs.StringVar(&s.Database, "database", "", "metadata database: a SQLite file (default DATA/shipyard.db) or postgres://USER@HOST/DB")
	fs.StringVar(&s.Blobs, "blobs", "", "package files: a directory (default DATA/blobs) or s3://BUCKET[/PREFIX]?endpoint=URL (credentials from AWS_* variables)")
}
