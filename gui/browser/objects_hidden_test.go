package browser

import (
	"slices"
	"testing"
)

// Names starting with "." are hidden unless the user asks for them
// (Settings → Behaviour, View → Show hidden); the count says some are hidden,
// and a hidden row never stays selected.
func TestObjectsHiddenKeys(t *testing.T) {
	h, _, bucket := ovVersity(t, map[string]int{".env": 1, ".cache/x": 1, "a.txt": 1, "b/c": 1})
	h.open(bucket, "")
	if got := h.names(); !slices.Equal(got, []string{"b", "a.txt"}) {
		t.Fatalf("hidden keys shown by default: %q", got)
	}
	if h.v.countLabel.Text != "2 of 4 items shown" {
		t.Fatalf("count %q", h.v.countLabel.Text)
	}
	h.v.SetShowHidden(true)
	if got := h.names(); !slices.Equal(got, []string{".cache", "b", ".env", "a.txt"}) {
		t.Fatalf("show hidden: %q", got)
	}
	h.click(".env", 0)
	if got := h.selectedKeys(); !slices.Equal(got, []string{".env"}) {
		t.Fatalf("selected %q", got)
	}
	h.v.SetShowHidden(false)
	if len(h.selectedKeys()) != 0 {
		t.Fatalf("a hidden key stayed selected: %q", h.selectedKeys())
	}
	if !slices.Equal(h.names(), []string{"b", "a.txt"}) {
		t.Fatalf("hide again: %q", h.names())
	}
}
