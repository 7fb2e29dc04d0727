// Package registrytest gives end-to-end scripts (testscript) commands to
// run a real shipyard process and talk to it as clients do: start, stop and
// kill the server, call the Hex API in JSON or Erlang terms, fetch and
// verify the signed repository, and play a person at its website.
package registrytest

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// Commands are the script commands this package provides.
func Commands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"shipyard-start":  cmdStart,
		"shipyard-stop":   cmdStop,
		"shipyard-kill":   cmdKill,
		"hexapi":          cmdHexAPI,
		"repo-verify":     cmdRepoVerify,
		"repo-has":        cmdRepoHas,
		"publish-storm":   cmdPublishStorm,
		"publish-race":    cmdPublishRace,
		"stdout-env":      cmdStdoutEnv,
		"pg-fresh-db":     cmdPgFreshDB,
		"s3-fresh-prefix": cmdS3FreshPrefix,
		"rebar-config":    cmdRebarConfig,

		"shipyard-signup":  cmdSignup,
		"shipyard-approve": cmdApprove,
		"totp-code":        cmdTOTPCode,
		"totp-env":         cmdTOTPEnv,

		"shipyard-revoke-device": cmdRevokeDevice,
	}
}

// running holds the shipyard processes scripts started.
var running sync.Map // procKey -> *serverProc

// procKey names one server of one script by the variable holding its URL.
type procKey struct {
	ts  *testscript.TestScript
	env string
}

type serverProc struct {
	cmd  *exec.Cmd
	done chan error
}

var servingLine = regexp.MustCompile(`at (http://127\.0\.0\.1:\d+) `)

// shipyard-start [-env VAR] [FLAGS...] runs `shipyard serve --addr
// 127.0.0.1:0 --data $WORK/shipyard-data FLAGS...` in the background, waits
// until it listens, and sets $VAR (default REGISTRY) to its base URL and
// $VAR_ADDR to its host:port. Its log goes to $WORK/VAR.log (shipyard.log
// for the default). The script's end stops it. Several servers, each under
// its own VAR, may run at once.
func cmdStart(ts *testscript.TestScript, neg bool, args []string) {
	env, args := envArg(args)
	if neg {
		ts.Fatalf("usage: shipyard-start [-env VAR] [FLAGS...]")
	}
	key := procKey{ts, env}
	if _, ok := running.Load(key); ok {
		ts.Fatalf("shipyard $%s is already running; shipyard-stop or shipyard-kill it first", env)
	}
	logName := "shipyard.log"
	if env != "REGISTRY" {
		logName = env + ".log"
	}
	bin := lookPath(ts, "shipyard")
	argv := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", ts.MkAbs("shipyard-data")}, args...)
	cmd := exec.Command(bin, argv...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = append(os.Environ(), "HOME="+ts.Getenv("HOME"))
	for _, name := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_EC2_METADATA_DISABLED"} {
		if v := ts.Getenv(name); v != "" {
			cmd.Env = append(cmd.Env, name+"="+v)
		}
	}
	stderr, err := cmd.StderrPipe()
	ts.Check(err)
	logFile, err := os.OpenFile(ts.MkAbs(logName), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	ts.Check(err)
	ts.Check(cmd.Start())

	urlc := make(chan string, 1)
	go func() {
		defer logFile.Close()
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			fmt.Fprintln(logFile, sc.Text())
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil && !sent {
				urlc <- m[1]
				sent = true
			}
		}
		io.Copy(logFile, stderr)
		close(urlc)
	}()
	p := &serverProc{cmd: cmd, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	select {
	case url, ok := <-urlc:
		if !ok {
			<-p.done
			ts.Fatalf("shipyard exited before listening; its log:\n%s", ts.ReadFile(logName))
		}
		ts.Setenv(env, url)
		ts.Setenv(env+"_ADDR", strings.TrimPrefix(url, "http://"))
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		ts.Fatalf("shipyard did not start listening; its log:\n%s", ts.ReadFile(logName))
	}
	running.Store(key, p)
	ts.Defer(func() {
		if _, ok := running.LoadAndDelete(key); ok {
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-p.done:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
			}
		}
	})
}

// shipyard-stop [-env VAR] sends SIGTERM and checks that shipyard shuts
// down cleanly.
func cmdStop(ts *testscript.TestScript, neg bool, args []string) {
	p := take(ts, args)
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil && !neg {
			ts.Fatalf("shipyard did not exit cleanly on SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		ts.Fatalf("shipyard did not stop within 30s of SIGTERM")
	}
}

// shipyard-kill [-env VAR] kills shipyard with SIGKILL, as a crash or the
// OOM killer would.
func cmdKill(ts *testscript.TestScript, neg bool, args []string) {
	p := take(ts, args)
	p.cmd.Process.Kill()
	<-p.done
}

func take(ts *testscript.TestScript, args []string) *serverProc {
	env, _ := envArg(args)
	v, ok := running.LoadAndDelete(procKey{ts, env})
	if !ok {
		ts.Fatalf("shipyard $%s is not running", env)
	}
	return v.(*serverProc)
}

// envArg takes a leading "-env VAR" off args.
func envArg(args []string) (env string, rest []string) {
	if len(args) >= 2 && args[0] == "-env" {
		return args[1], args[2:]
	}
	return "REGISTRY", args
}

// lookPath finds a program on the script's PATH (where testscript puts
// ship and shipyard).
func lookPath(ts *testscript.TestScript, name string) string {
	for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
		p := filepath.Join(dir, name)
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p
		}
	}
	ts.Fatalf("%s not found on PATH", name)
	return ""
}

// registry is the base URL of the running shipyard.
func registry(ts *testscript.TestScript) string {
	u := ts.Getenv("REGISTRY")
	if u == "" {
		ts.Fatalf("$REGISTRY is not set; run shipyard-start first")
	}
	return strings.TrimSuffix(u, "/")
}
