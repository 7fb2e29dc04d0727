package cli

import (
	"errors"
	"strings"

	"github.com/charmbracelet/huh"
)

// askOTP asks the person for a two-factor code. An empty answer or
// Ctrl-C cancels.
func (s *session) askOTP() (string, error) {
	var code string
	err := huh.NewInput().
		Title("Two-factor code from your authenticator app").
		Value(&code).
		WithTheme(s.theme()).
		Run()
	if errors.Is(err, huh.ErrUserAborted) || (err == nil && strings.TrimSpace(code) == "") {
		return "", errCancelled
	}
	return strings.TrimSpace(code), err
}

// confirm asks a yes/no question; Ctrl-C is a no that cancels.
func (s *session) confirm(question string, def bool) (bool, error) {
	yes := def
	err := huh.NewConfirm().Title(question).Value(&yes).WithTheme(s.theme()).Run()
	if errors.Is(err, huh.ErrUserAborted) {
		return false, errCancelled
	}
	return yes, err
}

// theme is plain when NO_COLOR is set or stderr is no terminal.
func (s *session) theme() *huh.Theme {
	if !s.ios.ColorEnabled() {
		return huh.ThemeBase()
	}
	return huh.ThemeCharm()
}
