// Package shipconfig is ship's configuration file: the registry used when
// none is named, and where tokens are kept when the person chose a file
// over the keyring. Tokens themselves never go in it.
package shipconfig

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// DefaultRegistry is hex.pm's API, used when no registry is named anywhere.
const DefaultRegistry = "https://hex.pm/api"

// Environment variables that choose the configuration.
const (
	EnvConfigDir  = "SHIP_CONFIG_DIR"
	EnvRegistry   = "SHIP_REGISTRY"
	EnvTokenStore = "SHIP_TOKEN_STORE" // keyring or file
)

// fileName is the configuration file inside the directory.
const fileName = "config.toml"

// Config is what ship remembers between runs.
type Config struct {
	// Registry is the API URL `ship auth` last logged in to.
	Registry string `toml:"registry,omitempty"`
	// TokenStore is "file" once a person chose --insecure-storage, so
	// later commands find the tokens where they were put.
	TokenStore string `toml:"token_store,omitempty"`
}

// Dir is the configuration directory: $SHIP_CONFIG_DIR, else the
// platform's user configuration directory plus "ship".
func Dir() (string, error) {
	if d := os.Getenv(EnvConfigDir); d != "" {
		return d, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no configuration directory (%v); set %s", err, EnvConfigDir)
	}
	return filepath.Join(base, "ship"), nil
}

// Load reads the configuration in dir; a missing file is an empty one.
func Load(dir string) (*Config, error) {
	path := filepath.Join(dir, fileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &Config{}, nil
	}
	if err != nil {
		return nil, err
	}
	var c Config
	if err := toml.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &c, nil
}

// Save writes the configuration to dir (created 0700), replacing the file
// atomically so a crash never leaves half of it.
func (c *Config) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	data, err := toml.Marshal(c)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".config-*.toml")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, fileName))
}

// NormalizeRegistry turns what a person typed into an API base URL: an
// http(s) URL without a trailing slash, where a URL with no path means its
// /api (as hex.pm's is https://hex.pm/api).
func NormalizeRegistry(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("registry %q: expected an http(s) URL such as https://hex.pm or http://127.0.0.1:4000", raw)
	}
	if u.User != nil {
		return "", fmt.Errorf("registry %q: put credentials in SHIP_TOKEN or log in with `ship auth`, not in the URL", u.Redacted())
	}
	u.RawQuery, u.Fragment = "", ""
	u.Path = strings.TrimRight(u.Path, "/")
	if u.Path == "" {
		u.Path = "/api"
	}
	return u.String(), nil
}

// Site is the website of a registry's API URL: the API URL without its
// final /api, where hex.pm and shipyard serve their pages.
func Site(api string) string {
	return strings.TrimSuffix(api, "/api")
}
