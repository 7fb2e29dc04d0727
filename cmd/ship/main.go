// Command ship publishes packages to Hex-compatible registries.
package main

import (
	"os"

	"github.com/hexship/ship/cmd/internal/cli"
)

func main() { os.Exit(cli.Main()) }
