package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hexship/ship/registry/store"
)

// searchPerPage is how many results a page of search shows.
const searchPerPage = 30

// maxSearchLen bounds the search text, in characters (as the search
// box's maxlength counts): a search is a substring match over names and
// descriptions, and no package name is longer.
const maxSearchLen = 100

// registerSearch adds the package list, GET /packages?q=&sort=&page=. The
// home page shows the same results when it is given ?q= (searchOrHome).
func (s *Site) registerSearch(mux *http.ServeMux) {
	mux.Handle("GET /packages", s.cop.Handler(s.wrap(s.searchPage)))
}

// searchSorts are the orders a person can pick, in the order offered.
// "" is the default: the best match with a search, the most downloaded
// without (store.SortRelevance without a search is by downloads).
var searchSorts = []struct {
	Param string
	Sort  store.PackageSort
	Label string // with a search
	Plain string // without one
}{
	{"", store.SortRelevance, "Best match", "Most downloaded"},
	{"name", store.SortName, "Name", "Name"},
	{"recent", store.SortUpdatedAt, "Recently published", "Recently published"},
	{"downloads", store.SortDownloads, "Most downloaded", ""},
}

// searchData fills search.html.
type searchData struct {
	Query   string
	Sorts   []sortLink
	Results []searchResult
	Total   int64
	Page    int
	Pages   int
	From    int64 // the first result's position, 1-based
	To      int64
	Prev    string // "" on the first page
	Next    string // "" on the last
	TooLong bool   // the search text was refused
	Max     int
}

// sortLink is one of the offered orders.
type sortLink struct {
	Label   string
	Href    string
	Current bool
}

// searchResult is one package as the list shows it.
type searchResult struct {
	Name          string
	Href          string
	Version       string // "" when the package has no release
	Description   string
	Licenses      []string
	LastPublished time.Time // zero with no release
	Owners        []string
	Downloads     string // the count in words: "1,234 downloads"
}

// searchOrHome serves GET /: the home page, or with ?q= the results of
// that search.
func (s *Site) searchOrHome(w http.ResponseWriter, r *http.Request) {
	if strings.TrimSpace(r.URL.Query().Get("q")) == "" {
		s.home(w, r)
		return
	}
	s.searchPage(w, r)
}

// searchPage serves a page of results. A bad page number or an unknown
// sort is read as the default rather than refused: such links come from
// people editing URLs, who are better served with results.
func (s *Site) searchPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &searchData{Query: strings.TrimSpace(q.Get("q")), Page: 1, Max: maxSearchLen}
	title := "Packages"
	if d.Query != "" {
		title = "Search: " + d.Query
	}
	if utf8.RuneCountInString(d.Query) > maxSearchLen {
		d.TooLong = true
		s.render(w, r, http.StatusBadRequest, "search", &page{Title: "Search", Data: d,
			Error: "Search for at most " + strconv.Itoa(maxSearchLen) + " characters."})
		return
	}
	sortParam := q.Get("sort")
	sort := store.SortRelevance
	known := false
	for _, o := range searchSorts {
		if o.Param == sortParam {
			sort, known = o.Sort, true
		}
	}
	if !known {
		sortParam = ""
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		d.Page = n
	}
	ctx := r.Context()
	total, err := s.Store.CountPackages(ctx, d.Query)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Total = total
	d.Pages = int((total + searchPerPage - 1) / searchPerPage)
	var sums []store.PackageSummary
	if int64(d.Page) <= int64(d.Pages) {
		sums, err = s.Store.PackageSummaries(ctx, store.PackageQuery{Search: d.Query, Sort: sort, Page: d.Page, PerPage: searchPerPage})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	for _, sum := range sums {
		d.Results = append(d.Results, searchResult{
			Name:          sum.Name,
			Href:          "/packages/" + url.PathEscape(sum.Name),
			Version:       sum.LatestVersion,
			Description:   sum.Meta.Description,
			Licenses:      sum.Meta.Licenses,
			LastPublished: sum.LastPublished,
			Owners:        sum.Owners,
			Downloads:     downloadsText(sum.Downloads),
		})
	}
	d.From = int64(d.Page-1)*searchPerPage + 1
	d.To = d.From + int64(len(d.Results)) - 1
	href := func(sortParam string, page int) string {
		v := url.Values{}
		if d.Query != "" {
			v.Set("q", d.Query)
		}
		if sortParam != "" {
			v.Set("sort", sortParam)
		}
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		if len(v) == 0 {
			return "/packages"
		}
		return "/packages?" + v.Encode()
	}
	for _, o := range searchSorts {
		label := o.Label
		if d.Query == "" {
			label = o.Plain
		}
		if label == "" {
			continue // the same as the default
		}
		d.Sorts = append(d.Sorts, sortLink{Label: label, Href: href(o.Param, 1), Current: o.Param == sortParam})
	}
	if d.Page > 1 {
		d.Prev = href(sortParam, min(d.Page-1, max(d.Pages, 1)))
	}
	if d.Page < d.Pages {
		d.Next = href(sortParam, d.Page+1)
	}
	s.render(w, r, http.StatusOK, "search", &page{Title: title, Data: d})
}

// downloadsText is a download count in words, digits grouped by three.
func downloadsText(n int64) string {
	digits := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if n == 1 {
		return "1 download"
	}
	return b.String() + " downloads"
}
