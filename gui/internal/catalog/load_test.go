package catalog

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Each catalogue loads the way Fyne's lang loads it (go-i18n). A key that
// go-i18n reserves ("ID", "Description", "Other", ...) at the top level
// makes it read the whole file as one message, and the app then shows
// English and logs "reserved keys mixed with unreserved keys": the key
// check above cannot see that.
func TestCataloguesLoad(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(langDir, "*.json"))
	if err != nil || len(files) < 5 {
		t.Fatalf("catalogues: %v (%d files)", err, len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b := i18n.NewBundle(language.English)
		mf, err := b.ParseMessageFileBytes(data, filepath.Base(f))
		if err != nil {
			t.Errorf("%s does not load: %v", filepath.Base(f), err)
			continue
		}
		if len(mf.Messages) < 100 {
			t.Errorf("%s loads as %d messages: a reserved key at the top level?", filepath.Base(f), len(mf.Messages))
		}
	}
}
