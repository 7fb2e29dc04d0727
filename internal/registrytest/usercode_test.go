package registrytest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFindUserCode(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"First copy your one-time code: BCDF-GHJK\n", "BCDFGHJK"},
		{"Open http://127.0.0.1:4000/oauth/device?user_code=BCDFGHJK in your browser\n", "BCDFGHJK"},
		{`{"device_code": "x-BCDF-GHJK_y", "user_code": "2345ZZZZ"}` + "\n", "2345ZZZZ"},
		{"code: BCDF-GHJK\nexpired; new code: 9876-WXYZ\n", "9876WXYZ"}, // the last one
		{"code: BCDF-GHJK", ""},             // maybe not all written yet
		{"code: BCDF-GH\n", ""},             // half a code
		{"code: bcdf-ghjk\n", ""},           // lowercase: words would match
		{"code: ABCD-EFGH\n", ""},           // vowels are not in the alphabet
		{"code: BCDF-GHJK-LMNP\n", ""},      // part of a longer token
		{"code: XBCDF-GHJK\n", ""},          // part of a longer token
		{"code: BCDF0GHJ\n", ""},            // 0 is not in the alphabet
		{"token shya_BCDFGHJK2345 x\n", ""}, // part of a longer token
		{"", ""},
	} {
		if got := findUserCode(tc.text); got != tc.want {
			t.Errorf("findUserCode(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestWaitUserCodeSeesTheCodeWrittenLater(t *testing.T) {
	path := filepath.Join(t.TempDir(), "auth.log")
	done := make(chan error, 1)
	var code string
	go func() {
		var err error
		code, err = waitUserCode(path, time.Minute)
		done <- err
	}()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Written in pieces as a program prints: half a code is not read.
	for _, piece := range []string{"Your code: BCDF-", "GH", "JK", "\nWaiting...\n"} {
		if _, err := f.WriteString(piece); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil || code != "BCDFGHJK" {
		t.Fatalf("code %q, error %v", code, err)
	}
}

func TestWaitUserCodeGivesUpSayingWhatItSaw(t *testing.T) {
	dir := t.TempDir()
	_, err := waitUserCode(filepath.Join(dir, "missing"), 10*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "missing does not exist") {
		t.Errorf("missing file: %v", err)
	}
	path := filepath.Join(dir, "log")
	if err := os.WriteFile(path, []byte("Opening the browser...\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = waitUserCode(path, 10*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "which holds:\nOpening the browser...") {
		t.Errorf("file without a code: %v", err)
	}
}

// FuzzFindUserCode: whatever a program prints, a code found is a real
// code's shape and was in the text as a whole token.
func FuzzFindUserCode(f *testing.F) {
	f.Add("First copy your one-time code: BCDF-GHJK\n")
	f.Add("?user_code=BCDFGHJK&x=1\n")
	f.Add(`{"user_code":"2345ZZZZ"}`)
	f.Add("BCDF-GHJK-LMNP BCDFGHJK")
	f.Fuzz(func(t *testing.T, text string) {
		got := findUserCode(text)
		if got == "" {
			return
		}
		if _, ok := userCodeShape(got); !ok || len(got) != 8 {
			t.Fatalf("found %q, not a code", got)
		}
		if !strings.Contains(text, got) && !strings.Contains(text, got[:4]+"-"+got[4:]) {
			t.Fatalf("found %q, which %q does not hold", got, text)
		}
	})
}
