package sqlstore

import "testing"

// The latest version is the highest stable one in SemVer order (not
// string order), else the highest pre-release; strings that are not
// versions count only when nothing else is there.
func TestLatestVersion(t *testing.T) {
	for _, c := range []struct {
		versions []string
		want     string
	}{
		{nil, ""},
		{[]string{"1.9.0", "1.10.0", "1.2.0"}, "1.10.0"},
		{[]string{"1.0.0", "2.0.0-rc.1"}, "1.0.0"},
		{[]string{"2.0.0-beta.2", "2.0.0-beta.11", "2.0.0-alpha"}, "2.0.0-beta.11"},
		{[]string{"junk", "0.0.1-dev"}, "0.0.1-dev"},
		{[]string{"b", "a"}, "b"},
	} {
		if got := LatestVersion(c.versions); got != c.want {
			t.Errorf("LatestVersion(%q) = %q, want %q", c.versions, got, c.want)
		}
	}
}
