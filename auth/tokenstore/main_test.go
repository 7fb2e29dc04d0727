package tokenstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// helperEnv, when set, makes the test binary act as a helper process (a
// concurrent file writer, or a keyring user in an environment of its own:
// go-keyring reads DBUS_SESSION_BUS_ADDRESS once per process, so a test
// about another bus needs another process).
const helperEnv = "TOKENSTORE_TEST_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		if err := runHelper(mode); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runHelper(mode string) error {
	switch mode {
	case "file-writer":
		return fileWriter(os.Getenv("TOKENSTORE_DIR"), os.Getenv("TOKENSTORE_ID"))
	case "keyring-ops":
		return keyringOps()
	case "keyring-locked":
		return keyringLocked()
	}
	return fmt.Errorf("unknown helper mode %q", mode)
}

// outcome is what a helper reports about one keyring operation.
type outcome struct {
	Op          string `json:"op"`
	OK          bool   `json:"ok"`
	Unavailable bool   `json:"unavailable"`
	NotFound    bool   `json:"not_found"`
	Message     string `json:"message"`
}

func report(op string, err error) {
	o := outcome{Op: op, OK: err == nil,
		Unavailable: errors.Is(err, ErrUnavailable), NotFound: errors.Is(err, ErrNotFound)}
	if err != nil {
		o.Message = err.Error()
	}
	json.NewEncoder(os.Stdout).Encode(o)
}

// keyringOps runs every keyring operation once and reports each outcome.
func keyringOps() error {
	s := NewKeyring(0)
	const registry = "https://helper.invalid/api"
	report("set", s.Set(registry, []byte("secret")))
	_, err := s.Get(registry)
	report("get", err)
	report("delete", s.Delete(registry))
	report("probe", ProbeKeyring(0))
	return nil
}

// runHelperProcess runs the test binary as helper mode with env added to a
// copy of this process's environment (entries named in unset removed),
// through the command prefix (such as dbus-run-session --), and returns the
// outcomes it reported.
func runHelperProcess(t *testing.T, mode string, prefix []string, env map[string]string, unset ...string) []outcome {
	t.Helper()
	args := append(append([]string{}, prefix...), os.Args[0])
	cmd := exec.Command(args[0], args[1:]...)
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if _, replaced := env[name]; replaced || slices.Contains(unset, name) {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, helperEnv+"="+mode)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper %s: %v\nstdout:\n%s\nstderr:\n%s", mode, err, out, stderr.String())
	}
	var outcomes []outcome
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var o outcome
		if err := dec.Decode(&o); err != nil {
			t.Fatalf("helper %s printed %q: %v", mode, out, err)
		}
		outcomes = append(outcomes, o)
	}
	if len(outcomes) == 0 {
		t.Fatalf("helper %s reported nothing; stderr:\n%s", mode, stderr.String())
	}
	return outcomes
}
