package registrytest

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// The script commands that play a person at shipyard's website, for
// stories where ship logs in with the device flow: sign up (and turn on
// 2FA), approve the code a background `ship auth` printed, and read the
// authenticator app. Each account keeps one browser (cookies, and the
// TOTP steps handed out) for the whole script.

// people holds the browsers of the running scripts.
var people sync.Map // personKey -> *person

type personKey struct {
	ts   *testscript.TestScript
	name string
}

// personOf is USER's browser in this script, made on first use; its TOTP
// secret is $TOTP_USER.
func personOf(ts *testscript.TestScript, name string) *person {
	key := personKey{ts, name}
	v, ok := people.Load(key)
	if !ok {
		v = newPerson(name)
		people.Store(key, v)
		ts.Defer(func() { people.Delete(key) })
	}
	u := v.(*person)
	u.secret = ts.Getenv(totpVar(name))
	return u
}

// totpVar names the variable holding USER's TOTP secret.
func totpVar(user string) string { return "TOTP_" + user }

// outcome ends a command that may be negated: an error fails the script,
// unless `!` expected a failure, in which case it goes to stderr for the
// script to match.
func outcome(ts *testscript.TestScript, neg bool, name string, err error) {
	switch {
	case err != nil && neg:
		fmt.Fprintf(ts.Stderr(), "%s: %v\n", name, err)
	case err != nil:
		ts.Fatalf("%s: %v", name, err)
	case neg:
		ts.Fatalf("%s succeeded unexpectedly", name)
	}
}

// shipyard-signup [-2fa] USER
//
// signs USER up through the website of $REGISTRY, with the email address
// USER@example.com and the password password-USER-123, leaving USER's
// browser signed in for the commands below. With -2fa it also turns on
// two-factor authentication from /dashboard/security/totp, with the key
// the page shows, and sets $TOTP_USER to that secret. It prints nothing
// to stdout. `! shipyard-signup` expects the site to refuse (its words go
// to stderr).
func cmdSignup(ts *testscript.TestScript, neg bool, args []string) {
	fs := flag.NewFlagSet("shipyard-signup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	twoFA := fs.Bool("2fa", false, "turn on two-factor authentication")
	if fs.Parse(args) != nil || fs.NArg() != 1 {
		ts.Fatalf("usage: shipyard-signup [-2fa] USER")
	}
	ts.Stdout() // nothing is printed: clear the last command's output
	u := personOf(ts, fs.Arg(0))
	u.base = registry(ts)
	err := u.signUp()
	if err == nil && *twoFA {
		if err = u.enrolTOTP(); err == nil {
			ts.Setenv(totpVar(u.name), u.secret)
		}
	}
	if err == nil {
		fmt.Fprintf(ts.Stderr(), "signed up %s <%s@example.com>\n", u.name, u.name)
	}
	outcome(ts, neg, "shipyard-signup", err)
}

// shipyard-approve [-write] [-deny] [-wait DURATION] USER FILE
//
// waits (default 30s) until FILE holds a device user code (BCDF-GHJK as
// ship shows it, or BCDFGHJK as in a ?user_code= link or a JSON answer;
// the last one in the file counts), then, in USER's browser, enters it at
// /oauth/device and presses Authorize, or Deny with -deny. On the way it
// signs in (password-USER-123, then a TOTP code) when the browser is not
// signed in, and confirms sudo mode when asked (password, or a TOTP code
// of a step no one was given yet). The api:write box is ticked with
// -write and left unticked without. It prints the result page's heading,
// the code and the scopes ticked to stdout, the page's words to stderr.
// It fails, saying what the page says, when the page shows an error or
// -write cannot be ticked; `! shipyard-approve` expects that, and the
// reason goes to stderr.
func cmdApprove(ts *testscript.TestScript, neg bool, args []string) {
	fs := flag.NewFlagSet("shipyard-approve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	write := fs.Bool("write", false, "tick api:write")
	deny := fs.Bool("deny", false, "deny rather than authorize")
	wait := fs.Duration("wait", 30*time.Second, "how long to wait for a code in FILE")
	if fs.Parse(args) != nil || fs.NArg() != 2 {
		ts.Fatalf("usage: shipyard-approve [-write] [-deny] [-wait DURATION] USER FILE")
	}
	u := personOf(ts, fs.Arg(0))
	u.base = registry(ts) // where the browser goes, even after a restart
	code, err := waitUserCode(ts.MkAbs(fs.Arg(1)), *wait)
	var res *approveResult
	if err == nil {
		res, err = u.approve(code, approveOptions{write: *write, deny: *deny})
	}
	if err == nil {
		fmt.Fprintf(ts.Stdout(), "%s\ncode: %s-%s\nscopes: %s\n", res.heading, code[:4], code[4:], strings.Join(res.scopes, " "))
		fmt.Fprintln(ts.Stderr(), res.said)
	} else {
		ts.Stdout() // clear the last command's output
	}
	outcome(ts, neg, "shipyard-approve", err)
}

// totpStep picks the step of a code for -next or -fresh.
type totpStep struct{ next, fresh bool }

func (o *totpStep) register(fs *flag.FlagSet) {
	fs.BoolVar(&o.next, "next", false, "wait for the next 30 s step")
	fs.BoolVar(&o.fresh, "fresh", false, "a step whose code no one was given yet")
}

// code hands out u's code for the step chosen.
func (o *totpStep) code(u *person) (string, error) {
	switch {
	case o.next:
		return u.code(max(u.step()+1, u.lastStep+1))
	case o.fresh:
		return u.freshCode()
	}
	return u.code(u.step())
}

// totp-code [-next | -fresh] USER
//
// prints the code USER's authenticator app shows now, from $TOTP_USER,
// for `stdout` to match or stdout-env to keep. shipyard accepts a step's
// code from one party only (a second one is refused as a replay), and
// these commands remember which steps they handed out for USER: -fresh
// gives this step's code unless it was handed out already, else waits
// for the next step; -next always waits for a step after the present one
// (and after any handed out). Without either, the present step's code is
// printed even if it was given before, to show a replay refused.
func cmdTOTPCode(ts *testscript.TestScript, neg bool, args []string) {
	fs := flag.NewFlagSet("totp-code", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o totpStep
	o.register(fs)
	if neg || fs.Parse(args) != nil || fs.NArg() != 1 || o.next && o.fresh {
		ts.Fatalf("usage: totp-code [-next | -fresh] USER")
	}
	code, err := o.code(personOf(ts, fs.Arg(0)))
	ts.Check(err)
	fmt.Fprintln(ts.Stdout(), code)
}

// totp-env [-next | -fresh] VAR USER
//
// sets VAR to the code totp-code would print, e.g. for
// `exec ship publish --otp $VAR`.
func cmdTOTPEnv(ts *testscript.TestScript, neg bool, args []string) {
	fs := flag.NewFlagSet("totp-env", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o totpStep
	o.register(fs)
	if neg || fs.Parse(args) != nil || fs.NArg() != 2 || o.next && o.fresh {
		ts.Fatalf("usage: totp-env [-next | -fresh] VAR USER")
	}
	code, err := o.code(personOf(ts, fs.Arg(1)))
	ts.Check(err)
	ts.Setenv(fs.Arg(0), code)
}
