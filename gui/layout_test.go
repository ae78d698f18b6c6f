package gui

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// infrastructure are the gui sub-packages every package may import; every
// other sub-package is a feature, which talks to other features only
// through the shell (this package).
var infrastructure = []string{"async", "widgets", "internal"}

// importsOf lists the imports of the Go files in dir (tests included).
func importsOf(t *testing.T, dir string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			out[p] = append(out[p], filepath.Base(f))
		}
	}
	return out
}

// TestFeaturePackagesDoNotImportEachOther keeps the layout honest: a gui
// feature (browser, transfers, sharing, accounts, ...) imports neither
// another feature nor the shell, and infrastructure imports no feature.
func TestFeaturePackagesDoNotImportEachOther(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var subs []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != "testdata" {
			subs = append(subs, e.Name())
		}
	}
	if len(subs) == 0 {
		t.Fatal("no gui sub-packages found")
	}
	for _, sub := range subs {
		for imp, files := range importsOf(t, sub) {
			if imp == "s3desk/gui" {
				t.Errorf("gui/%s imports the shell (s3desk/gui) in %v", sub, files)
				continue
			}
			other, ok := strings.CutPrefix(imp, "s3desk/gui/")
			if !ok {
				continue
			}
			other, _, _ = strings.Cut(other, "/")
			if other == sub || slices.Contains(infrastructure, other) {
				continue
			}
			t.Errorf("gui/%s imports the feature gui/%s in %v: features talk through the shell", sub, other, files)
		}
	}
}

// TestStorageImportsNoFyne: storage and its sub-packages never import Fyne.
func TestStorageImportsNoFyne(t *testing.T) {
	n := 0
	err := filepath.WalkDir(filepath.Join("..", "storage"), func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		n++
		for imp, files := range importsOf(t, path) {
			if strings.HasPrefix(imp, "fyne.io/") || imp == "s3desk/gui" || strings.HasPrefix(imp, "s3desk/gui/") {
				t.Errorf("%s imports %s in %v", path, imp, files)
			}
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("walking storage: %v (%d folders)", err, n)
	}
}

// TestNoBackgroundContext: gui work runs beneath the window's or the
// connection's context, never context.Background() (tests excepted).
func TestNoBackgroundContext(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "context.Background()") || strings.Contains(string(b), "context.TODO()") {
			t.Errorf("%s uses context.Background()/TODO()", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
