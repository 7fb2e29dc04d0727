package twofactor

import (
	"bytes"
	"encoding/base32"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// rfcSecret is the SHA-1 seed of RFC 6238 appendix B, "12345678901234567890"
// in ASCII, in base32.
var rfcSecret = base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))

// rfcVectors are RFC 6238 appendix B's SHA-1 rows: Unix time and 8-digit
// TOTP.
var rfcVectors = []struct {
	unix int64
	code string
}{
	{59, "94287082"},
	{1111111109, "07081804"},
	{1111111111, "14050471"},
	{1234567890, "89005924"},
	{2000000000, "69279037"},
	{20000000000, "65353130"},
}

func TestRFC6238Vectors(t *testing.T) {
	for _, v := range rfcVectors {
		at := time.Unix(v.unix, 0)
		// The library with 8 digits gives the RFC's code for our Step: our
		// step arithmetic and the library agree with the RFC.
		got, err := hotp.GenerateCodeCustom(rfcSecret, uint64(Step(at)), hotp.ValidateOpts{Digits: otp.DigitsEight, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			t.Fatal(err)
		}
		if got != v.code {
			t.Errorf("T=%d: 8-digit code %s, RFC says %s", v.unix, got, v.code)
		}
		// Six digits are the last six of the eight (the same truncation
		// modulo 10^6), which Match accepts at that time.
		six := v.code[2:]
		step, ok := Match(rfcSecret, six, at)
		if !ok || step != Step(at) {
			t.Errorf("T=%d: Match(%s) = %d, %v; want step %d", v.unix, six, step, ok, Step(at))
		}
		if _, ok := Match(rfcSecret, v.code, at); ok {
			t.Errorf("T=%d: the 8-digit code was accepted", v.unix)
		}
	}
}

func TestStep(t *testing.T) {
	for _, c := range []struct {
		unix int64
		step int64
	}{{0, 0}, {29, 0}, {30, 1}, {59, 1}, {60, 2}, {-1, -1}, {-30, -1}, {-31, -2}} {
		if got := Step(time.Unix(c.unix, 0)); got != c.step {
			t.Errorf("Step(%d) = %d, want %d", c.unix, got, c.step)
		}
	}
}

// codeOf is the 6-digit code of rfcSecret at a step.
func codeOf(t testing.TB, secret string, step int64) string {
	t.Helper()
	c, err := hotp.GenerateCodeCustom(secret, uint64(step), otpOpts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMatchWindow(t *testing.T) {
	for _, unix := range []int64{59, 1_800_000_000, 1_800_000_029} {
		now := time.Unix(unix, 0)
		cur := Step(now)
		for d := int64(-3); d <= 3; d++ {
			code := codeOf(t, rfcSecret, cur+d)
			step, ok := Match(rfcSecret, code, now)
			want := d >= -1 && d <= 1
			if ok != want {
				t.Errorf("T=%d, code of step %+d: accepted %v, want %v", unix, d, ok, want)
			}
			if want && step != cur+d {
				t.Errorf("T=%d, code of step %+d: matched step %d", unix, d, step-cur)
			}
		}
	}
}

func TestMatchShapes(t *testing.T) {
	now := time.Unix(59, 0)
	for _, c := range []struct {
		code string
		ok   bool
	}{
		{"287082", true},
		{"287 082", true},
		{" 287082\n", true},
		{"2 8 7 0 8 2", true},
		{"287-082", false},
		{"28708", false},
		{"2870820", false},
		{"", false},
		{"abcdef", false},
		{"２８７０８２", false}, // full-width digits
		{"+87082", false},
	} {
		if _, ok := Match(rfcSecret, c.code, now); ok != c.ok {
			t.Errorf("Match(%q) = %v, want %v", c.code, ok, c.ok)
		}
	}
	if _, ok := Match("not base32!", "287082", now); ok {
		t.Error("a broken secret matched")
	}
}

func TestNewSecret(t *testing.T) {
	a, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSecret()
	if a == b {
		t.Fatal("two secrets are equal")
	}
	if strings.Contains(a, "=") {
		t.Errorf("secret %q is padded", a)
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(a)
	if err != nil || len(raw) != 20 {
		t.Errorf("secret %q decodes to %d bytes (%v), want 20", a, len(raw), err)
	}
}

func TestKeyURI(t *testing.T) {
	uri := KeyURI("Ship yard & co", "ana+1@example.com", "JBSWY3DPEHPK3PXP")
	k, err := otp.NewKeyFromURL(uri)
	if err != nil {
		t.Fatal(err)
	}
	if k.Type() != "totp" || k.Issuer() != "Ship yard & co" || k.AccountName() != "ana+1@example.com" ||
		k.Secret() != "JBSWY3DPEHPK3PXP" || k.Period() != 30 || k.Digits() != otp.DigitsSix || k.Algorithm() != otp.AlgorithmSHA1 {
		t.Errorf("%s reads back as type %s issuer %q account %q secret %s period %d digits %d algorithm %s",
			uri, k.Type(), k.Issuer(), k.AccountName(), k.Secret(), k.Period(), k.Digits(), k.Algorithm())
	}
	if !strings.HasPrefix(uri, "otpauth://totp/Ship%20yard%20%26%20co:ana%2B1%40example.com?") {
		t.Errorf("label not escaped: %s", uri)
	}
}

func TestQRCode(t *testing.T) {
	a, err := QRCode(KeyURI("shipyard", "ana", "JBSWY3DPEHPK3PXP"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != b.Dy() || b.Dx() < 100 {
		t.Errorf("image is %v", b)
	}
	b, err := QRCode(KeyURI("shipyard", "bob", "JBSWY3DPEHPK3PXP"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, b) {
		t.Error("two URIs give the same image")
	}
}
