package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

// pkgSpec is a package a search test stores directly.
type pkgSpec struct {
	name, description string
	downloads         int64
	versions          []string
	published         time.Duration // after the epoch: the package's update and its releases
	owners            []string
	licenses          []string
}

var searchEpoch = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// seed stores the packages, their releases and owners (creating the
// accounts), and their downloads (through AddDownloads, as the
// repository's flush does).
func (e *env) seed(specs ...pkgSpec) {
	e.t.Helper()
	ctx := context.Background()
	users := map[string]*store.User{}
	for _, s := range specs {
		for _, o := range s.owners {
			if users[o] == nil {
				users[o] = e.addUser(o)
			}
		}
	}
	err := e.store.Update(ctx, func(tx store.Tx) error {
		counts := map[int64]int64{}
		for _, s := range specs {
			at := searchEpoch.Add(s.published)
			p := &store.Package{Name: s.name, Meta: store.PackageMeta{Description: s.description, Licenses: s.licenses}, UpdatedAt: at}
			if err := tx.CreatePackage(ctx, p); err != nil {
				return err
			}
			for _, v := range s.versions {
				r := &store.Release{PackageID: p.ID, Version: v, InnerChecksum: make([]byte, 32), OuterChecksum: make([]byte, 32),
					BlobKey: "tarballs/" + s.name + "-" + v + ".tar", App: s.name, Metadata: []byte("x"), CreatedAt: at, UpdatedAt: at}
				if err := tx.PutRelease(ctx, r); err != nil {
					return err
				}
				counts[r.ID] = s.downloads / int64(len(s.versions))
			}
			for _, o := range s.owners {
				if err := tx.SetOwner(ctx, p.ID, users[o].ID, store.LevelFull); err != nil {
					return err
				}
			}
		}
		return tx.AddDownloads(ctx, counts)
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// resultNames are the package names a results page lists, in order.
func resultNames(p *reply) []string {
	var names []string
	for _, m := range regexp.MustCompile(`<h2><a href="/packages/([^"]+)">`).FindAllStringSubmatch(p.body, -1) {
		names = append(names, m[1])
	}
	return names
}

func wantNames(t *testing.T, p *reply, want ...string) {
	t.Helper()
	if p.status != http.StatusOK {
		t.Fatalf("%s: status %d:\n%s", p.path, p.status, p.body)
	}
	if got := resultNames(p); !slices.Equal(got, want) {
		t.Fatalf("%s lists %v, want %v", p.path, got, want)
	}
}

// plugFamily is a registry where name matches and popularity disagree.
var plugFamily = []pkgSpec{
	{name: "plug", description: "Composable modules", downloads: 10, versions: []string{"1.0.0"}, published: 1 * time.Hour},
	{name: "plug_cowboy", description: "Adapter", downloads: 500, versions: []string{"2.0.0"}, published: 4 * time.Hour},
	{name: "plug_crypto", description: "Crypto helpers", downloads: 50, versions: []string{"1.2.0"}, published: 3 * time.Hour},
	{name: "cowboy_plug", description: "The other way round", downloads: 1000, versions: []string{"0.1.0"}, published: 2 * time.Hour},
	{name: "router", description: "A plug for routing", downloads: 9999, versions: []string{"3.0.0"}, published: 5 * time.Hour},
	{name: "jason", description: "JSON", downloads: 100000, versions: []string{"1.4.0"}, published: 6 * time.Hour},
}

// The exact name comes first, then names starting with the search, then
// names containing it, then descriptions; downloads order each group.
func TestSearchRanksNameMatchesBeforePopularity(t *testing.T) {
	e := newEnv(t)
	e.seed(plugFamily...)
	b := e.browser()
	wantNames(t, b.get("/packages?q=plug"), "plug", "plug_cowboy", "plug_crypto", "cowboy_plug", "router")
	wantNames(t, b.get("/packages?q=PLUG_"), "plug_cowboy", "plug_crypto")
	wantNames(t, b.get("/packages?q=routing"), "router")
	wantText(t, b.get("/packages?q=nothing_like_it"), http.StatusOK, "No package matches “nothing_like_it”")
}

// Name, recently published and downloads each reorder the same matches;
// without a search the list starts with the most downloaded.
func TestSearchSorts(t *testing.T) {
	e := newEnv(t)
	e.seed(plugFamily...)
	b := e.browser()
	wantNames(t, b.get("/packages?q=plug&sort=name"), "cowboy_plug", "plug", "plug_cowboy", "plug_crypto", "router")
	wantNames(t, b.get("/packages?q=plug&sort=recent"), "router", "plug_cowboy", "plug_crypto", "cowboy_plug", "plug")
	wantNames(t, b.get("/packages?q=plug&sort=downloads"), "router", "cowboy_plug", "plug_cowboy", "plug_crypto", "plug")
	wantNames(t, b.get("/packages"), "jason", "router", "cowboy_plug", "plug_cowboy", "plug_crypto", "plug")
	// An unknown sort is the default one.
	wantNames(t, b.get("/packages?q=plug&sort=%3Cx%3E"), "plug", "plug_cowboy", "plug_crypto", "cowboy_plug", "router")

	p := b.get("/packages?q=plug&sort=name")
	if !strings.Contains(p.body, `<a href="/packages?q=plug&amp;sort=name" aria-current="true">Name</a>`) {
		t.Errorf("the name sort is not marked current:\n%s", p.body)
	}
	for _, label := range []string{"Best match", "Recently published", "Most downloaded"} {
		wantText(t, p, http.StatusOK, label)
	}
}

// 65 packages are three pages of 30, with links between them that keep
// the search and the sort.
func TestSearchPages(t *testing.T) {
	e := newEnv(t)
	var specs []pkgSpec
	for i := range 65 {
		specs = append(specs, pkgSpec{name: fmt.Sprintf("pkg%02d", i), description: "d", downloads: int64(i), versions: []string{"1.0.0"}})
	}
	e.seed(specs...)
	b := e.browser()
	var all []string
	path := "/packages?q=pkg&sort=name"
	for page := 1; page <= 3; page++ {
		p := b.get(path)
		wantText(t, p, http.StatusOK, fmt.Sprintf("Page %d of 3", page))
		all = append(all, resultNames(p)...)
		next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(p.body)
		if page < 3 {
			if next == nil {
				t.Fatalf("page %d has no next link:\n%s", page, p.body)
			}
			path = strings.ReplaceAll(next[1], "&amp;", "&")
		} else if next != nil {
			t.Fatalf("the last page links to a next one: %s", next[1])
		}
		if prev := strings.Contains(p.body, `rel="prev"`); prev != (page > 1) {
			t.Errorf("page %d: previous link %v", page, prev)
		}
	}
	want := make([]string, 65)
	for i := range want {
		want[i] = fmt.Sprintf("pkg%02d", i)
	}
	if !slices.Equal(all, want) {
		t.Fatalf("three pages list %v", all)
	}
	u, _ := url.Parse(path)
	if u.Query().Get("q") != "pkg" || u.Query().Get("sort") != "name" || u.Query().Get("page") != "3" {
		t.Errorf("the next link lost the search or sort: %s", path)
	}
	wantText(t, b.get("/packages?q=pkg&page=4"), http.StatusOK, "There is no page 4: the results end at page 3.")
	wantText(t, b.get("/packages?q=pkg&page=x"), http.StatusOK, "Page 1 of 3")
	wantText(t, b.get("/packages?q=pkg"), http.StatusOK, "1–30 of 65 packages")
}

// Each result shows its name linked to its page, the latest version, the
// description, licences, when it was last published, its owners and its
// downloads.
func TestSearchResultAtAGlance(t *testing.T) {
	e := newEnv(t)
	e.seed(pkgSpec{name: "telemetry", description: "Dynamic dispatching library for metrics", downloads: 1234566,
		versions: []string{"1.2.1", "1.3.0-rc.1", "0.4.3"}, published: 30 * 24 * time.Hour,
		owners: []string{"zoe", "arkgil"}, licenses: []string{"Apache-2.0", "MIT"}})
	p := e.browser().get("/packages?q=tele")
	for _, want := range []string{
		`<a href="/packages/telemetry">telemetry</a>`,
		`<span class="version">1.2.1</span>`,
		`Dynamic dispatching library for metrics`,
		`<dd>Apache-2.0, MIT</dd>`,
		`<time datetime="2025-07-01T12:00:00Z">1 July 2025</time>`,
		`<dd>arkgil, zoe</dd>`,
		`1,234,566 downloads`,
	} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the result lacks %s:\n%s", want, p.body)
		}
	}
	e.seed(pkgSpec{name: "fresh", description: "Nothing yet"})
	wantText(t, e.browser().get("/packages?q=fresh"), http.StatusOK, "no releases")
}

// A description is text: markup in it is shown, never run or parsed.
func TestSearchEscapesDescriptions(t *testing.T) {
	e := newEnv(t)
	hostile := `<script>alert("x")</script><img src=x onerror=alert(1)>"><b>`
	e.seed(pkgSpec{name: "evil", description: hostile, versions: []string{"1.0.0"}})
	p := e.browser().get("/packages?q=evil")
	if strings.Contains(p.body, "<script>alert") || strings.Contains(p.body, "<img src=x") || strings.Contains(p.body, `"><b>`) {
		t.Fatalf("the description's markup reached the page:\n%s", p.body)
	}
	wantText(t, p, http.StatusOK, hostile)
	q := e.browser().get("/packages?q=" + url.QueryEscape(`"><script>`))
	if strings.Contains(q.body, `"><script>`) {
		t.Fatalf("the search text's markup reached the page:\n%s", q.body)
	}
}

// The home page keeps its content with a search box; given ?q= it shows
// the results instead.
func TestHomeSearches(t *testing.T) {
	e := newEnv(t)
	e.seed(plugFamily...)
	b := e.browser()
	home := b.get("/")
	wantText(t, home, http.StatusOK, "Use it from a terminal")
	if !strings.Contains(home.body, `<form method="get" action="/packages" class="search" role="search">`) || resultNames(home) != nil {
		t.Fatalf("the home page has no search box, or lists results:\n%s", home.body)
	}
	wantNames(t, b.get("/?q=plug"), "plug", "plug_cowboy", "plug_crypto", "cowboy_plug", "router")
	wantText(t, b.get("/?q=+"), http.StatusOK, "Use it from a terminal")
	wantText(t, b.get("/packages?q="+strings.Repeat("a", 101)), http.StatusBadRequest, "Search for at most 100 characters.")
	wantText(t, b.get("/packages?q="+url.QueryEscape(strings.Repeat("é", 100))), http.StatusOK, "No package matches")
}
