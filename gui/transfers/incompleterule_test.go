package transfers

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/internal/guitest"
	"s3desk/storage/s3test"
)

// The Incomplete uploads view offers the one-click lifecycle rule when the
// shell gives it a way to add it, and says what happened.
func TestIncompleteViewAddsAbortRule(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	h := newPanelHarness(t)
	h.p.Connect(t.Context(), enginesOf(srv.Service(t)), t.TempDir())
	h.j.Wait()

	// Without the callback there is no button.
	var v *IncompleteView
	h.j.Do(func() { v = NewIncompleteView(t.Context(), h.w, h.p.deps, h.p.incomplete, bucket); v.Show() })
	h.j.Wait()
	if v.rule != nil {
		t.Fatal("rule offered without AbortRule")
	}
	h.j.Do(func() { v.dlg.Hide() })

	var calls []string
	fail := false
	deps := h.p.deps
	deps.AbortRule = func(ctx context.Context, b string, days int, done func(error)) {
		calls = append(calls, b)
		if days != 7 || ctx.Err() != nil {
			t.Errorf("days %d ctx %v", days, ctx.Err())
		}
		if fail {
			done(errors.New("save the lifecycle rules: this server does not implement lifecycle rules"))
			return
		}
		done(nil)
	}
	h.j.Do(func() { v = NewIncompleteView(t.Context(), h.w, deps, h.p.incomplete, bucket); v.Show() })
	h.j.Wait()
	var btn []*widget.Button
	h.j.Do(func() {
		btn = guitest.FindButtons(h.w.Canvas().Overlays().Top(), func(b *widget.Button) bool {
			return b.Text == "Add rule: abort incomplete uploads after 7 days"
		})
	})
	if len(btn) != 1 {
		t.Fatalf("buttons: %d", len(btn))
	}
	test.Tap(btn[0])
	h.j.Wait()
	if len(calls) != 1 || calls[0] != bucket || !strings.HasPrefix(v.status.Text, "Added: "+bucket+" now aborts uploads still incomplete 7 days") {
		t.Fatalf("calls %v, status %q", calls, v.status.Text)
	}
	fail = true
	test.Tap(btn[0])
	h.j.Wait()
	if v.status.Text != "Could not add the rule: save the lifecycle rules: this server does not implement lifecycle rules" || btn[0].Disabled() {
		t.Fatalf("status %q", v.status.Text)
	}
}
