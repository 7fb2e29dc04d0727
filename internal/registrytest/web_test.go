package registrytest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hexship/ship/internal/shipyardtest"
	"github.com/hexship/ship/internal/testclock"
	"github.com/hexship/ship/registry/oauth"
)

// The person's pages against a whole registry (API and website on a
// real SQLite file) whose clock the test moves: that is how sudo mode
// runs out (it lasts an hour) and how a wait for the next TOTP step takes
// no time.

// testSite is a whole registry (see shipyardtest) on a loopback port,
// its clock started at the wall clock.
type testSite struct {
	t *testing.T
	*shipyardtest.Registry
}

func newTestSite(t *testing.T) *testSite {
	t.Helper()
	return &testSite{t: t, Registry: shipyardtest.Start(t, shipyardtest.StartAt(time.Now().UTC()))}
}

// person is a browser of name on the site, on the site's clock.
func (s *testSite) person(name string) *person {
	u := newPerson(name)
	u.base = s.URL
	u.now = s.Clock.Now
	u.sleep = s.Clock.Advance
	return u
}

// api posts a form to the API and decodes the JSON answer.
func (s *testSite) api(path string, form url.Values) (int, map[string]any) {
	s.t.Helper()
	resp, err := http.PostForm(s.URL+path, form)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		s.t.Fatalf("POST %s: %d %q", path, resp.StatusCode, data)
	}
	return resp.StatusCode, v
}

// device starts a device login as ship does and returns its user code
// and device code.
func (s *testSite) device(scope string) (userCode, deviceCode string) {
	s.t.Helper()
	status, d := s.api("/api/oauth/device_authorization", url.Values{"client_id": {oauth.ShipClientID}, "scope": {scope}, "name": {"test"}})
	if status != http.StatusOK {
		s.t.Fatalf("device_authorization: %d %v", status, d)
	}
	return d["user_code"].(string), d["device_code"].(string)
}

// token polls for the device's tokens once.
func (s *testSite) token(deviceCode string) (int, map[string]any) {
	s.t.Helper()
	return s.api("/api/oauth/token", url.Values{"grant_type": {oauth.GrantDeviceCode}, "client_id": {oauth.ShipClientID}, "device_code": {deviceCode}})
}

func TestPersonSignsUpEnrolsAndApprovesThroughSudo(t *testing.T) {
	s := newTestSite(t)
	alice := s.person("alice")
	if err := alice.signUp(); err != nil {
		t.Fatal(err)
	}
	if err := alice.enrolTOTP(); err != nil {
		t.Fatal(err)
	}
	if len(alice.secret) != 32 || strings.Trim(alice.secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
		t.Fatalf("secret read from the page: %q", alice.secret)
	}
	if alice.lastStep != alice.step() {
		t.Errorf("the enrolment's step %d is not recorded as used (now %d)", alice.lastStep, alice.step())
	}

	// Two hours on, sudo mode has run out: approving asks for a code.
	// This step's code was handed out (as totp-code does) and another
	// browser signed in with it, so shipyard refuses it to anyone else.
	s.Clock.Advance(2 * time.Hour)
	step := alice.step()
	if _, err := alice.code(step); err != nil {
		t.Fatal(err)
	}
	other := s.person("alice")
	other.secret = alice.secret
	p, err := other.get("/dashboard")
	if err != nil || p.url.Path != "/dashboard" || other.lastStep != step {
		t.Fatalf("another browser signing in with the code of step %d: %v", step, err)
	}
	// A third browser, unaware the step was used, is refused.
	unaware := s.person("alice")
	unaware.secret = alice.secret
	if _, err := unaware.get("/dashboard"); err == nil || !strings.Contains(err.Error(), "That code is not right") {
		t.Fatalf("a third party's sign-in with a used step: %v", err)
	}

	userCode, deviceCode := s.device("api")
	res, err := alice.approve(userCode, approveOptions{write: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := alice.step(); got != step+1 {
		t.Errorf("sudo was confirmed at step %d, want the next one, %d", got, step+1)
	}
	if res.heading != "Device authorized" || strings.Join(res.scopes, " ") != "api:read api:write" {
		t.Errorf("result %q with scopes %v", res.heading, res.scopes)
	}
	if !strings.Contains(res.said, "You can return to your terminal.") {
		t.Errorf("the page said %q", res.said)
	}
	status, tok := s.token(deviceCode)
	if status != http.StatusOK || tok["scope"] != "api:read api:write" {
		t.Fatalf("token: %d %v", status, tok)
	}
	p, err = alice.get("/dashboard/security")
	if err != nil {
		t.Fatal(err)
	}
	if log := p.main().textContent(); !strings.Contains(log, "Confirmed identity (with a TOTP code)") {
		t.Errorf("the security log shows no sudo with a TOTP code: %s", log)
	}
}

func TestPersonWithoutBrowserSignsInWithPasswordAndPassesSudo(t *testing.T) {
	s := newTestSite(t)
	if err := s.person("bob").signUp(); err != nil {
		t.Fatal(err)
	}
	s.Clock.Advance(2 * time.Hour)
	// A new browser signs in, which starts sudo mode; an hour later
	// approving asks for the password again.
	bob := s.person("bob")
	if _, err := bob.get("/dashboard"); err != nil {
		t.Fatal(err)
	}
	s.Clock.Advance(2 * time.Hour)
	userCode, deviceCode := s.device("api")
	res, err := bob.approve(userCode, approveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.scopes, " ") != "api:read" {
		t.Errorf("scopes ticked %v, want api:read alone (api:write is disabled without 2FA)", res.scopes)
	}
	if status, tok := s.token(deviceCode); status != http.StatusOK || tok["scope"] != "api:read" {
		t.Fatalf("token: %d %v", status, tok)
	}
	p, err := bob.get("/dashboard/security")
	if err != nil {
		t.Fatal(err)
	}
	if log := p.main().textContent(); !strings.Contains(log, "Confirmed identity (with a password)") {
		t.Errorf("the security log shows no sudo with the password: %s", log)
	}
}

func TestPersonApproveErrorsSayWhatThePageSays(t *testing.T) {
	s := newTestSite(t)
	carol := s.person("carol")
	if err := carol.signUp(); err != nil {
		t.Fatal(err)
	}
	check := func(what string, err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one saying %q", what, err, want)
		}
	}
	_, err := carol.approve("BCDFGHJK", approveOptions{})
	check("unknown code", err, "Invalid verification code")

	userCode, _ := s.device("api")
	_, err = carol.approve(userCode, approveOptions{write: true})
	check("write without 2FA", err, "the api:write box is disabled: Needs two-factor authentication, which your account does not have yet. Enable two-factor authentication, then come back to this page.")

	readOnly, deviceCode := s.device("api:read")
	_, err = carol.approve(readOnly, approveOptions{write: true})
	check("write not asked for", err, "the device did not ask for api:write; the page offers api:read")

	res, err := carol.approve(readOnly, approveOptions{deny: true})
	if err != nil || res.heading != "Request denied" {
		t.Fatalf("deny: %v %v", res, err)
	}
	if status, tok := s.token(deviceCode); status != http.StatusForbidden || tok["error"] != "access_denied" {
		t.Errorf("token after deny: %d %v", status, tok)
	}
	_, err = carol.approve(readOnly, approveOptions{})
	check("approve after deny", err, "This application has already been processed")

	dave := s.person("dave")
	_, err = dave.approve(userCode, approveOptions{})
	check("no such account", err, "POST /login")
}

func TestTOTPCodesFollowTheSteps(t *testing.T) {
	clock := testclock.New(time.Unix(1_000_000*totpPeriod+29, 0))
	u := newPerson("x")
	u.now, u.sleep = clock.Now, clock.Advance
	u.secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // RFC 6238's test key
	// RFC 6238 appendix B: 59 s is step 1, code 94287082 (6 digits: 287082).
	want, err := codeAt(u.secret, 1)
	if err != nil || want != "287082" {
		t.Fatalf("code of step 1: %q %v", want, err)
	}
	c1, err := u.code(u.step())
	if err != nil || u.lastStep != 1_000_000 {
		t.Fatal(err, u.lastStep)
	}
	// A fresh code must wait for the next step; the clock moved 1 s.
	c2, err := u.freshCode()
	if err != nil || u.lastStep != 1_000_001 || clock.Now().Unix() < 1_000_001*totpPeriod {
		t.Fatalf("fresh: %v, last step %d at %v", err, u.lastStep, clock.Now())
	}
	if c1 == c2 {
		t.Errorf("two steps gave the same code %s", c1)
	}
	// Now this step is used: the present code again is the same one.
	if c3, _ := u.code(u.step()); c3 != c2 {
		t.Errorf("the present step's code changed: %s then %s", c2, c3)
	}
	noSecret := newPerson("y")
	if _, err := noSecret.code(0); err == nil || !strings.Contains(err.Error(), "$TOTP_y") {
		t.Errorf("without a secret: %v", err)
	}
}

func TestPersonSendsAFormAgainAfterSudo(t *testing.T) {
	s := newTestSite(t)
	erin := s.person("erin")
	if err := erin.signUp(); err != nil {
		t.Fatal(err)
	}
	p, err := erin.get("/dashboard/security/totp")
	if err != nil {
		t.Fatal(err)
	}
	// The page stays open past sudo mode's hour; the form posted then is
	// kept through the password and sent again.
	s.Clock.Advance(2 * time.Hour)
	secret := strings.ReplaceAll(p.doc.byID("totp-secret").textContent(), " ", "")
	code, err := codeAt(secret, erin.step())
	if err != nil {
		t.Fatal(err)
	}
	p, err = erin.submit(p, p.form("/dashboard/security/totp"), map[string]string{"code": code}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.doc.byID("recovery-codes") == nil {
		t.Fatalf("after sudo the enrolment was not sent again: %s %q %s", p.where(), p.heading(), p.problem())
	}
	p, err = erin.get("/dashboard/security")
	if err != nil {
		t.Fatal(err)
	}
	if log := p.main().textContent(); !strings.Contains(log, "Confirmed identity (with a password)") || !strings.Contains(log, "Two-factor authentication on") {
		t.Errorf("the security log: %s", log)
	}
}
