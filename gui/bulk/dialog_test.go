//go:build ci

package bulk

import (
	"strings"
	"testing"

	"s3desk/storage/s3test"
)

// TestBulkDialogDryRunConfirmStart: "Bulk action…" on a folder of 1,200
// objects: the dry run counts them, Start stays disabled until the count
// is typed, then the job copies exactly those objects and the job list
// says it finished.
func TestBulkDialogDryRunConfirmStart(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc := srv.Service(t)
	b := srv.Bucket(t)
	seedKeys(t, srv, b, "src/", 1200)
	seedKeys(t, srv, b, "srcx/", 3) // a sibling the folder's job must not touch
	h := newHarness(t, realStore{svc: svc})
	var g *Dialog
	h.j.Do(func() { g = h.p.ShowBulk(b, "src/", nil) })
	h.j.Wait()
	h.j.Do(func() {
		if g.startBtn.Disabled() == false {
			t.Fatal("Start enabled before a dry run")
		}
		if !g.exportBtn.Visible() || g.awsBtn.Visible() {
			t.Fatal("off AWS the dialog offers the rclone export, not Batch Operations")
		}
		g.op.SetSelectedIndex(1) // Copy to…
		g.destPrefix.SetText("dst")
	})
	h.tap(g.dryBtn)
	h.j.Wait()
	h.j.Do(func() {
		if g.plan == nil || g.plan.Objects != 1200 || !strings.Contains(g.planText.Text, "1,200 objects") {
			t.Fatalf("dry run: %v %q", g.plan, g.planText.Text)
		}
		if len(g.sample) != sampleKeys || g.sample[0] != "src/k00000" {
			t.Fatalf("sample: %d keys, first %q", len(g.sample), g.sample[0])
		}
		if !g.confirm.Visible() || !g.startBtn.Disabled() {
			t.Fatal("above the threshold Start waits for the typed count")
		}
		g.confirm.SetText("1,199")
		if !g.startBtn.Disabled() {
			t.Fatal("a wrong count enabled Start")
		}
		g.confirm.SetText("1,200")
		if g.startBtn.Disabled() {
			t.Fatal("the right count left Start disabled")
		}
		// Changing the action drops the dry run.
		g.destPrefix.SetText("dst2")
		if g.plan != nil || !g.startBtn.Disabled() {
			t.Fatal("a changed action kept the old dry run")
		}
		g.destPrefix.SetText("dst")
	})
	h.tap(g.dryBtn)
	h.j.Wait()
	h.j.Do(func() { g.confirm.SetText("1200") })
	h.tap(g.startBtn)
	h.j.Wait()
	if n := countKeys(t, svc, b, "dst/"); n != 1200 {
		t.Fatalf("%d copies under dst/, want 1200", n)
	}
	if s := h.rowText(t); !strings.HasPrefix(s, "Finished") || !strings.Contains(s, "1,200 of 1,200 objects") {
		t.Fatalf("row: %q", s)
	}
	r := h.row(t)
	if r.bar.Value != 1 || !r.retry.Disabled() || !r.csv.Disabled() || r.remove.Disabled() {
		t.Fatalf("finished row: bar %v, retry %v, csv %v", r.bar.Value, r.retry.Disabled(), r.csv.Disabled())
	}
}

// TestBulkDialogExportCommand: off AWS, "Export as command file…" saves
// the rclone list of the dry run's keys and shows the command.
func TestBulkDialogExportCommand(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc := srv.Service(t)
	b := srv.Bucket(t)
	seedKeys(t, srv, b, "logs/", 5)
	h := newHarness(t, realStore{svc: svc})
	var g *Dialog
	h.j.Do(func() {
		g = h.p.ShowBulk(b, "logs/", nil)
		g.op.SetSelectedIndex(0) // Delete
	})
	h.tap(g.dryBtn)
	h.j.Wait()
	h.tap(g.exportBtn)
	h.j.Wait()
	h.mu.Lock()
	list := h.save["s3desk-delete-files.txt"]
	h.mu.Unlock()
	if list != "k00000\nk00001\nk00002\nk00003\nk00004\n" {
		t.Fatalf("list %q", list)
	}
	var shown string
	h.j.Do(func() {
		for _, o := range h.w.Canvas().Overlays().List() {
			shown += dump(o)
		}
	})
	if !strings.Contains(shown, "rclone delete 's3desk:"+b+"/logs/' --files-from-raw") {
		t.Fatalf("command dialog: %q", shown)
	}
	if n := countKeys(t, svc, b, "logs/"); n != 5 {
		t.Fatalf("the export deleted something: %d left", n)
	}
}
