package hexcoretest

import (
	"fmt"
	"os"
	"os/exec"
)

// Eval runs Erlang code in erl with hex_core's modules (r3_hex_*) loaded and
// returns what it printed. script is a sequence of expressions each ending
// with a comma, as in `X = f(), io:format("~p~n", [X]),`; Eval ends it with
// halt(). A crash of the script is an error carrying erl's output.
func Eval(script string) ([]byte, error) {
	cmd := exec.Command("erl", "-noshell", "-eval", loadHexCore+script+"\nhalt().")
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "LC_ALL=C.UTF-8")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("erl: %v\n%s", err, out)
	}
	return out, nil
}
