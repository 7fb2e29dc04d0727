package registrytest

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// userCodeAlphabet is what shipyard draws device user codes from: no
// vowels (no words), no 0, 1 or O (no misreadings).
const userCodeAlphabet = "23456789BCDFGHJKLMNPQRSTVWXYZ"

// findUserCode returns the last device user code in text, in its stored
// form (8 characters, no dash), or "". A code counts when it stands alone
// (not part of a longer run of letters, digits, _ or -) and something
// follows it, so that half a line written so far is not read as a code:
// "BCDF-GHJK" as ship shows it, or "BCDFGHJK" as in a link's
// ?user_code=BCDFGHJK or a JSON answer. Lowercase is not a code: too many
// words would be.
func findUserCode(text string) string {
	found := ""
	for i := 0; i < len(text); {
		if !isCodeRunByte(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isCodeRunByte(text[j]) {
			j++
		}
		if j < len(text) { // followed by something: the run is whole
			if c, ok := userCodeShape(text[i:j]); ok {
				found = c
			}
		}
		i = j
	}
	return found
}

// isCodeRunByte reports whether c can belong to a token around a code.
func isCodeRunByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// userCodeShape reports whether run is a user code, XXXXXXXX or
// XXXX-XXXX, and returns it without the dash.
func userCodeShape(run string) (string, bool) {
	if len(run) == 9 && run[4] == '-' {
		run = run[:4] + run[5:]
	}
	if len(run) != 8 {
		return "", false
	}
	for i := 0; i < len(run); i++ {
		if strings.IndexByte(userCodeAlphabet, run[i]) < 0 {
			return "", false
		}
	}
	return run, true
}

// codePoll is how often waitUserCode reads the file again.
const codePoll = 20 * time.Millisecond

// waitUserCode reads path until it holds a user code or wait has passed
// (a missing file is waited for too). On time out the error shows the
// end of what the file held.
func waitUserCode(path string, wait time.Duration) (string, error) {
	deadline := time.Now().Add(wait)
	for {
		data, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		if code := findUserCode(string(data)); code != "" {
			return code, nil
		}
		if time.Now().After(deadline) {
			if err != nil {
				return "", fmt.Errorf("no device code after %v: %s does not exist", wait, path)
			}
			tail := string(data)
			if len(tail) > 600 {
				tail = "..." + tail[len(tail)-600:]
			}
			return "", fmt.Errorf("no device code after %v in %s, which holds:\n%s", wait, path, tail)
		}
		time.Sleep(codePoll)
	}
}
