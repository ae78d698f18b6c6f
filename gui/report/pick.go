package report

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/dustin/go-humanize"

	"s3desk/gui/widgets"
	"s3desk/storage/report"
)

// pickStep is step 1: the folder, an optional file pattern, and the files
// found, with their sizes and whether their header matches the first's.
type pickStep struct {
	w        *Wizard
	folder   *widget.Entry
	pattern  *widget.Entry
	listBtn  *widget.Button
	fileList *widget.List
	summary  *widget.Label
	files    []report.SourceFile
	// keys, when the user selected CSV files, are exactly those (the
	// folder and pattern are not used).
	keys []string
	gen  int
}

func (p *pickStep) build(w *Wizard) fyne.CanvasObject {
	p.w = w
	p.folder = widget.NewEntry()
	p.folder.SetPlaceHolder(lang.L("22_Sept/ (empty: the whole bucket)"))
	p.pattern = widget.NewEntry()
	p.pattern.SetPlaceHolder(lang.L("*.csv"))
	folder := w.opts.Prefix
	var selectedFiles []string
	for _, e := range w.opts.Entries {
		switch {
		case e.IsFolder:
			folder = e.Key
		case strings.HasSuffix(strings.ToLower(e.Key), ".csv"):
			selectedFiles = append(selectedFiles, e.Key)
		}
	}
	if len(selectedFiles) > 1 || (len(selectedFiles) == 1 && len(w.opts.Entries) == 1) {
		p.keys = selectedFiles
	}
	p.folder.SetText(folder)
	p.folder.OnSubmitted = func(string) { p.list() }
	p.pattern.OnSubmitted = func(string) { p.list() }
	p.folder.OnChanged = func(string) { p.keys = nil }
	p.listBtn = widget.NewButtonWithIcon(lang.L("List files"), theme.SearchIcon(), p.list)
	p.summary = widget.NewLabel("")
	p.summary.Wrapping = fyne.TextWrapWord
	p.fileList = widget.NewList(func() int { return len(p.files) },
		func() fyne.CanvasObject {
			return widget.NewLabel(sizing("requests_2022-09-07.csv   347 B   ✓ header matches"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(p.files) {
				o.(*widget.Label).SetText(p.row(i))
			}
		})
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Bucket"), widget.NewLabel(w.bucket)),
		widget.NewFormItem(lang.L("Folder"), p.folder),
		widget.NewFormItem(lang.L("File pattern"), container.NewBorder(nil, nil, nil, p.listBtn, p.pattern)),
	)
	intro := widget.NewLabel(lang.L("Choose the month's folder. Every file in it (and its sub-folders) that matches the pattern goes into the report."))
	intro.Wrapping = fyne.TextWrapWord
	top := container.NewVBox(w.saved.runRow(w), intro, form, p.summary)
	return container.NewBorder(top, nil, nil, nil, p.fileList)
}

// row describes file i: its name, size and header check.
func (p *pickStep) row(i int) string {
	f := p.files[i]
	check := "header not checked"
	switch {
	case f.HeaderErr != "":
		check = "✗ " + f.HeaderErr
	case f.Header != nil && i == 0:
		check = fmt.Sprintf(lang.L("✓ header: %s"), strings.Join(f.Header, ", "))
	case f.Header != nil && sameFields(f.Header, p.files[0].Header):
		check = "✓ header matches"
	case f.Header != nil:
		check = fmt.Sprintf(lang.L("⚠ different header (%s): it will be skipped or stop the combine, you choose"), strings.Join(f.Header, ", "))
	}
	size := "size unknown"
	if f.Size >= 0 {
		size = humanize.IBytes(uint64(f.Size))
	}
	return fmt.Sprintf("%s   %s   %s", f.Name, size, check)
}

func sameFields(a, b []string) bool {
	return slices.EqualFunc(a, b, func(x, y string) bool { return strings.TrimSpace(x) == strings.TrimSpace(y) })
}

// prefix is the folder as typed, with a trailing "/".
func (p *pickStep) prefix() string {
	f := strings.TrimLeft(strings.TrimSpace(p.folder.Text), "/")
	if f != "" && !strings.HasSuffix(f, "/") {
		f += "/"
	}
	return f
}

// chosen are the keys to combine.
func (p *pickStep) chosen() []string {
	out := make([]string, 0, len(p.files))
	for _, f := range p.files {
		out = append(out, f.Key)
	}
	return out
}

// list finds the files and checks their headers; then (when a saved
// report runs) goes on to combine.
func (p *pickStep) list() {
	w := p.w
	ctx, gen := w.run.Renew(w.jobs.Ctx())
	p.gen = gen
	prefix, pattern, keys := p.prefix(), p.pattern.Text, slices.Clone(p.keys)
	p.summary.SetText(fmt.Sprintf(lang.L("Listing %s/%s…"), w.bucket, prefix))
	p.files = nil
	p.fileList.Refresh()
	w.refreshNav()
	w.jobs.Go(func() {
		var files []report.SourceFile
		var err error
		if keys != nil {
			files = make([]report.SourceFile, 0, len(keys))
			for _, k := range keys {
				files = append(files, report.SourceFile{Key: k, Name: path.Base(k), Size: -1})
			}
		} else {
			files, err = w.store.ListSources(ctx, w.bucket, prefix, pattern)
		}
		if err == nil && keys != nil {
			// Sizes of a selection come from the folder listing.
			all, lerr := w.store.ListSources(ctx, w.bucket, commonDir(keys), "*")
			if lerr == nil {
				for i := range files {
					for _, a := range all {
						if a.Key == files[i].Key {
							files[i].Size, files[i].LastModified = a.Size, a.LastModified
						}
					}
				}
			}
		}
		if err == nil {
			err = w.store.CheckHeaders(ctx, w.bucket, files)
		}
		w.jobs.Do(func() {
			if !w.run.Current(gen) || w.closed {
				return
			}
			if err != nil {
				p.summary.SetText(fmt.Sprintf(lang.L("Could not list the files: %s"), widgets.ErrorText(err)))
				w.stopAuto(widgets.ErrorText(err))
				return
			}
			p.files = files
			p.fileList.Refresh()
			var total int64
			differ := 0
			for i, f := range files {
				total += max(f.Size, 0)
				if i > 0 && (f.HeaderErr != "" || !sameFields(f.Header, files[0].Header)) {
					differ++
				}
			}
			switch {
			case len(files) == 0:
				pat := strings.TrimSpace(pattern)
				if pat == "" {
					pat = "*.csv"
				}
				p.summary.SetText(fmt.Sprintf(lang.L("No file in %s/%s matches %s. Check the folder and the pattern."), w.bucket, prefix, pat))
				w.stopAuto("no files in " + prefix)
			default:
				s := fmt.Sprintf(lang.L("%s, %s."), widgets.Count(len(files), "file", "files"), humanize.IBytes(uint64(total)))
				if differ > 0 {
					s += " " + fmt.Sprintf(lang.N("%d file has a different header from the first.", differ), differ)
				} else {
					s += " " + lang.L("All have the same header.")
				}
				p.summary.SetText(fmt.Sprintf(lang.L("%s Press Next to combine them."), s))
			}
			w.refreshNav()
			if w.auto != nil && len(files) > 0 {
				w.advance()
			}
		})
	})
}

// commonDir is the folder holding all keys.
func commonDir(keys []string) string {
	if len(keys) == 0 {
		return ""
	}
	d := keys[0][:strings.LastIndexByte(keys[0], '/')+1]
	for _, k := range keys[1:] {
		for !strings.HasPrefix(k, d) {
			d = strings.TrimSuffix(d, "/")
			d = d[:strings.LastIndexByte(d, '/')+1]
		}
	}
	return d
}

// sizing is a list row template's text: it sizes the rows before any row
// is shown, and is never shown itself (so it is not translated).
func sizing(s string) string { return s }
