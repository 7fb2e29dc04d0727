package registrytest

import (
	"fmt"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// shipyard-revoke-device USER DEVICE
//
// opens /dashboard/sessions in USER's browser (signing in and confirming
// sudo mode when asked, as shipyard-approve does) and presses "Log out
// this device" for the device login named DEVICE; DEVICE "-" stands for
// the only device listed. ship names a login after the machine's host
// name. It prints "Logged out DEVICE" to stdout and the page's notice to
// stderr. It fails, naming the devices listed, when no login (or, for
// "-" or a name used twice, more than one) matches; `!
// shipyard-revoke-device` expects that, and the reason goes to stderr.
func cmdRevokeDevice(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: shipyard-revoke-device USER DEVICE")
	}
	u := personOf(ts, args[0])
	u.base = registry(ts)
	name, notice, err := u.revokeDevice(args[1])
	if err == nil {
		fmt.Fprintf(ts.Stdout(), "Logged out %s\n", name)
		fmt.Fprintln(ts.Stderr(), notice)
	} else {
		ts.Stdout() // clear the last command's output
	}
	outcome(ts, neg, "shipyard-revoke-device", err)
}

// sessionsPath is the website's page of device logins.
const sessionsPath = "/dashboard/sessions"

// logOutButton is the words of the button that logs a device out.
const logOutButton = "Log out this device"

// revokeDevice presses "Log out this device" for the login named device
// ("-": the only one) and returns its name and what the page then says.
func (u *person) revokeDevice(device string) (name, notice string, err error) {
	p, err := u.get(sessionsPath)
	if err != nil {
		return "", "", err
	}
	if p.url.Path != sessionsPath || p.problem() != "" {
		return "", "", p.unexpected("the list of devices")
	}
	type entry struct {
		name   string
		form   *node
		button *node
	}
	var listed, matched []entry
	for _, b := range p.main().all(func(n *node) bool { return n.tag == "button" && n.textContent() == logOutButton }) {
		form, item := b.parent, b.parent
		for form != nil && form.tag != "form" {
			form = form.parent
		}
		for item != nil && !item.hasClass("session") {
			item = item.parent
		}
		if form == nil || item == nil {
			continue
		}
		heading := item.first(func(n *node) bool { return n.hasClass("device-name") })
		if heading == nil {
			continue
		}
		e := entry{name: heading.textContent(), form: form, button: b}
		listed = append(listed, e)
		if device == "-" || e.name == device {
			matched = append(matched, e)
		}
	}
	var names []string
	for _, e := range listed {
		names = append(names, fmt.Sprintf("%q", e.name))
	}
	switch {
	case len(listed) == 0:
		return "", "", fmt.Errorf("%s: no device is logged in to %s's account", p.where(), u.name)
	case len(matched) == 0:
		return "", "", fmt.Errorf("%s: no device named %q; the page lists %s", p.where(), device, strings.Join(names, ", "))
	case len(matched) > 1:
		return "", "", fmt.Errorf("%s: %d devices match %q (%s); name one that is listed once", p.where(), len(matched), device, strings.Join(names, ", "))
	}
	e := matched[0]
	p, err = u.submit(p, e.form, nil, e.button)
	if err != nil {
		return "", "", err
	}
	if p.url.Path != sessionsPath || p.problem() != "" {
		return "", "", p.unexpected("the list of devices after logging " + e.name + " out")
	}
	if n := p.doc.first(func(n *node) bool { return n.tag == "div" && n.hasClass("notice") }); n != nil {
		notice = n.textContent()
	}
	return e.name, notice, nil
}
