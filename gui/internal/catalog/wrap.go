package catalog

import (
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

const langImport = `"fyne.io/fyne/v2/lang"`

// Aggressive makes Wrap also wrap the formats of fmt.Sprintf, fmt.Errorf
// and errors.New, and word-like literals that are assigned or returned
// (i18ntool -wrap-all): review its diff.
var Aggressive bool

// Wrap rewrites one Go file in place: a string literal that is the whole
// text argument of a shown call (or the format of a fmt.Sprintf that is)
// becomes lang.L("…"); nothing else in the file changes. It returns how
// many literals it wrapped. Concatenations are left for a person (a
// sentence in pieces cannot be translated): RawStrings still names them.
func Wrap(path string, allow func(string) bool) (int, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return 0, err
	}
	var at []*ast.BasicLit
	type concat struct {
		expr   ast.Expr
		format string
		args   []ast.Expr
	}
	var cats []concat
	take := func(e ast.Expr) {
		if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.ADD {
			var parts []ast.Expr
			var flat func(ast.Expr) bool
			flat = func(x ast.Expr) bool {
				if b, ok := x.(*ast.BinaryExpr); ok && b.Op == token.ADD {
					return flat(b.X) && flat(b.Y)
				}
				if p, ok := x.(*ast.ParenExpr); ok {
					x = p.X
				}
				parts = append(parts, x)
				return true
			}
			flat(b)
			var format strings.Builder
			var args []ast.Expr
			words := false
			for _, p := range parts {
				if lit, ok := p.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					words = words || (hasLetter(s) && !allow(s) && prose(s))
					format.WriteString(strings.ReplaceAll(s, "%", "%%"))
					continue
				}
				format.WriteString("%s")
				args = append(args, p)
			}
			if words {
				cats = append(cats, concat{e, format.String(), args})
			}
			return
		}
		lit, ok := e.(*ast.BasicLit)
		if !ok {
			if c, ok := e.(*ast.CallExpr); ok && calleeName(c.Fun) == "fmt.Sprintf" && len(c.Args) > 0 {
				lit, ok = c.Args[0].(*ast.BasicLit)
				if !ok {
					return
				}
			} else {
				return
			}
		}
		if lit.Kind != token.STRING {
			return
		}
		s, _ := strconv.Unquote(lit.Value)
		if hasLetter(s) && !allow(s) {
			at = append(at, lit)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		// A sentence built with + and assigned or returned is text too
		// (in gui/ it is always shown): it becomes one format.
		switch x := n.(type) {
		case *ast.AssignStmt:
			for _, r := range x.Rhs {
				if _, ok := r.(*ast.BinaryExpr); ok {
					take(r)
				}
			}
		case *ast.ReturnStmt:
			for _, r := range x.Results {
				if _, ok := r.(*ast.BinaryExpr); ok {
					take(r)
				}
			}
		}
		if Aggressive {
			var lits []ast.Expr
			switch x := n.(type) {
			case *ast.AssignStmt:
				lits = x.Rhs
			case *ast.ReturnStmt:
				lits = x.Results
			case *ast.CallExpr:
				switch calleeName(x.Fun) {
				case "fmt.Sprintf", "fmt.Errorf", "errors.New":
					lits = x.Args[:1]
				case "fmt.Fprintf":
					if len(x.Args) > 1 {
						lits = x.Args[1:2]
					}
				}
			}
			for _, l := range lits {
				if lit, ok := l.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, _ := strconv.Unquote(lit.Value); looksLikeWords(s) && !allow(s) {
						at = append(at, lit)
					}
				}
			}
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		name := calleeName(call.Fun)
		if name == "append" || name == "done" || name == "finish" {
			for i, a := range call.Args {
				if _, ok := a.(*ast.BinaryExpr); ok && (i > 0 || name != "append") {
					take(a)
				}
			}
			return true
		}
		args, ok := shown[name]
		if !ok && strings.Contains(name, ".") {
			args, ok = shown[name[strings.Index(name, "."):]]
		}
		if !ok {
			return true
		}
		for _, i := range args {
			switch {
			case i >= 0 && i < len(call.Args):
				take(call.Args[i])
			case i == -2:
				for _, a := range call.Args {
					if cl, ok := a.(*ast.CompositeLit); ok {
						for _, el := range cl.Elts {
							take(el)
						}
					}
				}
			}
		}
		return true
	})
	if len(at) == 0 && len(cats) == 0 {
		return 0, nil
	}
	type edit struct {
		s, e int
		text string
	}
	var edits []edit
	for _, lit := range at {
		edits = append(edits, edit{fset.Position(lit.Pos()).Offset, fset.Position(lit.End()).Offset, "lang.L(" + lit.Value + ")"})
	}
	for _, c := range cats {
		text := "fmt.Sprintf(lang.L(" + strconv.Quote(c.format) + ")"
		for _, a := range c.args {
			text += ", " + string(src[fset.Position(a.Pos()).Offset:fset.Position(a.End()).Offset])
		}
		edits = append(edits, edit{fset.Position(c.expr.Pos()).Offset, fset.Position(c.expr.End()).Offset, text + ")"})
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].s > edits[j].s })
	for i := 1; i < len(edits); i++ {
		if edits[i].e > edits[i-1].s { // overlaps the edit after it: keep the outer one
			edits = append(edits[:i], edits[i+1:]...)
			i--
		}
	}
	out := append([]byte(nil), src...)
	for _, ed := range edits {
		out = append(out[:ed.s], append([]byte(ed.text), out[ed.e:]...)...)
	}
	out = addImport(out)
	if len(cats) > 0 && !strings.Contains(string(out), "\t\"fmt\"\n") {
		if i := strings.Index(string(out), "import (\n"); i >= 0 {
			j := i + len("import (\n")
			line := "\t\"fmt\"\n"
			if first, _, _ := strings.Cut(string(out[j:]), "\n"); strings.Contains(first, ".") {
				line += "\n" // the block opens with a non-standard group
			}
			out = []byte(string(out[:j]) + line + string(out[j:]))
		}
	}
	if formatted, err := format.Source(out); err == nil {
		out = formatted
	} else {
		return 0, err
	}
	return len(at) + len(cats), os.WriteFile(path, out, 0o644)
}

// addImport puts the lang import beside the fyne imports (or opens a block).
func addImport(src []byte) []byte {
	s := string(src)
	if strings.Contains(s, langImport) {
		return src
	}
	for _, anchor := range []string{"\t\"fyne.io/fyne/v2\"\n", "\t\"fyne.io/fyne/v2/layout\"\n", "\t\"fyne.io/fyne/v2/dialog\"\n", "\t\"fyne.io/fyne/v2/container\"\n", "\t\"fyne.io/fyne/v2/widget\"\n"} {
		if i := strings.Index(s, anchor); i >= 0 {
			return []byte(s[:i+len(anchor)] + "\t" + langImport + "\n" + s[i+len(anchor):])
		}
	}
	if i := strings.Index(s, "import (\n"); i >= 0 {
		j := i + len("import (\n")
		return []byte(s[:j] + "\t" + langImport + "\n" + s[j:])
	}
	if i := strings.Index(s, "\nimport "); i >= 0 {
		return []byte(s[:i+1] + "import " + langImport + "\n" + s[i+1:])
	}
	return src
}

// prose tells whether a piece of a concatenation reads as words to a user
// (it has a space, or starts with a capital) rather than as a key or an
// identifier ("place.last.", "arn:", ":s3:::"), which must stay as it is.
func prose(s string) bool {
	if strings.Contains(s, " ") {
		return true
	}
	for _, r := range s {
		return unicode.IsUpper(r)
	}
	return false
}
