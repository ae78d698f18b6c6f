package catalog

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
	"unicode"
)

// shown are the calls whose string arguments a person reads, and which of
// their arguments hold text (-1: every argument; -2: a []string literal of
// options in any argument).
var shown = map[string][]int{
	"widget.NewLabel": {0}, "widget.NewLabelWithStyle": {0}, "widget.NewButton": {0},
	"widget.NewButtonWithIcon": {0}, "widget.NewCheck": {0}, "widget.NewCard": {0, 1},
	"widget.NewFormItem": {0}, "widget.NewHyperlink": {0}, "widget.NewRichTextWithText": {0},
	"widget.NewRichTextFromMarkdown": {0}, "widget.NewAccordionItem": {0},
	"widget.NewRadioGroup": {-2}, "widget.NewSelect": {-2}, "widget.NewCheckGroup": {-2},
	"widget.NewToolbarAction": {}, "widget.NewTextGridFromString": {},
	"container.NewTabItem": {0}, "container.NewTabItemWithIcon": {0},
	"fyne.NewMenuItem": {0}, "fyne.NewMenu": {0},
	"dialog.NewConfirm": {0, 1}, "dialog.ShowConfirm": {0, 1},
	"dialog.NewInformation": {0, 1}, "dialog.ShowInformation": {0, 1},
	"dialog.NewCustom": {0, 1}, "dialog.ShowCustom": {0, 1},
	"dialog.NewCustomConfirm": {0, 1, 2}, "dialog.ShowCustomConfirm": {0, 1, 2},
	"dialog.NewCustomWithoutButtons": {0}, "dialog.ShowCustomWithoutButtons": {0},
	"dialog.NewForm": {0, 1, 2}, "dialog.ShowForm": {0, 1, 2},
	// Methods, whatever the receiver.
	".SetText": {0}, ".SetPlaceHolder": {0}, ".SetTitle": {0}, ".SetConfirmText": {0},
	".SetDismissText": {0}, ".SetSubTitle": {0}, ".NewWindow": {0}, ".SetOptions": {-2},
	".Append": {0}, // widget.Form.Append(label, object)
	// S3 Desk's own status and message setters.
	".Say": {0}, ".setStatus": {0}, ".SetStatus": {0}, ".say": {0}, ".Begin": {0}, ".SetMessage": {0},
	".showMessage": {0}, ".showProblem": {0}, ".setConfirm": {0},
	".Alert": {0, 1}, "widgets.CenteredMessage": {1, 2}, "widgets.CenteredMessageBox": {1, 2}, "widgets.SectionTitle": {0}, "lowLabel": {0}, "update": {0}, "btn": {0}, "add": {0}, "widgets.ShowError": {1}, "widgets.ShowMessage": {1, 2}, ".ShowError": {1}, ".ShowMessage": {1, 2},
}

// allowedRaw are literals shown as they are on purpose: names and symbols.
var allowedRaw = map[string]bool{
	"S3 Desk": true, "upload.bin": true, "x-amz-meta-%s": true, "MiB": true, "MiB/s": true, "ACL": true, "CSV": true, "HTML": true,
	"English": true, "Deutsch": true, "Français": true, "Español": true, "Português (Brasil)": true,
}

// Allowed tells the literals that may be shown untranslated: product and
// language names, units.
func Allowed(s string) bool { return allowedRaw[s] }

// RawStrings lists, as "file:line: text", the string literals under root
// that reach a shown call without lang (or widgets.Plural/Count): literals
// in the text argument itself, in a concatenation, or as a fmt.Sprintf
// format. allow tells the literals that are not words (names, symbols).
func RawStrings(root string, allow func(string) bool) ([]string, error) {
	var out []string
	err := walkGo(root, func(fset *token.FileSet, f *ast.File, path string) {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name := calleeName(call.Fun)
			args, ok := shown[name]
			if !ok && strings.Contains(name, ".") {
				args, ok = shown[name[strings.Index(name, "."):]]
			}
			if !ok {
				return true
			}
			report := func(e ast.Expr) {
				for _, lit := range rawLits(e) {
					s, _ := stringLit(lit)
					if !hasLetter(s) || allow(s) {
						continue
					}
					out = append(out, fmt.Sprintf("%s:%d: %s(%s)", path, fset.Position(lit.Pos()).Line, name, lit.Value))
				}
			}
			for _, i := range args {
				switch {
				case i >= 0 && i < len(call.Args):
					report(call.Args[i])
				case i == -2:
					for _, a := range call.Args {
						if cl, ok := a.(*ast.CompositeLit); ok {
							for _, el := range cl.Elts {
								report(el)
							}
						}
					}
				}
			}
			return true
		})
	})
	return out, err
}

// rawLits are the string literals in e that are shown as they are: not
// inside a lang or plural call, and not arguments of a call other than
// fmt's formatting (whose format is shown).
func rawLits(e ast.Expr) []*ast.BasicLit {
	var lits []*ast.BasicLit
	var walk func(ast.Expr)
	walk = func(e ast.Expr) {
		switch x := e.(type) {
		case *ast.BasicLit:
			if x.Kind == token.STRING {
				lits = append(lits, x)
			}
		case *ast.BinaryExpr:
			walk(x.X)
			walk(x.Y)
		case *ast.ParenExpr:
			walk(x.X)
		case *ast.CallExpr:
			switch calleeName(x.Fun) {
			case "fmt.Sprintf", "fmt.Sprint", "fmt.Sprintln", "fmt.Errorf":
				for _, a := range x.Args {
					walk(a)
				}
			case "widgets.Sentence", "strings.TrimSpace", "strings.ToUpper":
				for _, a := range x.Args {
					walk(a)
				}
			}
		}
	}
	walk(e)
	return lits
}

func hasLetter(s string) bool {
	// Format verbs and template actions are not words.
	s = verbRE.ReplaceAllString(s, "")
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
