package registrytest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/hexship/ship/registry/repofile"
	"github.com/rogpeppe/go-internal/testscript"
)

// repo-verify [-repo NAME] [PACKAGE...]
//
// fetches /repo/public_key, /repo/names, /repo/versions and the package
// files of every package (or only those named), verifies each signature
// with the served key and each repository name, downloads every tarball
// and checks it against the outer checksum, and checks that the files agree
// with each other and with the API. It prints what it read as JSON to
// stdout for the script to match.
func cmdRepoVerify(ts *testscript.TestScript, neg bool, args []string) {
	fs := flag.NewFlagSet("repo-verify", flag.ContinueOnError)
	repoName := fs.String("repo", "shipyard", "expected repository name")
	if neg || fs.Parse(args) != nil {
		ts.Fatalf("usage: repo-verify [-repo NAME] [PACKAGE...]")
	}
	base := registry(ts) + "/repo"
	pub, err := repofile.ParsePublicKeyPEM(get(ts, base+"/public_key", nil))
	ts.Check(err)

	open := func(path string) []byte {
		body := get(ts, base+path, nil)
		payload, err := repofile.Open(body, pub)
		if err != nil {
			ts.Fatalf("%s: %v", path, err)
		}
		return payload
	}
	names, err := repofile.DecodeNames(open("/names"), *repoName)
	ts.Check(err)
	versions, err := repofile.DecodeVersions(open("/versions"), *repoName)
	ts.Check(err)

	summary := map[string]any{}
	var listed []string
	for _, n := range names.Packages {
		listed = append(listed, n.Name)
	}
	summary["names"] = listed
	if !slices.IsSorted(listed) {
		ts.Fatalf("/names is not sorted: %v", listed)
	}
	if len(versions.Packages) != len(names.Packages) {
		ts.Fatalf("/names lists %d packages, /versions %d", len(names.Packages), len(versions.Packages))
	}
	want := fs.Args()
	if len(want) == 0 {
		want = listed
	}
	packages := map[string]any{}
	for _, v := range versions.Packages {
		if !slices.Contains(want, v.Name) {
			continue
		}
		pkg, err := repofile.DecodePackage(open("/packages/"+v.Name), *repoName, v.Name)
		ts.Check(err)
		var releases []any
		var pkgVersions []string
		for i, rel := range pkg.Releases {
			pkgVersions = append(pkgVersions, rel.Version)
			tarball := get(ts, fmt.Sprintf("%s/tarballs/%s-%s.tar", base, v.Name, rel.Version), nil)
			sum := sha256.Sum256(tarball)
			if !bytes.Equal(sum[:], rel.OuterChecksum) {
				ts.Fatalf("tarball %s-%s does not match the outer checksum in /packages/%s", v.Name, rel.Version, v.Name)
			}
			r := map[string]any{"version": rel.Version, "outer_checksum": hex.EncodeToString(rel.OuterChecksum)}
			if rel.Retired != nil {
				r["retired"] = rel.Retired.Reason + ": " + rel.Retired.Message
				if !slices.Contains(v.Retired, int32(i)) {
					ts.Fatalf("%s %s is retired in /packages but not in /versions", v.Name, rel.Version)
				}
			}
			var deps []string
			for _, d := range rel.Dependencies {
				deps = append(deps, d.Package+" "+d.Requirement)
			}
			if deps != nil {
				r["dependencies"] = deps
			}
			releases = append(releases, r)
		}
		if !slices.Equal(pkgVersions, v.Versions) {
			ts.Fatalf("/versions lists %v for %s, /packages/%s %v", v.Versions, v.Name, v.Name, pkgVersions)
		}
		if api := apiVersions(ts, v.Name); !slices.Equal(api, pkgVersions) {
			ts.Fatalf("the API lists %v for %s, the repository %v", api, v.Name, pkgVersions)
		}
		packages[v.Name] = releases
	}
	summary["packages"] = packages
	fmt.Fprintln(ts.Stdout(), indentJSON(ts, summary))
}

// apiVersions lists a package's versions through GET /api/packages/NAME,
// oldest first like the repository.
func apiVersions(ts *testscript.TestScript, name string) []string {
	var pkg struct {
		Releases []struct{ Version string } `json:"releases"`
	}
	ts.Check(json.Unmarshal(get(ts, registry(ts)+"/api/packages/"+name, http.Header{"Accept": {"application/json"}}), &pkg))
	var out []string
	for _, r := range slices.Backward(pkg.Releases) {
		out = append(out, r.Version)
	}
	return out
}

// get fetches url and fails the script unless it answers 200.
func get(ts *testscript.TestScript, url string, h http.Header) []byte {
	req, err := http.NewRequest("GET", url, nil)
	ts.Check(err)
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	ts.Check(err)
	if resp.StatusCode != http.StatusOK {
		ts.Fatalf("GET %s: %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	return body
}

// repo-has NAME VERSIONS... checks that the verified /repo/versions lists
// every one of VERSIONS (each argument may hold several, space-separated)
// for package NAME: what the server confirmed must survive a crash.
func cmdRepoHas(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: repo-has NAME VERSIONS...")
	}
	base := registry(ts) + "/repo"
	pub, err := repofile.ParsePublicKeyPEM(get(ts, base+"/public_key", nil))
	ts.Check(err)
	payload, err := repofile.Open(get(ts, base+"/versions", nil), pub)
	ts.Check(err)
	versions, err := repofile.DecodeVersions(payload, "shipyard")
	ts.Check(err)
	var have []string
	for _, p := range versions.Packages {
		if p.Name == args[0] {
			have = p.Versions
		}
	}
	for _, arg := range args[1:] {
		for _, v := range strings.Fields(arg) {
			if !slices.Contains(have, v) {
				ts.Fatalf("%s %s was confirmed to the client but is missing after the restart (have %v)", args[0], v, have)
			}
		}
	}
}
