package browser

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/gui/widgets"
	"s3desk/storage"
)

// lockState is an object's object-lock settings as read.
type lockState struct {
	retention storage.Retention
	held      bool
}

// untilLayout is how the retain-until date is typed, in local time.
const untilLayout = "2006-01-02 15:04"

// lockText is the object-lock settings on one line.
func lockText(s lockState) string {
	var parts []string
	if s.retention.None() || !s.retention.Until.After(time.Now()) {
		parts = append(parts, "no retention")
	} else {
		parts = append(parts, fmt.Sprintf(lang.L("%s retention until %s"), string(s.retention.Mode), s.retention.Until.Local().Format("2 Jan 2006 15:04")))
	}
	if s.held {
		parts = append(parts, "legal hold on")
	} else {
		parts = append(parts, "no legal hold")
	}
	return widgets.Sentence(strings.Join(parts, "; "))
}

// lockDialog edits the retention and legal hold of one object.
type lockDialog struct {
	v       *ObjectsView
	d       *dialog.CustomDialog
	body    *fyne.Container
	ref     storage.ObjectRef
	was     lockState
	mode    *widget.RadioGroup
	until   *widget.Entry
	bypass  *widget.Check
	hold    *widget.Check
	warn    *widget.Label
	errText *widget.Label
	save    *widget.Button
	saved   func(lockState)
}

const (
	modeNone       = "None"
	modeGovernance = "Governance — users with s3:BypassGovernanceRetention can shorten or remove it"
	modeCompliance = "Compliance — nobody, not even the root user, can shorten or remove it"
)

func (v *ObjectsView) editObjectLock(ref storage.ObjectRef, was lockState, saved func(lockState)) *lockDialog {
	if v.settings() == nil {
		return nil
	}
	l := &lockDialog{v: v, ref: ref, was: was, saved: saved}
	l.mode = widget.NewRadioGroup([]string{modeNone, modeGovernance, modeCompliance}, func(string) { l.check() })
	l.mode.Required = true
	l.until = widget.NewEntry()
	l.until.SetPlaceHolder(untilLayout)
	l.until.OnChanged = func(string) { l.check() }
	switch was.retention.Mode {
	case types.ObjectLockRetentionModeGovernance:
		l.mode.SetSelected(modeGovernance)
	case types.ObjectLockRetentionModeCompliance:
		l.mode.SetSelected(modeCompliance)
	default:
		l.mode.SetSelected(modeNone)
	}
	if !was.retention.Until.IsZero() {
		l.until.SetText(was.retention.Until.Local().Format(untilLayout))
	} else {
		l.until.SetText(time.Now().AddDate(0, 0, 30).Local().Format(untilLayout))
	}
	l.bypass = widget.NewCheck(lang.L("Bypass governance retention (needed to shorten or remove it)"), func(bool) { l.check() })
	l.hold = widget.NewCheck(lang.L("Legal hold (no deletion or overwrite until it is lifted, whatever the retention)"), func(bool) { l.check() })
	l.hold.SetChecked(was.held)
	l.warn = widget.NewLabel("")
	l.warn.Wrapping = fyne.TextWrapWord
	l.warn.Importance = widget.WarningImportance
	l.errText = widget.NewLabel("")
	l.errText.Wrapping = fyne.TextWrapWord
	l.errText.Importance = widget.DangerImportance
	l.errText.Hide()
	l.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), l.doSave)
	l.save.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Retention"), l.mode),
		widget.NewFormItem(lang.L("Retain until"), container.NewBorder(nil, nil, nil, widget.NewLabel(lang.L("local time")), l.until)),
	)
	l.body = container.NewVBox(form, l.bypass, widget.NewSeparator(), l.hold, l.warn, l.errText)
	l.d = dialog.NewCustomWithoutButtons(fmt.Sprintf(lang.L("Object lock of “%s”"), ref.Key), l.body, v.win)
	l.d.SetButtons([]fyne.CanvasObject{widget.NewButton(lang.L("Cancel"), func() { l.d.Hide() }), l.save})
	widgets.FitDialog(l.d, 620)
	l.check()
	l.d.Show()
	return l
}

// wanted is the chosen state, or the problem in words.
func (l *lockDialog) wanted() (lockState, string) {
	s := lockState{held: l.hold.Checked}
	switch l.mode.Selected {
	case modeGovernance:
		s.retention.Mode = types.ObjectLockRetentionModeGovernance
	case modeCompliance:
		s.retention.Mode = types.ObjectLockRetentionModeCompliance
	default:
		return s, ""
	}
	t, err := time.ParseInLocation(untilLayout, strings.TrimSpace(l.until.Text), time.Local)
	if err != nil {
		return s, fmt.Sprintf(lang.L("Write the date as %s, e.g. %s."), untilLayout, time.Now().AddDate(0, 1, 0).Format(untilLayout))
	}
	if !t.After(time.Now()) {
		return s, "The retain-until date must be in the future."
	}
	s.retention.Until = t
	return s, ""
}

func (l *lockDialog) check() {
	if l.save == nil {
		return
	}
	s, msg := l.wanted()
	widgets.SetEnabled(l.until, l.mode.Selected != modeNone)
	warn := ""
	switch {
	case msg != "":
		warn = msg
	case s.retention.Mode == types.ObjectLockRetentionModeCompliance:
		warn = fmt.Sprintf(lang.L("Compliance retention cannot be shortened or removed by anyone until %s; the object cannot be deleted before then."), s.retention.Until.Format("2 Jan 2006 15:04"))
	case l.was.retention.Mode == types.ObjectLockRetentionModeGovernance && !l.bypass.Checked &&
		(s.retention.Mode == "" || s.retention.Until.Before(l.was.retention.Until)):
		warn = "Shortening or removing a governance retention needs “Bypass governance retention”."
	}
	l.warn.SetText(warn)
	l.warn.Hidden = warn == ""
	l.warn.Refresh()
	refit(l.d, l.body, 620)
	widgets.SetEnabled(l.save, msg == "")
}

func (l *lockDialog) doSave() {
	s, msg := l.wanted()
	if msg != "" {
		return
	}
	v, st, ref, was := l.v, l.v.settings(), l.ref, l.was
	bypass := l.bypass.Checked
	retentionChanged := s.retention.Mode != was.retention.Mode || !s.retention.Until.Equal(was.retention.Until)
	l.save.Disable()
	l.errText.Hide()
	v.background(func(ctx context.Context) error {
		if retentionChanged && !(s.retention.None() && was.retention.None()) {
			if err := st.PutObjectRetention(ctx, ref, s.retention, bypass); err != nil {
				return err
			}
		}
		if s.held != was.held {
			return st.PutObjectLegalHold(ctx, ref, s.held)
		}
		return nil
	}, func(err error) {
		if err != nil {
			msg := widgets.ErrorText(err)
			if errors.Is(err, storage.ErrNotImplemented) {
				msg = "This server does not implement object lock."
			}
			l.errText.SetText(widgets.Sentence(msg))
			l.errText.Show()
			refit(l.d, l.body, 620)
			l.save.Enable()
			return
		}
		v.setStatus(fmt.Sprintf(lang.L("Saved the object lock of “%s”"), ref.Key))
		l.d.Hide()
		if l.saved != nil {
			l.saved(s)
		}
	})
}
