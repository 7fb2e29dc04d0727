package cli

import "runtime/debug"

// version is set at link time by release builds:
//
//	go build -ldflags "-X github.com/hexship/ship/cmd/internal/cli.version=v1.2.3"
var version = ""

// Version is the version ship reports: the linked-in one, else the module
// version Go recorded, else "dev".
func Version() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}
