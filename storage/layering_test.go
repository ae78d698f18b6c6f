package storage_test

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Nothing under storage/ may depend on Fyne, directly or through another
// package: storage is the app without its window (issue 13's layering).
func TestStorageImportsNoFyne(t *testing.T) {
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(here))
	cmd := exec.Command("go", "list", "-deps", "-test", "-tags", "ci bench",
		"-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./storage/...")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	pkgs := 0
	for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		pkgs++
		f := strings.Fields(line)
		for _, imp := range f[1:] {
			if strings.HasPrefix(imp, "fyne.io") || imp == "s3desk/gui" || strings.HasPrefix(imp, "s3desk/gui/") {
				t.Errorf("%s imports %s: storage must not depend on the GUI", f[0], imp)
			}
		}
	}
	if pkgs < 10 {
		t.Fatalf("go list saw %d packages; the check is not looking at storage/...", pkgs)
	}
}
