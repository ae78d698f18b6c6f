package browser

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

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
		return errors.New(lang.L("type a name"))
	case strings.Contains(s, "/"):
		return errors.New(lang.L("a name cannot contain “/”"))
	case s == "." || s == "..":
		return errors.New(lang.L("“.” and “..” are not allowed as names"))
	case len(s) > 1024:
		return errors.New(lang.L("the name is too long (S3 keys are at most 1,024 bytes)"))
	}
	return nil
}

// NewFolder asks for a name and creates the folder in the open folder.
func (v *ObjectsView) NewFolder() {
	if v.bucket == "" || v.store == nil {
		return
	}
	entry := widgets.NewEscEntry() // Escape cancels
	entry.SetPlaceHolder(lang.L("Folder name"))
	entry.Validator = checkObjectName
	bucket, prefix, store := v.bucket, v.prefix, v.store
	d := dialog.NewForm(lang.L("New folder"), lang.L("Create"), lang.L("Cancel"),
		[]*widget.FormItem{widget.NewFormItem(lang.L("Name"), entry)},
		func(ok bool) {
			if !ok {
				return
			}
			name := strings.TrimSpace(entry.Text)
			key := prefix + name + "/"
			if v.bucket == bucket && v.prefix == prefix && v.rowOfKey(key) {
				widgets.ShowError(v.win, lang.L("New folder"), fmt.Errorf(lang.L("a folder named “%s” already exists here"), name))
				return
			}
			v.setStatus(fmt.Sprintf(lang.L("Creating folder “%s”…"), name))
			v.background(func(ctx context.Context) error {
				return store.CreateFolder(ctx, bucket, key)
			}, func(err error) {
				if err != nil {
					v.setStatus("")
					widgets.ShowError(v.win, lang.L("The folder could not be created"), err)
					return
				}
				v.setStatus(fmt.Sprintf(lang.L("Created folder “%s”"), name))
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
			return errors.New(lang.L("type a different name"))
		}
		return nil
	}
	what := "file"
	if e.IsFolder {
		what = "folder"
	}
	d := dialog.NewForm(fmt.Sprintf(lang.L("Rename %s"), what), lang.L("Rename"), lang.L("Cancel"),
		[]*widget.FormItem{widget.NewFormItem(lang.L("New name"), entry)},
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
			v.setStatus(fmt.Sprintf(lang.L("Renaming “%s” to “%s”…"), old, name))
			progress := async.NewThrottle(async.Every, v.jobs.Do, func(n int64) {
				v.setStatus(fmt.Sprintf(lang.L("Renaming “%s”… %s moved"), old, widgets.Count(n, "object", "objects")))
			})
			v.background(func(ctx context.Context) error {
				defer progress.Flush()
				if e.IsFolder {
					for p, err := range store.List(ctx, bucket, storage.ListOptions{Prefix: newKey, PageSize: 1}) {
						if err != nil {
							return err
						}
						if len(p.Objects)+len(p.Folders) > 0 {
							return fmt.Errorf(lang.L("a folder named “%s” already exists here; choose another name")+"%.0w", name, errNameTaken)
						}
						break
					}
					return store.RenameFolder(ctx, bucket, e.Key, newKey, progress.Push)
				}
				if _, err := store.Stat(ctx, bucket, newKey); err == nil {
					return fmt.Errorf(lang.L("a file named “%s” already exists here; choose another name")+"%.0w", name, errNameTaken)
				} else if !errors.Is(err, storage.ErrNotFound) {
					return err
				}
				return store.Rename(ctx, storage.ObjectRef{Bucket: bucket, Key: e.Key}, storage.ObjectRef{Bucket: bucket, Key: newKey})
			}, func(err error) {
				if err != nil {
					v.setStatus("")
					widgets.ShowError(v.win, fmt.Sprintf(lang.L("“%s” was not renamed"), old), err)
					v.refreshIfAt(bucket, prefix, e.Key)
					return
				}
				v.setStatus(fmt.Sprintf(lang.L("Renamed “%s” to “%s”"), old, name))
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
	counting := dialog.NewCustom(lang.L("Counting…"), lang.L("Cancel"),
		widget.NewLabel(fmt.Sprintf(lang.N("Counting what %d folder holds…", len(plan.folders)), len(plan.folders))), v.win)
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
			widgets.ShowError(v.win, lang.L("Nothing was deleted"), err)
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
		lines = append(lines, fmt.Sprintf("%s (%s)", widgets.Count(len(plan.files), "file", "files"), widgets.Bytes(uint64(plan.fileBytes))))
	}
	if len(plan.folders) > 0 {
		lines = append(lines, fmt.Sprintf(lang.L("%s holding %s (%s)"), widgets.Count(len(plan.folders), "folder", "folders"),
			widgets.Count(plan.objects, "object", "objects"), widgets.Bytes(uint64(plan.bytes))))
	}
	title := fmt.Sprintf(lang.L("Delete %s?"), widgets.Count(n, "item", "items"))
	msg := fmt.Sprintf(lang.L("This deletes from “%s”:"), bucket) + "\n" + strings.Join(lines, "\n") + "\n\n" + lang.L("This cannot be undone.")
	d := dialog.NewConfirm(title, msg, func(ok bool) {
		if ok {
			v.runDelete(bucket, prefix, store, plan)
		}
	}, v.win)
	d.SetConfirmText(lang.L("Delete"))
	d.SetDismissText(lang.L("Cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

func (v *ObjectsView) runDelete(bucket, prefix string, store ObjectStore, plan deletePlan) {
	var deleted int64
	var failed []storage.DeleteFailure
	var done int64
	progress := async.NewThrottle(async.Every, v.jobs.Do, func(n int64) {
		v.setStatus(fmt.Sprintf(lang.L("Deleting… %s deleted"), widgets.Count(n, "object", "objects")))
	})
	v.setStatus(lang.L("Deleting…"))
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
		v.setStatus(fmt.Sprintf(lang.L("Deleted %s"), widgets.Count(deleted, "object", "objects")))
		if err == nil && len(failed) > 0 {
			var b strings.Builder
			for i, f := range failed {
				if i == 5 {
					fmt.Fprintf(&b, lang.L("…and %d more"), len(failed)-5)
					break
				}
				fmt.Fprintf(&b, "%s: %s\n", f.Key, widgets.ErrorText(f.Err))
			}
			err = fmt.Errorf(lang.L("%s could not be deleted:\n%s"), widgets.Count(len(failed), "object", "objects"), b.String())
		}
		if err != nil {
			widgets.ShowError(v.win, lang.L("Not everything was deleted"), err)
		}
		v.refreshIfAt(bucket, prefix, "")
	})
}
