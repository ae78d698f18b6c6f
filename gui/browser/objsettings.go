package browser

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/gui/widgets"
	"s3desk/storage"
)

// ObjectSettings is what the per-object settings (tags, storage class,
// restore from archive, object lock) need. *storage.Service satisfies it;
// the view offers them when its ObjectStore does too.
type ObjectSettings interface {
	ObjectTags(ctx context.Context, ref storage.ObjectRef) (map[string]string, error)
	PutObjectTags(ctx context.Context, ref storage.ObjectRef, tags map[string]string) error
	DeleteObjectTags(ctx context.Context, ref storage.ObjectRef) error
	SetStorageClass(ctx context.Context, ref storage.ObjectRef, class types.StorageClass) error
	RestoreObject(ctx context.Context, ref storage.ObjectRef, opts storage.RestoreOptions) error
	ObjectLockEnabled(ctx context.Context, bucket string) (bool, error)
	ObjectRetention(ctx context.Context, ref storage.ObjectRef) (storage.Retention, error)
	PutObjectRetention(ctx context.Context, ref storage.ObjectRef, r storage.Retention, bypassGovernance bool) error
	ObjectLegalHold(ctx context.Context, ref storage.ObjectRef) (bool, error)
	PutObjectLegalHold(ctx context.Context, ref storage.ObjectRef, on bool) error
}

// settings is the store's ObjectSettings, nil when it has none.
func (v *ObjectsView) settings() ObjectSettings {
	s, _ := v.store.(ObjectSettings)
	return s
}

// selectedFiles are the selected objects that are not folders.
func (v *ObjectsView) selectedFiles() []storage.Entry {
	var out []storage.Entry
	for _, e := range v.Selected() {
		if !e.IsFolder {
			out = append(out, e)
		}
	}
	return out
}

// bulkWorkers is how many objects a selection-wide change touches at once.
const bulkWorkers = 4

// bulkRun applies op to every ref, a few at a time, with a dialog that
// counts ("Tagging 3 of 10 files…") and can cancel. A server that does not
// implement the operation stops the run at the first answer. done runs on
// the UI goroutine with how many succeeded and the first failures.
type bulkResult struct {
	done     int
	failures []error // at most a few, for the message
	failed   int
	canceled bool
}

func (v *ObjectsView) bulkRun(title, verb string, refs []storage.ObjectRef, op func(ctx context.Context, ref storage.ObjectRef) error, done func(bulkResult)) {
	ctx, cancel := context.WithCancel(v.life)
	count := widget.NewLabel(fmt.Sprintf(lang.L("%s 0 of %s…"), verb, widgets.Count(len(refs), "file", "files")))
	bar := widget.NewProgressBar()
	bar.Max = float64(len(refs))
	d := dialog.NewCustomWithoutButtons(title, container.NewVBox(count, bar), v.win)
	stop := widget.NewButton(lang.L("Cancel"), func() { cancel() })
	d.SetButtons([]fyne.CanvasObject{stop})
	d.Show()
	var (
		mu  sync.Mutex
		res bulkResult
	)
	v.background(func(context.Context) error {
		defer cancel()
		jobs := make(chan storage.ObjectRef)
		var wg sync.WaitGroup
		for range min(bulkWorkers, len(refs)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ref := range jobs {
					err := op(ctx, ref)
					mu.Lock()
					if err != nil {
						if !errors.Is(err, context.Canceled) {
							res.failed++
							if len(res.failures) < 3 {
								res.failures = append(res.failures, err)
							}
						}
						if errors.Is(err, storage.ErrNotImplemented) {
							cancel() // the same answer for every object
						}
					} else {
						res.done++
					}
					n := res.done + res.failed
					mu.Unlock()
					v.jobs.Do(func() {
						count.SetText(fmt.Sprintf(lang.L("%s %d of %s…"), verb, n, widgets.Count(len(refs), "file", "files")))
						bar.SetValue(float64(n))
					})
				}
			}()
		}
		for _, r := range refs {
			if ctx.Err() != nil {
				break
			}
			select {
			case jobs <- r:
			case <-ctx.Done():
			}
		}
		close(jobs)
		wg.Wait()
		return nil
	}, func(error) {
		d.Hide()
		mu.Lock()
		r := res
		mu.Unlock()
		r.canceled = r.done+r.failed < len(refs)
		done(r)
	})
}

// bulkMessage says how a selection-wide change went, in one paragraph.
func bulkMessage(r bulkResult, total int, did string) string {
	msg := fmt.Sprintf("%s %s.", widgets.Sentence(did), widgets.Count(r.done, "file", "files"))
	if r.done == total {
		return msg
	}
	if r.failed > 0 {
		msg += fmt.Sprintf(" %s failed: %s", widgets.Count(r.failed, "file", "files"), widgets.ErrorText(r.failures[0]))
	}
	if rest := total - r.done - r.failed; rest > 0 {
		msg += fmt.Sprintf(" %s not changed.", widgets.Count(rest, "file was", "files were"))
	}
	return msg
}

// refit lays body out again and sizes d to it, after a label of it was
// shown, hidden or grew.
func refit(d dialog.Dialog, body *fyne.Container, width float32) {
	if d == nil || body == nil {
		return
	}
	body.Refresh()
	widgets.FitDialog(d, width)
}

func refsOf(bucket string, es []storage.Entry) []storage.ObjectRef {
	out := make([]storage.ObjectRef, len(es))
	for i, e := range es {
		out[i] = storage.ObjectRef{Bucket: bucket, Key: e.Key}
	}
	return out
}

// settingsMenuItems are the menu entries of the per-object settings for
// the selected files; none when the store has no object settings.
func (v *ObjectsView) settingsMenuItems() []*fyne.MenuItem {
	files := v.selectedFiles()
	if v.settings() == nil || len(files) == 0 {
		return nil
	}
	items := []*fyne.MenuItem{
		fyne.NewMenuItem(lang.L("Tags…"), v.EditTags),
		fyne.NewMenuItem(lang.L("Change storage class…"), v.ChangeStorageClass),
	}
	for _, e := range files {
		if storage.Archived(e.StorageClass) {
			items = append(items, fyne.NewMenuItem(lang.L("Restore from archive…"), v.RestoreFromArchive))
			break
		}
	}
	return items
}
