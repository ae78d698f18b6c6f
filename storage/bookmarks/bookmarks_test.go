package bookmarks_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"s3desk/storage/bookmarks"
)

func TestAddListRemoveSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := bookmarks.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	want := []bookmarks.Bookmark{
		{Name: "Reports", Profile: "Work", Bucket: "acme", Prefix: "reports/2026/"},
		{Name: "Keys are data", Profile: "Home", Bucket: "b", Prefix: "../x/a//b/+ ü/"},
		{Name: "Root", Profile: "Work", Bucket: "other"},
	}
	for _, b := range want {
		if _, err := s.Add(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Add(ctx, bookmarks.Bookmark{Name: " reports ", Profile: "x", Bucket: "y"}); !errors.Is(err, bookmarks.ErrExists) {
		t.Errorf("duplicate name (case and spaces differ): %v", err)
	}
	for _, bad := range []bookmarks.Bookmark{{Profile: "p", Bucket: "b"}, {Name: "n", Bucket: "b"}, {Name: "n", Profile: "p"}, {Name: "n", Profile: "p", Bucket: "a/b"}} {
		if _, err := s.Add(ctx, bad); !errors.Is(err, bookmarks.ErrInvalid) {
			t.Errorf("Add(%+v): %v, want ErrInvalid", bad, err)
		}
	}
	got, err := s.Add(ctx, bookmarks.Bookmark{Name: "No slash", Profile: "p", Bucket: "b", Prefix: "f"})
	if err != nil || got.Prefix != "f/" {
		t.Errorf("prefix %q (%v)", got.Prefix, err)
	}
	s2, err := bookmarks.Open(dir) // a restart
	if err != nil {
		t.Fatal(err)
	}
	list, err := s2.List(ctx)
	if err != nil || len(list) != 4 || !slices.Equal(list[:3], want) {
		t.Fatalf("after reopen: %+v (%v)", list, err)
	}
	if err := s2.Rename(ctx, "Root", "Other root"); err != nil {
		t.Fatal(err)
	}
	if err := s2.Rename(ctx, "Other root", "REPORTS"); !errors.Is(err, bookmarks.ErrExists) {
		t.Errorf("rename onto another: %v", err)
	}
	if err := s2.Remove(ctx, "Keys are data"); err != nil {
		t.Fatal(err)
	}
	if err := s2.Remove(ctx, "Keys are data"); !errors.Is(err, bookmarks.ErrNotFound) {
		t.Errorf("remove twice: %v", err)
	}
	list, _ = s.List(ctx) // the first store reads what the second wrote
	var names []string
	for _, b := range list {
		names = append(names, b.Name)
	}
	if strings.Join(names, ",") != "Reports,Other root,No slash" {
		t.Errorf("names %v", names)
	}
	st, err := os.Stat(s.Path())
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v (%v)", st.Mode(), err)
	}
}

// A damaged file gives a clear error and is kept aside byte for byte; the
// store then works from an empty file and never overwrites the old one.
func TestDamagedFileIsKeptAside(t *testing.T) {
	for name, body := range map[string]string{
		"truncated":  `{"version":1,"bookmarks":[{"name":"A","profile":"p","bucket":"b"`,
		"not json":   "<html>oops</html>",
		"bad bucket": `{"version":1,"bookmarks":[{"name":"A","profile":"p","bucket":""}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, bookmarks.FileName)
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := bookmarks.Open(dir)
			if !errors.Is(err, bookmarks.ErrCorrupt) || s == nil {
				t.Fatalf("Open: %v (store %v), want ErrCorrupt and a store", err, s != nil)
			}
			aside, _ := filepath.Glob(filepath.Join(dir, "bookmarks-damaged-*.json"))
			if len(aside) != 1 {
				t.Fatalf("kept aside: %v", aside)
			}
			if !strings.Contains(err.Error(), aside[0]) || !strings.Contains(err.Error(), "damaged") {
				t.Errorf("the error does not say where the old file is: %v", err)
			}
			if b, _ := os.ReadFile(aside[0]); string(b) != body {
				t.Errorf("the kept file differs: %q", b)
			}
			if d := s.Damaged(); d == nil || d.Error() != err.Error() {
				t.Errorf("Damaged() = %v, want Open's error", d)
			}
			if d := s.Damaged(); d != nil {
				t.Errorf("Damaged() a second time: %v", d)
			}
			if _, err := s.Add(t.Context(), bookmarks.Bookmark{Name: "New", Profile: "p", Bucket: "b"}); err != nil {
				t.Fatal(err)
			}
			list, err := s.List(t.Context())
			if err != nil || len(list) != 1 {
				t.Fatalf("after the damage: %v (%v)", list, err)
			}
			if b, _ := os.ReadFile(aside[0]); string(b) != body {
				t.Error("the kept file was overwritten")
			}
		})
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, bookmarks.FileName), []byte(`{"version":9,"bookmarks":[]}`), 0o600)
	if _, err := bookmarks.Open(dir); !errors.Is(err, bookmarks.ErrCorrupt) || !strings.Contains(err.Error(), "newer") {
		t.Errorf("newer format: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, bookmarks.FileName)); err != nil {
		t.Error("a newer file was moved away")
	}
}

// Two stores on one folder (two windows, or two processes) lose no adds.
func TestConcurrentAddsLoseNothing(t *testing.T) {
	dir := t.TempDir()
	a, _ := bookmarks.Open(dir)
	b, _ := bookmarks.Open(dir)
	var wg sync.WaitGroup
	for i := range 20 {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Add(t.Context(), bookmarks.Bookmark{Name: string(rune('A' + i)), Profile: "p", Bucket: "b"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	list, err := a.List(t.Context())
	if err != nil || len(list) != 20 {
		t.Fatalf("%d bookmarks (%v), want 20", len(list), err)
	}
}
