package browser

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// The model is the part of the browser tested without a window: it must
// not import Fyne.
func TestModelImportsNoFyne(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "model.go", nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range f.Imports {
		if strings.Contains(imp.Path.Value, "fyne.io/") || strings.Contains(imp.Path.Value, "s3desk/gui") {
			t.Errorf("model.go imports %s", imp.Path.Value)
		}
	}
}
