package repofile

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hexship/ship/internal/hexcoretest"
)

// This file checks the files against the real hex_core (0.7.1, bundled in
// rebar3): hex_core verifies and decodes what we seal, and hex_core's own
// encoder, given the terms we expect it to decode, writes the very payload
// bytes we do and signs files that Open reads.

// eterm builds Erlang term text for file:consult. Binaries are written as
// byte lists so that no escaping rules can blur the comparison.
func ebin(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = strconv.Itoa(int(c))
	}
	return "<<" + strings.Join(parts, ",") + ">>"
}

func estr(s string) string { return ebin([]byte(s)) }

func elist(items []string) string { return "[" + strings.Join(items, ",") + "]" }

// emap writes a map from alternating keys and values.
func emap(kv ...string) string {
	var parts []string
	for i := 0; i < len(kv); i += 2 {
		parts = append(parts, kv[i]+" => "+kv[i+1])
	}
	return "#{" + strings.Join(parts, ", ") + "}"
}

// The expectations below restate, independently of the encoder, what hexpm
// puts in each file and how hex_core 0.7.1 (which knows neither updated_at
// nor published_at) reads it back: the whole message as a map, of which its
// decode functions return the packages (or releases) list.

func expectNames(n Names) string {
	return emap("packages", expectNamesList(n), "repository", estr(n.Repository))
}

func expectNamesList(n Names) string {
	var pkgs []string
	for _, p := range n.Packages {
		pkgs = append(pkgs, emap("name", estr(p.Name)))
	}
	return elist(pkgs)
}

func expectVersions(v Versions) string {
	return emap("packages", expectVersionsList(v), "repository", estr(v.Repository))
}

func expectVersionsList(v Versions) string {
	var pkgs []string
	for _, p := range v.Packages {
		var vs, rs []string
		for _, s := range p.Versions {
			vs = append(vs, estr(s))
		}
		for _, r := range p.Retired {
			rs = append(rs, strconv.Itoa(int(r)))
		}
		pkgs = append(pkgs, emap("name", estr(p.Name), "versions", elist(vs), "retired", elist(rs)))
	}
	return elist(pkgs)
}

func expectPackage(p *Package) string {
	return emap("releases", expectReleases(p), "name", estr(p.Name), "repository", estr(p.Repository))
}

func expectReleases(p *Package) string {
	var rels []string
	for _, r := range p.Releases {
		var deps []string
		for _, d := range r.Dependencies {
			req := d.Requirement
			if req == "" {
				req = ">= 0.0.0"
			}
			kv := []string{"package", estr(d.Package), "requirement", estr(req)}
			if d.Optional {
				kv = append(kv, "optional", "true")
			}
			if d.App != "" && d.App != d.Package {
				kv = append(kv, "app", estr(d.App))
			}
			if d.Repository != "" && d.Repository != p.Repository {
				kv = append(kv, "repository", estr(d.Repository))
			}
			deps = append(deps, emap(kv...))
		}
		kv := []string{"version", estr(r.Version), "inner_checksum", ebin(r.InnerChecksum), "dependencies", elist(deps)}
		if r.Retired != nil {
			rt := []string{"reason", "'RETIRED_" + strings.ToUpper(r.Retired.Reason) + "'"}
			if r.Retired.Message != "" {
				rt = append(rt, "message", estr(r.Retired.Message))
			}
			kv = append(kv, "retired", emap(rt...))
		}
		if len(r.OuterChecksum) > 0 {
			kv = append(kv, "outer_checksum", ebin(r.OuterChecksum))
		}
		rels = append(rels, emap(kv...))
	}
	return elist(rels)
}

// withoutTimes drops what hex_core 0.7.1 cannot encode, for comparing its
// payloads with ours.
func withoutTimes(v any) any {
	switch v := v.(type) {
	case Names:
		out := v
		out.Packages = append([]NamesEntry(nil), v.Packages...)
		for i := range out.Packages {
			out.Packages[i].UpdatedAt = time.Time{}
		}
		return out
	case *Package:
		out := *v
		out.Releases = append([]Release(nil), v.Releases...)
		for i := range out.Releases {
			out.Releases[i].PublishedAt = time.Time{}
		}
		return &out
	}
	return v
}

// hexcoreCase is one file for hex_core to open, and what it should say.
type hexcoreCase struct {
	id, file, kind, pubFile, repo, name string
	// want is an Erlang term: {verified, DecodeResult} once the signature
	// verified, {refused, Error} when it did not. hex_core 0.7.1 says
	// {error, unverified} both for a bad signature and for a file of another
	// repository; the verified/refused tag tells the two apart.
	want string
}

func TestHexCoreReadsOurFiles(t *testing.T) {
	hexcoretest.Require(t)
	dir := t.TempDir()
	write := func(name string, b []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	key, other := testKey(t, "key1.pem"), testKey(t, "key2.pem")
	s, so := NewSigner(key), NewSigner(other)
	write("pub.pem", s.PublicKeyPEM())
	write("key.pem", pemPKCS1(key))
	seal := func(s *Signer, name string, payload []byte) {
		t.Helper()
		f, err := s.Seal(payload)
		if err != nil {
			t.Fatal(err)
		}
		write(name, f)
	}

	names, versions, pkg := sampleNames(), sampleVersions(), samplePackage()
	pkgPayload, err := EncodePackage(pkg)
	if err != nil {
		t.Fatal(err)
	}
	seal(s, "names", encodeNames(t, names))
	seal(s, "versions", encodeVersions(t, versions))
	seal(s, "package", pkgPayload)
	seal(so, "names-other-key", encodeNames(t, names))

	const originRefused = "{verified, {error, unverified}}"
	cases := []hexcoreCase{
		{"names", "names", "names", "pub.pem", "acme", "", "{verified, {ok, " + expectNamesList(names) + "}}"},
		{"versions", "versions", "versions", "pub.pem", "acme", "", "{verified, {ok, " + expectVersionsList(versions) + "}}"},
		{"package", "package", "package", "pub.pem", "acme", "plug", "{verified, {ok, " + expectReleases(pkg) + "}}"},
		{"other-key", "names-other-key", "names", "pub.pem", "acme", "", "{refused, {error, unverified}}"},
		{"names-other-repo", "names", "names", "pub.pem", "hexpm", "", originRefused},
		{"versions-other-repo", "versions", "versions", "pub.pem", "hexpm", "", originRefused},
		{"package-other-repo", "package", "package", "pub.pem", "hexpm", "plug", originRefused},
		{"package-other-name", "package", "package", "pub.pem", "acme", "plugs", originRefused},
	}
	var consult strings.Builder
	for _, c := range cases {
		fmt.Fprintf(&consult, "{%q, %q, %s, %q, %s, %s, %s}.\n", c.id, c.file, c.kind, c.pubFile, estr(c.repo), estr(c.name), c.want)
	}
	write("cases.eterm", []byte(consult.String()))
	// hex_core encodes and signs what we expect it to decode; we read that.
	var encode strings.Builder
	fmt.Fprintf(&encode, "{names, %q, %s}.\n", "hexcore-names", expectNames(names))
	fmt.Fprintf(&encode, "{versions, %q, %s}.\n", "hexcore-versions", expectVersions(versions))
	fmt.Fprintf(&encode, "{package, %q, %s}.\n", "hexcore-package", expectPackage(pkg))
	write("encode.eterm", []byte(encode.String()))

	out, err := hexcoretest.Eval(`
Dir = "` + dir + `",
Read = fun(F) -> {ok, B} = file:read_file(filename:join(Dir, F)), B end,
{ok, Cases} = file:consult(filename:join(Dir, "cases.eterm")),
Check = fun({Id, File, Kind, PubFile, Repo, Name, Want}) ->
    Got = try
        case r3_hex_registry:decode_and_verify_signed(zlib:gunzip(Read(File)), Read(PubFile)) of
            {ok, Payload} when Kind =:= names -> {verified, r3_hex_registry:decode_names(Payload, Repo)};
            {ok, Payload} when Kind =:= versions -> {verified, r3_hex_registry:decode_versions(Payload, Repo)};
            {ok, Payload} when Kind =:= package -> {verified, r3_hex_registry:decode_package(Payload, Repo, Name)};
            Err -> {refused, Err}
        end
    catch C:R -> {crash, C, R} end,
    case Got of
        Want -> io:format("case ~ts pass~n", [Id]);
        _ -> io:format("case ~ts fail ~0tp~n", [Id, Got])
    end
end,
[Check(C) || C <- Cases],
{ok, Encodes} = file:consult(filename:join(Dir, "encode.eterm")),
Key = Read("key.pem"),
Encode = fun({Kind, File, Term}) ->
    Payload = case Kind of
        names -> r3_hex_registry:encode_names(Term);
        versions -> r3_hex_registry:encode_versions(Term);
        package -> r3_hex_registry:encode_package(Term)
    end,
    ok = file:write_file(filename:join(Dir, File ++ ".payload"), Payload),
    ok = file:write_file(filename:join(Dir, File), zlib:gzip(r3_hex_registry:sign_protobuf(Payload, Key))),
    io:format("encoded ~ts~n", [File])
end,
[Encode(E) || E <- Encodes],
`)
	if err != nil {
		t.Fatal(err)
	}
	results := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "case "); ok {
			id, verdict, _ := strings.Cut(rest, " ")
			results[id] = verdict
		}
	}
	for _, c := range cases {
		switch got := results[c.id]; {
		case got == "":
			t.Errorf("%s: no verdict from erl:\n%s", c.id, out)
		case got != "pass":
			t.Errorf("%s: hex_core said %s\nwant %s", c.id, strings.TrimPrefix(got, "fail "), c.want)
		}
	}

	// hex_core's encoding of the expected terms is byte for byte ours (minus
	// the timestamps it does not know), and its signed files open here.
	pkgPlain, err := EncodePackage(withoutTimes(pkg).(*Package))
	if err != nil {
		t.Fatal(err)
	}
	ours := map[string][]byte{
		"hexcore-names":    encodeNames(t, withoutTimes(names).(Names)),
		"hexcore-versions": encodeVersions(t, versions),
		"hexcore-package":  pkgPlain,
	}
	for file, want := range ours {
		theirs, err := os.ReadFile(filepath.Join(dir, file+".payload"))
		if err != nil {
			t.Fatalf("%v\nerl said:\n%s", err, out)
		}
		if !bytes.Equal(theirs, want) {
			t.Errorf("%s: hex_core encodes\n%x\nwe encode\n%x", file, theirs, want)
		}
		sealed, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		payload, err := Open(sealed, &key.PublicKey)
		if err != nil {
			t.Errorf("%s: Open of hex_core's file: %v", file, err)
			continue
		}
		if !bytes.Equal(payload, theirs) {
			t.Errorf("%s: Open returned another payload", file)
		}
		if _, err := Open(sealed, &other.PublicKey); err == nil {
			t.Errorf("%s: hex_core's file opened with another key", file)
		}
	}
	if got, err := DecodeNames(mustOpen(t, dir, "hexcore-names", key), "acme"); err != nil || !reflect.DeepEqual(*got, withoutTimes(names)) {
		t.Errorf("DecodeNames of hex_core's file = %+v, %v", got, err)
	}
	if got, err := DecodeVersions(mustOpen(t, dir, "hexcore-versions", key), "acme"); err != nil || !reflect.DeepEqual(*got, versions) {
		t.Errorf("DecodeVersions of hex_core's file = %+v, %v", got, err)
	}
}
