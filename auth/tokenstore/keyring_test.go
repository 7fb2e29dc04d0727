package tokenstore

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// keyringEnv, when set, turns a missing or broken keyring into a test
// failure instead of a skip (CI sets it: it runs a real Secret Service).
const keyringEnv = "SHIPYARD_TEST_KEYRING"

// requireKeyring skips the test unless this machine's real keyring works
// (or fails it, under SHIPYARD_TEST_KEYRING). Elsewhere than Linux it needs
// the variable even to try: the keychain may show dialogs.
func requireKeyring(t *testing.T) {
	t.Helper()
	if os.Getenv(keyringEnv) == "" {
		if runtime.GOOS != "linux" {
			t.Skipf("set %s=1 to test against this machine's keyring", keyringEnv)
		}
		if err := ProbeKeyring(0); err != nil {
			t.Skipf("no usable Secret Service (%v); CI runs these with %s=1", err, keyringEnv)
		}
		return
	}
	if err := ProbeKeyring(0); err != nil {
		t.Fatalf("%s is set but the keyring cannot be used: %v", keyringEnv, err)
	}
}

// testRegistry is a registry name no one else uses, removed from the
// keyring when the test ends.
func testRegistry(t *testing.T, s Store) string {
	r := "https://keyring-test-" + strings.ToLower(rand.Text()) + ".invalid/api"
	t.Cleanup(func() {
		if err := s.Delete(r); err != nil {
			t.Errorf("cleaning up %s: %v", r, err)
		}
	})
	return r
}

func TestKeyringRoundTrip(t *testing.T) {
	requireKeyring(t)
	s := NewKeyring(0)
	if s.Kind() != KindKeyring || s.Where() == "" {
		t.Fatalf("Kind %q Where %q", s.Kind(), s.Where())
	}
	r := testRegistry(t, s)
	if _, err := s.Get(r); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of a registry never stored: %v, want ErrNotFound", err)
	}
	if err := s.Delete(r); err != nil {
		t.Fatalf("Delete of a registry never stored: %v", err)
	}
	mustSet(t, s, r, []byte(`{"access_token":"one"}`))
	mustGet(t, s, r, []byte(`{"access_token":"one"}`))
	// What go-keyring itself finds: one entry, service ship, account the
	// registry, holding the secret as it is.
	if v, err := keyring.Get("ship", r); err != nil || v != `{"access_token":"one"}` {
		t.Errorf("keyring entry ship/%s = %q, %v", r, v, err)
	}
	mustSet(t, s, r, []byte(`{"access_token":"two"}`))
	mustGet(t, s, r, []byte(`{"access_token":"two"}`))
	if err := s.Delete(r); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(r); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: %v, want ErrNotFound", err)
	}
	if _, err := keyring.Get("ship", r); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("the keyring still has ship/%s after Delete: %v", r, err)
	}
}

func TestKeyringBinarySecret(t *testing.T) {
	requireKeyring(t)
	s := NewKeyring(0)
	r := testRegistry(t, s)
	secret := make([]byte, 256)
	for i := range secret {
		secret[i] = byte(i)
	}
	mustSet(t, s, r, secret)
	mustGet(t, s, r, secret)
}

func TestKeyringChunks(t *testing.T) {
	requireKeyring(t)
	s := NewKeyring(0)
	r := testRegistry(t, s)
	big := randomBytes(10 * 1024)
	mustSet(t, s, r, big)
	mustGet(t, s, r, big)

	main, err := keyring.Get("ship", r)
	if err != nil || !strings.HasPrefix(main, headerPrefix) {
		t.Fatalf("main entry of a 10 KiB secret = %q, %v; want a chunk header", main, err)
	}
	var joined []byte
	for i := 1; i <= 6; i++ {
		chunk, err := keyring.Get("ship", chunkUser(r, i))
		if err != nil {
			t.Fatalf("chunk %d: %v", i, err)
		}
		if len(chunk) > 2000 {
			t.Errorf("chunk %d holds %d bytes, over the 2000 that fit every platform", i, len(chunk))
		}
		joined = append(joined, chunk...)
	}
	if !bytes.Equal(joined, big) {
		t.Error("the chunks in the keyring do not add up to the secret")
	}
	if _, err := keyring.Get("ship", chunkUser(r, 7)); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("a 7th chunk of a 10 KiB secret: %v", err)
	}

	// Shrinking to a small secret leaves no chunk behind.
	mustSet(t, s, r, []byte("small"))
	mustGet(t, s, r, []byte("small"))
	assertNoChunks(t, r)

	// So does deleting a chunked one.
	mustSet(t, s, r, big)
	if err := s.Delete(r); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get("ship", r); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("main entry after Delete: %v", err)
	}
	assertNoChunks(t, r)
}

func assertNoChunks(t *testing.T, r string) {
	t.Helper()
	for i := 1; i <= 6; i++ {
		if v, err := keyring.Get("ship", chunkUser(r, i)); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("chunk %d still in the keyring (%d bytes, %v)", i, len(v), err)
		}
	}
}

func TestKeyringRegistriesIndependent(t *testing.T) {
	requireKeyring(t)
	s := NewKeyring(0)
	a, b := testRegistry(t, s), testRegistry(t, s)
	big := randomBytes(5000)
	mustSet(t, s, a, big)
	mustSet(t, s, b, []byte("b's secret"))
	mustGet(t, s, a, big)
	mustGet(t, s, b, []byte("b's secret"))
	if err := s.Delete(a); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(a); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(a) after Delete(a): %v", err)
	}
	mustGet(t, s, b, []byte("b's secret"))
	mustSet(t, s, a, []byte("a again"))
	if err := s.Delete(b); err != nil {
		t.Fatal(err)
	}
	mustGet(t, s, a, []byte("a again"))
}

func TestKeyringProbe(t *testing.T) {
	requireKeyring(t)
	if err := ProbeKeyring(0); err != nil {
		t.Fatal(err)
	}
	user := "ship-probe-" + rand.Text()
	if err := probe(systemKeyring{}, DefaultTimeout, time.After, user); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get("ship", user); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("the probe left ship/%s behind: %v", user, err)
	}
}
