package bucketconfig

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage"
)

// section is what every tab shares: an explanation, a status line, the
// tab's controls, and Save / Cancel. Loading and saving run in the
// background under the window's context; a load superseded by another is
// dropped.
type section struct {
	w      *Window
	intro  *widget.Label
	status *widget.Label
	form   *fyne.Container // the tab's controls; hidden until loaded, and when not supported
	save   *widget.Button
	cancel *widget.Button
	again  *widget.Button
	extra  *fyne.Container // buttons of the tab beside Save and Cancel

	content fyne.CanvasObject
	gen     async.Gen

	// fetch reads the setting (background) and returns what shows it (UI).
	fetch func(ctx context.Context) (show func(), err error)
	// collect reads the controls (UI) and returns the write (background),
	// or why the controls are not valid.
	collect func() (put func(ctx context.Context) error, err error)
	// revert puts the controls back to what was loaded (Cancel).
	revert func()
	// confirm, when set, is the question to ask before a save that
	// removes something ("" for none).
	confirm func() (title, question string)

	// Supported is false once the server said it does not implement the
	// setting; Loaded once a load succeeded.
	Supported, Loaded bool
}

func newSection(w *Window, intro string, form fyne.CanvasObject) *section {
	s := &section{w: w, Supported: true}
	s.intro = widget.NewLabel(intro)
	s.intro.Wrapping = fyne.TextWrapWord
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.form = container.NewStack(form)
	s.form.Hide()
	s.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), s.Save)
	s.save.Importance = widget.HighImportance
	s.cancel = widget.NewButton(lang.L("Cancel"), s.Cancel)
	s.again = widget.NewButtonWithIcon(lang.L("Reload"), theme.ViewRefreshIcon(), s.reloadAsked)
	s.extra = container.NewHBox()
	s.save.Disable()
	s.cancel.Disable()
	bar := container.NewBorder(nil, nil, s.extra, container.NewHBox(s.again, s.cancel, s.save))
	top := container.NewVBox(s.intro, s.status)
	s.content = container.NewPadded(container.NewBorder(top, bar, nil, nil, s.form))
	return s
}

// Status is the section's status line.
func (s *section) Status() string { return s.status.Text }

func (s *section) say(text string, imp widget.Importance) {
	s.status.Importance = imp
	s.status.SetText(text)
}

func (s *section) reloadAsked() { s.again.Disable(); s.reloadFrom() }

// reload loads the setting in the background (UI goroutine).
func (s *section) reload() { s.reloadFrom() }

func (s *section) reloadFrom() {
	ctx, gen := s.gen.Renew(s.w.ctx)
	s.say(lang.L("Loading…"), widget.LowImportance)
	s.save.Disable()
	s.cancel.Disable()
	fetch := s.fetch
	s.w.jobs.Go(func() {
		show, err := fetch(ctx)
		s.w.jobs.Do(func() {
			if !s.gen.Current(gen) {
				return
			}
			s.again.Enable()
			if err != nil {
				s.failed("Could not load", err)
				return
			}
			s.Supported, s.Loaded = true, true
			s.form.Show()
			s.save.Enable()
			s.cancel.Enable()
			s.say("", widget.MediumImportance)
			show() // may disable Save (a bucket without object lock)
		})
	})
}

// failed shows err; a server without the setting says so plainly and the
// controls go away.
func (s *section) failed(what string, err error) {
	if errors.Is(err, context.Canceled) {
		s.say(lang.L("Stopped: the window closed or the account was switched."), widget.LowImportance)
		return
	}
	if errors.Is(err, storage.ErrNotSupported) {
		s.Supported = false
		s.form.Hide()
		s.save.Disable()
		s.cancel.Disable()
		s.say(fmt.Sprintf(lang.L("Not supported: %s"), widgets.ErrorText(err)), widget.WarningImportance)
		return
	}
	s.say(what+": "+widgets.ErrorText(err), widget.DangerImportance)
}

// Save writes the controls' values (UI goroutine).
func (s *section) Save() {
	put, err := s.collect()
	if err != nil {
		s.say(fmt.Sprintf(lang.L("Not saved: %s"), err.Error()), widget.DangerImportance)
		return
	}
	if s.confirm != nil {
		if title, q := s.confirm(); q != "" {
			dialog.ShowConfirm(title, q, func(ok bool) {
				if ok {
					s.saveWith(put, nil)
				}
			}, s.w.win)
			return
		}
	}
	s.saveWith(put, nil)
}

// saveWith runs put in the background and then reloads; done (UI, may be
// nil) follows a success.
func (s *section) saveWith(put func(ctx context.Context) error, done func()) {
	ctx, gen := s.gen.Renew(s.w.ctx)
	s.say(lang.L("Saving…"), widget.LowImportance)
	s.save.Disable()
	s.cancel.Disable()
	s.w.jobs.Go(func() {
		err := put(ctx)
		var show func()
		var lerr error
		if err == nil {
			show, lerr = s.fetch(ctx)
		}
		s.w.jobs.Do(func() {
			if !s.gen.Current(gen) {
				return
			}
			s.save.Enable()
			s.cancel.Enable()
			if err != nil {
				s.failed("Could not save", err)
				if s.Loaded && errors.Is(err, storage.ErrNotSupported) {
					s.form.Show() // what was loaded stays visible
					s.cancel.Enable()
				}
				return
			}
			if lerr == nil {
				show()
			}
			if done != nil {
				done()
			}
			s.say(lang.L("Saved."), widget.SuccessImportance)
		})
	})
}

// Cancel puts the controls back to what was loaded.
func (s *section) Cancel() {
	if s.revert != nil && s.Loaded {
		s.revert()
		s.say(lang.L("Changes discarded."), widget.LowImportance)
	}
}
