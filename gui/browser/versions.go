package browser

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
)

// VersionsPane is the "Show versions" view of a folder (gui/versions), which
// the shell wires in with SetVersions. While the toggle is on, the view
// shows it instead of its table.
type VersionsPane interface {
	// Versioned tells whether bucket has or had versioning (Enabled or
	// Suspended), so the toggle is offered. It runs off the UI goroutine.
	Versioned(ctx context.Context, bucket string) (bool, error)
	// Show lists bucket/prefix's versions beneath ctx; open is called to
	// go into a sub-folder.
	Show(ctx context.Context, bucket, prefix string, open func(prefix string))
	// Stop ends its listing.
	Stop()
	CanvasObject() fyne.CanvasObject
}

// versionsState is the view's part of the versions toggle.
type versionsState struct {
	pane   VersionsPane
	check  *widget.Check // "Show versions": hidden unless the bucket has versions
	on     bool
	bucket string    // the bucket the toggle was asked for
	ask    async.Gen // the running Versioned question
}

// buildVersions makes the toggle.
func (v *ObjectsView) buildVersions() {
	s := &v.vers
	s.check = widget.NewCheck(lang.L("Show versions"), func(on bool) { v.setVersions(on, true) })
	s.check.Hide()
}

// SetVersions wires in the versions pane (nil: none, no toggle).
func (v *ObjectsView) SetVersions(p VersionsPane) {
	s := &v.vers
	if s.pane != nil {
		s.pane.Stop()
		v.body.Remove(s.pane.CanvasObject())
	}
	s.pane, s.bucket = p, ""
	if p != nil {
		o := p.CanvasObject()
		o.Hide()
		v.body.Add(o) // beside the table and the states; showState leaves it be
	}
	v.syncVersions()
}

// VersionsShown tells whether the view shows versions now.
func (v *ObjectsView) VersionsShown() bool { return v.vers.on }

// VersionsOffered tells whether the "Show versions" toggle is offered.
func (v *ObjectsView) VersionsOffered() bool { return v.vers.check.Visible() }

// ShowVersions turns the toggle on or off (as ticking it does).
func (v *ObjectsView) ShowVersions(on bool) {
	if on && !v.VersionsOffered() {
		return
	}
	v.vers.check.SetChecked(on) // calls setVersions
}

// syncVersions follows a change of place: a new bucket asks whether it
// has versions (the toggle goes off and stays hidden until it says so); a
// new folder of the same bucket lists its versions when they are shown.
func (v *ObjectsView) syncVersions() {
	s := &v.vers
	if s.check == nil {
		return
	}
	if v.bucket == "" || v.store == nil || s.pane == nil {
		s.bucket = ""
		s.ask.Stop()
		s.check.Hide()
		v.versionsOff()
		return
	}
	if v.bucket != s.bucket {
		s.bucket = v.bucket
		s.check.Hide()
		v.versionsOff()
		ctx, gen := s.ask.Renew(v.life)
		pane, bucket := s.pane, v.bucket
		v.jobs.Go(func() {
			ok, err := pane.Versioned(ctx, bucket)
			v.jobs.Do(func() {
				if s.ask.Current(gen) && v.bucket == bucket && err == nil && ok {
					s.check.Show()
				}
			})
		})
		return
	}
	if s.on {
		s.pane.Show(v.life, v.bucket, v.prefix, v.openPrefix)
	}
}

// versionsOff unticks the toggle without listing anything again (the
// caller lists the new place).
func (v *ObjectsView) versionsOff() {
	s := &v.vers
	if s.check.Checked {
		f := s.check.OnChanged
		s.check.OnChanged = nil
		s.check.SetChecked(false)
		s.check.OnChanged = f
	}
	v.setVersions(false, false)
}

// setVersions shows or hides the versions; refresh lists the folder again
// when they go (a restore or undelete may have changed it).
func (v *ObjectsView) setVersions(on, refresh bool) {
	s := &v.vers
	if s.pane == nil || on == s.on {
		return
	}
	s.on = on
	o := s.pane.CanvasObject()
	v.showState()
	if on {
		o.Show()
		s.pane.Show(v.life, v.bucket, v.prefix, v.openPrefix)
		return
	}
	s.pane.Stop()
	o.Hide()
	if refresh && v.bucket != "" {
		v.Refresh()
	}
}

// openPrefix is the pane's way into a sub-folder.
func (v *ObjectsView) openPrefix(prefix string) { v.Open(v.bucket, prefix) }
