package publish

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/hexship/ship/tarball"
)

// defaultFiles is what a package holds when ship.toml has no files key:
// mix's default (Hex.Package.default_files) plus the entries rebar3_hex adds
// for Erlang projects. ship.toml itself is not among them: it tells ship how
// to publish, and nothing that builds or uses the package reads it.
var defaultFiles = []string{
	"lib", "priv", ".formatter.exs", "mix.exs", "README*", "readme*", "LICENSE*", "license*",
	"CHANGELOG*", "changelog*", "src", "c_src", "Makefile*",
	"rebar.config", "rebar.config.script", "rebar.lock", "include",
}

// skippedDirs are never packaged, wherever they are and whatever the
// patterns say: version control data, build output and fetched
// dependencies are large, specific to one machine, and sometimes private.
var skippedDirs = setOf(".git", ".hg", ".svn", ".jj", "_build", "deps", "node_modules", ".elixir_ls", "_checkouts")

// skippedFiles are files that file managers leave behind; mix drops
// .DS_Store too.
var skippedFiles = setOf(".DS_Store")

// reservedFile is written by mix next to a fetched package's files, so a
// package must not bring its own; mix refuses to build one that does.
const reservedFile = "hex_metadata.config"

// entry is one path in the package directory.
type entry struct {
	name string      // slash-separated, relative to the package directory
	info fs.FileInfo // from Lstat: a symlink is described, never followed
}

// selection is what the files patterns select in a package directory.
type selection struct {
	files []tarball.File // what goes into contents.tar.gz, sorted by name
	names []string       // every selected path, directories included, sorted: metadata's files, as mix lists them
}

// selectFiles applies the files patterns (nil: the defaults) to the package
// in root, which dir names. Problems with patterns or files are recorded in
// r; the error is for a directory that cannot be read.
func selectFiles(r *report, root *os.Root, dir string, patterns *[]string) (*selection, error) {
	entries, err := walkPackage(root)
	if err != nil {
		return nil, err
	}
	explicit, list := patterns != nil, defaultFiles
	if explicit {
		list = *patterns
	}
	sel, err := collect(r, root, dir, applyPatterns(r, entries, list, explicit))
	if err != nil {
		return nil, err
	}
	r.checkSelection(sel, explicit)
	return sel, nil
}

// walkPackage lists everything in root, each directory before what it
// holds, leaving out the skipped directories and files.
func walkPackage(root *os.Root) ([]entry, error) {
	var entries []entry
	err := fs.WalkDir(root.FS(), ".", func(name string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case name == ".":
			return nil
		case d.IsDir() && skippedDirs[d.Name()]:
			return fs.SkipDir
		case skippedFiles[d.Name()]:
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		entries = append(entries, entry{name: name, info: info})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the package directory %s: %w", root.Name(), err)
	}
	return entries, nil
}

// applyPatterns returns the entries the patterns select, in walk order:
// each entry a pattern matches, and everything under a matched directory.
// A pattern that matches nothing is a problem only when the author wrote
// it; the defaults are meant to fit many kinds of project.
func applyPatterns(r *report, entries []entry, patterns []string, explicit bool) []entry {
	selected := make([]bool, len(entries))
	for i, written := range patterns {
		key := fmt.Sprintf("files[%d]", i)
		pattern, msg, fix := cleanPattern(written)
		if msg != "" {
			r.add(key, msg, fix)
			continue
		}
		if !selectMatches(entries, pattern, selected) && explicit {
			r.add(key, fmt.Sprintf("%q matches nothing", written), noMatchFix(pattern))
		}
	}
	var chosen []entry
	for i, e := range entries {
		if selected[i] {
			chosen = append(chosen, e)
		}
	}
	return chosen
}

// cleanPattern normalises a pattern ("./lib/" is "lib") or says what is
// wrong with it.
func cleanPattern(pattern string) (clean, msg, fix string) {
	const relative = `write paths relative to the package directory, such as "lib" or "priv/**/*.json"`
	switch {
	case pattern == "":
		return "", "is empty", "remove it"
	case path.IsAbs(pattern) || filepath.IsAbs(pattern):
		return "", fmt.Sprintf("%q is absolute", pattern), relative
	case slices.Contains(strings.Split(pattern, "/"), ".."):
		return "", fmt.Sprintf("%q reaches outside the package directory", pattern), relative
	case !doublestar.ValidatePattern(pattern):
		return "", fmt.Sprintf("%q is not a valid pattern", pattern), "check its brackets and braces"
	}
	clean = path.Clean(pattern)
	if clean == "." {
		// The whole directory would bring in .env files, editor settings
		// and the like; wildcards leave those out.
		return "", fmt.Sprintf("%q selects the whole directory, dotfiles included", pattern),
			`list what the package needs, such as "lib" and "mix.exs", or write "*", which leaves dotfiles out`
	}
	return clean, "", ""
}

// selectMatches marks the entries pattern matches, with everything under
// the directories among them, and reports whether it matched any.
func selectMatches(entries []entry, pattern string, selected []bool) bool {
	matched := false
	for i := 0; i < len(entries); i++ {
		if !matches(pattern, entries[i].name) {
			continue
		}
		matched = true
		selected[i] = true
		if !entries[i].info.IsDir() {
			continue
		}
		// Walk order puts a directory's contents right after it.
		for dir := entries[i].name; i+1 < len(entries) && within(dir, entries[i+1].name); {
			i++
			selected[i] = true
		}
	}
	return matched
}

// within reports whether name is under directory dir.
func within(dir, name string) bool {
	return strings.HasPrefix(name, dir+"/")
}

// matches reports whether pattern selects name. As in a shell, and in the
// Path.wildcard mix uses, a wildcard does not match a name that starts with
// a dot, so that "*" cannot sweep .env or .github into a package; a pattern
// that spells the dot out (".formatter.exs", "priv/.well-known/**") can.
func matches(pattern, name string) bool {
	ok, _ := doublestar.Match(pattern, name) // the pattern was validated
	return ok && !hasUnspelledDotName(pattern, name)
}

// hasUnspelledDotName reports whether a segment of name starts with a dot
// that no dot-led segment of pattern matches.
func hasUnspelledDotName(pattern, name string) bool {
	patternSegments := strings.Split(pattern, "/")
	for segment := range strings.SplitSeq(name, "/") {
		if !strings.HasPrefix(segment, ".") {
			continue
		}
		spelled := slices.ContainsFunc(patternSegments, func(p string) bool {
			ok, _ := doublestar.Match(p, segment)
			return ok && strings.HasPrefix(p, ".")
		})
		if !spelled {
			return true
		}
	}
	return false
}

// noMatchFix explains a pattern that matches nothing.
func noMatchFix(pattern string) string {
	for segment := range strings.SplitSeq(pattern, "/") {
		if skippedDirs[segment] || skippedFiles[segment] {
			return fmt.Sprintf("ship never packages %s: remove the entry", segment)
		}
	}
	return `check the path, or remove the entry (wildcards do not match names that start with ".")`
}

// collect turns the chosen entries into tarball files: regular files,
// symlinks that stay inside the package, and directories with nothing
// chosen under them, which hex_core also writes so that they exist when
// the package is unpacked.
func collect(r *report, root *os.Root, dir string, chosen []entry) (*selection, error) {
	hasContents := make(map[string]bool)
	for _, e := range chosen {
		for d := path.Dir(e.name); d != "." && !hasContents[d]; d = path.Dir(d) {
			hasContents[d] = true
		}
	}
	sel := &selection{}
	for _, e := range chosen {
		sel.names = append(sel.names, e.name)
		if e.info.IsDir() && hasContents[e.name] {
			continue
		}
		f, ok, err := toFile(r, root, dir, e)
		if err != nil {
			return nil, err
		}
		if ok {
			sel.files = append(sel.files, f)
		}
	}
	slices.Sort(sel.names)
	slices.SortFunc(sel.files, func(a, b tarball.File) int { return strings.Compare(a.Name, b.Name) })
	return sel, nil
}

// toFile describes one entry for the tarball, or records in r why it
// cannot be packaged.
func toFile(r *report, root *os.Root, dir string, e entry) (tarball.File, bool, error) {
	mode := e.info.Mode()
	if strings.Contains(e.name, `\`) {
		r.add("files", fmt.Sprintf("%s has a backslash in its name", e.name),
			"rename it: on Windows a backslash separates directories")
		return tarball.File{}, false, nil
	}
	switch {
	case mode.IsRegular():
		return tarball.File{Name: e.name, Mode: mode, Size: e.info.Size(), Open: opener(dir, e.name)}, true, nil
	case mode.IsDir():
		return tarball.File{Name: e.name, Mode: mode}, true, nil
	case mode&fs.ModeSymlink != 0:
		return symlinkFile(r, root, e)
	}
	r.add("files", fmt.Sprintf("%s is a %s; a package holds only files, directories and symlinks", e.name, fileKind(mode)),
		"remove it from the package directory or leave it out of files")
	return tarball.File{}, false, nil
}

// symlinkFile keeps a symlink as a symlink when its target stays inside the
// package, as hex_core requires; ship never packages what a link points to.
func symlinkFile(r *report, root *os.Root, e entry) (tarball.File, bool, error) {
	target, err := root.Readlink(e.name)
	if err != nil {
		return tarball.File{}, false, err
	}
	if !linkStaysInside(e.name, target) {
		r.add("files", fmt.Sprintf("%s is a symlink to %q, outside the package", e.name, target),
			"make it a relative link to a path inside the package, or remove it")
		return tarball.File{}, false, nil
	}
	return tarball.File{Name: e.name, Mode: e.info.Mode(), Linkname: target}, true, nil
}

// linkStaysInside is hex_core's rule: the target is relative and, resolved
// from the link's directory without touching the disk, stays inside the
// package. Absolute targets would point into the machine that unpacks it.
func linkStaysInside(name, target string) bool {
	if target == "" || path.IsAbs(target) || filepath.IsAbs(target) || strings.ContainsAny(target, "\\\x00") {
		return false
	}
	resolved := path.Join(path.Dir(name), target)
	return resolved != ".." && !strings.HasPrefix(resolved, "../")
}

func fileKind(mode fs.FileMode) string {
	switch {
	case mode&fs.ModeNamedPipe != 0:
		return "named pipe (FIFO)"
	case mode&fs.ModeSocket != 0:
		return "socket"
	case mode&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

// opener opens a package file when the tarball is written, so files are
// read one at a time. It opens inside dir only: if a path was swapped for
// a symlink since it was selected, the link cannot lead outside.
func opener(dir, name string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		return os.OpenInRoot(dir, filepath.FromSlash(name))
	}
}

// checkSelection applies the rules about the package as a whole.
func (r *report) checkSelection(sel *selection, explicit bool) {
	if len(sel.names) == 0 {
		msg := "the package would be empty"
		if !explicit {
			msg += ": none of the default paths exist (" + strings.Join(defaultFiles, " ") + ")"
		}
		r.add("files", msg, `list the package's files, such as files = ["lib", "mix.exs", "README.md"]`)
	}
	if slices.Contains(sel.names, reservedFile) {
		r.add("files", reservedFile+" is in the package; mix writes that file when it fetches a package",
			"delete it or leave it out of files")
	}
}

// buildTools maps top-level files to the build tools they imply, in the
// order mix guesses them.
var buildTools = []struct{ file, tool string }{
	{"mix.exs", "mix"},
	{"rebar", "rebar3"}, {"rebar.lock", "rebar3"}, {"rebar.config", "rebar3"}, {"rebar.config.script", "rebar3"},
	{"erlang.mk", "make"}, {"Makefile", "make"}, {"Makefile.win", "make"},
}

// guessBuildTools guesses build_tools from the top-level files as mix
// does, defaulting to mix.
func (sel *selection) guessBuildTools() []string {
	var tools []string
	for _, bt := range buildTools {
		if slices.Contains(sel.names, bt.file) && !slices.Contains(tools, bt.tool) {
			tools = append(tools, bt.tool)
		}
	}
	if len(tools) == 0 {
		return []string{"mix"}
	}
	return tools
}
