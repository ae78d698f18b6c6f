// Package bookmarks is the Bookmarks section of the side panel: named
// places (a profile, a bucket, a folder) saved with Ctrl+B and opened with
// a click, from any profile. The shell wires it to storage/bookmarks and
// opens a bookmark (connecting its profile when it is another one).
package bookmarks

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage/bookmarks"
)

// Store is what the view needs from the bookmarks file.
// *bookmarks.Store satisfies it.
type Store interface {
	List(ctx context.Context) ([]bookmarks.Bookmark, error)
	Add(ctx context.Context, b bookmarks.Bookmark) (bookmarks.Bookmark, error)
	Remove(ctx context.Context, name string) error
	Rename(ctx context.Context, oldName, newName string) error
}

// Status is what the view needs from the shell's status bar.
type Status interface{ Say(text string) }

// View lists the bookmarks. Its methods run on the UI goroutine.
type View struct {
	win    fyne.Window
	status Status
	jobs   *async.Jobs
	store  Store // nil: bookmarks unavailable (the settings folder could not be opened)

	marks []bookmarks.Bookmark
	load  async.Gen

	list    *widget.List
	message *widget.Label
	addBtn  *widget.Button
	delBtn  *widget.Button
	box     *fyne.Container
	current int // the selected row, or -1

	// Here tells the place being viewed (ok false: none open), for Add.
	Here func() (b bookmarks.Bookmark, ok bool)
	// OnOpen opens a bookmark.
	OnOpen func(b bookmarks.Bookmark)
	// OnChange is told the bookmarks whenever they are read again (the
	// Go → Bookmarks menu follows).
	OnChange func(marks []bookmarks.Bookmark)

	add *addDialog // the open "Add bookmark" dialog, for tests
}

// New builds the view and reads the bookmarks.
func New(win fyne.Window, status Status, j *async.Jobs, store Store) *View {
	v := &View{win: win, status: status, jobs: j, store: store, current: -1}
	v.list = widget.NewList(
		func() int { return len(v.marks) },
		func() fyne.CanvasObject {
			return widgets.NewSideRow(func() *widget.List { return v.list }, v.menu, theme.NewThemedResource(theme.FolderOpenIcon()))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < 0 || id >= len(v.marks) {
				return
			}
			row := o.(*widgets.SideRow)
			row.ID = id
			row.Name.SetText(v.marks[id].Name)
			row.Detail.SetText(Where(v.marks[id]))
		},
	)
	v.list.OnSelected = func(id widget.ListItemID) {
		if id < 0 || id >= len(v.marks) {
			return
		}
		v.current = id
		v.delBtn.Enable()
		if v.OnOpen != nil {
			v.OnOpen(v.marks[id])
		}
		v.list.Unselect(id) // a bookmark is a shortcut, not a state: it opens again on the next click
	}
	v.message = widget.NewLabel("")
	v.message.Wrapping = fyne.TextWrapWord
	v.message.Alignment = fyne.TextAlignCenter
	v.message.Importance = widget.LowImportance
	v.addBtn = widget.NewButtonWithIcon("", theme.ContentAddIcon(), v.ShowAdd)
	v.delBtn = widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() {
		if v.current >= 0 && v.current < len(v.marks) {
			v.remove(v.marks[v.current].Name)
		}
	})
	v.delBtn.Disable()
	for _, b := range []*widget.Button{v.addBtn, v.delBtn} {
		b.Importance = widget.LowImportance
	}
	header := container.NewBorder(nil, nil, widgets.SectionTitle(lang.L("Bookmarks")), container.NewHBox(v.addBtn, v.delBtn))
	v.box = container.NewBorder(header, nil, nil, nil,
		container.NewStack(v.list, container.NewPadded(container.NewVBox(v.message))))
	if store == nil {
		v.addBtn.Disable()
		v.showMessage(lang.L("Bookmarks are unavailable: the settings folder could not be opened."))
	} else {
		v.Reload()
	}
	return v
}

// CanvasObject is the view's root.
func (v *View) CanvasObject() fyne.CanvasObject { return v.box }

// Bookmarks are the listed bookmarks.
func (v *View) Bookmarks() []bookmarks.Bookmark { return append([]bookmarks.Bookmark(nil), v.marks...) }

// Message is the line shown in place of the list (tests).
func (v *View) Message() *widget.Label { return v.message }

// List is the list widget (tests).
func (v *View) List() *widget.List { return v.list }

// Where is how a bookmark's place reads: "Work · acme/reports/2026".
func Where(b bookmarks.Bookmark) string {
	return b.Profile + " · " + strings.TrimSuffix(b.Bucket+"/"+b.Prefix, "/")
}

func (v *View) showMessage(text string) {
	v.message.SetText(text)
	if text == "" {
		v.message.Hide()
	} else {
		v.message.Show()
	}
}

// Reload reads the bookmarks again (another window may have changed them).
func (v *View) Reload() {
	if v.store == nil {
		return
	}
	ctx, gen := v.load.Renew(v.jobs.Life())
	store := v.store
	v.jobs.Go(func() {
		marks, err := store.List(ctx)
		if d, ok := store.(interface{ Damaged() error }); ok && err == nil {
			err = d.Damaged() // a damaged file Open kept aside: say where, once
		}
		v.jobs.Do(func() {
			if !v.load.Current(gen) {
				return
			}
			v.marks = marks
			v.current = -1
			v.delBtn.Disable()
			v.list.UnselectAll()
			v.list.Refresh()
			switch {
			case err != nil:
				// A damaged file was kept aside: say where, once.
				v.status.Say(widgets.Sentence(widgets.ErrorText(err)))
				v.showMessage(widgets.Sentence(widgets.ErrorText(err)))
			case len(marks) == 0:
				v.showMessage(lang.L("No bookmarks yet.\nAdd the open folder with + or Ctrl+B."))
			default:
				v.showMessage("")
			}
			if v.OnChange != nil {
				v.OnChange(v.Bookmarks())
			}
		})
	})
}

// Stop cancels a reading in flight.
func (v *View) Stop() { v.load.Stop() }

// menu is a bookmark row's context menu.
func (v *View) menu(id widget.ListItemID) *fyne.Menu {
	if id < 0 || id >= len(v.marks) {
		return nil
	}
	b := v.marks[id]
	return fyne.NewMenu("",
		fyne.NewMenuItem(lang.L("Open"), func() {
			if v.OnOpen != nil {
				v.OnOpen(b)
			}
		}),
		fyne.NewMenuItem(lang.L("Rename…"), func() { v.showRename(b.Name) }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(lang.L("Remove bookmark"), func() { v.remove(b.Name) }),
	)
}

// run does fn in the background, then reads the bookmarks again, or says
// what failed.
func (v *View) run(fn func(ctx context.Context) error, done string) {
	ctx, store := v.jobs.Life(), v.store
	if store == nil {
		return
	}
	v.jobs.Go(func() {
		err := fn(ctx)
		v.jobs.Do(func() {
			if err != nil {
				v.status.Say(widgets.Sentence(widgets.ErrorText(err)))
				return
			}
			v.status.Say(done)
			v.Reload()
		})
	})
}

func (v *View) remove(name string) {
	// Removing a bookmark loses nothing but the shortcut: no question.
	v.run(func(ctx context.Context) error { return v.store.Remove(ctx, name) }, lang.L("Bookmark removed: ")+name)
}

func (v *View) showRename(name string) {
	e := widgets.NewEscEntry()
	e.SetText(name)
	d := dialog.NewForm(lang.L("Rename bookmark"), lang.L("Rename"), lang.L("Cancel"),
		[]*widget.FormItem{widget.NewFormItem(lang.L("Name"), e)}, func(ok bool) {
			if ok && strings.TrimSpace(e.Text) != name {
				newName := e.Text
				v.run(func(ctx context.Context) error { return v.store.Rename(ctx, name, newName) }, lang.L("Bookmark renamed"))
			}
		}, v.win)
	e.OnSubmitted = func(string) { d.Submit() }
	e.OnEscape = d.Hide
	d.Resize(fyne.NewSize(420, d.MinSize().Height))
	d.Show()
	v.win.Canvas().Focus(e)
}

type addDialog struct {
	name *widgets.EscEntry
	dlg  *dialog.FormDialog
}

// AddDialog is the open "Add bookmark" dialog's name field, or nil.
func (v *View) AddDialog() (*widgets.EscEntry, *dialog.FormDialog) {
	if v.add == nil {
		return nil, nil
	}
	return v.add.name, v.add.dlg
}

// ShowAdd asks for a name and bookmarks the place being viewed (Ctrl+B).
func (v *View) ShowAdd() {
	if v.store == nil {
		return
	}
	var here bookmarks.Bookmark
	ok := false
	if v.Here != nil {
		here, ok = v.Here()
	}
	if !ok {
		v.status.Say(lang.L("Open a bucket or folder first, then bookmark it."))
		return
	}
	d := &addDialog{name: widgets.NewEscEntry()}
	d.name.SetText(defaultName(here, v.marks))
	where := widget.NewLabel(Where(here))
	where.Truncation = fyne.TextTruncateEllipsis
	d.dlg = dialog.NewForm(lang.L("Add bookmark"), lang.L("Add"), lang.L("Cancel"), []*widget.FormItem{
		widget.NewFormItem(lang.L("Name"), d.name),
		widget.NewFormItem(lang.L("Place"), where),
	}, func(ok bool) {
		v.add = nil
		if !ok {
			return
		}
		b := here
		b.Name = d.name.Text
		v.run(func(ctx context.Context) error { _, err := v.store.Add(ctx, b); return err }, lang.L("Bookmark added: ")+strings.TrimSpace(b.Name))
	}, v.win)
	d.name.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(lang.L("Give the bookmark a name"))
		}
		return nil
	}
	d.name.OnSubmitted = func(string) { d.dlg.Submit() }
	d.name.OnEscape = d.dlg.Hide
	v.add = d
	d.dlg.Resize(fyne.NewSize(480, d.dlg.MinSize().Height))
	d.dlg.Show()
	v.win.Canvas().Focus(d.name)
	d.name.TypedShortcut(&fyne.ShortcutSelectAll{}) // the suggested name is selected: typing replaces it
}

// defaultName suggests the folder's (or bucket's) name, made unique.
func defaultName(b bookmarks.Bookmark, marks []bookmarks.Bookmark) string {
	base := b.Bucket
	if p := strings.TrimSuffix(b.Prefix, "/"); p != "" {
		base = p[strings.LastIndex(p, "/")+1:]
		if base == "" {
			base = b.Bucket
		}
	}
	name := base
	for i := 2; taken(name, marks); i++ {
		name = base + " (" + strconv.Itoa(i) + ")"
	}
	return name
}

func taken(name string, marks []bookmarks.Bookmark) bool {
	for _, m := range marks {
		if strings.EqualFold(m.Name, name) {
			return true
		}
	}
	return false
}
