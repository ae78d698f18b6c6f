package browser

import (
	"cmp"
	"path"
	"slices"
	"strings"

	"s3desk/storage"
)

// This file is the browser's model: the listed entries of one folder, their
// order, the filter and the selection, and the generation that drops pages
// of a superseded listing. It imports no Fyne, so it is tested without a
// window; the view (objects.go, objecttable.go) draws it.

// Sort columns.
const (
	colName = iota
	colSize
	colModified
	colClass
	numCols
)

// model is the listing of one folder as the view shows it. Use it on one
// goroutine (the UI's).
type model struct {
	gen         uint64 // bumped on every (re)load; late pages of older gens are dropped
	entries     []storage.Entry
	lower       []string // lower-case names, parallel to entries
	rows        []int    // indices into entries: filtered and sorted
	sortCol     int
	sortDesc    bool
	filter      string
	filterLower string
	showHidden  bool            // show names starting with "."
	selected    map[string]bool // by key, so it survives sorting and filtering
}

func newModel() model { return model{selected: map[string]bool{}} }

// reset empties the listing for a new load and returns its generation.
func (m *model) reset() uint64 {
	m.gen++
	m.entries, m.lower, m.rows = nil, nil, nil
	m.selected = map[string]bool{}
	return m.gen
}

// current tells whether a page of generation gen belongs to the live load.
func (m *model) current(gen uint64) bool { return gen == m.gen }

// add appends a batch of listed entries of folder prefix and merges the ones
// that pass the filter into the sorted rows: O(n) per batch, so 100k entries
// stay quick. The folder's own marker object is left out.
func (m *model) add(prefix string, batch []storage.Entry) {
	start := len(m.entries)
	for _, e := range batch {
		if !e.IsFolder && e.Key == prefix {
			continue // the folder's own marker object
		}
		m.entries = append(m.entries, e)
		m.lower = append(m.lower, strings.ToLower(displayName(&e)))
	}
	var add []int
	for i := start; i < len(m.entries); i++ {
		if m.matches(i) {
			add = append(add, i)
		}
	}
	slices.SortFunc(add, m.less)
	merged := make([]int, 0, len(m.rows)+len(add))
	a, b := 0, 0
	for a < len(m.rows) && b < len(add) {
		if m.less(add[b], m.rows[a]) < 0 {
			merged = append(merged, add[b])
			b++
		} else {
			merged = append(merged, m.rows[a])
			a++
		}
	}
	merged = append(merged, m.rows[a:]...)
	merged = append(merged, add[b:]...)
	m.rows = merged
}

// less orders entries i and j by the sort column; folders come first.
func (m *model) less(i, j int) int {
	a, b := &m.entries[i], &m.entries[j]
	if a.IsFolder != b.IsFolder {
		if a.IsFolder {
			return -1
		}
		return 1
	}
	var c int
	switch m.sortCol {
	case colSize:
		c = cmp.Compare(a.Size, b.Size)
	case colModified:
		c = a.LastModified.Compare(b.LastModified)
	case colClass:
		c = cmp.Compare(storageClassName(a.StorageClass), storageClassName(b.StorageClass))
	}
	if c == 0 {
		c = cmp.Compare(m.lower[i], m.lower[j])
	}
	if c == 0 {
		c = cmp.Compare(a.Key, b.Key)
	}
	if m.sortDesc {
		c = -c
	}
	return c
}

func (m *model) matches(i int) bool {
	if !m.showHidden && strings.HasPrefix(m.lower[i], ".") {
		return false
	}
	return m.filter == "" || strings.Contains(m.lower[i], m.filterLower)
}

// sortRows rebuilds the rows from all entries.
func (m *model) sortRows() {
	rows := m.rows[:0]
	for i := range m.entries {
		if m.matches(i) {
			rows = append(rows, i)
		}
	}
	slices.SortFunc(rows, m.less)
	m.rows = rows
}

// sortBy sorts by a column; asking again for the same column flips the order.
func (m *model) sortBy(col int) {
	if col == m.sortCol {
		m.sortDesc = !m.sortDesc
	} else {
		m.sortCol, m.sortDesc = col, false
	}
	m.sortRows()
}

// filterBy shows only names containing s (any case); false if s is the
// filter already.
func (m *model) filterBy(s string) bool {
	if s == m.filter {
		return false
	}
	m.filter, m.filterLower = s, strings.ToLower(s)
	m.sortRows()
	m.pruneSelection()
	return true
}

// hidden shows or hides names starting with "."; false if nothing changed.
func (m *model) hidden(show bool) bool {
	if show == m.showHidden {
		return false
	}
	m.showHidden = show
	m.sortRows()
	m.pruneSelection()
	return true
}

// pruneSelection drops rows that are not shown from the selection, so actions
// never touch what the user cannot see.
func (m *model) pruneSelection() {
	if len(m.selected) > 0 {
		shown := make(map[string]bool, len(m.rows))
		for _, r := range m.rows {
			shown[m.entries[r].Key] = true
		}
		for k := range m.selected {
			if !shown[k] {
				delete(m.selected, k)
			}
		}
	}
}

// rowOf is the row showing key, or -1.
func (m *model) rowOf(key string) int {
	return slices.IndexFunc(m.rows, func(r int) bool { return m.entries[r].Key == key })
}

// rowOfKey tells whether key is listed, shown or not.
func (m *model) rowOfKey(key string) bool {
	return slices.ContainsFunc(m.entries, func(e storage.Entry) bool { return e.Key == key })
}

// entry is the entry shown in row.
func (m *model) entry(row int) *storage.Entry { return &m.entries[m.rows[row]] }

// selection is the selected entries in row order.
func (m *model) selection() []storage.Entry {
	if len(m.selected) == 0 {
		return nil
	}
	var out []storage.Entry
	for _, i := range m.rows {
		if m.selected[m.entries[i].Key] {
			out = append(out, m.entries[i])
		}
	}
	return out
}

// displayName is the name shown for e: its last path element, without the
// folder's slash.
func displayName(e *storage.Entry) string {
	n := e.Name
	if n == "" {
		n = path.Base(e.Key)
	}
	if e.IsFolder {
		n = strings.TrimSuffix(n, "/")
	}
	if n == "" {
		return "(no name)"
	}
	return n
}

// storageClassName is the readable name of an S3 storage class.
func storageClassName(c string) string {
	switch c {
	case "", "STANDARD":
		return "Standard"
	case "STANDARD_IA":
		return "Standard-IA"
	case "ONEZONE_IA":
		return "One Zone-IA"
	case "INTELLIGENT_TIERING":
		return "Intelligent-Tiering"
	case "GLACIER":
		return "Glacier Flexible"
	case "GLACIER_IR":
		return "Glacier Instant"
	case "DEEP_ARCHIVE":
		return "Glacier Deep Archive"
	case "REDUCED_REDUNDANCY":
		return "Reduced Redundancy"
	case "EXPRESS_ONEZONE":
		return "Express One Zone"
	case "OUTPOSTS":
		return "Outposts"
	case "SNOW":
		return "Snow"
	}
	return c
}
