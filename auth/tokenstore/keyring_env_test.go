package tokenstore

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	dbus "github.com/godbus/dbus/v5"
)

// Tests of the keyring in environments of their own (no bus, a bus without
// a Secret Service, a locked collection), each in a helper process: godbus
// connects to the session bus once per process.

// needTool skips the test without the program, or fails it under
// SHIPYARD_TEST_KEYRING (CI installs them all).
func needTool(t *testing.T, name string) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the Secret Service is Linux's")
	}
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv(keyringEnv) != "" {
			t.Fatalf("%s is set but %s is missing: %v", keyringEnv, name, err)
		}
		t.Skipf("%s is not installed: %v", name, err)
	}
	return path
}

// isolated returns environment variables that keep a helper's files (and
// any daemon it starts) under a fresh directory, and no display for a
// password prompt to appear on.
func isolated(t *testing.T) (env map[string]string, home string) {
	home = t.TempDir()
	return map[string]string{
		"HOME":            home,
		"XDG_DATA_HOME":   filepath.Join(home, "data"),
		"XDG_CONFIG_HOME": filepath.Join(home, "config"),
		"XDG_CACHE_HOME":  filepath.Join(home, "cache"),
		"XDG_RUNTIME_DIR": filepath.Join(home, "runtime"),
	}, home
}

// noDisplay is unset in helpers: no password prompt may appear on a desktop,
// and no keyring daemon of the outer session may be reached.
var noDisplay = []string{"DISPLAY", "WAYLAND_DISPLAY", "GNOME_KEYRING_CONTROL"}

func TestKeyringNoSessionBus(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Secret Service is Linux's")
	}
	env, home := isolated(t)
	env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=" + filepath.Join(home, "no-bus-here")
	for _, o := range runHelperProcess(t, "keyring-ops", nil, env, noDisplay...) {
		if !o.Unavailable || !strings.Contains(o.Message, "cannot connect to the D-Bus session bus") {
			t.Errorf("%s with no bus at the address: %+v, want ErrUnavailable saying it cannot connect", o.Op, o)
		}
	}
	assertEmpty(t, home)
}

func TestKeyringNoBusAddress(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Secret Service is Linux's")
	}
	if u, err := user.Current(); err == nil {
		if _, err := os.Stat("/run/user/" + u.Uid + "/bus"); err == nil {
			t.Skip("this user has a session bus at the standard place, which godbus would use")
		}
	}
	env, home := isolated(t)
	// A dbus-launch that records being run: godbus would start one to
	// autolaunch a bus, and leave it running.
	bin := filepath.Join(t.TempDir(), "bin")
	launched := filepath.Join(bin, "launched")
	os.Mkdir(bin, 0o755)
	script := "#!/bin/sh\ntouch " + launched + "\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "dbus-launch"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	env["PATH"] = bin + string(os.PathListSeparator) + os.Getenv("PATH")
	for _, o := range runHelperProcess(t, "keyring-ops", nil, env, append(noDisplay, "DBUS_SESSION_BUS_ADDRESS")...) {
		if !o.Unavailable || !strings.Contains(o.Message, "DBUS_SESSION_BUS_ADDRESS is not set") {
			t.Errorf("%s with no bus address: %+v, want ErrUnavailable saying the address is not set", o.Op, o)
		}
	}
	if _, err := os.Stat(launched); err == nil {
		t.Error("dbus-launch was run to autolaunch a session bus")
	}
	assertEmpty(t, home)
}

func TestKeyringNoSecretService(t *testing.T) {
	runSession := needTool(t, "dbus-run-session")
	config := busConfig(t)
	env, home := isolated(t)
	prefix := []string{runSession, "--config-file=" + config, "--"}
	for _, o := range runHelperProcess(t, "keyring-ops", prefix, env, noDisplay...) {
		if !o.Unavailable || !strings.Contains(o.Message, "no Secret Service (org.freedesktop.secrets) is running") {
			t.Errorf("%s with no Secret Service: %+v, want ErrUnavailable saying none is running", o.Op, o)
		}
	}
	assertEmpty(t, home)
}

func TestKeyringLocked(t *testing.T) {
	runSession := needTool(t, "dbus-run-session")
	needTool(t, "gnome-keyring-daemon")
	env, _ := isolated(t)
	prefix := []string{runSession, "--config-file=" + busConfig(t), "--"}
	outcomes := runHelperProcess(t, "keyring-locked", prefix, env, noDisplay...)
	want := map[string]bool{"set-unlocked": true, "get-unlocked": true}
	for _, o := range outcomes {
		if want[o.Op] {
			if !o.OK {
				t.Errorf("%s: %+v, want success while the collection is unlocked", o.Op, o)
			}
			continue
		}
		if !o.Unavailable || !strings.Contains(o.Message, "locked") {
			t.Errorf("%s on a locked collection: %+v, want ErrUnavailable saying it is locked", o.Op, o)
		}
	}
	if len(outcomes) != 6 {
		t.Errorf("helper reported %d outcomes, want 6: %+v", len(outcomes), outcomes)
	}
}

// busConfig writes the configuration of a session bus that starts no
// services on demand: only what a test starts answers on it.
func busConfig(t *testing.T) string {
	config := filepath.Join(t.TempDir(), "session.conf")
	err := os.WriteFile(config, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=`+os.TempDir()+`</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	return config
}

// keyringLocked is the helper of TestKeyringLocked, run in a private
// session bus: it starts gnome-keyring with its login collection unlocked,
// stores a secret, locks the collection, then tries everything again.
func keyringLocked() error {
	daemon := exec.Command("gnome-keyring-daemon", "--unlock", "--components=secrets")
	daemon.Stdin = strings.NewReader("test-password")
	if out, err := daemon.CombinedOutput(); err != nil {
		return fmt.Errorf("gnome-keyring-daemon: %v\n%s", err, out)
	}
	conn, err := dbus.SessionBus()
	if err != nil {
		return err
	}
	// The daemon returns before it owns its name on the bus; wait for it
	// (a few hundred tries guard against a daemon that never does).
	for tries := 0; ; tries++ {
		var owned bool
		err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.freedesktop.secrets").Store(&owned)
		if err != nil {
			return err
		}
		if owned {
			break
		}
		if tries == 600 {
			return errors.New("gnome-keyring-daemon never took its name on the bus")
		}
		time.Sleep(50 * time.Millisecond)
	}
	s := NewKeyring(0)
	const registry = "https://locked.invalid/api"
	report("set-unlocked", s.Set(registry, []byte("secret")))
	_, err = s.Get(registry)
	report("get-unlocked", err)

	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	err = conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets").
		Call("org.freedesktop.Secret.Service.Lock", 0,
			[]dbus.ObjectPath{"/org/freedesktop/secrets/collection/login"}).
		Store(&locked, &prompt)
	if err != nil {
		return fmt.Errorf("locking the login collection: %w", err)
	}
	if len(locked) != 1 {
		return errors.New("the login collection was not locked")
	}
	_, err = s.Get(registry)
	report("get-locked", err)
	report("set-locked", s.Set(registry, []byte("new secret")))
	report("delete-locked", s.Delete(registry))
	report("probe-locked", ProbeKeyring(0))
	return nil
}

// assertEmpty checks that a helper wrote nothing under its home (no
// credentials fell back to a file, no bus or keyring was started there).
func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("the helper created %s", filepath.Join(dir, e.Name()))
	}
}
