package registrytest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// A person at shipyard's website, played over plain HTTP: a cookie jar,
// the account's password and TOTP secret, and forms filled in and posted
// as a browser without JavaScript would (the pages have no script). Go's
// client sends neither Origin nor Sec-Fetch-Site, which the site's
// cross-origin check lets through as a non-browser client; the CSRF token
// of every form is posted like any hidden field.

// totpPeriod is the length of a TOTP step, as authenticator apps have it.
const totpPeriod = 30

// person is one account's browser in one script.
type person struct {
	name   string
	base   string // the site's base URL, without a trailing slash
	client *http.Client
	secret string // TOTP secret (base32), "" without 2FA

	// lastStep is the latest TOTP step whose code was handed out (to a
	// page, to the script or through it to ship); -1 for none. shipyard
	// takes a step's code once, from one party, so a code for a new party
	// must come from a later step.
	lastStep int64

	now   func() time.Time    // the clock TOTP codes follow
	sleep func(time.Duration) // waits for a later TOTP step
}

func newPerson(name string) *person {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &person{
		name:     name,
		client:   &http.Client{Jar: jar, Timeout: 30 * time.Second},
		lastStep: -1,
		now:      time.Now,
		sleep:    time.Sleep,
	}
}

// scriptPassword is the password the commands give an account.
func scriptPassword(user string) string { return "password-" + user + "-123" }

// webPage is a page the site answered with, after redirects.
type webPage struct {
	method string
	url    *url.URL
	status int
	doc    *node
}

// where names the request that got the page (after redirects), for
// messages.
func (p *webPage) where() string { return p.method + " " + p.url.RequestURI() }

// main is the page's <main>, or the whole document.
func (p *webPage) main() *node {
	if m := p.doc.byTag("main"); m != nil {
		return m
	}
	return p.doc
}

// heading is the text of the page's first <h1>.
func (p *webPage) heading() string {
	if h := p.doc.byTag("h1"); h != nil {
		return h.textContent()
	}
	return ""
}

// form is the page's form that posts to action, or nil.
func (p *webPage) form(action string) *node {
	return p.doc.first(func(n *node) bool { return n.tag == "form" && n.attr("action") == action })
}

// problem is what the page says went wrong: its error alert, or for an
// error status its heading and words. "" when all is well.
func (p *webPage) problem() string {
	if a := p.doc.first(func(n *node) bool { return n.tag == "div" && n.hasClass("alert") && n.hasClass("error") }); a != nil {
		return a.textContent()
	}
	if p.status >= 400 {
		if text := p.main().textContent(); text != "" {
			return fmt.Sprintf("%d: %s", p.status, text)
		}
		return fmt.Sprintf("status %d", p.status)
	}
	return ""
}

// unexpected describes a page that is not the one a step needed.
func (p *webPage) unexpected(want string) error {
	msg := fmt.Sprintf("%s: expected %s, got the page %q", p.where(), want, p.heading())
	if why := p.problem(); why != "" {
		msg += ", which says: " + why
	}
	return errors.New(msg)
}

// do sends one request (form is posted when not nil) and reads the page
// it ends on.
func (u *person) do(method, target string, form url.Values) (*webPage, error) {
	ref, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	base, err := url.Parse(u.base + "/")
	if err != nil {
		return nil, err
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, base.ResolveReference(ref).String(), body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "registrytest-browser")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := u.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, err
	}
	return &webPage{method: resp.Request.Method, url: resp.Request.URL, status: resp.StatusCode, doc: parseHTML(string(data))}, nil
}

// get opens a page and gets past sign-in and sudo on the way.
func (u *person) get(path string) (*webPage, error) {
	p, err := u.do("GET", path, nil)
	if err != nil {
		return nil, err
	}
	return u.settle(p)
}

// submit posts a form as its button would (see post), then gets past
// sign-in and sudo.
func (u *person) submit(p *webPage, form *node, set map[string]string, button *node) (*webPage, error) {
	next, err := u.post(p, form, set, button)
	if err != nil {
		return nil, err
	}
	return u.settle(next)
}

// post sends a form as its button would: every field that a browser
// sends (checked boxes only, nothing disabled), set changing or adding
// values, and the button's name and value.
func (u *person) post(p *webPage, form *node, set map[string]string, button *node) (*webPage, error) {
	values := formValues(form)
	for k, v := range set {
		values.Set(k, v)
	}
	if button != nil && button.attr("name") != "" {
		values.Set(button.attr("name"), button.attr("value"))
	}
	action := form.attr("action")
	if action == "" {
		action = p.url.String()
	}
	return u.do("POST", action, values)
}

// formValues are the fields a browser posts for form, the buttons left
// out.
func formValues(form *node) url.Values {
	values := url.Values{}
	for _, in := range form.all(func(n *node) bool { return n.tag == "input" || n.tag == "textarea" || n.tag == "select" }) {
		name := in.attr("name")
		if name == "" || in.has("disabled") {
			continue
		}
		switch strings.ToLower(in.attr("type")) {
		case "checkbox", "radio":
			if in.has("checked") {
				v := in.attr("value")
				if v == "" {
					v = "on"
				}
				values.Add(name, v)
			}
		case "submit", "button", "image", "reset", "file":
		default:
			if in.tag == "textarea" {
				values.Add(name, in.textContent())
			} else {
				values.Add(name, in.attr("value"))
			}
		}
	}
	return values
}

// settle gets past the pages a person meets on the way to another: the
// sign-in form (with the password, then a TOTP code if asked), sudo mode
// (the password, or a TOTP code with 2FA), and the page that sends a form
// again after sudo. Any other page is returned as it is.
func (u *person) settle(p *webPage) (*webPage, error) {
	for range 8 {
		var form *node
		set := map[string]string{}
		needsCode := false
		switch {
		case p.url.Path == "/login" && p.form("/login") != nil:
			form = p.form("/login")
			set["login"], set["password"] = u.name, scriptPassword(u.name)
		case p.form("/login/2fa") != nil:
			form, needsCode = p.form("/login/2fa"), true
		case p.form("/sudo") != nil && p.form("/sudo").first(isField("password")) != nil:
			form = p.form("/sudo")
			set["password"] = scriptPassword(u.name)
		case p.form("/sudo") != nil && p.form("/sudo").first(isField("code")) != nil:
			form, needsCode = p.form("/sudo"), true
		case p.heading() == "Confirmed" && p.main().byTag("form") != nil:
			// Sudo ran out while a form was open: send it again.
			form = p.main().byTag("form")
		default:
			return p, nil
		}
		if needsCode {
			code, err := u.freshCode()
			if err != nil {
				return nil, err
			}
			set["code"] = code
		}
		next, err := u.post(p, form, set, nil)
		if err != nil {
			return nil, err
		}
		// Asked again, with a complaint: the password or code was refused.
		if next.form(form.attr("action")) != nil {
			if why := next.problem(); why != "" {
				return nil, fmt.Errorf("%s as %s: %s", next.where(), u.name, why)
			}
		}
		p = next
	}
	return nil, fmt.Errorf("%s: still asked to sign in or confirm after several tries", p.where())
}

// isField matches a form field by name.
func isField(name string) func(*node) bool {
	return func(n *node) bool { return n.tag == "input" && n.attr("name") == name }
}

// codeAt is the TOTP code of the secret for a time step.
func codeAt(secret string, step int64) (string, error) {
	return totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totp.ValidateOpts{
		Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
	})
}

// step is the TOTP time step of the person's clock now.
func (u *person) step() int64 { return u.now().Unix() / totpPeriod }

// waitStep waits until the clock reaches step.
func (u *person) waitStep(step int64) {
	for u.step() < step {
		u.sleep(time.Unix(step*totpPeriod, 0).Sub(u.now()) + time.Millisecond)
	}
}

// code hands out the code of a step (waiting for it to come) and records
// it as used.
func (u *person) code(step int64) (string, error) {
	if u.secret == "" {
		return "", fmt.Errorf("%s has no TOTP secret: sign up with shipyard-signup -2fa, or set $TOTP_%s", u.name, u.name)
	}
	u.waitStep(step)
	code, err := codeAt(u.secret, step)
	if err != nil {
		return "", fmt.Errorf("TOTP secret of %s: %w", u.name, err)
	}
	u.lastStep = max(u.lastStep, step)
	return code, nil
}

// freshCode is a code no party has been given yet: this step's, unless
// it was handed out already, else the next one's.
func (u *person) freshCode() (string, error) {
	return u.code(max(u.step(), u.lastStep+1))
}

// signUp creates the account through /signup, which signs the browser
// in.
func (u *person) signUp() error {
	p, err := u.do("GET", "/signup", nil)
	if err != nil {
		return err
	}
	form := p.form("/signup")
	if form == nil {
		return p.unexpected("the sign-up form")
	}
	p, err = u.submit(p, form, map[string]string{
		"username": u.name, "email": u.name + "@example.com", "password": scriptPassword(u.name),
	}, nil)
	if err != nil {
		return err
	}
	if p.url.Path != "/dashboard" || p.problem() != "" {
		return p.unexpected("the dashboard after signing up")
	}
	return nil
}

// enrolTOTP turns on two-factor authentication from
// /dashboard/security/totp, reading the key as a person typing it into
// an app would, and keeps the secret.
func (u *person) enrolTOTP() error {
	p, err := u.get("/dashboard/security/totp")
	if err != nil {
		return err
	}
	key := p.doc.byID("totp-secret")
	form := p.form("/dashboard/security/totp")
	if key == nil || form == nil {
		return p.unexpected("the page that shows a new TOTP key")
	}
	u.secret = strings.ReplaceAll(key.textContent(), " ", "")
	code, err := u.freshCode()
	if err != nil {
		return err
	}
	p, err = u.submit(p, form, map[string]string{"code": code}, nil)
	if err != nil {
		return err
	}
	if p.doc.byID("recovery-codes") == nil || p.problem() != "" {
		return p.unexpected("the recovery codes after enrolling")
	}
	return nil
}

// approveOptions is what the person does on the approval page.
type approveOptions struct {
	write bool // tick api:write (else leave it unticked)
	deny  bool // press Deny rather than Authorize
}

// approveResult is what the approval ended in.
type approveResult struct {
	heading string   // "Device authorized" or "Request denied"
	said    string   // the page's paragraphs, a line each
	scopes  []string // the boxes ticked when the button was pressed
}

// approve types a device's user code at /oauth/device and authorizes (or
// denies) it, passing sudo mode if asked.
func (u *person) approve(userCode string, o approveOptions) (*approveResult, error) {
	p, err := u.get("/oauth/device")
	if err != nil {
		return nil, err
	}
	form := p.form("/oauth/device")
	if form == nil {
		return nil, p.unexpected("the page to enter a device code")
	}
	display := userCode
	if len(display) == 8 {
		display = display[:4] + "-" + display[4:]
	}
	p, err = u.submit(p, form, map[string]string{"user_code": display}, nil)
	if err != nil {
		return nil, err
	}
	form = p.form("/oauth/device/authorize")
	if form == nil {
		return nil, p.unexpected("the approval page of " + display)
	}
	if err := chooseWrite(p, form, o.write && !o.deny); err != nil {
		return nil, err
	}
	action := "authorize"
	if o.deny {
		action = "deny"
	}
	button := form.first(func(n *node) bool { return n.tag == "button" && n.attr("value") == action })
	if button == nil {
		return nil, p.unexpected("a button to " + action)
	}
	res := &approveResult{}
	for _, box := range checkboxes(form) {
		if box.has("checked") {
			res.scopes = append(res.scopes, box.attr("value"))
		}
	}
	p, err = u.submit(p, form, nil, button)
	if err != nil {
		return nil, err
	}
	want := "Device authorized"
	if o.deny {
		want = "Request denied"
	}
	if p.heading() != want || p.problem() != "" {
		return nil, p.unexpected("“" + want + "”")
	}
	res.heading = p.heading()
	var said []string
	for _, para := range p.main().all(func(n *node) bool { return n.tag == "p" }) {
		said = append(said, para.textContent())
	}
	res.said = strings.Join(said, "\n")
	return res, nil
}

// checkboxes are the scope boxes of the approval form.
func checkboxes(form *node) []*node {
	return form.all(func(n *node) bool { return n.tag == "input" && strings.EqualFold(n.attr("type"), "checkbox") })
}

// scopeWrite is the scope that lets a device publish.
const scopeWrite = "api:write"

// chooseWrite ticks the api:write box, or unticks it. A box the page
// disabled cannot be ticked: the error says why, in the page's words.
func chooseWrite(p *webPage, form *node, write bool) error {
	var box *node
	var offered []string
	for _, b := range checkboxes(form) {
		offered = append(offered, b.attr("value"))
		if b.attr("value") == scopeWrite {
			box = b
		}
	}
	switch {
	case box == nil && write:
		return fmt.Errorf("%s: the device did not ask for %s; the page offers %s", p.where(), scopeWrite, strings.Join(offered, " "))
	case box == nil:
		return nil
	case write && box.has("disabled"):
		why := "(the page gives no reason)"
		if note := p.doc.byID(box.attr("aria-describedby")); note != nil && box.attr("aria-describedby") != "" {
			why = note.textContent()
		}
		return fmt.Errorf("%s: the %s box is disabled: %s", p.where(), scopeWrite, why)
	case write:
		box.attrs["checked"] = ""
	default:
		delete(box.attrs, "checked")
	}
	return nil
}
