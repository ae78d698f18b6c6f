// Command i18ntool helps merge translations: it adds to assets/lang/en.json
// the strings gui/ gives lang and English lacks (with -fix), and lists, per
// language, the keys still to translate and the other problems the
// catalogue test reports. Run from the repository root:
//
//	go run ./gui/internal/i18ntool        # report only
//	go run ./gui/internal/i18ntool -fix   # also add missing English keys
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"s3desk/gui/internal/catalog"
)

func main() {
	fix := flag.Bool("fix", false, "add missing English keys to en.json")
	gui := flag.String("gui", "gui", "the gui source folder")
	dir := flag.String("lang", "assets/lang", "the catalogue folder")
	wrap := flag.Bool("wrap", false, "wrap the literal text arguments of labels, buttons, dialogs and menus in lang.L (then -fix)")
	cands := flag.Bool("candidates", false, "list literals that look like words and do not go through lang (to review by hand)")
	all := flag.Bool("wrap-all", false, "like -wrap, and also wrap fmt and errors.New formats and word-like literals assigned or returned (review the diff)")
	flag.Parse()
	if *all {
		*wrap, catalog.Aggressive = true, true
	}
	if *cands {
		cs, err := catalog.Candidates(*gui)
		if err != nil {
			fail(err)
		}
		for _, c := range cs {
			fmt.Println(c)
		}
		return
	}
	if *wrap {
		err := filepath.WalkDir(*gui, func(path string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() && d.Name() == "internal" {
				return filepath.SkipDir
			}
			if err != nil || d.IsDir() || filepath.Ext(path) != ".go" || strings.HasSuffix(path, "_test.go") {
				return err
			}
			n, err := catalog.Wrap(path, catalog.Allowed)
			if n > 0 {
				fmt.Printf("%s: wrapped %d strings\n", path, n)
			}
			return err
		})
		if err != nil {
			fail(err)
		}
		raw, err := catalog.RawStrings(*gui, catalog.Allowed)
		if err != nil {
			fail(err)
		}
		for _, r := range raw {
			fmt.Println("still raw (rewrite by hand):", r)
		}
	}
	uses, err := catalog.Scan(*gui)
	if err != nil {
		fail(err)
	}
	en, err := catalog.Load(*dir, "en")
	if err != nil {
		fail(err)
	}
	if *fix {
		added := catalog.AddMissing(uses, en)
		if len(added) > 0 {
			data, err := en.Marshal()
			if err != nil {
				fail(err)
			}
			if err := os.WriteFile(filepath.Join(*dir, "en.json"), data, 0o644); err != nil {
				fail(err)
			}
		}
		for _, k := range added {
			if e := en[k]; e.Plural() && e.Forms["one"] == e.Forms["other"] {
				fmt.Printf("en.json: added plural %q: write its \"other\" form by hand\n", k)
				continue
			}
			fmt.Printf("en.json: added %q\n", k)
		}
	}
	others := map[string]catalog.Catalogue{}
	for _, l := range catalog.Languages {
		c, err := catalog.Load(*dir, l)
		if err != nil {
			fail(err)
		}
		others[l] = c
	}
	ps := catalog.Problems(uses, en, others)
	for _, p := range ps {
		fmt.Println(p)
	}
	if len(ps) > 0 {
		fmt.Fprintf(os.Stderr, "%d problems\n", len(ps))
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "i18ntool:", err)
	os.Exit(2)
}
