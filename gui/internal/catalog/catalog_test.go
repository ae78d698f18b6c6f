package catalog

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var fixEN = flag.Bool("fix-en", false, "add the keys gui/ uses and en.json lacks to en.json")

const (
	guiDir  = "../.."
	langDir = "../../../assets/lang"
)

// Every string gui/ gives lang is in en.json, and every other catalogue has
// exactly English's keys, with the same fmt verbs and the plural forms its
// language needs.
func TestCatalogue(t *testing.T) {
	uses, err := Scan(guiDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(uses) < 50 {
		t.Fatalf("only %d uses of lang found: is the scan looking at gui/?", len(uses))
	}
	en, err := Load(langDir, "en")
	if err != nil {
		t.Fatal(err)
	}
	if *fixEN {
		if added := AddMissing(uses, en); len(added) > 0 {
			data, err := en.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(langDir, "en.json"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("added %d keys to en.json", len(added))
		}
	}
	others := map[string]Catalogue{}
	for _, l := range Languages {
		c, err := Load(langDir, l)
		if err != nil {
			t.Fatal(err)
		}
		others[l] = c
	}
	for _, p := range Problems(uses, en, others) {
		t.Error(p)
	}
}

// The checker itself: a missing key, a lost verb, a missing plural form and
// an extra key are each found.
func TestProblemsAreFound(t *testing.T) {
	en := Catalogue{"Upload": {Text: "Upload"}, "Deleted %d of %s": {Text: "Deleted %d of %s"},
		"%d file": {Forms: map[string]string{"one": "%d file", "other": "%d files"}}}
	de := Catalogue{"Upload": {Text: "Hochladen"}, "Deleted %d of %s": {Text: "%[2]s: %[1]d gelöscht"},
		"%d file": {Forms: map[string]string{"one": "%d Datei", "other": "%d Dateien"}}}
	fr := Catalogue{"Upload": {Text: "Charger"}, "Deleted %d of %s": {Text: "Supprimé %s"},
		"%d file": {Forms: map[string]string{"one": "%d fichier", "other": "%d fichiers"}}, "Extra": {Text: "x"}}
	uses := []Use{{Key: "Upload", English: "Upload", Pos: "a.go:1", Function: "lang.L"},
		{Key: "Download", English: "Download", Pos: "a.go:2", Function: "lang.L"},
		{Key: "%d file", Plural: true, Pos: "a.go:3", Function: "lang.N"}}
	got := strings.Join(Problems(uses, en, map[string]Catalogue{"de": de, "fr": fr}), "\n")
	for _, want := range []string{
		`a.go:2: lang.L("Download") is not in en.json`,
		`fr.json: "Deleted %d of %s" has verbs [%s], English [%d %s]`,
		`fr.json: "%d file" lacks the plural form "many"`,
		`fr.json: "Extra" is not in en.json`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "de.json") {
		t.Errorf("a reordered German translation is reported:\n%s", got)
	}
}

// No view shows a string literal without lang: each one is named file:line.
func TestNoRawStringShown(t *testing.T) {
	raw, err := RawStrings(guiDir, Allowed)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range raw {
		t.Errorf("shown without lang.L: %s", r)
	}
}

// The raw-string finder finds a raw label, a raw concatenation and a raw
// format, and passes wrapped ones.
func TestRawStringsFinder(t *testing.T) {
	dir := t.TempDir()
	src := `package x
func f() {
	widget.NewLabel("Hello")
	widget.NewLabel(lang.L("Fine"))
	b.SetText("Deleted " + n)
	b.SetText(fmt.Sprintf("Saved %d", n))
	b.SetText(fmt.Sprintf(lang.L("Saved %d"), n))
	b.SetText("…")
	dialog.ShowConfirm(lang.L("Delete?"), "Really?", nil, w)
}
`
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	raw, err := RawStrings(dir, func(string) bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(raw, "\n")
	want := []string{`x.go:3: widget.NewLabel("Hello")`, `x.go:5: b.SetText("Deleted ")`, `x.go:6: b.SetText("Saved %d")`, `x.go:9: dialog.ShowConfirm("Really?")`}
	if len(raw) != len(want) {
		t.Errorf("found %d, want %d:\n%s", len(raw), len(want), got)
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in\n%s", w, got)
		}
	}
}

// Wrap turns raw labels into lang.L and a sentence glued with + into one
// format, adds the imports, and leaves everything else byte for byte.
func TestWrapRewritesOnlyTheStrings(t *testing.T) {
	dir := t.TempDir()
	src := `package x

import (
	"fyne.io/fyne/v2/widget"
)

func f(name string, n int) {
	widget.NewLabel("Bookmarks")
	s.Say("Bookmark " + name + " added")
	widget.NewLabel("…")
	keep := "raw key"   // not shown
	_ = keep
}
`
	path := filepath.Join(dir, "x.go")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := Wrap(path, func(string) bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := `package x

import (
	"fmt"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

func f(name string, n int) {
	widget.NewLabel(lang.L("Bookmarks"))
	s.Say(fmt.Sprintf(lang.L("Bookmark %s added"), name))
	widget.NewLabel("…")
	keep := "raw key" // not shown
	_ = keep
}
`
	if n != 2 || string(got) != want {
		t.Errorf("wrapped %d:\n%s\nwant:\n%s", n, got, want)
	}
}
