package browser

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	"github.com/dustin/go-humanize"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage"
)

// errNameTaken is returned when a new name is already used in the folder.
var errNameTaken = errors.New("already exists")

// checkObjectName validates a new file or folder name typed by the user.
func checkObjectName(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return errors.New("type a name")
	case strings.Contains(s, "/"):
		return errors.New("a name cannot contain “/”")
	case s == "." || s == "..":
		return errors.New("“.” and “..” are not allowed as names")
	case len(s) > 1024:
		return errors.New("the name is too long (S3 keys are at most 1,024 bytes)")
	}
	return nil
}

// NewFolder asks for a name and creates the folder in the open folder.
func (v *ObjectsView) NewFolder() {
	if v.bucket == "" || v.store == nil {
		return
	}
	entry := widgets.NewEscEntry() // Escape cancels
	entry.SetPlaceHolder("Folder name")
	entry.Validator = checkObjectName
	bucket, prefix, store := v.bucket, v.prefix, v.store
	d := dialog.NewForm("New folder", "Create", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("Name", entry)},
		func(ok bool) {
			if !ok {
				return
			}
			name := strings.TrimSpace(entry.Text)
			key := prefix + name + "/"
			if v.bucket == bucket && v.prefix == prefix && v.rowOfKey(key) {
				widgets.ShowError(v.win, "New folder", fmt.Errorf("a folder named “%s” already exists here", name))
				return
			}
			v.setStatus("Creating folder “" + name + "”…")
			v.background(func(ctx context.Context) error {
				return store.CreateFolder(ctx, bucket, key)
			}, func(err error) {
				if err != nil {
					v.setStatus("")
					widgets.ShowError(v.win, "The folder could not be created", err)
					return
				}
				v.setStatus("Created folder “" + name + "”")
				v.refreshIfAt(bucket, prefix, key)
			})
		}, v.win)
	entry.OnEscape = d.Hide
	d.Resize(fyne.NewSize(380, d.MinSize().Height))
	d.Show()
	v.win.Canvas().Focus(entry)
}

// refreshIfAt reloads the listing if the user is still in bucket/prefix,
// selecting key once it shows.
func (v *ObjectsView) refreshIfAt(bucket, prefix, key string) {
	if v.bucket != bucket || v.prefix != prefix {
		return
	}
	v.load()
	v.pendingSelect = key
}

// RenameSelected asks for a new name for the one selected entry.
func (v *ObjectsView) RenameSelected() {
	sel := v.Selected()
	if len(sel) != 1 || v.store == nil {
		return
	}
	e := sel[0]
	bucket, prefix, store := v.bucket, v.prefix, v.store
	old := displayName(&e)
	entry := widgets.NewEscEntry() // Escape cancels
	entry.SetText(old)
	entry.Validator = func(s string) error {
		if err := checkObjectName(s); err != nil {
			return err
		}
		if s == old {
			return errors.New("type a different name")
		}
		return nil
	}
	what := "file"
	if e.IsFolder {
		what = "folder"
	}
	d := dialog.NewForm("Rename "+what, "Rename", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("New name", entry)},
		func(ok bool) {
			if !ok {
				return
			}
			name := entry.Text
			base := strings.TrimSuffix(e.Key, e.Name)
			if base == e.Key {
				base = prefix
			}
			newKey := base + name
			if e.IsFolder {
				newKey += "/"
			}
			v.setStatus("Renaming “" + old + "” to “" + name + "”…")
			progress := async.NewThrottle(async.Every, v.jobs.Do, func(n int64) {
				v.setStatus("Renaming “" + old + "”… " + widgets.Count(n, "object", "objects") + " moved")
			})
			v.background(func(ctx context.Context) error {
				defer progress.Flush()
				if e.IsFolder {
					for p, err := range store.List(ctx, bucket, storage.ListOptions{Prefix: newKey, PageSize: 1}) {
						if err != nil {
							return err
						}
						if len(p.Objects)+len(p.Folders) > 0 {
							return fmt.Errorf("a folder named “%s” %w here; choose another name", name, errNameTaken)
						}
						break
					}
					return store.RenameFolder(ctx, bucket, e.Key, newKey, progress.Push)
				}
				if _, err := store.Stat(ctx, bucket, newKey); err == nil {
					return fmt.Errorf("a file named “%s” %w here; choose another name", name, errNameTaken)
				} else if !errors.Is(err, storage.ErrNotFound) {
					return err
				}
				return store.Rename(ctx, storage.ObjectRef{Bucket: bucket, Key: e.Key}, storage.ObjectRef{Bucket: bucket, Key: newKey})
			}, func(err error) {
				if err != nil {
					v.setStatus("")
					widgets.ShowError(v.win, "“"+old+"” was not renamed", err)
					v.refreshIfAt(bucket, prefix, e.Key)
					return
				}
				v.setStatus("Renamed “" + old + "” to “" + name + "”")
				v.refreshIfAt(bucket, prefix, newKey)
			})
		}, v.win)
	entry.OnEscape = d.Hide
	d.Resize(fyne.NewSize(420, d.MinSize().Height))
	d.Show()
	v.win.Canvas().Focus(entry)
	entry.TypedShortcut(&fyne.ShortcutSelectAll{}) // typing replaces the old name
}

// deletePlan is what a delete will remove, for the confirmation.
type deletePlan struct {
	files     []string
	fileBytes int64
	folders   []string
	objects   int64 // objects under the folders
	bytes     int64 // their bytes
}

// DeleteSelected asks for confirmation, naming the count, and deletes. For
// folders it first counts what they hold (PlanDeleteFolder).
func (v *ObjectsView) DeleteSelected() {
	sel := v.Selected()
	if len(sel) == 0 || v.store == nil {
		return
	}
	bucket, prefix, store := v.bucket, v.prefix, v.store
	var plan deletePlan
	for _, e := range sel {
		if e.IsFolder {
			plan.folders = append(plan.folders, e.Key)
		} else {
			plan.files = append(plan.files, e.Key)
			plan.fileBytes += e.Size
		}
	}
	if len(plan.folders) == 0 {
		v.confirmDelete(bucket, prefix, store, plan, len(sel))
		return
	}
	ctx, cancel := context.WithCancel(v.life)
	counting := dialog.NewCustom("Counting…", "Cancel",
		widget.NewLabel("Counting what "+widgets.Count(len(plan.folders), "folder holds", "folders hold")+"…"), v.win)
	counting.SetOnClosed(cancel)
	counting.Show()
	v.background(func(context.Context) error {
		for _, f := range plan.folders {
			p, err := store.PlanDeleteFolder(ctx, bucket, f)
			if err != nil {
				return err
			}
			plan.objects += p.Objects
			plan.bytes += p.Bytes
		}
		return nil
	}, func(err error) {
		canceled := ctx.Err() != nil
		counting.Hide()
		cancel()
		if canceled {
			return
		}
		if err != nil {
			widgets.ShowError(v.win, "Nothing was deleted", err)
			return
		}
		v.confirmDelete(bucket, prefix, store, plan, len(sel))
	})
}

func (v *ObjectsView) confirmDelete(bucket, prefix string, store ObjectStore, plan deletePlan, n int) {
	if len(plan.folders) == 0 && v.confirmFiles != nil && !v.confirmFiles() {
		v.runDelete(bucket, prefix, store, plan) // the user turned confirmation off
		return
	}
	var lines []string
	if len(plan.files) > 0 {
		lines = append(lines, fmt.Sprintf("%s (%s)", widgets.Count(len(plan.files), "file", "files"), humanize.IBytes(uint64(plan.fileBytes))))
	}
	if len(plan.folders) > 0 {
		lines = append(lines, fmt.Sprintf("%s holding %s (%s)", widgets.Count(len(plan.folders), "folder", "folders"),
			widgets.Count(plan.objects, "object", "objects"), humanize.IBytes(uint64(plan.bytes))))
	}
	title := "Delete " + widgets.Count(n, "item", "items") + "?"
	msg := "This deletes from “" + bucket + "”:\n" + strings.Join(lines, "\n") + "\n\nThis cannot be undone."
	d := dialog.NewConfirm(title, msg, func(ok bool) {
		if ok {
			v.runDelete(bucket, prefix, store, plan)
		}
	}, v.win)
	d.SetConfirmText("Delete")
	d.SetDismissText("Cancel")
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

func (v *ObjectsView) runDelete(bucket, prefix string, store ObjectStore, plan deletePlan) {
	var deleted int64
	var failed []storage.DeleteFailure
	var done int64
	progress := async.NewThrottle(async.Every, v.jobs.Do, func(n int64) {
		v.setStatus("Deleting… " + widgets.Count(n, "object", "objects") + " deleted")
	})
	v.setStatus("Deleting…")
	v.background(func(ctx context.Context) error {
		defer progress.Flush()
		if len(plan.files) > 0 {
			r, err := store.DeleteObjects(ctx, bucket, plan.files)
			deleted += r.Deleted
			failed = append(failed, r.Failed...)
			if err != nil {
				return err
			}
			done = deleted
			progress.Push(done)
		}
		for _, f := range plan.folders {
			base := done
			r, err := store.DeleteFolder(ctx, bucket, f, func(n int64) { progress.Push(base + n) })
			deleted += r.Deleted
			failed = append(failed, r.Failed...)
			if err != nil {
				return err
			}
			done = deleted
		}
		return nil
	}, func(err error) {
		v.setStatus("Deleted " + widgets.Count(deleted, "object", "objects"))
		if err == nil && len(failed) > 0 {
			var b strings.Builder
			for i, f := range failed {
				if i == 5 {
					fmt.Fprintf(&b, "…and %d more", len(failed)-5)
					break
				}
				fmt.Fprintf(&b, "%s: %s\n", f.Key, widgets.ErrorText(f.Err))
			}
			err = fmt.Errorf("%s could not be deleted:\n%s", widgets.Count(len(failed), "object", "objects"), b.String())
		}
		if err != nil {
			widgets.ShowError(v.win, "Not everything was deleted", err)
		}
		v.refreshIfAt(bucket, prefix, "")
	})
}
