package catalog

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
	"unicode"
)

// Candidates lists, as "file:line: literal", string literals under root that
// look like words for a person (a letter and a space, or a capital first
// letter) and are not given to lang, a logger, or used as preference keys:
// a review list for strings that reach the screen through a variable.
func Candidates(root string) ([]string, error) {
	var out []string
	err := walkGo(root, func(fset *token.FileSet, f *ast.File, path string) {
		skip := map[ast.Node]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.ImportSpec, *ast.Field:
				return false
			case *ast.CallExpr:
				name := calleeName(x.Fun)
				sel := name
				if i := strings.LastIndex(name, "."); i >= 0 {
					sel = name[i+1:]
				}
				switch {
				case strings.HasPrefix(name, "lang."), name == "widgets.Plural", name == "widgets.Count",
					sel == "Info" || sel == "Warn" || sel == "Debug" || sel == "Error" || sel == "With" || sel == "LogError",
					strings.HasPrefix(sel, "Set") && (strings.HasSuffix(sel, "Int") || strings.HasSuffix(sel, "Bool") || strings.HasSuffix(sel, "String") || strings.HasSuffix(sel, "StringList") || strings.HasSuffix(sel, "Float")),
					strings.HasSuffix(sel, "WithFallback"), sel == "StringList", sel == "Bool", sel == "Int",
					name == "errors.Is", name == "strings.HasPrefix", name == "strings.HasSuffix", name == "strings.Contains",
					name == "strings.Split", name == "strings.Cut", name == "strings.TrimPrefix", name == "strings.TrimSuffix":
					skip[x] = true
					return false
				}
			case *ast.BasicLit:
				if x.Kind != token.STRING {
					return true
				}
				s, _ := stringLit(x)
				if looksLikeWords(s) {
					out = append(out, fmt.Sprintf("%s:%d: %s", path, fset.Position(x.Pos()).Line, x.Value))
				}
			}
			return true
		})
	})
	return out, err
}

func looksLikeWords(s string) bool {
	if !hasLetter(s) || strings.ContainsAny(s, "{}") || strings.HasPrefix(s, "http") {
		return false
	}
	r := []rune(strings.TrimSpace(s))
	if len(r) == 0 {
		return false
	}
	words := 0
	for _, w := range strings.Fields(s) {
		if hasLetter(w) {
			words++
		}
	}
	return words >= 2 || unicode.IsUpper(r[0])
}
