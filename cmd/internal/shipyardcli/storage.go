package shipyardcli

import (
	"github.com/hexship/ship/registry/server"
	"github.com/spf13/pflag"
)

// storageFlags are the flags that say where a registry keeps its state;
// serve and the operator commands share them so that an operator command
// works on the registry a running server uses.
type storageFlags struct {
	server.Storage
}

func (s *storageFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&s.DataDir, "data", "shipyard-data", "directory for the database, package files, signing key and server secret")
	fs.StringVar(&s.Database, "database", "", "metadata database: a SQLite file path (default DATA/shipyard.db)")
	fs.StringVar(&s.Blobs, "blobs", "", "where package files are kept: a directory (default DATA/blobs)")
}
