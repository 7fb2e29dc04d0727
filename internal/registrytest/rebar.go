package registrytest

import (
	"fmt"
	"os"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// rebar-config [-repo NAME] DEP VERSION writes ./rebar.config depending on
// DEP at VERSION from the running shipyard alone, with the repository's
// public key (fetched from /repo/public_key) so that rebar3 verifies every
// file it reads.
func cmdRebarConfig(ts *testscript.TestScript, neg bool, args []string) {
	repo := "shipyard"
	if len(args) > 2 && args[0] == "-repo" {
		repo, args = args[1], args[2:]
	}
	if neg || len(args) != 2 {
		ts.Fatalf("usage: rebar-config [-repo NAME] DEP VERSION")
	}
	base := registry(ts)
	key := strings.TrimSpace(string(get(ts, base+"/repo/public_key", nil)))
	config := fmt.Sprintf(`{deps, [{%s, "%s"}]}.
{hex, [{repos, replace, [#{name => <<"%s">>,
        repo_url => <<"%s/repo">>,
        api_url => <<"%s/api">>,
        repo_verify => true,
        repo_public_key => <<"%s">>}]}]}.
`, args[0], args[1], repo, base, base, strings.ReplaceAll(key, "\n", `\n`))
	ts.Check(os.WriteFile(ts.MkAbs("rebar.config"), []byte(config), 0o644))
}
