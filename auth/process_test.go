package auth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/hexship/ship/auth"
	"github.com/hexship/ship/auth/tokenstore"
)

// childEnv, when set, makes the test binary a ship-like process that asks
// for a token once and exits (see TestEightProcessesRefreshOnce).
const childEnv = "AUTH_TEST_REFRESH_CHILD"

// childSpec is what a child process is told.
type childSpec struct {
	API   string    // the registry
	Dir   string    // the config dir: file store and lock
	Ready string    // a file to create once started
	Now   time.Time // the registry's clock
}

func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		os.Exit(refreshChild(spec))
	}
	os.Exit(m.Run())
}

// refreshChild is the child process: it prints the access token Token
// gives, or the error on stderr with exit status 1.
func refreshChild(spec string) int {
	var s childSpec
	if err := json.Unmarshal([]byte(spec), &s); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	src := &auth.Source{API: s.API, Store: tokenstore.NewFile(s.Dir), LockDir: s.Dir, Now: func() time.Time { return s.Now }}
	if err := os.WriteFile(s.Ready, nil, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	c, err := src.Token(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Print(c.AccessToken)
	return 0
}

// TestEightProcessesRefreshOnce: eight processes find the access token
// about to expire at once. The registry holds the first refresh until all
// of them have started, so they contend for the lock. All succeed with the
// same token, one refresh reaches the registry, and the session stays
// usable: a process that presented a spent refresh token after the grace
// window would have had the registry revoke it.
func TestEightProcessesRefreshOnce(t *testing.T) {
	l := newLoggedIn(t, 0)
	l.Clock.Advance(27 * time.Minute)
	const n = 8
	ready := t.TempDir()
	l.setIntercept(func(_ int, _ http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/api/oauth/token" {
			for {
				entries, _ := os.ReadDir(ready)
				if len(entries) == n {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			time.Sleep(100 * time.Millisecond) // let the others reach the lock
		}
		return false
	})
	cmds := make([]*exec.Cmd, n)
	outs := make([]*bytes.Buffer, n)
	errs := make([]*bytes.Buffer, n)
	for i := range cmds {
		spec, _ := json.Marshal(childSpec{API: l.api, Dir: l.dir, Ready: filepath.Join(ready, strconv.Itoa(i)), Now: l.Clock.Now()})
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+string(spec))
		outs[i], errs[i] = new(bytes.Buffer), new(bytes.Buffer)
		cmd.Stdout, cmd.Stderr = outs[i], errs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("process %d: %v: %s", i, err, errs[i])
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	for i := range outs {
		if outs[i].String() != outs[0].String() || outs[i].Len() == 0 {
			t.Fatalf("process %d got another token than process 0", i)
		}
	}
	if outs[0].String() == l.creds.AccessToken {
		t.Fatal("no process refreshed")
	}
	if got := l.refreshes(); got != 1 {
		t.Errorf("%d refresh requests from %d processes, want 1", got, n)
	}
	l.setIntercept(nil)
	checkSessionAlive(t, l)
}
