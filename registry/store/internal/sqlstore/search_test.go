package sqlstore

import (
	"math"
	"testing"

	"github.com/hexship/ship/registry/store"
)

func TestPlanSearch(t *testing.T) {
	for _, c := range []struct {
		q    store.PackageQuery
		want Search
	}{
		{store.PackageQuery{}, Search{Order: "name", Limit: 100}},
		{store.PackageQuery{Page: -3, PerPage: -1}, Search{Order: "name", Limit: 100}},
		{store.PackageQuery{Sort: store.SortDownloads, Page: 3, PerPage: 20}, Search{Order: "downloads DESC, name", Limit: 20, Offset: 40}},
		{store.PackageQuery{Sort: store.SortInsertedAt}, Search{Order: "created_at DESC, name", Limit: 100}},
		{store.PackageQuery{Sort: store.SortUpdatedAt}, Search{Order: "updated_at DESC, name", Limit: 100}},
		{store.PackageQuery{Search: "plug"}, Search{Order: "name", Limit: 100, Pattern: "%plug%"}},
		{store.PackageQuery{Search: `100%_a\b`}, Search{Order: "name", Limit: 100, Pattern: `%100\%\_a\\b%`}},
	} {
		got, ok, err := PlanSearch(c.q)
		if err != nil || !ok || got != c.want {
			t.Errorf("PlanSearch(%+v) = %+v, %v, %v; want %+v", c.q, got, ok, err, c.want)
		}
	}
}

func TestPlanSearchPastAnyTable(t *testing.T) {
	for _, q := range []store.PackageQuery{
		{Page: math.MaxInt, PerPage: 2},
		{Page: 3, PerPage: math.MaxInt},
	} {
		if s, ok, err := PlanSearch(q); ok || err != nil {
			t.Errorf("PlanSearch(%+v) = %+v, %v, %v; want nothing to query", q, s, ok, err)
		}
	}
	if _, ok, err := PlanSearch(store.PackageQuery{Page: math.MaxInt64 / 100, PerPage: 100}); !ok || err != nil {
		t.Errorf("the last page that fits: %v, %v", ok, err)
	}
}

func TestPlanSearchUnknownSort(t *testing.T) {
	if _, _, err := PlanSearch(store.PackageQuery{Sort: "stars"}); err == nil || err.Error() != `unknown sort "stars"` {
		t.Errorf("unknown sort: %v", err)
	}
}
