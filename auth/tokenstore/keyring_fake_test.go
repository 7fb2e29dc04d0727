package tokenstore

import (
	"crypto/rand"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// fakeKeyring stands in for the platform keyring in tests of what the store
// does around it: size limits, calls that hang, entries left over.
type fakeKeyring struct {
	mu      sync.Mutex
	entries map[string]string // by account; the service is always "ship"
	limit   int               // most bytes one entry takes, as Windows' 2560; 0: no limit

	// hang, when set for an operation ("set", "get", "delete"), makes the
	// next such call signal stuck and block until release is closed;
	// hangAfterStore makes a hanging Set store its value first (the
	// keyring did the work, but its answer is late).
	hang           map[string]bool
	hangAfterStore bool
	stuck          chan time.Time
	release        chan struct{}
	deleted        chan string
}

func newFake() *fakeKeyring {
	return &fakeKeyring{entries: map[string]string{}, hang: map[string]bool{},
		stuck: make(chan time.Time, 1), release: make(chan struct{}), deleted: make(chan string, 100)}
}

// store returns a keyring store over f whose timeouts fire exactly when a
// call of f hangs, so tests of timeouts wait for no clock.
func (f *fakeKeyring) store() *keyringStore {
	return &keyringStore{timeout: time.Second, backend: f, after: f.timer}
}

func (f *fakeKeyring) timer(time.Duration) <-chan time.Time { return f.stuck }

func (f *fakeKeyring) maybeHang(op string) {
	f.mu.Lock()
	hang := f.hang[op]
	delete(f.hang, op)
	f.mu.Unlock()
	if hang {
		f.stuck <- time.Now()
		<-f.release
	}
}

func (f *fakeKeyring) Set(service, user, value string) error {
	if service != "ship" {
		panic("service " + service)
	}
	if f.limit > 0 && len(value) > f.limit {
		return keyring.ErrSetDataTooBig
	}
	if f.hangAfterStore {
		f.put(user, value)
		f.maybeHang("set")
		return nil
	}
	f.maybeHang("set")
	f.put(user, value)
	return nil
}

func (f *fakeKeyring) put(user, value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entries[user] = value
}

func (f *fakeKeyring) Get(service, user string) (string, error) {
	f.maybeHang("get")
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.entries[user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (f *fakeKeyring) Delete(service, user string) error {
	f.maybeHang("delete")
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.entries[user]; !ok {
		return keyring.ErrNotFound
	}
	delete(f.entries, user)
	f.deleted <- user
	return nil
}

func (f *fakeKeyring) available() error { return nil }

func (f *fakeKeyring) accounts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var names []string
	for k := range f.entries {
		names = append(names, k)
	}
	return names
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func TestChunksFitWindowsLimit(t *testing.T) {
	f := newFake()
	f.limit = 2560
	s := f.store()
	big := randomBytes(10 * 1024)
	mustSet(t, s, regA, big)
	mustGet(t, s, regA, big)
	if n := len(f.accounts()); n != 1+6 {
		t.Errorf("a 10 KiB secret took %d entries %v, want a header and 6 chunks", n, f.accounts())
	}

	// Shrinking leaves no chunk of the longer secret behind.
	mid := randomBytes(3000)
	mustSet(t, s, regA, mid)
	mustGet(t, s, regA, mid)
	if n := len(f.accounts()); n != 1+2 {
		t.Errorf("after shrinking to 3000 bytes: entries %v, want a header and 2 chunks", f.accounts())
	}
	mustSet(t, s, regA, []byte("small"))
	mustGet(t, s, regA, []byte("small"))
	if got := f.accounts(); len(got) != 1 || got[0] != regA {
		t.Errorf("after shrinking to 5 bytes: entries %v, want only %s", got, regA)
	}

	mustSet(t, s, regA, big)
	if err := s.Delete(regA); err != nil {
		t.Fatal(err)
	}
	if got := f.accounts(); len(got) != 0 {
		t.Errorf("after Delete of a chunked secret: entries %v, want none", got)
	}
}

func TestSecretLookingLikeAHeader(t *testing.T) {
	s := newFake().store()
	for _, secret := range []string{headerPrefix, headerPrefix + "2:" + strings.Repeat("0", 32), headerPrefix + "junk"} {
		mustSet(t, s, regA, []byte(secret))
		mustGet(t, s, regA, []byte(secret))
	}
}

func TestSecretTooLarge(t *testing.T) {
	f := newFake()
	err := f.store().Set(regA, make([]byte, maxChunks*chunkSize+1))
	if err == nil || errors.Is(err, ErrUnavailable) {
		t.Errorf("Set of a secret over the cap: %v, want a size error", err)
	}
	if got := f.accounts(); len(got) != 0 {
		t.Errorf("a refused Set wrote %v", got)
	}
}

func TestOrphanChunksCleanedUp(t *testing.T) {
	// As a Set interrupted after writing its chunks but before its header
	// would leave them.
	f := newFake()
	for i := 1; i <= 3; i++ {
		f.entries[chunkUser(regA, i)] = "piece"
	}
	s := f.store()
	mustSet(t, s, regA, []byte("small"))
	if got := f.accounts(); len(got) != 1 {
		t.Errorf("after Set: entries %v, want only the main one", got)
	}
	for i := 1; i <= 3; i++ {
		f.entries[chunkUser(regA, i)] = "piece"
	}
	if err := s.Delete(regA); err != nil {
		t.Fatal(err)
	}
	if got := f.accounts(); len(got) != 0 {
		t.Errorf("after Delete: entries %v, want none", got)
	}
}

func TestTornChunks(t *testing.T) {
	f := newFake()
	s := f.store()
	big := randomBytes(5000)
	mustSet(t, s, regA, big)

	f.entries[chunkUser(regA, 2)] = string(randomBytes(2000)) // another secret's piece
	if _, err := s.Get(regA); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "log in again") {
		t.Errorf("Get with a mismatched chunk: %v, want ErrNotFound saying to log in again", err)
	}
	delete(f.entries, chunkUser(regA, 3))
	if _, err := s.Get(regA); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("Get with a missing chunk: %v, want ErrNotFound naming the missing part", err)
	}
	f.entries[regA] = headerPrefix + "many:xyz"
	if _, err := s.Get(regA); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("Get with a damaged header: %v, want ErrNotFound saying it is damaged", err)
	}
}

func TestSetTimedOutButWritten(t *testing.T) {
	f := newFake()
	defer close(f.release)
	f.hang["set"] = true
	f.hangAfterStore = true
	s := f.store()
	if err := s.Set(regA, []byte("secret")); err != nil {
		t.Fatalf("Set whose answer came late but whose value is there: %v, want success", err)
	}
	mustGet(t, s, regA, []byte("secret"))
}

func TestSetTimedOut(t *testing.T) {
	f := newFake()
	defer close(f.release)
	f.hang["set"] = true
	s := f.store()
	err := s.Set(regA, []byte("secret"))
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "did not answer within 1s") {
		t.Errorf("Set that hangs: %v, want ErrUnavailable saying it did not answer", err)
	}
}

func TestGetAndDeleteTimedOut(t *testing.T) {
	f := newFake()
	defer close(f.release)
	s := f.store()
	mustSet(t, s, regA, []byte("secret"))
	f.hang["get"] = true
	if _, err := s.Get(regA); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "locked") {
		t.Errorf("Get that hangs: %v, want ErrUnavailable suggesting a locked keyring", err)
	}
	f.hang["delete"] = true
	if err := s.Delete(regA); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Delete that hangs: %v, want ErrUnavailable", err)
	}
}

func TestRegistryNames(t *testing.T) {
	s := newFake().store()
	for _, r := range []string{"", "https://x.example/api#chunk-1"} {
		if err := s.Set(r, []byte("x")); err == nil {
			t.Errorf("Set(%q) succeeded", r)
		}
		if _, err := s.Get(r); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%q): %v, want a refusal", r, err)
		}
	}
}

func TestProbeFake(t *testing.T) {
	f := newFake()
	if err := probe(f, time.Second, f.timer, "ship-probe-test"); err != nil {
		t.Fatal(err)
	}
	if got := f.accounts(); len(got) != 0 {
		t.Errorf("the probe left %v behind", got)
	}
	if got := <-f.deleted; got != "ship-probe-test" {
		t.Errorf("deleted %q, want the probe entry", got)
	}

	// A keyring that hangs: the probe gives up, and when the write finally
	// lands the probe entry is deleted all the same.
	f.hang["set"] = true
	err := probe(f, time.Second, f.timer, "ship-probe-late")
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "did not answer") {
		t.Errorf("probe of a hanging keyring: %v, want ErrUnavailable saying it did not answer", err)
	}
	close(f.release)
	if got := <-f.deleted; got != "ship-probe-late" {
		t.Errorf("deleted %q, want the probe entry", got)
	}
	if got := f.accounts(); len(got) != 0 {
		t.Errorf("the late probe left %v behind", got)
	}
}

func TestProbeTooBig(t *testing.T) {
	f := newFake()
	f.limit = 1
	err := probe(f, time.Second, f.timer, "ship-probe-test")
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "too big") {
		t.Errorf("probe of a keyring refusing the entry: %v, want ErrUnavailable saying too big", err)
	}
}
