package browser

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"s3desk/storage"
)

// These tests run the browser model without a Fyne app or window.

func file(prefix, name string, size int64, mod time.Time) storage.Entry {
	return storage.Entry{Key: prefix + name, Name: name, Size: size, LastModified: mod}
}

func folder(prefix, name string) storage.Entry {
	return storage.Entry{Key: prefix + name + "/", Name: name + "/", IsFolder: true}
}

func shownNames(m *model) []string {
	var out []string
	for r := range m.rows {
		out = append(out, displayName(m.entry(r)))
	}
	return out
}

func TestModelSortFoldersFirstAndFlip(t *testing.T) {
	m := newModel()
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	m.add("p/", []storage.Entry{
		file("p/", "b.txt", 30, day), file("p/", "A.txt", 10, day.Add(time.Hour)),
		folder("p/", "zeta"), file("p/", "c.txt", 20, day.Add(-time.Hour)),
		{Key: "p/", Name: ""}, // the folder's own marker
	})
	if got, want := shownNames(&m), []string{"zeta", "A.txt", "b.txt", "c.txt"}; !slices.Equal(got, want) {
		t.Fatalf("by name: %v, want %v (folders first, any case, marker left out)", got, want)
	}
	m.sortBy(colSize)
	if got, want := shownNames(&m), []string{"zeta", "A.txt", "c.txt", "b.txt"}; !slices.Equal(got, want) {
		t.Fatalf("by size: %v, want %v", got, want)
	}
	m.sortBy(colSize) // again: descending
	if got, want := shownNames(&m), []string{"zeta", "b.txt", "c.txt", "A.txt"}; !slices.Equal(got, want) {
		t.Fatalf("by size, descending: %v, want %v", got, want)
	}
	m.sortBy(colModified)
	if got, want := shownNames(&m), []string{"zeta", "c.txt", "b.txt", "A.txt"}; !slices.Equal(got, want) {
		t.Fatalf("by date: %v, want %v", got, want)
	}
}

func TestModelFilterHiddenAndSelection(t *testing.T) {
	m := newModel()
	m.add("", []storage.Entry{file("", "Report.csv", 1, time.Time{}), file("", "notes.txt", 1, time.Time{}), file("", ".env", 1, time.Time{})})
	if got := shownNames(&m); !slices.Equal(got, []string{"notes.txt", "Report.csv"}) {
		t.Fatalf("hidden names shown: %v", got)
	}
	m.selected["notes.txt"] = true
	m.selected["Report.csv"] = true
	if !m.filterBy("REP") {
		t.Fatal("a new filter reported no change")
	}
	if m.filterBy("REP") {
		t.Fatal("the same filter reported a change")
	}
	if got := shownNames(&m); !slices.Equal(got, []string{"Report.csv"}) {
		t.Fatalf("filter: %v", got)
	}
	if sel := m.selection(); len(sel) != 1 || sel[0].Key != "Report.csv" {
		t.Fatalf("the selection kept what the filter hides: %v", sel)
	}
	if !m.rowOfKey("notes.txt") || m.rowOf("notes.txt") != -1 {
		t.Fatal("a filtered-out entry must stay listed but not shown")
	}
	m.filterBy("")
	m.hidden(true)
	if got := shownNames(&m); !slices.Equal(got, []string{".env", "notes.txt", "Report.csv"}) {
		t.Fatalf("show hidden: %v", got)
	}
}

// A page of a superseded listing is recognised and can be dropped.
func TestModelStalePages(t *testing.T) {
	m := newModel()
	old := m.reset()
	m.add("", []storage.Entry{file("", "old.txt", 1, time.Time{})})
	now := m.reset()
	if len(m.entries) != 0 || len(m.selected) != 0 {
		t.Fatal("reset kept the old listing")
	}
	if m.current(old) || !m.current(now) {
		t.Fatalf("generations: old current=%v, new current=%v", m.current(old), m.current(now))
	}
}

// 100k entries in 100 pages: merged in order, quickly.
func TestModel100kEntries(t *testing.T) {
	m := newModel()
	start := time.Now()
	for p := 99; p >= 0; p-- { // pages arrive out of name order
		page := make([]storage.Entry, 0, 1000)
		for i := range 1000 {
			page = append(page, file("big/", fmt.Sprintf("f%02d-%04d.dat", p, i), int64(i), time.Time{}))
		}
		m.add("big/", page)
	}
	took := time.Since(start)
	if len(m.rows) != 100_000 {
		t.Fatalf("%d rows, want 100000", len(m.rows))
	}
	if !slices.IsSortedFunc(m.rows, m.less) {
		t.Fatal("rows not sorted after merging pages")
	}
	if displayName(m.entry(0)) != "f00-0000.dat" || displayName(m.entry(99_999)) != "f99-0999.dat" {
		t.Fatalf("first %q, last %q", displayName(m.entry(0)), displayName(m.entry(99_999)))
	}
	if took > 10*time.Second {
		t.Fatalf("merging 100k entries took %v", took)
	}
	m.filterBy("f42-")
	if len(m.rows) != 1000 {
		t.Fatalf("filter over 100k: %d rows, want 1000", len(m.rows))
	}
}
