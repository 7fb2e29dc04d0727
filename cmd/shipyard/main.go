// Command shipyard is a Hex-compatible package registry server.
package main

import (
	"os"

	"github.com/hexship/ship/cmd/internal/shipyardcli"
)

func main() { os.Exit(shipyardcli.Main()) }
