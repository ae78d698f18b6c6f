//go:build ci

package bulk

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"s3desk/storage/bulk"
	"s3desk/storage/s3test"
)

// dump is the text of the labels, entries and buttons under o.
func dump(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widget.Entry:
			b.WriteString(w.Text + "\n")
		case *widget.Button:
			b.WriteString("[" + w.Text + "]\n")
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
			return
		case *container.Scroll:
			walk(w.Content)
			return
		}
		if wd, ok := o.(fyne.Widget); ok {
			r := test.WidgetRenderer(wd)
			for _, c := range r.Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

// TestJobListRetryFailedAndCSV: a job whose copies of some keys the server
// refuses ends Failed with the count; the failures CSV lists exactly those
// keys; Retry failed (after the server relents) finishes the job.
func TestJobListRetryFailedAndCSV(t *testing.T) {
	srv := s3test.StartVersity(t)
	f := s3test.NewFaults(t, srv)
	svc := f.Server().Service(t)
	b := srv.Bucket(t)
	seedKeys(t, srv, b, "src/", 50)
	f.Add(s3test.Rule{Match: func(r *http.Request) bool {
		return s3test.OpName(r) == "CopyObject" && strings.HasSuffix(r.URL.Path, "7")
	}, Fault: s3test.Fault{Status: http.StatusForbidden, Code: "AccessDenied"}})
	h := newHarness(t, realStore{svc: svc})
	h.j.Do(func() {
		if h.p.root.Visible() {
			t.Fatal("the panel shows with no job")
		}
		if _, err := h.p.Start(bulk.Spec{Op: bulk.Copy, Source: bulk.Source{Bucket: b, Prefixes: []string{"src/"}}, BasePrefix: "src/", DestPrefix: "dst/", PlannedObjects: 50}); err != nil {
			t.Fatal(err)
		}
	})
	h.j.Wait()
	if s := h.rowText(t); !strings.HasPrefix(s, "Failed") || !strings.Contains(s, "45 of 50 objects · 5 failed") {
		t.Fatalf("row %q", s)
	}
	r := h.row(t)
	if r.retry.Disabled() || r.csv.Disabled() {
		t.Fatal("Retry failed and Failures CSV… disabled with failures")
	}
	h.tap(r.csv)
	h.mu.Lock()
	var data string
	for name, d := range h.save {
		if strings.HasPrefix(name, "failures-") {
			data = d
		}
	}
	h.mu.Unlock()
	rows, err := csv.NewReader(strings.NewReader(data)).ReadAll()
	if err != nil || len(rows) != 6 || rows[0][1] != "key" || !strings.HasSuffix(rows[1][1], "7") {
		t.Fatalf("failures CSV %q %v", data, err)
	}
	f.Clear()
	mark := f.Seen("CopyObject")
	h.tap(r.retry)
	h.j.Wait()
	if n := f.Seen("CopyObject") - mark; n != 5 {
		t.Fatalf("Retry failed sent %d copies, want the 5 failed", n)
	}
	if s := h.rowText(t); !strings.HasPrefix(s, "Finished") || !strings.Contains(s, "50 of 50") {
		t.Fatalf("after retry: %q", s)
	}
}

// TestJobListPauseAndResumeAfterReconnect: Pause stops a running job
// (Paused, resumable); a job the app's closing stopped resumes by itself
// when the account connects again, and finishes.
func TestJobListPauseAndResumeAfterReconnect(t *testing.T) {
	srv := s3test.StartVersity(t)
	f := s3test.NewFaults(t, srv)
	f.Add(s3test.Rule{Match: s3test.Op("CopyObject"), Fault: s3test.Latency(20e6)}) // 20 ms a copy: the job takes a while
	svc := f.Server().Service(t)
	b := srv.Bucket(t)
	seedKeys(t, srv, b, "src/", 400)
	store := realStore{svc: svc}
	h := newHarness(t, store)
	spec := bulk.Spec{Op: bulk.Copy, Source: bulk.Source{Bucket: b, Prefixes: []string{"src/"}}, BasePrefix: "src/", DestPrefix: "dst/", PlannedObjects: 400, Concurrency: 4}
	var job Job
	h.j.Do(func() { job, _ = h.p.Start(spec) })
	for job.Status().Done < 20 {
		waitABit()
	}
	h.tap(h.row(t).pause) // Pause
	h.j.Wait()
	st := job.Status()
	if st.State != bulk.Paused || !st.UserPaused || st.Done >= 400 {
		t.Fatalf("after Pause: %+v", st)
	}
	if s := h.rowText(t); !strings.HasPrefix(s, "Paused") {
		t.Fatalf("row %q", s)
	}
	// Resume, then "close the app" (cancel the connection) halfway.
	ctx, cancel := context.WithCancel(t.Context())
	h.j.Do(func() { h.p.Connect(ctx, store, h.dir+"/jobs") })
	h.j.Wait()
	h.j.Do(func() {
		for _, j := range h.p.list.List() {
			job = j
		}
		if job.Status().State != bulk.Paused {
			t.Fatalf("a user-paused job resumed by itself: %+v", job.Status())
		}
	})
	h.tap(h.row(t).pause) // Resume
	for job.Status().Done < st.Done+20 {
		waitABit()
	}
	cancel()
	h.j.Wait()
	if st := job.Status(); st.State != bulk.Paused || st.UserPaused || st.Done >= 400 {
		t.Fatalf("after the app closed: %+v", st)
	}
	// The app opens again: the job resumes on its own and finishes.
	h.j.Do(func() { h.p.Connect(t.Context(), store, h.dir+"/jobs") })
	h.j.Wait()
	h.j.Do(func() {
		for _, j := range h.p.list.List() {
			job = j
		}
	})
	if st := job.Status(); st.State != bulk.Finished || st.Done != 400 {
		t.Fatalf("after reopening: %+v", st)
	}
	if n := countKeys(t, svc, b, "dst/"); n != 400 {
		t.Fatalf("%d copies", n)
	}
}
