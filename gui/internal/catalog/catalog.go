// Package catalog reads S3 Desk's translation catalogues (assets/lang) and
// finds the strings gui/ passes to Fyne's lang package, so a test can tell a
// view's text from a catalogue's, and i18ntool can add what English lacks.
// It does not import Fyne.
package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Languages are the catalogues shipped besides English.
var Languages = []string{"de", "fr", "es", "pt_BR"}

// Use is one string gui/ asks lang for.
type Use struct {
	Key      string
	English  string // the English text (for a plural: the "other" form; "" if unknown)
	Plural   bool
	Pos      string // file:line
	Function string // lang.L, lang.N, widgets.Count, …
}

// Entry is one catalogue message: a plain text or plural forms.
type Entry struct {
	Text  string
	Forms map[string]string // one, many, other, … ; nil for a plain text
}

// Plural tells whether the entry has plural forms.
func (e Entry) Plural() bool { return e.Forms != nil }

// Catalogue is one language's messages by key.
type Catalogue map[string]Entry

// Scan parses every non-test Go file under root and returns the literal
// strings given to lang.L, lang.X, lang.N, lang.XN and to widgets.Plural /
// widgets.Count (whose singular is a plural key, see gui/widgets/text.go).
func Scan(root string) ([]Use, error) {
	var uses []Use
	err := walkGo(root, func(fset *token.FileSet, f *ast.File, path string) {
		// A declaration whose doc comment says i18n:keys holds labels that
		// are translated where they are shown (lang.L(label)): each of
		// its literals with a letter is a key.
		for _, d := range f.Decls {
			var doc *ast.CommentGroup
			switch x := d.(type) {
			case *ast.FuncDecl:
				doc = x.Doc
			case *ast.GenDecl:
				doc = x.Doc
			}
			if doc == nil || !strings.Contains(doc.Text(), "i18n:keys") {
				continue
			}
			ast.Inspect(d, func(n ast.Node) bool {
				if b, ok := n.(*ast.BinaryExpr); ok && (b.Op == token.EQL || b.Op == token.NEQ) {
					return false // runtime.GOOS != "darwin" is no label
				}
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, ok := stringLit(lit); ok && hasLetter(s) {
						uses = append(uses, Use{Key: s, English: s, Pos: fmt.Sprintf("%s:%d", path, fset.Position(lit.Pos()).Line), Function: "i18n:keys"})
					}
				}
				return true
			})
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name := calleeName(call.Fun)
			pos := fset.Position(call.Pos())
			at := fmt.Sprintf("%s:%d", path, pos.Line)
			lit := func(i int) (string, bool) {
				if i >= len(call.Args) {
					return "", false
				}
				return stringLit(call.Args[i])
			}
			switch name {
			case "lang.L", "lang.Localize":
				if k, ok := lit(0); ok {
					uses = append(uses, Use{Key: k, English: k, Pos: at, Function: name})
				}
			case "lang.X", "lang.LocalizeKey":
				if k, ok := lit(0); ok {
					e, _ := lit(1)
					uses = append(uses, Use{Key: k, English: e, Pos: at, Function: name})
				}
			case "lang.N", "lang.LocalizePlural":
				if k, ok := lit(0); ok {
					uses = append(uses, Use{Key: k, Plural: true, Pos: at, Function: name})
				}
			case "lang.XN", "lang.LocalizePluralKey":
				if k, ok := lit(0); ok {
					e, _ := lit(1)
					uses = append(uses, Use{Key: k, English: e, Plural: true, Pos: at, Function: name})
				}
			case "widgets.Plural", "widgets.Count":
				if k, ok := lit(1); ok {
					e, _ := lit(2)
					uses = append(uses, Use{Key: k, English: e, Plural: true, Pos: at, Function: name})
				}
			}
			return true
		})
	})
	return uses, err
}

func walkGo(root string, fn func(*token.FileSet, *ast.File, string)) error {
	fset := token.NewFileSet()
	return filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		fn(fset, f, filepath.ToSlash(rel))
		return nil
	})
}

func calleeName(fun ast.Expr) string {
	switch f := fun.(type) {
	case *ast.SelectorExpr:
		if id, ok := f.X.(*ast.Ident); ok {
			return id.Name + "." + f.Sel.Name
		}
		return "." + f.Sel.Name
	case *ast.Ident:
		return f.Name
	case *ast.IndexExpr: // generic instantiation: widgets.Count[int](…)
		return calleeName(f.X)
	}
	return ""
}

func stringLit(e ast.Expr) (string, bool) {
	b, ok := e.(*ast.BasicLit)
	if !ok || b.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(b.Value)
	return s, err == nil
}

// Load reads dir/<lang>.json.
func Load(dir, language string) (Catalogue, error) {
	data, err := os.ReadFile(filepath.Join(dir, language+".json"))
	if err != nil {
		return nil, err
	}
	return Parse(data)
}

// Parse reads a go-i18n JSON catalogue: key → text, or key → {"one": …, "other": …}.
func Parse(data []byte) (Catalogue, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	c := Catalogue{}
	for k, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			c[k] = Entry{Text: s}
			continue
		}
		var forms map[string]string
		if err := json.Unmarshal(v, &forms); err != nil {
			return nil, fmt.Errorf("%q: neither a text nor plural forms: %w", k, err)
		}
		c[k] = Entry{Forms: forms}
	}
	return c, nil
}

// Marshal writes c as sorted, indented JSON without HTML escaping, so a
// merge of two branches' additions touches separate lines.
func (c Catalogue) Marshal() ([]byte, error) {
	out := map[string]any{}
	for k, e := range c {
		if e.Plural() {
			out[k] = e.Forms
		} else {
			out[k] = e.Text
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// RequiredForms are the plural forms go-i18n asks each language for (its
// CLDR rules: French, Spanish and Portuguese have "many" for 1,000,000).
var RequiredForms = map[string][]string{
	"en": {"one", "other"}, "de": {"one", "other"},
	"fr": {"one", "many", "other"}, "es": {"one", "many", "other"}, "pt_BR": {"one", "many", "other"},
}

var verbRE = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// Verbs are the fmt verbs of s, explicit argument indexes removed, sorted:
// a translation may reorder them with %[2]s but must keep the same set.
func Verbs(s string) []string {
	var vs []string
	for _, m := range verbRE.FindAllString(s, -1) {
		if m == "%%" {
			continue
		}
		if i := strings.Index(m, "]"); i >= 0 {
			m = "%" + m[i+1:]
		}
		vs = append(vs, m)
	}
	sort.Strings(vs)
	return vs
}

// Problems compares the uses with the English catalogue, and each other
// language with English. Every problem is one readable line.
func Problems(uses []Use, en Catalogue, others map[string]Catalogue) []string {
	var ps []string
	kind := map[string]Use{}
	for _, u := range uses {
		if prev, ok := kind[u.Key]; ok && prev.Plural != u.Plural {
			ps = append(ps, fmt.Sprintf("%s: %q is used both as a plural (%s) and as a text (%s)", u.Pos, u.Key, pick(prev, u, true).Pos, pick(prev, u, false).Pos))
		}
		kind[u.Key] = u
		e, ok := en[u.Key]
		switch {
		case !ok:
			ps = append(ps, fmt.Sprintf("%s: %s(%q) is not in en.json (go run ./gui/internal/i18ntool -fix)", u.Pos, u.Function, u.Key))
		case u.Plural && !e.Plural():
			ps = append(ps, fmt.Sprintf("%s: %q is a plural but en.json has a text", u.Pos, u.Key))
		case !u.Plural && e.Plural():
			ps = append(ps, fmt.Sprintf("%s: %q is a text but en.json has plural forms", u.Pos, u.Key))
		case u.English != "" && !u.Plural && e.Text != u.English:
			ps = append(ps, fmt.Sprintf("%s: en.json says %q for %q, the code %q", u.Pos, e.Text, u.Key, u.English))
		}
	}
	for _, l := range sortedKeys(others) {
		c := others[l]
		for _, k := range sortedKeys(en) {
			e := en[k]
			t, ok := c[k]
			if !ok {
				ps = append(ps, fmt.Sprintf("%s.json: missing %q", l, k))
				continue
			}
			ps = append(ps, entryProblems(l, k, e, t)...)
		}
		for _, k := range sortedKeys(c) {
			if _, ok := en[k]; !ok {
				ps = append(ps, fmt.Sprintf("%s.json: %q is not in en.json", l, k))
			}
		}
	}
	for _, k := range sortedKeys(en) {
		ps = append(ps, formProblems("en", k, en[k])...)
	}
	return ps
}

func pick(a, b Use, plural bool) Use {
	if a.Plural == plural {
		return a
	}
	return b
}

func entryProblems(l, k string, e, t Entry) []string {
	if e.Plural() != t.Plural() {
		return []string{fmt.Sprintf("%s.json: %q must be %s like en.json", l, k, map[bool]string{true: "plural forms", false: "a text"}[e.Plural()])}
	}
	ps := formProblems(l, k, t)
	want := Verbs(e.Text)
	if e.Plural() {
		want = Verbs(e.Forms["other"])
	}
	check := func(form, s string) {
		if s == "" || strings.TrimSpace(s) == "" && !strings.HasPrefix(k, "format.") { // a thousands separator may be a space
			ps = append(ps, fmt.Sprintf("%s.json: %q%s is empty", l, k, form))
			return
		}
		if got := Verbs(s); strings.Join(got, " ") != strings.Join(want, " ") {
			ps = append(ps, fmt.Sprintf("%s.json: %q%s has verbs %v, English %v", l, k, form, got, want))
		}
	}
	if t.Plural() {
		for f, s := range t.Forms {
			check("["+f+"]", s)
		}
	} else {
		check("", t.Text)
	}
	return ps
}

func formProblems(l, k string, e Entry) []string {
	if !e.Plural() {
		return nil
	}
	var ps []string
	for _, f := range RequiredForms[l] {
		if _, ok := e.Forms[f]; !ok {
			ps = append(ps, fmt.Sprintf("%s.json: %q lacks the plural form %q", l, k, f))
		}
	}
	return ps
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// AddMissing adds to en what the uses need and it lacks (a text is its own
// English; a plural gets one = the key and other = the English given, or
// the key), and returns the keys added.
func AddMissing(uses []Use, en Catalogue) []string {
	var added []string
	for _, u := range uses {
		if _, ok := en[u.Key]; ok {
			continue
		}
		if u.Plural {
			other := u.English
			if other == "" {
				other = u.Key
			}
			en[u.Key] = Entry{Forms: map[string]string{"one": u.Key, "other": other}}
		} else {
			text := u.English
			if text == "" {
				text = u.Key
			}
			en[u.Key] = Entry{Text: text}
		}
		added = append(added, u.Key)
	}
	return added
}
