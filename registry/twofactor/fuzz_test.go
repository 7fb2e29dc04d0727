package twofactor

import (
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/hotp"
)

// FuzzMatch checks that codes (and secrets and times) of any shape never
// panic Match, and that Match accepts a code exactly when, white space
// removed, it is the code of the step before, at or after now's.
func FuzzMatch(f *testing.F) {
	f.Add(rfcSecret, "287082", int64(59))
	f.Add(rfcSecret, "287 082", int64(59))
	f.Add(rfcSecret, "94287082", int64(59))
	f.Add(rfcSecret, "", int64(0))
	f.Add("JBSWY3DPEHPK3PXP", "\u00a0123456\u3000", int64(-31))
	f.Add("jbswy3dpehpk3pxp=", "٠١٢٣٤٥", int64(1<<62))
	f.Fuzz(func(t *testing.T, secret, code string, unix int64) {
		now := time.Unix(unix, 0)
		step, ok := Match(secret, code, now)

		typed := strings.Join(strings.Fields(code), "")
		cur := Step(now)
		want := false
		for s := cur - 1; s <= cur+1; s++ {
			if s < 0 {
				continue
			}
			c, err := hotp.GenerateCodeCustom(secret, uint64(s), otpOpts)
			if err == nil && c == typed {
				want = true
			}
		}
		if ok != want {
			t.Fatalf("Match(%q, %q, %d) = %v, want %v", secret, code, unix, ok, want)
		}
		if ok {
			if step < cur-1 || step > cur+1 {
				t.Fatalf("matched step %d, now's is %d", step, cur)
			}
			if c, _ := hotp.GenerateCodeCustom(secret, uint64(step), otpOpts); c != typed {
				t.Fatalf("matched step %d whose code is %s, not %q", step, c, typed)
			}
		}
	})
}
