// Package iostreams holds the standard streams of a command and what is
// known about them: whether a person is at a terminal to answer prompts, and
// whether colour is welcome.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are the streams a command reads and writes. Commands never use
// os.Stdin/os.Stdout directly, so tests can run them against buffers.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	inTTY, outTTY, errTTY bool
	noColor               bool
}

// System returns the process's streams, with terminal detection.
func System() *IOStreams {
	_, noColor := os.LookupEnv("NO_COLOR")
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		inTTY:   isTerminal(os.Stdin),
		outTTY:  isTerminal(os.Stdout),
		errTTY:  isTerminal(os.Stderr),
		noColor: noColor,
	}
}

// Test returns streams backed by buffers, none of them a terminal, and the
// buffers for stdin, stdout and stderr.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, noColor: true}, in, out, errOut
}

// SetTTY marks the streams as terminals (or not), for tests.
func (s *IOStreams) SetTTY(in, out, errOut bool) { s.inTTY, s.outTTY, s.errTTY = in, out, errOut }

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.outTTY }

// IsStderrTTY reports whether standard error is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.errTTY }

// CanPrompt reports whether a person can answer a question: both standard
// input and standard error (where prompts go) are terminals.
func (s *IOStreams) CanPrompt() bool { return s.inTTY && s.errTTY }

// ColorEnabled reports whether output to stderr may use colour: it is a
// terminal and NO_COLOR is unset.
func (s *IOStreams) ColorEnabled() bool { return s.errTTY && !s.noColor }

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
