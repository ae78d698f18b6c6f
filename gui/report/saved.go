package report

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	"s3desk/storage/report"
)

// savedStep is step 6 (save the report's definition) and the "Run again
// next month" row of step 1.
type savedStep struct {
	w       *Wizard
	name    *widget.Entry
	saveBtn *widget.Button
	note    *widget.Label

	// The run row, on step 1.
	defs    []report.Definition
	pick    *widget.Select
	month   *widget.Entry
	runBtn  *widget.Button
	row     *fyne.Container
	running *report.Definition // the definition an automatic run is for
}

func (s *savedStep) build(w *Wizard) fyne.CanvasObject {
	s.w = w
	s.name = widget.NewEntry()
	s.name.SetPlaceHolder(lang.L("Monthly requests report"))
	s.saveBtn = widget.NewButtonWithIcon(lang.L("Save report"), theme.DocumentSaveIcon(), s.save)
	s.saveBtn.Importance = widget.HighImportance
	s.note = widget.NewLabel("")
	s.note.Wrapping = fyne.TextWrapWord
	intro := widget.NewLabel(lang.L("Save this report (the folder and file pattern, the columns, the chart and where it is published) for this profile. Next month, open Combine CSVs… on any folder, pick the saved report and press Run again next month: S3 Desk does every step again for the new month's folder."))
	intro.Wrapping = fyne.TextWrapWord
	if w.opts.Definitions == nil {
		s.saveBtn.Disable()
		s.note.SetText(fmt.Sprintf(lang.L("Reports cannot be saved: %s"), widgets.ErrorText(w.opts.DefsErr)))
	}
	form := widget.NewForm(widget.NewFormItem(lang.L("Name"), s.name))
	return container.NewVBox(intro, form, container.NewHBox(s.saveBtn), s.note)
}

// entered suggests a name.
func (s *savedStep) entered() {
	if s.name.Text == "" {
		s.name.SetText(strings.TrimSpace(s.w.publish.title.Text))
	}
}

// save writes the definition to the profile's saved reports.
func (s *savedStep) save() {
	w := s.w
	defs := w.opts.Definitions
	if defs == nil {
		return
	}
	d := w.definition(s.name.Text)
	if d.Name == "" {
		s.note.SetText(lang.L("Give the report a name."))
		return
	}
	profile := w.opts.Profile
	s.saveBtn.Disable()
	w.jobs.Go(func() {
		err := defs.Save(profile, d)
		w.jobs.Do(func() {
			if w.closed {
				return
			}
			s.saveBtn.Enable()
			if err != nil {
				s.note.SetText(fmt.Sprintf(lang.L("Could not save: %s"), widgets.ErrorText(err)))
				return
			}
			next := report.NextMonth(d.SourcePrefix)
			if next == "" {
				next = "the next month's folder"
			}
			s.note.SetText(fmt.Sprintf(lang.L("✓ Saved “%s” for %s. Next month, run it again on %s in one click."), d.Name, profileName(profile), next))
			s.loadDefs()
		})
	})
}

func profileName(p string) string {
	if p == "" {
		return "this connection"
	}
	return fmt.Sprintf(lang.L("profile “%s”"), p)
}

// runRow is step 1's "Run again next month" row; hidden while the profile
// has no saved report.
func (s *savedStep) runRow(w *Wizard) fyne.CanvasObject {
	s.w = w
	s.pick = widget.NewSelect(nil, func(name string) {
		for _, d := range s.defs {
			if d.Name == name {
				next := report.NextMonth(d.SourcePrefix)
				if next == "" {
					next = d.SourcePrefix
				}
				s.month.SetText(next)
			}
		}
		widgets.SetEnabled(s.runBtn, name != "")
	})
	s.pick.PlaceHolder = "(a saved report)"
	s.month = widget.NewEntry()
	s.month.SetPlaceHolder(lang.L("the new month's folder"))
	s.runBtn = widget.NewButtonWithIcon(lang.L("Run again next month"), theme.MediaReplayIcon(), s.runSelected)
	s.runBtn.Importance = widget.HighImportance
	s.runBtn.Disable()
	s.row = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("Saved report:")), s.runBtn, container.NewGridWithColumns(2, s.pick, s.month)),
		widget.NewSeparator())
	s.row.Hide()
	s.loadDefs()
	return s.row
}

// loadDefs lists the profile's saved reports for the run row.
func (s *savedStep) loadDefs() {
	w := s.w
	defs := w.opts.Definitions
	if defs == nil {
		return
	}
	profile := w.opts.Profile
	w.jobs.Go(func() {
		list, err := defs.List(profile)
		w.jobs.Do(func() {
			if w.closed {
				return
			}
			if err != nil {
				s.row.Show()
				s.pick.Disable()
				s.month.SetText("")
				s.month.SetPlaceHolder(fmt.Sprintf(lang.L("saved reports unreadable: %s"), widgets.ErrorText(err)))
				return
			}
			s.defs = list
			var names []string
			for _, d := range list {
				if d.SourceBucket == w.bucket {
					names = append(names, d.Name)
				}
			}
			s.pick.Options = names
			s.pick.Refresh()
			if len(names) == 0 {
				s.row.Hide()
				return
			}
			s.row.Show()
			if s.pick.Selected == "" && len(names) == 1 {
				s.pick.SetSelected(names[0])
			}
		})
	})
}

// runSelected runs the chosen saved report on the month's folder typed.
func (s *savedStep) runSelected() {
	for _, d := range s.defs {
		if d.Name == s.pick.Selected {
			s.w.runDefinition(d.ForSource(strings.TrimSpace(s.month.Text)))
			return
		}
	}
}

// runDefinition runs every step for d (already moved to its month) and
// stops where a question needs the user.
func (w *Wizard) runDefinition(d report.Definition) {
	w.auto = &d
	w.saved.running = &d
	w.pick.keys = nil
	w.pick.folder.SetText(d.SourcePrefix)
	w.pick.pattern.SetText(d.Pattern)
	w.pick.keys = nil
	w.saved.name.SetText(d.Name)
	w.say(fmt.Sprintf(lang.L("Running “%s” for %s…"), d.Name, d.SourcePrefix), false)
	w.show(stepPick)
	w.pick.list()
}

// ranToEnd records that the saved report ran for its new month, so that
// next time "next month" is the one after.
func (s *savedStep) ranToEnd() {
	w := s.w
	d := s.running
	s.running = nil
	if d == nil || w.opts.Definitions == nil {
		return
	}
	defs, profile := w.opts.Definitions, w.opts.Profile
	def := *d
	def.LastRun = def.SourcePrefix
	w.jobs.Go(func() {
		err := defs.Save(profile, def)
		w.jobs.Do(func() {
			if w.closed {
				return
			}
			if err != nil {
				w.say(fmt.Sprintf(lang.L("The report is published, but the saved report was not updated: %s"), widgets.ErrorText(err)), true)
				return
			}
			s.note.SetText(fmt.Sprintf(lang.L("✓ “%s” ran for %s and is saved for next month."), def.Name, def.SourcePrefix))
			s.loadDefs()
		})
	})
}
