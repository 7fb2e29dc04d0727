package sqlite_test

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/sqlite"
)

// crashChildEnv makes the test binary act as a server that commits a
// publish and is then killed.
const crashChildEnv = "SHIP_STORE_CRASH_CHILD_DB"

// TestCrashChild is the child of TestCommitSurvivesKill; on its own it
// does nothing.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashChildEnv)
	if path == "" {
		t.Skip("only run as the child of TestCommitSurvivesKill")
	}
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		p := &store.Package{Name: "survivor"}
		if err := tx.CreatePackage(ctx, p); err != nil {
			return err
		}
		return tx.PutRelease(ctx, &store.Release{PackageID: p.ID, Version: "1.0.0"})
	})
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("committed\n")
	// A second, unfinished transaction holds the write lock when the kill
	// comes, as a publish in progress would.
	s.Update(ctx, func(tx store.Tx) error {
		tx.CreatePackage(ctx, &store.Package{Name: "in_flight"})
		select {}
	})
}

// A commit that Update reported survives a kill -9 of the process, and the
// transaction that was open at the kill leaves nothing behind.
func TestCommitSurvivesKill(t *testing.T) {
	path := filepath.Join(t.TempDir(), "registry.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "committed") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child said %q, %v", line, err)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	cmd.Wait()

	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open after the kill: %v", err)
	}
	defer s.Close()
	p, err := s.Package(ctx, "survivor")
	if err != nil {
		t.Fatalf("the committed package is gone after a kill -9: %v", err)
	}
	if _, err := s.Release(ctx, p.ID, "1.0.0"); err != nil {
		t.Errorf("the committed release is gone after a kill -9: %v", err)
	}
	if _, err := s.Package(ctx, "in_flight"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the transaction open at the kill left its package: %v", err)
	}
	// And the file takes writes again: the dead process's lock is gone.
	if err := s.Update(ctx, func(tx store.Tx) error { return tx.CreatePackage(ctx, &store.Package{Name: "next"}) }); err != nil {
		t.Errorf("write after the kill: %v", err)
	}
}

// An Update waits for a write lock another process holds, then runs on
// what that process committed, rather than failing with SQLITE_BUSY.
func TestUpdateWaitsForAnotherWriter(t *testing.T) {
	s := open(t)
	other := rawDB(t, s.Path())
	other.SetMaxOpenConns(1)
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO packages (name, created_at, updated_at) VALUES ('theirs', 0, 0)`); err != nil {
		t.Fatal(err)
	}

	done := make(chan error, 1)
	go func() {
		done <- s.Update(ctx, func(tx store.Tx) error {
			if _, err := tx.Package(ctx, "theirs"); err != nil {
				return err // ran before the other writer committed
			}
			return tx.CreatePackage(ctx, &store.Package{Name: "ours"})
		})
	}()
	time.Sleep(50 * time.Millisecond) // let the Update reach the lock; not a limit on anything
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Update while another process wrote: %v", err)
	}
	if _, err := s.Package(ctx, "ours"); err != nil {
		t.Error(err)
	}
}
