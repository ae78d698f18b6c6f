// Package edit is "Edit" (Ctrl+E) on a text-like object: storage/edit
// downloads it into the private edit folder, the system's app (or a chosen
// editor command) opens it, and each save is uploaded back, with a row in
// the transfers panel ("Saved 3 s ago, uploaded") that ends the session.
package edit

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage"
	sedit "s3desk/storage/edit"
	"s3desk/storage/transfer"
)

// Store is the account as edit in place uses it (the shell adapts its
// storage service).
type Store interface {
	Service() *storage.Service
}

// Item is the session's row in the transfers panel.
type Item struct {
	ID     int64
	Upload bool
	Name   string
	Where  string
	Total  int64
}

// Runner ends the session when its row is cancelled.
type Runner interface {
	NewID() int64
	Cancel(id int64)
}

// Deps are edit in place's links to the shell.
type Deps struct {
	Jobs *async.Jobs
	Win  fyne.Window
	// Root is the app's private edit folder (made 0700).
	Root string
	// Editor is the editor command to use; empty opens the system's app.
	Editor []string
	// OpenURL opens a file URL with the system's app (fyne.App.OpenURL).
	OpenURL func(*url.URL) error
	// Track adds the session's row to the transfers panel; nil: none.
	Track func(r Runner, items []Item, retry func(ctx context.Context, it Item, fn transfer.ProgressFunc)) transfer.ProgressFunc
}

// textLike are the extensions edited as text.
var textLike = map[string]bool{".txt": true, ".md": true, ".csv": true, ".tsv": true, ".json": true, ".yaml": true, ".yml": true,
	".xml": true, ".html": true, ".htm": true, ".css": true, ".js": true, ".ts": true, ".go": true, ".py": true, ".sh": true,
	".ini": true, ".conf": true, ".cfg": true, ".toml": true, ".log": true, ".sql": true, ".env": true, ".svg": true, "": true}

// Editable tells whether entry can be edited in place.
func Editable(e storage.Entry) bool {
	return !e.IsFolder && e.Size <= sedit.MaxSize && textLike[strings.ToLower(path.Ext(e.Key))]
}

// session is one running edit and its row.
type session struct {
	id   int64
	s    *sedit.Session
	fn   transfer.ProgressFunc
	stop chan struct{}
}

func (x *session) NewID() int64 { return x.id }
func (x *session) Cancel(int64) { go x.s.Close() }

// Start edits bucket/entry until the editor exits, the row is cancelled or
// ctx (the connection's) ends.
func Start(ctx context.Context, deps Deps, store Store, bucket string, entry storage.Entry) {
	if !Editable(entry) {
		widgets.ShowMessage(deps.Win, lang.L("Edit"), fmt.Sprintf(lang.L("%s is not a text file S3 Desk can edit in place (up to %d MiB); download it instead."), entry.Name, sedit.MaxSize>>20))
		return
	}
	x := &session{id: transfer.NewTransferID(), stop: make(chan struct{})}
	deps.Jobs.Go(func() {
		s, err := sedit.Start(ctx, store.Service(), bucket, entry.Key, deps.Root, sedit.Options{
			Conflict: func(c context.Context) bool { return ask(c, deps, entry.Key) },
			Status:   func(st sedit.Status) { x.report(st) },
		})
		if err != nil {
			deps.Jobs.Do(func() { widgets.ShowMessage(deps.Win, lang.L("Edit"), widgets.Sentence(widgets.ErrorText(err))) })
			return
		}
		x.s = s
		context.AfterFunc(ctx, s.Close) // a closed account or window ends it
		done := make(chan struct{})
		deps.Jobs.Do(func() {
			if deps.Track != nil {
				x.fn = deps.Track(x, []Item{{ID: x.id, Upload: true, Name: entry.Key, Where: bucket, Total: entry.Size}}, nil)
			}
			close(done)
		})
		<-done
		x.report(sedit.Status{Note: "opened"})
		if len(deps.Editor) > 0 {
			err = s.RunEditor(deps.Editor)
		} else if deps.OpenURL != nil {
			err = deps.OpenURL(&url.URL{Scheme: "file", Path: s.Path()})
		}
		if err != nil {
			s.Close()
			deps.Jobs.Do(func() { widgets.ShowMessage(deps.Win, lang.L("Edit"), widgets.Sentence(widgets.ErrorText(err))) })
			return
		}
		go x.tick()
	})
}

// tick refreshes "Saved 3 s ago" while the session lasts.
func (x *session) tick() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if x.s.Status().Ended {
				return
			}
			x.report(x.s.Status())
		case <-x.stop:
			return
		}
	}
}

func (x *session) report(st sedit.Status) {
	if x.fn == nil {
		return
	}
	p := transfer.Progress{ID: x.id, Upload: true, State: transfer.StateRunning, Note: statusText(st, time.Now())}
	if st.Ended {
		p.State = transfer.StateDone
		select {
		case <-x.stop:
		default:
			close(x.stop)
		}
	}
	x.fn(p)
}

// statusText is the row's note, e.g. "Saved 3 s ago, uploaded".
func statusText(st sedit.Status, now time.Time) string {
	if st.Ended {
		return fmt.Sprintf(lang.L("Editing ended; %d saves uploaded"), st.Uploads)
	}
	if st.Saved.IsZero() {
		return lang.L("Editing; each save is uploaded")
	}
	ago := now.Sub(st.Saved).Round(time.Second)
	return fmt.Sprintf(lang.L("Saved %s ago, %s"), ago, lang.L(st.Note))
}

// ask shows the conflict question and waits for the answer.
func ask(ctx context.Context, deps Deps, key string) bool {
	answer := make(chan bool, 1)
	deps.Jobs.Do(func() {
		dialog.ShowConfirm(lang.L("Changed on the server"),
			fmt.Sprintf(lang.L("%s changed on the server since you opened it. Overwrite it with your version?"), key),
			func(ok bool) { answer <- ok }, deps.Win)
	})
	select {
	case ok := <-answer:
		return ok
	case <-ctx.Done():
		return false
	}
}
